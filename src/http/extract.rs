//! Body, path and query extraction errors, turned into the one error shape.

use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::{ApiError, Detail};

/// Largest JSON body accepted; imports use their own, larger limit.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
/// Largest raw body (CSV imports).
pub const MAX_RAW_BYTES: usize = 64 * 1024 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(MAX_JSON_BYTES).error_handler(|err, _req| json_error(err).into())
}

pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(MAX_RAW_BYTES)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::bad_request(format!("invalid path parameter: {err}"), vec![]).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        let message = err.to_string();
        let details = backticked(&message).map(|f| vec![Detail::field(f, message.clone())]).unwrap_or_default();
        ApiError::bad_request(format!("invalid query string: {message}"), details).into()
    })
}

fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!("the request body exceeds the limit of {limit} bytes"))
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { limit, .. } | JsonPayloadError::Overflow { limit } => too_large(limit),
        JsonPayloadError::Payload(PayloadError::Overflow) => too_large(MAX_JSON_BYTES),
        JsonPayloadError::ContentType => ApiError::invalid("Content-Type", "the body must be sent as application/json"),
        JsonPayloadError::Deserialize(e) => {
            let message = e.to_string();
            // serde names the field in backticks ("missing field `password`"): surface it.
            let details = match backticked(&message) {
                Some(field) if e.is_data() => vec![Detail::field(field, message.clone())],
                _ => vec![Detail {
                    field: None,
                    line: Some(e.line() as u64),
                    column: Some(e.column().to_string()),
                    message: message.clone(),
                }],
            };
            ApiError::bad_request(format!("invalid JSON body: {message}"), details)
        }
        other => ApiError::bad_request(format!("invalid request body: {other}"), vec![]),
    }
}

fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// Answer for a path no route serves.
pub async fn no_route(req: HttpRequest) -> HttpResponse {
    ApiError::NotFound(format!("no route for {} {}", req.method(), req.path())).error_response()
}
