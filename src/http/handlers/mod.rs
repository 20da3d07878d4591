//! One module per resource; each handler extracts, authorises, calls the domain, returns a DTO.

pub mod agents;
pub mod analytics;
pub mod auth;
pub mod competencies;
pub mod csv;
pub mod health;
pub mod job_profiles;
pub mod organisations;
pub mod users;
