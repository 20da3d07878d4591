//! The workforce trajectory of an organisation, from its stored data (docs/trajectory.md): the
//! assumptions (versioned), the target ETP per job sheet and year, and the case that the pure
//! `gpec-trajectory` crate projects and plans, with the reports that go with them. `hr` (and
//! `admin`) read and write: the reports rest on birth dates. National users name any
//! organisation.

pub mod assumptions;
pub mod case;
pub mod csv;
pub mod plans;
pub mod reports;
pub mod targets;

use super::access::Principal;
use super::types::Role;
use crate::db::DbConnection;
use crate::error::ApiError;

/// The organisation `code` names (default: the caller's own), for a user with role `hr`.
pub fn organisation(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<i32, ApiError> {
    who.require_any(&[Role::Hr])?;
    super::organisations::one(conn, who, code)
}
