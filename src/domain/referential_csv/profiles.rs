//! Job profiles in three files: the sheets' texts, their requirements, and their roles in the
//! "qui fait quoi" table. Importing one file makes a new version of each profile it changes.

use std::collections::{HashMap, HashSet};

use super::ImportReport;
use crate::db::DbConnection;
use crate::domain::competencies::Resolver;
use crate::domain::csv_io::{self, Problems, Table};
use crate::domain::job_profiles::{self, ActivityRoleEntry, ProfileContent, Requirement, write};
use crate::domain::types::{ActivityRole, Level, ProfileCode, ProfileStatus, check_slug};
use crate::error::ApiError;

pub const PROFILE_COLUMNS: &[&str] = &[
    "code",
    "title",
    "purpose",
    "activities",
    "environment",
    "recruitment_diploma",
    "recruitment_internal_profile",
    "recruitment_selection",
    "recruitment",
];
pub const REQUIREMENT_COLUMNS: &[&str] =
    &["job_profile_code", "job_profile_title", "competency_code", "competency_label", "source_label", "level"];
pub const ROLE_COLUMNS: &[&str] = &["activity_code", "activity_label", "job_profile_code", "role", "note"];

pub fn export_profiles(conn: &mut DbConnection) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(PROFILE_COLUMNS)?;
    for p in job_profiles::list(conn)? {
        let texts = p.content.text_fields().map(|(_, v)| v);
        csv_io::write_row(&mut w, std::iter::once(p.code.as_str()).chain(texts))?;
    }
    csv_io::finish(w)
}

pub fn export_requirements(conn: &mut DbConnection) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(REQUIREMENT_COLUMNS)?;
    for p in job_profiles::list(conn)? {
        for r in &p.requirements {
            let level = r.level.get().to_string();
            csv_io::write_row(
                &mut w,
                [&p.code, &p.content.title, &r.competency, &r.competency_label, &r.source_label, &level],
            )?;
        }
    }
    csv_io::finish(w)
}

/// Rows in the order of the branch activities, then of the profiles' codes.
pub fn export_roles(conn: &mut DbConnection) -> Result<Vec<u8>, ApiError> {
    let mut rows = Vec::new();
    for p in job_profiles::list(conn)? {
        for (role, label) in p.content.activity_roles.iter().zip(&p.activity_labels) {
            rows.push((role.clone(), label.clone(), p.code.clone()));
        }
    }
    let order = activity_order(conn)?;
    rows.sort_by_key(|(r, _, code)| (order.get(&r.activity).copied().unwrap_or(i32::MAX), code.clone()));
    let mut w = csv_io::writer(ROLE_COLUMNS)?;
    for (r, label, code) in rows {
        csv_io::write_row(&mut w, [r.activity.as_str(), &label, &code, r.role.as_str(), &r.note])?;
    }
    csv_io::finish(w)
}

fn activity_order(conn: &mut DbConnection) -> Result<HashMap<String, i32>, ApiError> {
    use crate::db::schema::branch_activities as ba;
    use diesel::prelude::*;
    Ok(ba::table.select((ba::code, ba::position)).load::<(String, i32)>(conn)?.into_iter().collect())
}

/// A job profile code of a row, checked to exist (or to be created by the same import).
fn profile_code(
    table: &Table,
    row: &csv_io::Row,
    column: &str,
    known: &HashSet<String>,
    problems: &mut Problems,
) -> Option<String> {
    match ProfileCode::parse(column, table.get(row, column)) {
        Ok(code) if known.contains(code.as_str()) => Some(code.as_str().to_owned()),
        Ok(code) => {
            problems.add(row.line, column, format!("unknown job profile {}", code.as_str()));
            None
        }
        Err(e) => {
            problems.from_error(row.line, column, e);
            None
        }
    }
}

fn known_profiles(conn: &mut DbConnection) -> Result<HashSet<String>, ApiError> {
    use crate::db::schema::job_profiles as jp;
    use diesel::prelude::*;
    Ok(jp::table.select(jp::code).load::<String>(conn)?.into_iter().collect())
}

