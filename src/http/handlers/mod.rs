//! One module per resource; each handler extracts, authorises, calls the domain, returns a DTO.

pub mod auth;
pub mod health;
pub mod organisations;
pub mod users;
