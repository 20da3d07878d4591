//! The training campuses and their internal trainers (formateurs internes): modules, trainers
//! listed with their selection criteria, multi-year engagements agreed by three parties,
//! sessions with evaluations and training validations, and the reports built on them.
//!
//! Who does what: the role `campus` of a campus organisation manages its modules, trainers,
//! engagements and sessions; the `hr` role of a trainer's employer records the employer's
//! agreement and sees its agents' engagements. National users see everything.

pub mod accounts;
pub mod agenda;
pub mod agreements;
pub mod capacity;
pub mod consent;
pub mod csv;
pub mod engagement_view;
pub mod engagements;
pub mod facilitation;
pub mod modules;
pub mod own;
pub mod reports;
pub mod sessions;
pub mod trainers;
pub mod writes;

use super::access::Principal;
use super::organisations::{self, Organisation};
use super::types::{OrgKind, Role};
use crate::db::DbConnection;
use crate::error::ApiError;

/// The campus a request names (by code), or the caller's own organisation. It must be an
/// organisation of kind `campus` within the caller's reach: 404 otherwise, as the campus the
/// request means does not exist.
pub fn campus(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<Organisation, ApiError> {
    let org = match code {
        Some(code) => organisations::reachable(conn, who, code)?,
        None => organisations::find_by_id(conn, who.organisation_id)?,
    };
    match org.kind() {
        OrgKind::Campus => Ok(org),
        _ if code.is_none() => {
            Err(ApiError::not_found(format!("campus: {} is not a campus: name one with campus=CODE", org.code)))
        }
        _ => Err(ApiError::not_found(format!("campus: {} is not a campus", org.code))),
    }
}

/// 403 unless the caller manages campus data (`campus` or `admin`) of `campus_id`.
pub fn require_manager(who: &Principal, campus_id: i32) -> Result<(), ApiError> {
    who.require_any(&[Role::Campus])?;
    if who.can_access(campus_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden("campus data is managed by the role campus of that campus"))
    }
}

/// An agent by organisation code and matricule, as campus files and bodies name them.
pub fn agent_id(conn: &mut DbConnection, organisation: &str, matricule: &str) -> Result<Option<i32>, ApiError> {
    use crate::db::schema::{agents as a, organisations as o};
    use diesel::prelude::*;
    Ok(a::table
        .inner_join(o::table)
        .filter(o::code.eq(organisation.trim().to_uppercase()))
        .filter(a::matricule.eq(matricule.trim()))
        .select(a::id)
        .first::<i32>(conn)
        .optional()?)
}
