//! Training modules of a campus: a code, a title, a duration, and the competencies the module
//! develops, each with a target level of the dictionary.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::{competencies as c, module_competencies as mc, training_modules as tm};
use crate::domain::competencies::{Resolver, stale};
use crate::domain::types::{Level, upper_code};
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleInput {
    /// 2–40 of A-Z, 0-9, '-', '_' (upper-cased), unique in the campus.
    #[schema(pattern = "^ *[A-Za-z0-9_-]{2,40} *$")]
    pub code: String,
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(exclusive_minimum = 0, maximum = 2000)]
    pub duration_hours: f64,
    /// The competencies the module develops, each with a target level 1–4.
    #[serde(default)]
    pub competencies: Vec<TargetInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// Competency code, label or alias.
    pub competency: String,
    pub target_level: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Module {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub campus_id: i32,
    pub code: String,
    pub title: String,
    pub duration_hours: f64,
    pub competencies: Vec<Target>,
    pub version: i32,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Target {
    pub competency: String,
    #[serde(skip)]
    pub competency_id: i32,
    pub target_level: Level,
}

/// A checked module: competencies resolved, by id.
pub struct Valid {
    pub code: String,
    title: String,
    duration_hours: f64,
    targets: BTreeMap<i32, (String, Level)>,
}

/// Every problem of `input`, by field.
pub fn check(resolver: &Resolver, input: &ModuleInput) -> Result<Valid, Vec<Detail>> {
    let mut details = Vec::new();
    let code = upper_code("code", &input.code, 40).map_err(|e| details.extend(e.details())).ok();
    let title = input.title.trim().to_owned();
    if let Some(problem) = crate::domain::types::name_problem(&title) {
        details.push(Detail::field("title", problem));
    }
    if let Some(problem) = crate::domain::bounds::MODULE_HOURS.problem(input.duration_hours) {
        details.push(Detail::field("duration_hours", problem));
    }
    let targets = resolver.levels(
        "competencies",
        "target_level",
        input.competencies.iter().map(|t| (t.competency.as_str(), t.target_level)),
        &mut details,
    );
    match code {
        Some(code) if details.is_empty() => Ok(Valid { code, title, duration_hours: input.duration_hours, targets }),
        _ => Err(details),
    }
}

/// The 400 for the problems of a module given in a body.
pub fn invalid(details: Vec<Detail>) -> ApiError {
    ApiError::problems("the module", details)
}

type Row = (i32, i32, String, String, f64, i32, NaiveDateTime, String);

fn assemble(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<Module>, ApiError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let mut targets: BTreeMap<i32, Vec<Target>> = BTreeMap::new();
    for (module, competency_id, competency, level) in mc::table
        .inner_join(c::table)
        .filter(mc::module_id.eq_any(&ids))
        .order((mc::module_id, c::code))
        .select((mc::module_id, mc::competency_id, c::code, mc::target_level))
        .load::<(i32, i32, String, i32)>(conn)?
    {
        let target_level = Level::new(i64::from(level)).map_err(|e| ApiError::internal("stored level", e))?;
        targets.entry(module).or_default().push(Target { competency, competency_id, target_level });
    }
    Ok(rows
        .into_iter()
        .map(|(id, campus_id, code, title, duration_hours, version, updated_at, updated_by)| Module {
            competencies: targets.remove(&id).unwrap_or_default(),
            id,
            campus_id,
            code,
            title,
            duration_hours,
            version,
            updated_at,
            updated_by,
        })
        .collect())
}

const COLUMNS: (
    tm::id,
    tm::campus_id,
    tm::code,
    tm::title,
    tm::duration_hours,
    tm::version,
    tm::updated_at,
    tm::updated_by,
) = (tm::id, tm::campus_id, tm::code, tm::title, tm::duration_hours, tm::version, tm::updated_at, tm::updated_by);

pub fn list(conn: &mut DbConnection, campus_id: i32) -> Result<Vec<Module>, ApiError> {
    let rows = tm::table.filter(tm::campus_id.eq(campus_id)).order(tm::code).select(COLUMNS).load(conn)?;
    assemble(conn, rows)
}

pub fn find(conn: &mut DbConnection, campus_id: i32, code: &str) -> Result<Option<Module>, ApiError> {
    let rows = tm::table
        .filter(tm::campus_id.eq(campus_id))
        .filter(tm::code.eq(code.trim().to_uppercase()))
        .select(COLUMNS)
        .load(conn)?;
    Ok(assemble(conn, rows)?.pop())
}

pub fn get(conn: &mut DbConnection, campus_id: i32, code: &str) -> Result<Module, ApiError> {
    find(conn, campus_id, code)?.ok_or_else(|| ApiError::not_found(format!("module {code} not found")))
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> Result<Module, ApiError> {
    let rows = tm::table.filter(tm::id.eq(id)).select(COLUMNS).load(conn)?;
    assemble(conn, rows)?.pop().ok_or_else(|| ApiError::not_found("module not found"))
}

fn write_targets(conn: &mut DbConnection, id: i32, valid: &Valid) -> Result<(), ApiError> {
    diesel::delete(mc::table.filter(mc::module_id.eq(id))).execute(conn)?;
    for (cid, (_, level)) in &valid.targets {
        diesel::insert_into(mc::table)
            .values((mc::module_id.eq(id), mc::competency_id.eq(*cid), mc::target_level.eq(level.get())))
            .execute(conn)?;
    }
    Ok(())
}

pub fn create(conn: &mut DbConnection, campus_id: i32, valid: &Valid, author: &str) -> Result<i32, ApiError> {
    if find(conn, campus_id, &valid.code)?.is_some() {
        return Err(ApiError::conflict(format!("module {} already exists", valid.code)));
    }
    let id: i32 = diesel::insert_into(tm::table)
        .values((
            tm::campus_id.eq(campus_id),
            tm::code.eq(&valid.code),
            tm::title.eq(&valid.title),
            tm::duration_hours.eq(valid.duration_hours),
            tm::version.eq(1),
            tm::updated_at.eq(crate::domain::now()),
            tm::updated_by.eq(author),
        ))
        .returning(tm::id)
        .get_result(conn)?;
    write_targets(conn, id, valid)?;
    Ok(id)
}

pub fn same(current: &Module, valid: &Valid) -> bool {
    let stored: Vec<(i32, Level)> = current.competencies.iter().map(|t| (t.competency_id, t.target_level)).collect();
    let wanted: Vec<(i32, Level)> = valid.targets.iter().map(|(id, (_, l))| (*id, *l)).collect();
    current.title == valid.title && current.duration_hours == valid.duration_hours && stored == wanted
}

/// Changes a module if `expected_version` is still current (409 otherwise); the code stays.
pub fn update(
    conn: &mut DbConnection,
    current: &Module,
    expected_version: i32,
    valid: &Valid,
    author: &str,
) -> Result<(), ApiError> {
    if current.version != expected_version {
        return Err(stale("module", &current.code, expected_version, current.version));
    }
    if valid.code != current.code {
        return Err(ApiError::invalid("code", "cannot change; create a new module instead"));
    }
    let changed = diesel::update(tm::table.filter(tm::id.eq(current.id)).filter(tm::version.eq(expected_version)))
        .set((
            tm::title.eq(&valid.title),
            tm::duration_hours.eq(valid.duration_hours),
            tm::version.eq(expected_version + 1),
            tm::updated_at.eq(crate::domain::now()),
            tm::updated_by.eq(author),
        ))
        .execute(conn)?;
    if changed != 1 {
        return Err(stale("module", &current.code, expected_version, expected_version + 1));
    }
    write_targets(conn, current.id, valid)
}
