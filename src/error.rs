//! The one error type: every failure a client can see, with one body shape (RFC 9457).
//!
//! Internal causes are logged where the error is made and never put in the response.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One problem in the input: a field, or a line (and column) of a CSV file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Detail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: String,
}

impl Detail {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: Some(field.into()), line: None, column: None, message: message.into() }
    }

    /// A problem of one cell of a file.
    pub fn line(line: u64, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: None, line: Some(line), column: Some(column.into()), message: message.into() }
    }
}

/// The body of every error response: an RFC 9457 problem, served as `application/problem+json`,
/// with gpec's members beside the standard ones.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Always `about:blank`: the kind of problem is its status, made precise by `error`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The status's name, e.g. `Bad Request`.
    pub title: String,
    /// The HTTP status, repeated for whoever reads the body alone.
    pub status: u16,
    /// What went wrong this time, for a person.
    pub detail: String,
    /// Extension: a stable machine-readable code, e.g. `invalid_input`, `not_found`.
    pub error: String,
    /// Extension: the same text as `detail`, under the name earlier versions gave it.
    pub message: String,
    /// Extension: each field or line (and column) at fault, possibly none.
    pub details: Vec<Detail>,
}

/// The media type of an error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { message: String, details: Vec<Detail> },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Conflict { message: String, details: Vec<Detail> },
    /// An edit made from a version that is no longer current (409; 412 under `If-Match`).
    #[error("{message}")]
    Stale { message: String, current: i32 },
    /// `If-Match` named a version that is no longer current: nothing was written.
    #[error("{message}")]
    PreconditionFailed { message: String, current: i32 },
    #[error("{message}")]
    Unprocessable { message: String, details: Vec<Detail> },
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The path exists, not with this method; `allowed` are the methods it takes.
    #[error("{message}")]
    MethodNotAllowed { message: String, allowed: Vec<String> },
    /// A quota is used up; the client may try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// A concurrent write got in the way (a deadlock, or a lock held past the busy timeout):
    /// nothing was written, and the same request may be sent again.
    #[error("the change collided with a concurrent one and was not written; send it again")]
    Busy,
    #[error("the database is unavailable")]
    Unavailable,
    /// The directory (LDAP) did not answer; local accounts still sign in.
    #[error("the directory (LDAP) is unavailable; try again later")]
    DirectoryUnavailable,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// This error as an edit made under `If-Match` answers it: a stale version is 412.
    pub fn under_if_match(self) -> Self {
        match self {
            Self::Stale { message, current } => Self::PreconditionFailed { message, current },
            other => other,
        }
    }

    /// A 400 naming the offending field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest { message: format!("{field}: {message}"), details: vec![Detail::field(field, message)] }
    }

    pub fn bad_request(message: impl Into<String>, details: Vec<Detail>) -> Self {
        Self::BadRequest { message: message.into(), details }
    }

    /// A 400 listing every problem of `what` (e.g. "the activity"), its message naming the first.
    pub fn problems(what: &str, details: Vec<Detail>) -> Self {
        let message =
            format!("{what} has {} problem(s), nothing was written; first: {}", details.len(), first(&details));
        Self::BadRequest { message, details }
    }

    /// Like [`ApiError::problems`], as a 422: the input is well-formed but cannot be acted on.
    pub fn unprocessable(what: &str, details: Vec<Detail>) -> Self {
        let message = format!("{what} cannot be used as it is; first: {}", first(&details));
        Self::Unprocessable { message, details }
    }

    /// Every problem of `what`: a 400 when `malformed` (the input breaks its documented shape),
    /// else a 422 (well-formed, refused by the data).
    pub fn checked(what: &str, details: Vec<Detail>, malformed: bool) -> Self {
        if malformed { Self::problems(what, details) } else { Self::unprocessable(what, details) }
    }

    /// A 422 naming the field: a well-formed value the data refuses (an unknown reference, an end
    /// before its start), which no schema of the request could have ruled out.
    pub fn unusable(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Unprocessable { message: format!("{field}: {message}"), details: vec![Detail::field(field, message)] }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into(), details: vec![] }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// Logs the cause with its context and hides it behind a 500.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{context}");
        Self::Internal
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "invalid_input",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict { .. } | Self::Stale { .. } => "conflict",
            Self::PreconditionFailed { .. } => "precondition_failed",
            Self::Unprocessable { .. } => "unprocessable",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Busy => "busy",
            Self::Unavailable => "unavailable",
            Self::DirectoryUnavailable => "directory_unavailable",
            Self::Internal => "internal",
        }
    }

    /// The per-field or per-line problems it carries, if any.
    pub fn details(&self) -> Vec<Detail> {
        match self {
            Self::BadRequest { details, .. } | Self::Conflict { details, .. } | Self::Unprocessable { details, .. } => {
                details.clone()
            }
            Self::Stale { current, .. } | Self::PreconditionFailed { current, .. } => {
                vec![Detail::field("version", format!("current version is {current}"))]
            }
            _ => vec![],
        }
    }
}

/// "field: message" of the first problem.
fn first(details: &[Detail]) -> String {
    details.first().map_or_else(String::new, |d| format!("{}: {}", d.field.as_deref().unwrap_or("-"), d.message))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } | Self::Stale { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unavailable | Self::DirectoryUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Busy => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::MethodNotAllowed { allowed, .. } => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            Self::Stale { current, .. } | Self::PreconditionFailed { current, .. } => {
                response.insert_header((header::ETAG, format!("\"{current}\"")));
            }
            _ => {}
        }
        let status = self.status_code();
        let message = self.to_string();
        response.content_type(PROBLEM_JSON).json(ErrorBody {
            problem_type: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: message.clone(),
            error: self.code().to_owned(),
            message,
            details: self.details(),
        })
    }
}

impl From<DieselError> for ApiError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::not_found("resource not found"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(constraint = ?info.constraint_name(), "unique violation");
                Self::conflict("a resource with the same identifier already exists")
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::conflict("the change refers to, or is referred to by, another resource")
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => Self::Busy,
            // SQLite past its busy timeout; PostgreSQL breaking a deadlock (SQLSTATE 40P01).
            DieselError::DatabaseError(_, info)
                if info.message().contains("database is locked") || info.message().contains("deadlock detected") =>
            {
                tracing::warn!(error = %info.message(), "write collided with a concurrent one");
                Self::Busy
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                tracing::error!(error = %info.message(), "database connection lost");
                Self::Unavailable
            }
            other => Self::internal("database query failed", other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "no database connection available");
        Self::Unavailable
    }
}
