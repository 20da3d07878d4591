//! Bearer tokens: HS256 JWTs issued by `/api/v1/auth/token` and checked on every other route.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;

use super::AppState;
use crate::domain::access::Principal;
use crate::domain::audit::{Channel, Origin};
use crate::domain::types::Role;
use crate::domain::users;
use crate::error::ApiError;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The user id: a token names a user row, not a username that could be taken again.
    sub: String,
    iat: i64,
    exp: i64,
    /// A unique id per token (128 random bits), so that one token can be told from another in
    /// logs and, later, revoked alone.
    jti: String,
    /// The user's token epoch when it was issued: a password change or a deactivation raises
    /// the epoch and so revokes every earlier token.
    ver: i32,
}

/// What a valid token says.
struct Checked {
    user_id: i32,
    epoch: i32,
}

/// Signing and checking keys, and how long a token lives.
pub struct Jwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_secs: u64,
}

impl Jwt {
    pub fn new(secret: &str, ttl_secs: u64) -> Self {
        // Only HS256 is accepted: `alg: none` and every other algorithm are refused by decode.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub", "iat", "jti"]);
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            ttl_secs,
        }
    }

    pub fn issue(&self, user_id: i32, epoch: i32) -> Result<String, ApiError> {
        use rand::Rng;
        let now = Utc::now().timestamp();
        let jti = format!("{:032x}", rand::rng().random::<u128>());
        let claims = Claims { sub: user_id.to_string(), iat: now, exp: now + self.ttl_secs as i64, jti, ver: epoch };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal("token signing failed", e))
    }

    /// The user and epoch a valid token names. A token that lives longer than this service
    /// issues them is refused even when correctly signed: it was not made here, or was made
    /// under an older, longer setting.
    fn check(&self, token: &str) -> Result<Checked, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| {
            ApiError::Unauthorized(
                match e.kind() {
                    ErrorKind::ExpiredSignature => "the token has expired",
                    ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
                        "the token is malformed"
                    }
                    _ => "the token is not valid",
                }
                .to_owned(),
            )
        })?;
        let claims = data.claims;
        if claims.exp - claims.iat > self.ttl_secs as i64 {
            return Err(ApiError::Unauthorized("the token's lifetime exceeds the maximum".to_owned()));
        }
        let user_id = claims.sub.parse().map_err(|_| ApiError::Unauthorized("the token is not valid".to_owned()))?;
        Ok(Checked { user_id, epoch: claims.ver })
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("a bearer token is required".to_owned()))?;
    let value =
        header.to_str().map_err(|_| ApiError::Unauthorized("the Authorization header is malformed".to_owned()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::Unauthorized("the Authorization header must be 'Bearer <token>'".to_owned())),
    }
}

/// The API request's channel and id, as `TracingLogger` gave it (and `X-Request-Id` answers it).
pub fn origin(req: &HttpRequest) -> Origin {
    match req.extensions().get::<RequestId>() {
        Some(id) => Origin::new(Channel::Api, id.to_string()),
        None => Origin::fresh(Channel::Api),
    }
}

/// Routes a user signed in with a one-time password may use: who am I, and changing it.
const ONE_TIME_ROUTES: [&str; 2] = ["/api/v1/me", "/api/v1/me/password"];

/// Whether a `trainer` account may use an API path. Such an account belongs to an organisation
/// whose other data it must not read, and most reads check only the organisation: so it is
/// refused everything but its own things, here, in one place. The handlers behind these paths
/// narrow further to the trainer's own engagements and listings.
pub fn trainer_may_use(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1") else { return false };
    let under = |prefix: &str| rest == prefix || rest.strip_prefix(prefix).is_some_and(|r| r.starts_with('/'));
    under("/me")
        || under("/engagements")
        || rest == "/campus-requests"
        || rest.strip_prefix("/trainers/").is_some_and(|r| r.ends_with("/acceptance") && r.matches('/').count() == 1)
}

/// Taking a `Principal` argument makes a handler require a valid token of an existing, active
/// user, issued since their last password change. Roles are read from the database on each
/// request, so a change applies at once.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let one_time_route = ONE_TIME_ROUTES.contains(&req.path());
        let trainer_route = trainer_may_use(req.path());
        let origin = origin(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("app state", "missing"))?;
            let checked = state.jwt.check(&token?)?;
            let user_id = checked.user_id;
            let user = state.db.run(move |conn| users::find_by_id(conn, user_id)).await?;
            let user = user.ok_or_else(|| ApiError::Unauthorized("the token's user no longer exists".to_owned()))?;
            if !user.active {
                return Err(ApiError::Unauthorized("the account is deactivated".to_owned()));
            }
            if user.token_epoch != checked.epoch {
                return Err(ApiError::Unauthorized(
                    "the token was revoked: the password was changed or the account deactivated".to_owned(),
                ));
            }
            if user.must_change_password && !one_time_route {
                return Err(ApiError::forbidden(
                    "signed in with a one-time password: change it first (POST /api/v1/me/password)",
                ));
            }
            if user.roles.contains(&Role::Trainer) && !trainer_route {
                return Err(ApiError::forbidden(
                    "a trainer account reaches only its own campus work: /api/v1/me/trainer, its engagements and \
                     listings",
                ));
            }
            Ok(user.principal(origin))
        })
    }
}

/// Answers every request with its `X-Request-Id`, the id its audit records and log lines carry,
/// so that a user reporting a problem can name the request.
pub async fn answer_request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::trainer_may_use;

    #[test]
    fn a_trainer_account_reaches_only_its_own_campus_work() {
        for path in [
            "/api/v1/me",
            "/api/v1/me/password",
            "/api/v1/me/trainer",
            "/api/v1/engagements",
            "/api/v1/engagements/4",
            "/api/v1/engagements/4/agreements",
            "/api/v1/campus-requests",
            "/api/v1/trainers/3/acceptance",
        ] {
            assert!(trainer_may_use(path), "{path}");
        }
        for path in [
            "/api/v1/agents",
            "/api/v1/agents/3/levels",
            "/api/v1/meadows",
            "/api/v1/engagementsx",
            "/api/v1/trainers",
            "/api/v1/trainers/3",
            "/api/v1/trainers/3/x/acceptance",
            "/api/v1/sessions/1",
            "/api/v1/plans",
            "/api/v1/users",
            "/me",
        ] {
            assert!(!trainer_may_use(path), "{path}");
        }
    }
}
