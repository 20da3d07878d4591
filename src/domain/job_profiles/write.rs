//! Writing job profiles: creation, new versions (with the stale-version check), status changes,
//! and the branch activities of the "qui fait quoi" table.

use std::collections::HashSet;

use diesel::prelude::*;

use super::{ProfileContent, ProfileVersion, get, head};
use crate::db::DbConnection;
use crate::db::schema::{
    branch_activities as ba, job_profile_activity_roles as jar, job_profile_requirements as jr,
    job_profile_versions as jv, job_profiles as jp,
};
use crate::domain::competencies::{Resolver, stale};
use crate::domain::types::{ProfileCode, ProfileStatus};
use crate::error::{ApiError, Detail};

/// Resolves competencies and activities, fills default source labels, and refuses what cannot
/// be stored with every problem named by its field (e.g. `requirements[3].competency`).
pub fn validate(conn: &mut DbConnection, mut content: ProfileContent) -> Result<(ProfileContent, Vec<i32>), ApiError> {
    let resolver = Resolver::load(conn)?;
    let known_activities: std::collections::HashMap<String, i32> =
        ba::table.select((ba::code, ba::position)).load::<(String, i32)>(conn)?.into_iter().collect();
    let mut details = Vec::new();
    content.title = content.title.trim().to_owned();
    let malformed = crate::domain::types::name_problem(&content.title);
    if let Some(problem) = &malformed {
        details.push(Detail::field("title", problem.clone()));
    }
    let mut ids = Vec::with_capacity(content.requirements.len());
    let mut seen = HashSet::new();
    for (i, req) in content.requirements.iter_mut().enumerate() {
        match resolver.resolve(&req.competency) {
            Some((id, code)) if seen.insert(*id) => {
                if req.source_label.trim().is_empty() {
                    req.source_label = req.competency.trim().to_owned();
                }
                req.competency = code.clone();
                ids.push(*id);
            }
            Some((_, code)) => details
                .push(Detail::field(format!("requirements[{i}].competency"), format!("{code} is required twice"))),
            None => details.push(Detail::field(
                format!("requirements[{i}].competency"),
                format!("unknown competency {:?}", req.competency),
            )),
        }
    }
    let mut seen_activities = HashSet::new();
    for (i, role) in content.activity_roles.iter().enumerate() {
        if !known_activities.contains_key(&role.activity) {
            details.push(Detail::field(
                format!("activity_roles[{i}].activity"),
                format!("unknown activity {:?}", role.activity),
            ));
        } else if !seen_activities.insert(role.activity.clone()) {
            details.push(Detail::field(
                format!("activity_roles[{i}].activity"),
                format!("{} appears twice", role.activity),
            ));
        }
    }
    // Stored roles read back in the table's order: keep that order so equal content compares equal.
    content.activity_roles.sort_by_key(|r| known_activities.get(&r.activity).copied().unwrap_or(i32::MAX));
    // A bad title breaks the documented shape (400); the rest is well-formed content the
    // referential refuses (422): an unknown or repeated competency or activity.
    if malformed.is_some() {
        let message = format!("the job profile has {} invalid field(s): {}", details.len(), details[0].message);
        return Err(ApiError::bad_request(message, details));
    }
    if !details.is_empty() {
        return Err(ApiError::unprocessable("the job profile", details));
    }
    Ok((content, ids))
}

