//! Job profiles (fiches emploi): each change is a new version with its own status; old versions
//! stay readable and can be diffed. Writes are in `write`, diff and comparisons in `compare`.

pub mod compare;
pub mod write;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::types::{ActivityRole, Arc, Level, ProfileStatus};
use crate::db::DbConnection;
use crate::db::schema::{
    branch_activities as ba, competencies as c, job_profile_activity_roles as jar, job_profile_requirements as jr,
    job_profile_versions as jv, job_profiles as jp,
};
use crate::error::ApiError;

/// One required competency: the level, and the wording as printed on the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Requirement {
    /// Competency code (a label or alias is accepted on input and stored as the code).
    pub competency: String,
    pub level: Level,
    /// The wording on the sheet; defaults to the competency's label.
    #[serde(default)]
    pub source_label: String,
}

/// The job's part in one activity of the branch's "qui fait quoi" table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActivityRoleEntry {
    /// Branch activity code, e.g. `traitement-dossiers`.
    pub activity: String,
    pub role: ActivityRole,
    /// The wording of the table's cell when it says more than X or x.
    #[serde(default)]
    pub note: String,
}

/// Everything a version of a job profile holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileContent {
    #[schema(max_length = 200)]
    pub title: String,
    /// Finalité.
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub activities: String,
    /// Environnement de travail.
    #[serde(default)]
    pub environment: String,
    /// Diploma level sought, e.g. "Bac à bac+2".
    #[serde(default)]
    pub recruitment_diploma: String,
    /// Preferred internal profile, e.g. "GCA expert".
    #[serde(default)]
    pub recruitment_internal_profile: String,
    /// Selection methods.
    #[serde(default)]
    pub recruitment_selection: String,
    /// The recruitment profile as printed.
    #[serde(default)]
    pub recruitment: String,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    #[serde(default)]
    pub activity_roles: Vec<ActivityRoleEntry>,
}

impl ProfileContent {
    /// The text fields by name, in display order (for diffs and CSV).
    pub fn text_fields(&self) -> [(&'static str, &str); 8] {
        [
            ("title", &self.title),
            ("purpose", &self.purpose),
            ("activities", &self.activities),
            ("environment", &self.environment),
            ("recruitment_diploma", &self.recruitment_diploma),
            ("recruitment_internal_profile", &self.recruitment_internal_profile),
            ("recruitment_selection", &self.recruitment_selection),
            ("recruitment", &self.recruitment),
        ]
    }
}

/// A requirement as read back, with what the competency says of itself.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RequirementView {
    pub competency: String,
    pub competency_label: String,
    pub arc: Arc,
    pub level: Level,
    pub level_name: &'static str,
    pub source_label: String,
}

/// One version of a job profile, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileVersion {
    pub code: String,
    pub version: i32,
    pub current_version: i32,
    pub status: ProfileStatus,
    pub author: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    pub status_changed_by: Option<String>,
    #[serde(with = "crate::domain::utc::optional")]
    pub status_changed_at: Option<NaiveDateTime>,
    pub content: ProfileContent,
    pub requirements: Vec<RequirementView>,
    /// Branch activity labels, in the order of `content.activity_roles`.
    pub activity_labels: Vec<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = jv)]
struct VersionRow {
    id: i32,
    version: i32,
    status: String,
    author: String,
    created_at: NaiveDateTime,
    status_changed_by: Option<String>,
    status_changed_at: Option<NaiveDateTime>,
    title: String,
    purpose: String,
    activities: String,
    environment: String,
    recruitment_diploma: String,
    recruitment_internal_profile: String,
    recruitment_selection: String,
    recruitment: String,
}

/// The profile's id and current version number, or 404.
pub(crate) fn head(conn: &mut DbConnection, code: &str) -> Result<(i32, i32), ApiError> {
    jp::table
        .filter(jp::code.eq(code.to_uppercase()))
        .select((jp::id, jp::current_version))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("job profile {code} not found")))
}

