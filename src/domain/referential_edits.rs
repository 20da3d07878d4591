//! Edits of the branch referential, one use case each, called by every front end: competencies
//! and job sheets, by the national `hr` or `admin` roles. Each write and its audit record land in
//! one transaction. The records are filed under the editor's organisation (`NATIONAL`).

use serde::Serialize;

use super::access::Principal;
use super::audit::{self, Change};
use super::competencies::{self, Competency, CompetencyContent};
use super::job_profiles::{self, ProfileContent, ProfileVersion, write};
use super::types::{CompetencyCode, CompetencyStatus, ProfileCode, ProfileStatus};
use crate::db::{DbConnection, transaction};
use crate::error::ApiError;

/// Runs a national editor's `write` of `entity` `key` and records it: what it created, or what it
/// changed from `before`.
fn edit<T: Serialize>(
    conn: &mut DbConnection,
    who: &Principal,
    (entity, key, action): (&'static str, &str, &'static str),
    before: impl FnOnce(&mut DbConnection) -> Result<Option<T>, ApiError>,
    write: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    who.require_referential_editor()?;
    transaction(conn, |conn| {
        let before = before(conn)?;
        let after = write(conn)?;
        let change = Change::new(Some(who.organisation_id), entity, key, action);
        let change = match &before {
            Some(before) => change.changed(before, &after),
            None => change.created(&after),
        };
        audit::record(conn, who, change)?;
        Ok(after)
    })
}

pub fn create_competency(
    conn: &mut DbConnection,
    who: &Principal,
    code: &CompetencyCode,
    content: CompetencyContent,
) -> Result<Competency, ApiError> {
    edit(
        conn,
        who,
        ("competency", code.as_str(), "create"),
        |_| Ok(None),
        |conn| competencies::create(conn, code, content, &who.username),
    )
}

/// A new version of competency `code`, if `version` is still current (409 otherwise).
pub fn update_competency(
    conn: &mut DbConnection,
    who: &Principal,
    code: &str,
    version: i32,
    content: CompetencyContent,
) -> Result<Competency, ApiError> {
    edit(
        conn,
        who,
        ("competency", code, "update"),
        |conn| competencies::get(conn, code).map(Some),
        |conn| competencies::update(conn, code, version, content, None, &who.username),
    )
}

/// Retires competency `code`: it stays readable, and is no longer offered for new requirements.
pub fn retire_competency(
    conn: &mut DbConnection,
    who: &Principal,
    code: &str,
    version: i32,
) -> Result<Competency, ApiError> {
    edit(
        conn,
        who,
        ("competency", code, "retire"),
        |conn| competencies::get(conn, code).map(Some),
        |conn| {
            let content = competencies::get(conn, code)?.content;
            competencies::update(conn, code, version, content, Some(CompetencyStatus::Retired), &who.username)
        },
    )
}

/// A new job sheet, as a draft.
pub fn create_job_profile(
    conn: &mut DbConnection,
    who: &Principal,
    code: &ProfileCode,
    content: ProfileContent,
) -> Result<ProfileVersion, ApiError> {
    edit(
        conn,
        who,
        ("job_profile", code.as_str(), "create"),
        |_| Ok(None),
        |conn| write::create(conn, code, content, ProfileStatus::Draft, &who.username),
    )
}

/// A new version of job sheet `code`, if `version` is still current (409 otherwise).
pub fn update_job_profile(
    conn: &mut DbConnection,
    who: &Principal,
    code: &str,
    version: i32,
    content: ProfileContent,
) -> Result<ProfileVersion, ApiError> {
    edit(
        conn,
        who,
        ("job_profile", code, "update"),
        |conn| job_profiles::get(conn, code, None).map(Some),
        |conn| write::update(conn, code, version, content, &who.username),
    )
}

/// Validates or archives the current version of job sheet `code`.
pub fn set_job_profile_status(
    conn: &mut DbConnection,
    who: &Principal,
    code: &str,
    version: i32,
    target: ProfileStatus,
) -> Result<ProfileVersion, ApiError> {
    let action = if target == ProfileStatus::Validated { "validate" } else { "archive" };
    edit(
        conn,
        who,
        ("job_profile", code, action),
        |conn| job_profiles::get(conn, code, None).map(Some),
        |conn| write::set_status(conn, code, version, target, &who.username),
    )
}
