//! gpec: strategic workforce and competency planning (GPEC) for the French social-security
//! branches. The pure planning model lives in the `gpec-planning` crate; this crate holds the
//! domain and persistence (`domain`, `db`), the HTTP service (`http`), the plan workers (`jobs`) and the
//! CLI (`cli`).

pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod jobs;
pub mod ldap;
pub mod web;
