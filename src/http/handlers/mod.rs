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

/// The body of an edit: the new content, and the version it was made from. A newer current
/// version answers 409 and nothing is written.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Versioned<T: utoipa::ToSchema> {
    pub version: i32,
    #[serde(flatten)]
    pub content: T,
}

use crate::http::extract::UnknownFields;

/// By hand, so that the content's own rule on unknown fields holds (see `split_object`).
impl<'de, T: utoipa::ToSchema + serde::de::DeserializeOwned> serde::Deserialize<'de> for Versioned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (version, content) = crate::http::extract::split_object(deserializer, "version", UnknownFields::AsInner)?;
        let version = version.ok_or_else(|| serde::de::Error::missing_field("version"))?;
        Ok(Self { version, content })
    }
}
