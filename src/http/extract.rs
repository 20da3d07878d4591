//! Body, path and query extraction, and their errors turned into the one error shape.
//!
//! Text enters gpec here, so this is where control characters are refused: PostgreSQL cannot
//! store NUL at all (it answered 500 before), and no name or label needs the others.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::domain::csv_io::is_forbidden_control;
use crate::error::{ApiError, Detail};

/// A JSON body. It is read under [`json_config`] (size limit, content type), every string and
/// key is checked for control characters, and a value that does not fit its type is refused with
/// the path of its field (`rows[3].assessed_on`), which serde_json alone does not give.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            Ok(Json(parse_body(value)?))
        })
    }
}

/// Checks the text of a parsed body, then gives it its type.
pub fn parse_body<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, ApiError> {
    let mut path = String::new();
    if let Some(problem) = find_bad_text(&value, &mut path) {
        return Err(problem);
    }
    whole_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // A missing field is reported at its parent, and `split_object` reports an inner field
        // at the root in backticks: name the field itself.
        let field = match (path.as_str(), backticked(&message)) {
            (".", Some(name)) => name.to_owned(),
            (parent, Some(name)) if message.starts_with("missing field") => format!("{parent}.{name}"),
            _ => path,
        };
        let message = message.strip_prefix(&format!("`{field}`: ")).map(str::to_owned).unwrap_or(message);
        ApiError::invalid(&field, message)
    })
}

