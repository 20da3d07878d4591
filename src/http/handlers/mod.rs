//! One module per resource; each handler extracts, authorises, calls the domain, returns a DTO.

pub mod agents;
pub mod analytics;
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
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct Versioned<T: utoipa::ToSchema> {
    pub version: i32,
    #[serde(flatten)]
    pub content: T,
}
