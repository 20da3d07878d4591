//! One module per resource; each handler extracts, authorises, calls the domain, returns a DTO.

pub mod accounts;
pub mod agents;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod campus;
pub mod competencies;
pub mod csv;
pub mod health;
pub mod job_profiles;
pub mod organisations;
pub mod planning;
pub mod plans;
pub mod users;

/// The body of an edit: the new content, and the version it was made from (here, or as
/// `If-Match`). A newer current version answers 409 (412 under `If-Match`) and nothing is written.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Versioned<T: utoipa::ToSchema> {
    /// The version the edit was made from; may be left out when `If-Match` names it.
    pub version: Option<i32>,
    #[serde(flatten)]
    pub content: T,
}

use crate::http::extract::UnknownFields;

/// Characters a path segment or query value must escape.
const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `text` as one path segment or query value.
pub fn escaped(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, ESCAPED).to_string()
}

/// A 201 with `body`, whose `Location` is `path` (already escaped), where what was made is read.
pub fn created(path: String, body: impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created().insert_header((actix_web::http::header::LOCATION, path)).json(body)
}

/// `?name=value` when the request named a value (a campus, an organisation), else nothing.
pub fn query(name: &str, value: Option<&str>) -> String {
    value.map_or_else(String::new, |v| format!("?{name}={}", escaped(v)))
}

/// By hand, so that the content's own rule on unknown fields holds (see `split_object`).
impl<'de, T: utoipa::ToSchema + serde::de::DeserializeOwned> serde::Deserialize<'de> for Versioned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (version, content) = crate::http::extract::split_object(deserializer, "version", UnknownFields::AsInner)?;
        Ok(Self { version, content })
    }
}