/// Writes `352.0` as `352`. JSON has one number type and JSON Schema counts `352.0` as an
/// integer, but serde refuses it for an integer field; a field that wants a decimal still takes
/// `352`.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64()
                && x.fract() == 0.0
                && x.abs() < 9.0e15
            {
                *value = Value::from(x as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Whether the fields left to the inner type may hold names it does not know.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UnknownFields {
    /// As the inner type decides (e.g. an edit that accepts what was read back).
    AsInner,
    /// Refused, whatever the inner type decides.
    Refused,
}

/// Takes `key` out of a JSON object and gives the other fields to `T`. It stands in for serde's
/// `flatten`, which hides unknown fields from the inner type's `deny_unknown_fields`. An inner
/// field's error names it in backticks, which [`parse_body`] turns into the field of the 400.
pub fn split_object<'de, D, K, T>(
    deserializer: D,
    key: &str,
    unknown: UnknownFields,
) -> Result<(Option<K>, T), D::Error>
where
    D: serde::Deserializer<'de>,
    K: DeserializeOwned,
    T: DeserializeOwned,
{
    use serde::de::Error;
    let mut fields = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    let taken = match fields.remove(key) {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => Some(serde_json::from_value(value).map_err(|e| D::Error::custom(format!("`{key}`: {e}")))?),
    };
    let mut track = serde_path_to_error::Track::new();
    let mut ignored = Vec::new();
    let inner = serde_path_to_error::Deserializer::new(serde_json::Value::Object(fields), &mut track);
    let rest = serde_ignored::deserialize(inner, |path| ignored.push(path.to_string())).map_err(|e| {
        let path = track.path().to_string();
        if path == "." { D::Error::custom(e) } else { D::Error::custom(format!("`{path}`: {e}")) }
    })?;
    match ignored.first() {
        Some(name) if unknown == UnknownFields::Refused => Err(D::Error::custom(format!("unknown field `{name}`"))),
        _ => Ok((taken, rest)),
    }
}

/// The first string or key holding a control character or too long, as a 400 naming where it is.
fn find_bad_text(value: &serde_json::Value, path: &mut String) -> Option<ApiError> {
    let at = |path: &str| if path.is_empty() { "body".to_owned() } else { path.to_owned() };
    match value {
        serde_json::Value::String(text) => text_problem(&at(path), text),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = find_bad_text(item, path);
            path.truncate(len);
            found
        }),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let found = text_problem(&at(path), key).or_else(|| find_bad_text(item, path));
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

/// Longest text a JSON body may hold in one string, in characters: above the longest text of a
/// job sheet, far below the body limit. Names have their own, smaller bound.
pub const MAX_TEXT_CHARS: usize = 20_000;

fn text_problem(field: &str, text: &str) -> Option<ApiError> {
    if text.len() > MAX_TEXT_CHARS && text.chars().count() > MAX_TEXT_CHARS {
        return Some(ApiError::invalid(field, format!("must be at most {MAX_TEXT_CHARS} characters")));
    }
    let c = text.chars().find(|&c| is_forbidden_control(c))?;
    Some(ApiError::invalid(field, format!("holds the control character U+{:04X}, which no text may hold", c as u32)))
}

/// Refuses a path or query string holding a control character once decoded (`%00`), before
/// any route, extractor or authentication sees it.
pub async fn refuse_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(problem) = request_text_problem(req.path(), req.query_string()) {
        return Ok(req.into_response(problem.error_response()).map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

fn request_text_problem(path: &str, query: &str) -> Option<ApiError> {
    let decode = |raw: &str| percent_decode_str(&raw.replace('+', " ")).decode_utf8_lossy().into_owned();
    if let Some(problem) = text_problem("path", &percent_decode_str(path).decode_utf8_lossy()) {
        return Some(problem);
    }
    query.split('&').filter(|pair| !pair.is_empty()).find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        text_problem(&key, &key).or_else(|| text_problem(&key, &decode(value)))
    })
}

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

/// Gives the one JSON error body to the 413 that actix itself answers for a raw body (a CSV
/// import) over [`MAX_RAW_BYTES`]; it would otherwise be the text "payload reached size limit".
pub fn raw_too_large_as_json<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().handler(StatusCode::PAYLOAD_TOO_LARGE, |res: ServiceResponse<B>| {
        let is_json = res
            .response()
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if is_json {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let (req, _) = res.into_parts();
        let response = too_large(MAX_RAW_BYTES).error_response();
        Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
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

/// Answer for a request no route serves: 405 with `Allow` when the path is served with other
/// methods, else 404.
pub async fn no_route(req: HttpRequest) -> HttpResponse {
    let (method, path) = (req.method().as_str(), req.path());
    let allowed = routes::methods_of(path);
    if allowed.is_empty() {
        return ApiError::NotFound(format!("no route for {method} {path}")).error_response();
    }
    let message = format!("{path} does not take {method}; it takes {}", allowed.join(", "));
    ApiError::MethodNotAllowed { message, allowed }.error_response()
}

/// The paths the service answers and their methods, read once from the OpenAPI document, which
/// lists every route `configure` registers.
mod routes {
    use std::sync::OnceLock;

    /// A path template's segments (`None` for a `{parameter}`) and its methods.
    type Template = (Vec<Option<String>>, Vec<String>);

    fn templates() -> &'static [Template] {
        static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
        TEMPLATES.get_or_init(|| {
            let doc = crate::http::server::openapi();
            doc.paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let segments = path.split('/').map(|s| (!s.starts_with('{')).then(|| s.to_owned())).collect();
                    let methods: Vec<String> = [
                        ("GET", item.get.is_some()),
                        ("POST", item.post.is_some()),
                        ("PUT", item.put.is_some()),
                        ("PATCH", item.patch.is_some()),
                        ("DELETE", item.delete.is_some()),
                    ]
                    .into_iter()
                    .filter(|(_, served)| *served)
                    .map(|(m, _)| m.to_owned())
                    .collect();
                    (segments, methods)
                })
                .collect()
        })
    }

    /// The methods `path` is served with (empty when no route has that path).
    pub fn methods_of(path: &str) -> Vec<String> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut methods: Vec<String> = Vec::new();
        for (segments, served) in templates() {
            let fits = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| match s {
                    Some(literal) => literal == p,
                    None => !p.is_empty(),
                });
            if fits {
                methods.extend(served.iter().filter(|m| !methods.contains(m)).cloned().collect::<Vec<_>>());
            }
        }
        methods
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_whole_number_written_with_a_point_is_an_integer_and_a_decimal_stays_one() {
        let mut value = serde_json::json!({"version": -352.0, "rows": [{"fte": 0.8, "n": 3}], "big": 1e300});
        super::whole_numbers(&mut value);
        assert_eq!(value, serde_json::json!({"version": -352, "rows": [{"fte": 0.8, "n": 3}], "big": 1e300}));
        let version: i32 = serde_json::from_value(value["version"].clone()).unwrap();
        assert_eq!(version, -352);
    }
}
