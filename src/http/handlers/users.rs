//! `/api/v1/users`: administrators manage the users of their organisation (national: all).

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::access::Principal;
use crate::domain::accounts;
use crate::domain::paging::Page;
use crate::domain::types::{Password, Role, Username, parse_roles};
use crate::domain::users::{self, User};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(remove);
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub organisation: String,
    pub roles: Vec<Role>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// A deactivated account cannot sign in.
    pub active: bool,
    /// Signed in with a one-time password that must be changed first.
    pub must_change_password: bool,
    /// Signs in with the directory's password; organisation and roles follow the directory groups.
    pub directory: bool,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        Self {
            username: u.username,
            organisation: u.organisation_code,
            roles: u.roles,
            created_at: u.created_at,
            active: u.active,
            must_change_password: u.must_change_password,
            directory: u.directory,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserDto {
    /// 3–64 of letters, digits, '.', '_', '-' and '@'.
    #[schema(pattern = "^ *[A-Za-z0-9._@-]{3,64} *$")]
    pub username: String,
    /// 12 to 128 characters, not easy to guess. Stored only as an argon2id hash.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    /// Organisation code.
    pub organisation: String,
    #[schema(value_type = Vec<crate::domain::types::Role>, min_items = 1)]
    pub roles: Vec<String>,
}

crate::paged_query! {
    pub struct UsersQuery {
        /// Organisation code: only its users (national administrators; others read their own).
        pub organisation: Option<String>,
    }
}

/// Users of the caller's organisation (national administrators: every user), by username.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UsersQuery),
    responses((status = 200, description = "A page of users", body = Page<UserDto>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/users")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let found = state.db.run(move |conn| users::page(conn, &who, q.organisation.as_deref(), q.ask()?)).await?;
    Ok(super::paged(&req, &found.map(UserDto::from)))
}

/// Creates a user in the caller's organisation (national administrators: in any).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = NewUserDto,
    responses((status = 201, description = "Created", body = UserDto, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict)
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<NewUserDto>,
) -> Result<HttpResponse, ApiError> {
    who.require_any(&[Role::Admin])?;
    let body = body.into_inner();
    let username = Username::parse("username", &body.username)?;
    let roles = parse_roles("roles", &body.roles)?;
    let password = Password::new_checked("password", &body.password, &[&body.username, &body.organisation])?;
    let org_code = body.organisation;
    // On the blocking pool: argon2 would otherwise hold an actix worker.
    let user = state.db.run(move |conn| users::create_in(conn, &who, &username, &password, &org_code, &roles)).await?;
    tracing::info!(user = %user.username, organisation = %user.organisation_code, "user created");
    Ok(super::created(format!("/api/v1/users/{}", super::escaped(&user.username)), UserDto::from(user)))
}

/// Finds a user the caller may see: themselves, or any user of their reach for administrators.
async fn visible_user(state: &AppState, who: &Principal, username: String) -> Result<User, ApiError> {
    let user = state.db.run(move |conn| users::find_by_username(conn, &username)).await?;
    match user {
        Some(u) if u.id == who.user_id => Ok(u),
        Some(u) if who.can_access(u.organisation_id) => {
            who.require_any(&[Role::Admin])?;
            Ok(u)
        }
        _ => Err(ApiError::not_found("user not found")),
    }
}

/// One user: oneself, or, for administrators, a user of their organisation.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, description = "The user", body = UserDto), AuthErrors, NotFound)
)]
#[get("/users/{username}")]
pub async fn get_one(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = visible_user(&state, &who, username.into_inner()).await?;
    Ok(HttpResponse::Ok().json(UserDto::from(user)))
}

/// Deletes a user; their tokens stop working at once. Administrators cannot delete themselves,
/// nor the last active administrator of NATIONAL (409).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 204, description = "Deleted"), AuthErrors, NotFound, Conflict)
)]
#[delete("/users/{username}")]
pub async fn remove(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let username = username.into_inner();
    let name = username.clone();
    state.db.run(move |conn| accounts::delete(conn, &who, &name)).await?;
    tracing::info!(user = %username, "user deleted");
    Ok(HttpResponse::NoContent().finish())
}