/// Parses the sheets file into (code, texts) with empty requirements and roles.
pub fn parse_profiles(bytes: &[u8]) -> Result<Vec<(ProfileCode, ProfileContent)>, ApiError> {
    let table = csv_io::read(bytes, PROFILE_COLUMNS, "job profiles")?;
    let mut problems = Problems::default();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in &table.rows {
        let text = |c: &str| table.get(row, c).to_owned();
        match ProfileCode::parse("code", table.get(row, "code")) {
            Ok(code) if !seen.insert(code.clone()) => {
                problems.add(row.line, "code", format!("duplicate code {}", code.as_str()))
            }
            Ok(code) => out.push((
                code,
                ProfileContent {
                    title: text("title"),
                    purpose: text("purpose"),
                    activities: text("activities"),
                    environment: text("environment"),
                    recruitment_diploma: text("recruitment_diploma"),
                    recruitment_internal_profile: text("recruitment_internal_profile"),
                    recruitment_selection: text("recruitment_selection"),
                    recruitment: text("recruitment"),
                    requirements: vec![],
                    activity_roles: vec![],
                },
            )),
            Err(e) => problems.from_error(row.line, "code", e),
        }
        if table.get(row, "title").is_empty() {
            problems.add(row.line, "title", "must not be empty");
        }
    }
    problems.into_result("job profiles")?;
    Ok(out)
}

/// Writes `content` as the profile's next version when it differs; counts what happened.
fn save(
    conn: &mut DbConnection,
    code: &str,
    content: ProfileContent,
    author: &str,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    let current = job_profiles::get(conn, code, None)?;
    let saved = write::update(conn, code, current.version, content, author)?;
    if saved.version == current.version {
        report.unchanged += 1
    } else {
        report.updated += 1
    }
    Ok(())
}

/// New codes become draft profiles without requirements; known ones get their texts replaced.
pub fn import_profiles(conn: &mut DbConnection, bytes: &[u8], author: &str) -> Result<ImportReport, ApiError> {
    let entries = parse_profiles(bytes)?;
    let known = known_profiles(conn)?;
    let mut report = ImportReport { rows: entries.len(), ..Default::default() };
    for (code, texts) in entries {
        if !known.contains(code.as_str()) {
            write::create(conn, &code, texts, ProfileStatus::Draft, author)?;
            report.created += 1;
            continue;
        }
        let current = job_profiles::get(conn, code.as_str(), None)?.content;
        let content =
            ProfileContent { requirements: current.requirements, activity_roles: current.activity_roles, ..texts };
        save(conn, code.as_str(), content, author, &mut report)?;
    }
    Ok(report)
}

/// Parses the requirements file into each profile's list, in file order. `known` are the
/// profile codes that exist (or that the same load creates).
pub fn parse_requirements(
    bytes: &[u8],
    resolver: &Resolver,
    known: &HashSet<String>,
) -> Result<Vec<(String, Vec<Requirement>)>, ApiError> {
    let table = csv_io::read(bytes, REQUIREMENT_COLUMNS, "requirements")?;
    let mut problems = Problems::default();
    let mut grouped: Vec<(String, Vec<Requirement>)> = Vec::new();
    let mut seen = HashSet::new();
    for row in &table.rows {
        let profile = profile_code(&table, row, "job_profile_code", known, &mut problems);
        let competency = match resolver.resolve(table.get(row, "competency_code")) {
            Some((_, code)) => Some(code.clone()),
            None => {
                problems.add(
                    row.line,
                    "competency_code",
                    format!("unknown competency {:?}", table.get(row, "competency_code")),
                );
                None
            }
        };
        let level =
            Level::parse("level", table.get(row, "level")).map_err(|e| problems.from_error(row.line, "level", e)).ok();
        let (Some(profile), Some(competency), Some(level)) = (profile, competency, level) else { continue };
        if !seen.insert((profile.clone(), competency.clone())) {
            problems.add(
                row.line,
                "competency_code",
                format!("{competency} is already required by {profile} in this file"),
            );
            continue;
        }
        let req = Requirement { competency, level, source_label: table.get(row, "source_label").to_owned() };
        match grouped.iter_mut().find(|(p, _)| *p == profile) {
            Some((_, list)) => list.push(req),
            None => grouped.push((profile, vec![req])),
        }
    }
    problems.into_result("requirements")?;
    Ok(grouped)
}