/// Inserts version `number` of profile `profile_id`; `content` comes from [`validate`].
fn insert_version(
    conn: &mut DbConnection,
    profile_id: i32,
    number: i32,
    status: ProfileStatus,
    author: &str,
    content: &ProfileContent,
    competency_ids: &[i32],
) -> Result<(), ApiError> {
    let version_id: i32 = diesel::insert_into(jv::table)
        .values((
            jv::job_profile_id.eq(profile_id),
            jv::version.eq(number),
            jv::status.eq(status.as_str()),
            jv::author.eq(author),
            jv::created_at.eq(crate::domain::now()),
            jv::title.eq(&content.title),
            jv::purpose.eq(&content.purpose),
            jv::activities.eq(&content.activities),
            jv::environment.eq(&content.environment),
            jv::recruitment_diploma.eq(&content.recruitment_diploma),
            jv::recruitment_internal_profile.eq(&content.recruitment_internal_profile),
            jv::recruitment_selection.eq(&content.recruitment_selection),
            jv::recruitment.eq(&content.recruitment),
        ))
        .returning(jv::id)
        .get_result(conn)?;
    for (position, (req, id)) in content.requirements.iter().zip(competency_ids).enumerate() {
        diesel::insert_into(jr::table)
            .values((
                jr::version_id.eq(version_id),
                jr::position.eq(position as i32),
                jr::competency_id.eq(id),
                jr::level.eq(req.level.get()),
                jr::source_label.eq(&req.source_label),
            ))
            .execute(conn)?;
    }
    for role in &content.activity_roles {
        diesel::insert_into(jar::table)
            .values((
                jar::version_id.eq(version_id),
                jar::activity_code.eq(&role.activity),
                jar::role.eq(role.role.as_str()),
                jar::note.eq(&role.note),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a profile at version 1 with `status` (`draft` for a new sheet; the seed's national
/// sheets start `validated`).
pub fn create(
    conn: &mut DbConnection,
    code: &ProfileCode,
    content: ProfileContent,
    status: ProfileStatus,
    author: &str,
) -> Result<ProfileVersion, ApiError> {
    crate::db::transaction(conn, |conn| {
        let exists = jp::table.filter(jp::code.eq(code.as_str())).count().get_result::<i64>(conn)? > 0;
        if exists {
            return Err(ApiError::conflict(format!("job profile {} already exists", code.as_str())));
        }
        let (content, ids) = validate(conn, content)?;
        let id: i32 = diesel::insert_into(jp::table)
            .values((jp::code.eq(code.as_str()), jp::current_version.eq(1), jp::created_at.eq(crate::domain::now())))
            .returning(jp::id)
            .get_result(conn)?;
        insert_version(conn, id, 1, status, author, &content, &ids)?;
        get(conn, code.as_str(), None)
    })
}

/// The profile's id and current version, or 409 when that is no longer `expected`.
fn head_at(conn: &mut DbConnection, code: &str, expected: i32) -> Result<(i32, i32), ApiError> {
    let (id, current) = head(conn, code)?;
    if current != expected {
        return Err(stale("job profile", code, expected, current));
    }
    Ok((id, current))
}

/// Moves the current-version pointer from `expected` to `expected + 1`, or answers 409 when
/// another change got there first.
fn advance(conn: &mut DbConnection, code: &str, id: i32, expected: i32) -> Result<(), ApiError> {
    let moved = diesel::update(jp::table.filter(jp::id.eq(id)).filter(jp::current_version.eq(expected)))
        .set(jp::current_version.eq(expected + 1))
        .execute(conn)?;
    if moved != 1 {
        return Err(stale("job profile", code, expected, expected + 1));
    }
    Ok(())
}

/// Saves `content` as a new `draft` version, if `expected_version` is still the current one.
/// Content equal to the current version's writes nothing.
pub fn update(
    conn: &mut DbConnection,
    code: &str,
    expected_version: i32,
    content: ProfileContent,
    author: &str,
) -> Result<ProfileVersion, ApiError> {
    crate::db::transaction(conn, |conn| {
        let (id, _) = head_at(conn, code, expected_version)?;
        let (content, ids) = validate(conn, content)?;
        if get(conn, code, None)?.content == content {
            return get(conn, code, None);
        }
        advance(conn, code, id, expected_version)?;
        insert_version(conn, id, expected_version + 1, ProfileStatus::Draft, author, &content, &ids)?;
        get(conn, code, None)
    })
}

/// Validates or archives the current version. Validating archives the version validated before.
pub fn set_status(
    conn: &mut DbConnection,
    code: &str,
    expected_version: i32,
    target: ProfileStatus,
    author: &str,
) -> Result<ProfileVersion, ApiError> {
    crate::db::transaction(conn, |conn| {
        let (id, current) = head_at(conn, code, expected_version)?;
        let version = get(conn, code, None)?;
        match (version.status, target) {
            (from, to) if from == to => return Ok(version),
            (ProfileStatus::Archived, _) | (_, ProfileStatus::Draft) => {
                return Err(ApiError::conflict(format!(
                    "version {current} of {code} is {} and cannot become {}",
                    version.status, target
                )));
            }
            _ => {}
        }
        let now = crate::domain::now();
        if target == ProfileStatus::Validated {
            diesel::update(
                jv::table.filter(jv::job_profile_id.eq(id)).filter(jv::status.eq(ProfileStatus::Validated.as_str())),
            )
            .set((
                jv::status.eq(ProfileStatus::Archived.as_str()),
                jv::status_changed_by.eq(author),
                jv::status_changed_at.eq(now),
            ))
            .execute(conn)?;
        }
        diesel::update(jv::table.filter(jv::job_profile_id.eq(id)).filter(jv::version.eq(current)))
            .set((jv::status.eq(target.as_str()), jv::status_changed_by.eq(author), jv::status_changed_at.eq(now)))
            .execute(conn)?;
        get(conn, code, None)
    })
}

/// Adds the branch activities that are missing and relabels the others; returns how many changed.
pub fn upsert_activities(conn: &mut DbConnection, activities: &[(String, String)]) -> Result<usize, ApiError> {
    let mut changed = 0;
    let mut position: i32 = ba::table.count().get_result::<i64>(conn)? as i32;
    for (code, label) in activities {
        let existing: Option<String> = ba::table.find(code).select(ba::label).first(conn).optional()?;
        match existing {
            Some(l) if &l == label => {}
            Some(_) => {
                diesel::update(ba::table.find(code)).set(ba::label.eq(label)).execute(conn)?;
                changed += 1;
            }
            None => {
                diesel::insert_into(ba::table)
                    .values((ba::code.eq(code), ba::label.eq(label), ba::position.eq(position)))
                    .execute(conn)?;
                position += 1;
                changed += 1;
            }
        }
    }
    Ok(changed)
}
