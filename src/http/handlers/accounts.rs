//! `/api/v1/users/{username}/…`: what an administrator does to an account of their organisation
//! (national administrators: of any). Each handler calls one use case of `domain::accounts`.

use actix_web::{HttpResponse, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::users::UserDto;
use crate::domain::access::Principal;
use crate::domain::accounts;
use crate::domain::types::parse_roles;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(reset_password).service(set_roles).service(deactivate).service(reactivate).service(unlock);
}

#[derive(Serialize, ToSchema)]
pub struct PasswordReset {
    pub user: UserDto,
    /// Shown once, never stored in clear: the user must change it at the next sign-in.
    pub one_time_password: String,
}

/// Gives a user a one-time password. Their tokens stop working, a sign-in lock is lifted, and
/// after signing in with it they can do nothing but change it.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, description = "The one-time password", body = PasswordReset), AuthErrors, NotFound, Conflict)
)]
#[post("/users/{username}/password-reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (by, name) = (who.username.clone(), username.into_inner());
    let (user, one_time_password) = state.db.run(move |conn| accounts::reset_password(conn, &who, &name)).await?;
    tracing::info!(user = %user.username, by = %by, "password reset");
    Ok(HttpResponse::Ok().json(PasswordReset { user: user.into(), one_time_password }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesInput {
    /// admin, hr, production, campus or viewer; at least one.
    #[schema(value_type = Vec<crate::domain::types::Role>, min_items = 1)]
    pub roles: Vec<String>,
}

/// Replaces a user's roles; they apply to their next request. The last active administrator of
/// NATIONAL keeps the admin role (409).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    request_body = RolesInput,
    responses((status = 200, description = "The user", body = UserDto), AuthErrors, BodyErrors, NotFound, Conflict)
)]
#[put("/users/{username}/roles")]
pub async fn set_roles(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
    body: Json<RolesInput>,
) -> Result<HttpResponse, ApiError> {
    let roles = parse_roles("roles", &body.roles)?;
    let (by, name) = (who.username.clone(), username.into_inner());
    let user = state.db.run(move |conn| accounts::set_roles(conn, &who, &name, &roles)).await?;
    let names: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    tracing::info!(user = %user.username, by = %by, roles = %names.join(","), "roles changed");
    Ok(HttpResponse::Ok().json(UserDto::from(user)))
}

async fn activation(
    state: &AppState,
    who: Principal,
    username: String,
    active: bool,
) -> Result<HttpResponse, ApiError> {
    let by = who.username.clone();
    let user = state.db.run(move |conn| accounts::set_active(conn, &who, &username, active)).await?;
    tracing::info!(user = %user.username, by = %by, active, "account activation changed");
    Ok(HttpResponse::Ok().json(UserDto::from(user)))
}

/// Deactivates an account: it cannot sign in, and its tokens stop working at once and stay
/// dead. Not oneself, nor the last active administrator of NATIONAL (409).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, description = "The user", body = UserDto), AuthErrors, NotFound, Conflict)
)]
#[post("/users/{username}/deactivate")]
pub async fn deactivate(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    activation(&state, who, username.into_inner(), false).await
}

/// Reactivates an account: it can sign in again (tokens issued before stay dead).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, description = "The user", body = UserDto), AuthErrors, NotFound)
)]
#[post("/users/{username}/reactivate")]
pub async fn reactivate(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    activation(&state, who, username.into_inner(), true).await
}

/// Lifts a sign-in lock of the account before its time.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, description = "The user", body = UserDto), AuthErrors, NotFound)
)]
#[post("/users/{username}/unlock")]
pub async fn unlock(
    state: web::Data<AppState>,
    who: Principal,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = username.into_inner();
    let user = state.db.run(move |conn| accounts::unlock(conn, &who, &name)).await?;
    Ok(HttpResponse::Ok().json(UserDto::from(user)))
}
