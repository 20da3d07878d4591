//! `POST /api/v1/auth/token`, `GET /api/v1/me` and `POST /api/v1/me/password`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::users::UserDto;
use crate::domain::access::Principal;
use crate::domain::sign_in::{self, Attempt, Outcome};
use crate::domain::{accounts, users};
use crate::error::{ApiError, ErrorBody};
use crate::http::AppState;
use crate::http::auth::origin;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, TooManyRequests};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(token).service(me).service(change_password);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 128)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

fn token_for(state: &AppState, user: &users::User) -> Result<TokenResponse, ApiError> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(user.id, user.token_epoch)?,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_secs,
    })
}

/// Exchanges a username and password for a bearer token. Refusals are answered more slowly as
/// failures add up; after `GPEC_LOGIN_MAX_FAILURES` the account name is locked (429 with
/// `Retry-After`) for `GPEC_LOGIN_LOCK_SECS`, and so is an address after five times as many.
/// A user with a one-time password gets a token that can only change it. With a directory set
/// (`GPEC_LDAP_URL`), directory accounts, and names gpec does not know, sign in with their
/// directory password; their organisation and roles follow their directory groups.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        (status = 401, description = "Wrong username or password (which one is not said)", body = ErrorBody, content_type = "application/problem+json"),
        (status = 403, description = "A directory account whose groups grant no access to gpec", body = ErrorBody, content_type = "application/problem+json"),
        (status = 503, description = "The database, or the directory (`directory_unavailable`), is unavailable", body = ErrorBody, content_type = "application/problem+json"),
        BodyErrors, TooManyRequests,
    )
)]
#[post("/auth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let TokenRequest { username, password } = body.into_inner();
    // The peer itself: a forwarded-for header is the client's word, which an attacker would vary.
    let from = req.peer_addr().map(|a| a.ip());
    let attempt = Attempt { username, password, from };
    let outcome = sign_in::sign_in(&state.db, state.directory.as_ref(), attempt, state.sign_in, origin(&req)).await?;
    match outcome {
        Outcome::SignedIn(user) => {
            tracing::info!(user = %user.username, "token issued");
            Ok(HttpResponse::Ok().json(token_for(&state, &user)?))
        }
        Outcome::Refused { failures } => {
            actix_web::rt::time::sleep(sign_in::delay(failures)).await;
            Err(ApiError::Unauthorized("invalid username or password".to_owned()))
        }
        Outcome::NoAccess(why) => Err(ApiError::forbidden(why)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(max_length = 128)]
    pub current_password: String,
    /// 12 to 128 characters, not easy to guess (common passwords and the username are refused).
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// Changes the caller's own password, given the current one. Every earlier token of the caller
/// stops working; the answer carries a new one.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 200, description = "Changed; a new token", body = TokenResponse), AuthErrors, BodyErrors)
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let PasswordChange { current_password, new_password } = body.into_inner();
    let user =
        state.db.run(move |conn| accounts::change_own_password(conn, &who, &current_password, &new_password)).await?;
    tracing::info!(user = %user.username, "password changed");
    Ok(HttpResponse::Ok().json(token_for(&state, &user)?))
}

/// The caller: username, organisation and roles.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = UserDto), AuthErrors)
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    let user = state.db.run(move |conn| users::find_by_id(conn, who.user_id)).await?;
    let user = user.ok_or_else(|| ApiError::Unauthorized("the token's user no longer exists".to_owned()))?;
    Ok(HttpResponse::Ok().json(UserDto::from(user)))
}
