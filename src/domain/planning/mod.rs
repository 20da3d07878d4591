//! Production planning data of each organisation (activities, forecasts, unavailability, pools
//! and penalties), the scenarios built from it, and plans with their durable job queue.

pub mod activities;
pub mod csv;
pub mod forecasts;
pub mod plans;
pub mod request;
pub mod scenario;
pub mod settings;
pub mod writes;

use super::access::Principal;
use super::organisations;
use crate::db::DbConnection;
use crate::error::ApiError;

/// The organisation a request names (by code), or the caller's own. One the caller cannot see
/// answers 404, like one that does not exist.
pub fn organisation_id(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<i32, ApiError> {
    match code {
        None => Ok(who.organisation_id),
        Some(code) => Ok(organisations::reachable(conn, who, code)?.id),
    }
}