/// Replaces the requirements of every profile the file names; others are left as they are.
pub fn import_requirements(conn: &mut DbConnection, bytes: &[u8], author: &str) -> Result<ImportReport, ApiError> {
    let grouped = parse_requirements(bytes, &Resolver::load(conn)?, &known_profiles(conn)?)?;
    let mut report = ImportReport { rows: grouped.iter().map(|(_, l)| l.len()).sum(), ..Default::default() };
    for (code, requirements) in grouped {
        let current = job_profiles::get(conn, &code, None)?.content;
        save(conn, &code, ProfileContent { requirements, ..current }, author, &mut report)?;
    }
    Ok(report)
}

/// The roles file: the branch activities it names (code, label) and each profile's roles.
pub struct ParsedRoles {
    pub activities: Vec<(String, String)>,
    pub roles: Vec<(String, Vec<ActivityRoleEntry>)>,
}

pub fn parse_roles(bytes: &[u8], known: &HashSet<String>) -> Result<ParsedRoles, ApiError> {
    let table = csv_io::read(bytes, ROLE_COLUMNS, "activity roles")?;
    let mut problems = Problems::default();
    let mut parsed = ParsedRoles { activities: vec![], roles: vec![] };
    let mut seen = HashSet::new();
    for row in &table.rows {
        let (activity, label) = (table.get(row, "activity_code"), table.get(row, "activity_label"));
        let valid_code = match check_slug("activity_code", activity) {
            Ok(()) => true,
            Err(e) => {
                problems.from_error(row.line, "activity_code", e);
                false
            }
        };
        if label.is_empty() {
            problems.add(row.line, "activity_label", "must not be empty");
        }
        let profile = profile_code(&table, row, "job_profile_code", known, &mut problems);
        let role = ActivityRole::parse("role", table.get(row, "role"))
            .map_err(|e| problems.from_error(row.line, "role", e))
            .ok();
        let (Some(profile), Some(role), true) = (profile, role, valid_code && !label.is_empty()) else { continue };
        if !seen.insert((activity.to_owned(), profile.clone())) {
            problems.add(row.line, "activity_code", format!("{profile} already has a role in {activity} in this file"));
            continue;
        }
        match parsed.activities.iter().find(|(c, _)| c == activity) {
            Some((_, l)) if l != label => {
                problems.add(row.line, "activity_label", format!("{activity} is labelled {l:?} on an earlier line"))
            }
            Some(_) => {}
            None => parsed.activities.push((activity.to_owned(), label.to_owned())),
        }
        let entry = ActivityRoleEntry { activity: activity.to_owned(), role, note: table.get(row, "note").to_owned() };
        match parsed.roles.iter_mut().find(|(p, _)| *p == profile) {
            Some((_, list)) => list.push(entry),
            None => parsed.roles.push((profile, vec![entry])),
        }
    }
    problems.into_result("activity roles")?;
    Ok(parsed)
}

/// Adds or relabels the activities, then replaces the roles of every profile the file names.
pub fn import_roles(conn: &mut DbConnection, bytes: &[u8], author: &str) -> Result<ImportReport, ApiError> {
    let parsed = parse_roles(bytes, &known_profiles(conn)?)?;
    write::upsert_activities(conn, &parsed.activities)?;
    let mut report = ImportReport { rows: parsed.roles.iter().map(|(_, l)| l.len()).sum(), ..Default::default() };
    for (code, activity_roles) in parsed.roles {
        let current = job_profiles::get(conn, &code, None)?.content;
        save(conn, &code, ProfileContent { activity_roles, ..current }, author, &mut report)?;
    }
    Ok(report)
}