fn assemble(
    conn: &mut DbConnection,
    code: String,
    current_version: i32,
    row: VersionRow,
) -> Result<ProfileVersion, ApiError> {
    let reqs: Vec<(String, String, String, i32, String)> = jr::table
        .inner_join(c::table)
        .filter(jr::version_id.eq(row.id))
        .select((c::code, c::label, c::arc, jr::level, jr::source_label))
        .order(jr::position)
        .load(conn)?;
    let mut requirements = Vec::with_capacity(reqs.len());
    for (competency, competency_label, arc, level, source_label) in reqs {
        let level = Level::new(i64::from(level)).map_err(|e| ApiError::internal("stored level", e))?;
        requirements.push(RequirementView {
            competency,
            competency_label,
            arc: Arc::parse("arc", &arc)?,
            level,
            level_name: level.name(),
            source_label,
        });
    }
    let roles: Vec<(String, String, String, String)> = jar::table
        .inner_join(ba::table)
        .filter(jar::version_id.eq(row.id))
        .select((jar::activity_code, ba::label, jar::role, jar::note))
        .order(ba::position)
        .load(conn)?;
    let mut activity_roles = Vec::with_capacity(roles.len());
    let mut activity_labels = Vec::with_capacity(roles.len());
    for (activity, label, role, note) in roles {
        activity_roles.push(ActivityRoleEntry { activity, role: ActivityRole::parse("role", &role)?, note });
        activity_labels.push(label);
    }
    let content = ProfileContent {
        title: row.title,
        purpose: row.purpose,
        activities: row.activities,
        environment: row.environment,
        recruitment_diploma: row.recruitment_diploma,
        recruitment_internal_profile: row.recruitment_internal_profile,
        recruitment_selection: row.recruitment_selection,
        recruitment: row.recruitment,
        requirements: requirements
            .iter()
            .map(|r| Requirement {
                competency: r.competency.clone(),
                level: r.level,
                source_label: r.source_label.clone(),
            })
            .collect(),
        activity_roles,
    };
    Ok(ProfileVersion {
        code,
        version: row.version,
        current_version,
        status: ProfileStatus::parse("status", &row.status)?,
        author: row.author,
        created_at: row.created_at,
        status_changed_by: row.status_changed_by,
        status_changed_at: row.status_changed_at,
        content,
        requirements,
        activity_labels,
    })
}

/// Version `number` of a profile, or its current version when `number` is `None`.
pub fn get(conn: &mut DbConnection, code: &str, number: Option<i32>) -> Result<ProfileVersion, ApiError> {
    let code = code.to_uppercase();
    let (id, current) = head(conn, &code)?;
    let number = number.unwrap_or(current);
    let row = jv::table
        .filter(jv::job_profile_id.eq(id))
        .filter(jv::version.eq(number))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("job profile {code} has no version {number}")))?;
    assemble(conn, code, current, row)
}

/// The current version of every profile, ordered by code.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ProfileVersion>, ApiError> {
    let codes: Vec<String> = jp::table.select(jp::code).order(jp::code).load(conn)?;
    codes.iter().map(|code| get(conn, code, None)).collect()
}

/// A job sheet in a list: its current version's title, number, status and date.
#[derive(Debug, Clone)]
pub struct SheetSummary {
    pub code: String,
    pub title: String,
    pub version: i32,
    pub status: ProfileStatus,
    pub created_at: NaiveDateTime,
}

/// Every job sheet's current version, ordered by code, in one query.
pub fn summaries(conn: &mut DbConnection) -> Result<Vec<SheetSummary>, ApiError> {
    let rows: Vec<(String, String, i32, String, NaiveDateTime)> = jp::table
        .inner_join(jv::table.on(jv::job_profile_id.eq(jp::id).and(jv::version.eq(jp::current_version))))
        .select((jp::code, jv::title, jv::version, jv::status, jv::created_at))
        .order(jp::code)
        .load(conn)?;
    rows.into_iter()
        .map(|(code, title, version, status, created_at)| {
            let status = ProfileStatus::parse("status", &status)?;
            Ok(SheetSummary { code, title, version, status, created_at })
        })
        .collect()
}

/// The changes from version `from` of a profile to version `to` (default: the current one).
pub fn diff_versions(
    conn: &mut DbConnection,
    code: &str,
    from: i32,
    to: Option<i32>,
) -> Result<compare::Diff, ApiError> {
    Ok(compare::diff(&get(conn, code, Some(from))?, &get(conn, code, to)?))
}

/// What a holder of job `from` must gain to meet job `to`, on their current versions.
pub fn compare_current(conn: &mut DbConnection, from: &str, to: &str) -> Result<compare::Comparison, ApiError> {
    Ok(compare::compare(&get(conn, from, None)?, &get(conn, to, None)?))
}

/// A job sheet that requires a competency, and at which level.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetNeed {
    pub code: String,
    pub title: String,
    pub level: Level,
}

/// The job sheets whose current version requires competency `code`, by level, then sheet.
pub fn requiring(conn: &mut DbConnection, code: &str) -> Result<Vec<SheetNeed>, ApiError> {
    let mut found: Vec<SheetNeed> = list(conn)?
        .into_iter()
        .flat_map(|sheet| {
            let title = sheet.content.title.clone();
            let code_of_sheet = sheet.code.clone();
            sheet.requirements.into_iter().filter(|r| r.competency == code).map(move |r| SheetNeed {
                code: code_of_sheet.clone(),
                title: title.clone(),
                level: r.level,
            })
        })
        .collect();
    found.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
    Ok(found)
}

/// Number, status, author and time of every version of a profile, oldest first.
pub fn versions(conn: &mut DbConnection, code: &str) -> Result<Vec<ProfileVersion>, ApiError> {
    version_numbers(conn, code)?.into_iter().map(|n| get(conn, code, Some(n))).collect()
}

/// The numbers of a profile's versions, oldest first: what a choice of versions needs.
pub fn version_numbers(conn: &mut DbConnection, code: &str) -> Result<Vec<i32>, ApiError> {
    let (id, _) = head(conn, code)?;
    Ok(jv::table.filter(jv::job_profile_id.eq(id)).select(jv::version).order(jv::version).load(conn)?)
}
