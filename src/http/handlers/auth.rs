//! `POST /api/v1/auth/token` and `GET /api/v1/me`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::users::UserDto;
use crate::domain::access::Principal;
use crate::domain::users;
use crate::error::{ApiError, ErrorBody};
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(token).service(me);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
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

/// Exchanges a username and password for a bearer token.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        (status = 401, description = "Wrong username or password (which one is not said)", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
        BodyErrors,
    )
)]
#[post("/auth/token")]
pub async fn token(state: web::Data<AppState>, body: Json<TokenRequest>) -> Result<HttpResponse, ApiError> {
    let TokenRequest { username, password } = body.into_inner();
    let user = state.db.run(move |conn| users::authenticate(conn, &username, &password)).await?;
    let user = user.ok_or_else(|| ApiError::Unauthorized("invalid username or password".to_owned()))?;
    tracing::info!(user = %user.username, "token issued");
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: state.jwt.issue(user.id)?,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_secs,
    }))
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
