//! Production activities of an organisation: what one item costs in minutes, the backlog
//! thresholds, whether temporary staff may work on it, and the competency levels it requires.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::{activities as ac, activity_requirements as ar, branch_activities as ba, competencies as c};
use crate::domain::bounds;
use crate::domain::competencies::{Resolver, stale};
use crate::domain::types::{Level, Period, upper_code};
use crate::error::{ApiError, Detail};

/// What a client sends to create or change an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// 2–40 of A-Z, 0-9, '-', '_' (upper-cased), unique in the organisation, e.g. `AL`.
    #[schema(pattern = "^ *[A-Za-z0-9_-]{2,40} *$")]
    pub code: String,
    #[schema(max_length = 200)]
    pub label: String,
    /// Minutes of work one item (dossier, call, mail) takes.
    #[schema(exclusive_minimum = 0, maximum = 10000)]
    pub minutes_per_item: f64,
    /// Backlog above which the activity is `tendue`.
    #[schema(minimum = 0, maximum = 100000000)]
    pub backlog_normal_max: f64,
    /// Backlog above which it is `critique`.
    #[schema(minimum = 0, maximum = 100000000)]
    pub backlog_critical_max: f64,
    /// Temporary staff (CDD, intérim) may work on it.
    #[serde(default)]
    pub temp_eligible: bool,
    /// The branch activity of the job sheets' "qui fait quoi" table it belongs to, e.g.
    /// `production-de-masse`.
    #[serde(default)]
    pub branch_activity: Option<String>,
    /// Competencies an agent needs, each at a minimum level; none means open to every agent.
    #[serde(default)]
    pub requirements: Vec<RequirementInput>,
    /// Weight of the activity's backlog penalties in a plan (default 1): 3 makes each waiting
    /// item cost three times as much as on an activity of priority 1.
    #[serde(default = "default_priority")]
    #[schema(exclusive_minimum = 0, maximum = 100)]
    pub priority: f64,
    /// ETP of agents that should work on it every month (minimum presence, default 0).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub min_fte: f64,
    /// Standard times that change, each from its month on: "22 minutes from 2027-06".
    #[serde(default)]
    pub standard_changes: Vec<StandardChange>,
}

fn default_priority() -> f64 {
    1.0
}

/// A standard time in force from a month on (until a later change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardChange {
    /// `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub from: String,
    #[schema(exclusive_minimum = 0, maximum = 10000)]
    pub minutes_per_item: f64,
}

/// Standard times that change as files and forms write them: `2027-06:22;2027-09:20`
/// (month:minutes).
pub fn changes_from_text(raw: &str) -> Result<Vec<StandardChange>, String> {
    crate::domain::csv_io::list(raw)
        .into_iter()
        .map(|part| {
            let (from, minutes) =
                part.split_once(':').ok_or_else(|| format!("{part:?} is not month:minutes, e.g. 2027-06:22"))?;
            let minutes_per_item = crate::domain::csv_io::spreadsheet_number(minutes.trim())
                .ok_or_else(|| format!("{part:?}: {minutes:?} is not a number"))?;
            Ok(StandardChange { from: from.trim().to_owned(), minutes_per_item })
        })
        .collect()
}

impl Activity {
    /// The standard time in `month` (`YYYY-MM`): the latest change from that month or before,
    /// else the activity's own.
    pub fn minutes_in(&self, month: &str) -> f64 {
        self.standard_changes
            .iter()
            .filter(|c| c.from.as_str() <= month)
            .max_by(|a, b| a.from.cmp(&b.from))
            .map_or(self.minutes_per_item, |c| c.minutes_per_item)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementInput {
    /// Competency code, label or alias.
    pub competency: String,
    /// 1 to 4.
    #[schema(minimum = 1, maximum = 4)]
    pub min_level: i64,
}

/// An activity as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Activity {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub organisation_id: i32,
    pub code: String,
    pub label: String,
    pub minutes_per_item: f64,
    pub backlog_normal_max: f64,
    pub backlog_critical_max: f64,
    pub temp_eligible: bool,
    pub branch_activity: Option<String>,
    pub requirements: Vec<ActivityRequirement>,
    pub priority: f64,
    pub min_fte: f64,
    /// In month order.
    pub standard_changes: Vec<StandardChange>,
    pub version: i32,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ActivityRequirement {
    pub competency: String,
    #[serde(skip)]
    pub competency_id: i32,
    pub min_level: Level,
}

/// An input that passed every check, with its competencies resolved to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid {
    pub code: String,
    label: String,
    minutes_per_item: f64,
    backlog_normal_max: f64,
    backlog_critical_max: f64,
    temp_eligible: bool,
    branch_activity: Option<String>,
    /// By competency id: the code and the level.
    requirements: BTreeMap<i32, (String, Level)>,
    priority: f64,
    min_fte: f64,
    /// In month order, months normalised.
    standard_changes: Vec<StandardChange>,
}

impl Valid {
    fn changes_json(&self) -> Result<String, ApiError> {
        serde_json::to_string(&self.standard_changes).map_err(|e| ApiError::internal("standard times", e))
    }
}

/// What checking an activity needs from the database, loaded once (a CSV file checks many).
pub struct Checker {
    competencies: Resolver,
    branch_activities: HashSet<String>,
}

impl Checker {
    pub fn load(conn: &mut DbConnection) -> Result<Self, ApiError> {
        let branch_activities = ba::table.select(ba::code).load::<String>(conn)?.into_iter().collect();
        Ok(Self { competencies: Resolver::load(conn)?, branch_activities })
    }

    /// Every problem of `input`, by field, and whether one breaks the input's documented shape
    /// (the others are refusals of well-formed values); `Ok` with the resolved activity when
    /// there is none.
    pub fn check(&self, input: &ActivityInput) -> Result<Valid, (Vec<Detail>, bool)> {
        let mut details = Vec::new();
        let code = upper_code("code", &input.code, 40).map_err(|e| details.extend(e.details())).ok();
        let label = input.label.trim().to_owned();
        if let Some(problem) = crate::domain::types::name_problem(&label) {
            details.push(Detail::field("label", problem));
        }
        if let Some(problem) = bounds::MINUTES_PER_ITEM.problem(input.minutes_per_item) {
            details.push(Detail::field("minutes_per_item", problem));
        }
        for (field, value) in
            [("backlog_normal_max", input.backlog_normal_max), ("backlog_critical_max", input.backlog_critical_max)]
        {
            if let Some(problem) = bounds::ITEMS.problem(value) {
                details.push(Detail::field(field, problem));
            }
        }
        for (field, bound, value) in
            [("priority", bounds::PRIORITY, input.priority), ("min_fte", bounds::MIN_FTE, input.min_fte)]
        {
            if let Some(problem) = bound.problem(value) {
                details.push(Detail::field(field, problem));
            }
        }
        let standard_changes = standard_changes(&input.standard_changes, &mut details);
        let malformed = !details.is_empty();
        if input.backlog_critical_max < input.backlog_normal_max {
            details.push(Detail::field("backlog_critical_max", "must not be below backlog_normal_max"));
        }
        let branch_activity =
            input.branch_activity.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if let Some(b) = &branch_activity
            && !self.branch_activities.contains(b)
        {
            details.push(Detail::field("branch_activity", format!("unknown branch activity {b:?}")));
        }
        let requirements = self.competencies.levels(
            "requirements",
            "min_level",
            input.requirements.iter().map(|r| (r.competency.as_str(), r.min_level)),
            &mut details,
        );
        match code {
            Some(code) if details.is_empty() => Ok(Valid {
                code,
                label,
                minutes_per_item: input.minutes_per_item,
                backlog_normal_max: input.backlog_normal_max,
                backlog_critical_max: input.backlog_critical_max,
                temp_eligible: input.temp_eligible,
                branch_activity,
                requirements,
                priority: input.priority,
                min_fte: input.min_fte,
                standard_changes,
            }),
            _ => Err((details, malformed)),
        }
    }
}

/// The changes in month order, each month and standard time checked, a month named twice refused.
fn standard_changes(changes: &[StandardChange], details: &mut Vec<Detail>) -> Vec<StandardChange> {
    let mut out: Vec<StandardChange> = Vec::new();
    for (k, change) in changes.iter().enumerate() {
        let field = |name: &str| format!("standard_changes[{k}].{name}");
        if let Some(problem) = bounds::MINUTES_PER_ITEM.problem(change.minutes_per_item) {
            details.push(Detail::field(field("minutes_per_item"), problem));
        }
        match Period::parse("", change.from.trim()) {
            Ok(month) if out.iter().any(|c| c.from == month.to_string()) => {
                details.push(Detail::field(field("from"), format!("{month} has a standard time already")))
            }
            Ok(month) => {
                out.push(StandardChange { from: month.to_string(), minutes_per_item: change.minutes_per_item })
            }
            Err(_) => details.push(Detail::field(field("from"), format!("{:?} is not a month YYYY-MM", change.from))),
        }
    }
    out.sort_by(|a, b| a.from.cmp(&b.from));
    out
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ac)]
struct Row {
    id: i32,
    organisation_id: i32,
    code: String,
    label: String,
    minutes_per_item: f64,
    backlog_normal_max: f64,
    backlog_critical_max: f64,
    temp_eligible: i32,
    branch_activity: Option<String>,
    version: i32,
    updated_at: NaiveDateTime,
    updated_by: String,
    priority: f64,
    min_fte: f64,
    standard_changes: String,
}

fn with_requirements(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<Activity>, ApiError> {
    let changes = |text: &str| {
        serde_json::from_str::<Vec<StandardChange>>(text).map_err(|e| ApiError::internal("stored standard times", e))
    };
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut reqs: BTreeMap<i32, Vec<ActivityRequirement>> = BTreeMap::new();
    for (activity, competency_id, competency, level) in ar::table
        .inner_join(c::table)
        .filter(ar::activity_id.eq_any(&ids))
        .select((ar::activity_id, ar::competency_id, c::code, ar::min_level))
        .order((ar::activity_id, c::code))
        .load::<(i32, i32, String, i32)>(conn)?
    {
        let min_level = Level::new(i64::from(level)).map_err(|e| ApiError::internal("stored level", e))?;
        reqs.entry(activity).or_default().push(ActivityRequirement { competency, competency_id, min_level });
    }
    rows.into_iter()
        .map(|r| {
            Ok(Activity {
                standard_changes: changes(&r.standard_changes)?,
                priority: r.priority,
                min_fte: r.min_fte,
                requirements: reqs.remove(&r.id).unwrap_or_default(),
                id: r.id,
                organisation_id: r.organisation_id,
                code: r.code,
                label: r.label,
                minutes_per_item: r.minutes_per_item,
                backlog_normal_max: r.backlog_normal_max,
                backlog_critical_max: r.backlog_critical_max,
                temp_eligible: r.temp_eligible != 0,
                branch_activity: r.branch_activity,
                version: r.version,
                updated_at: r.updated_at,
                updated_by: r.updated_by,
            })
        })
        .collect()
}

/// The activities of an organisation, by code.
pub fn list(conn: &mut DbConnection, organisation_id: i32) -> Result<Vec<Activity>, ApiError> {
    let rows = ac::table
        .filter(ac::organisation_id.eq(organisation_id))
        .order(ac::code)
        .select(Row::as_select())
        .load(conn)?;
    with_requirements(conn, rows)
}

pub fn find(conn: &mut DbConnection, organisation_id: i32, code: &str) -> Result<Option<Activity>, ApiError> {
    let rows = ac::table
        .filter(ac::organisation_id.eq(organisation_id))
        .filter(ac::code.eq(code.trim().to_uppercase()))
        .select(Row::as_select())
        .load(conn)?;
    Ok(with_requirements(conn, rows)?.pop())
}

pub fn get(conn: &mut DbConnection, organisation_id: i32, code: &str) -> Result<Activity, ApiError> {
    find(conn, organisation_id, code)?.ok_or_else(|| ApiError::not_found(format!("activity {code} not found")))
}

fn write_requirements(conn: &mut DbConnection, id: i32, valid: &Valid) -> Result<(), ApiError> {
    diesel::delete(ar::table.filter(ar::activity_id.eq(id))).execute(conn)?;
    // One row at a time: multi-row inserts do not compile on the two-backend connection, and an
    // activity has a handful of requirements.
    for (cid, (_, level)) in &valid.requirements {
        diesel::insert_into(ar::table)
            .values((ar::activity_id.eq(id), ar::competency_id.eq(*cid), ar::min_level.eq(level.get())))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates an activity (409 if its code exists in the organisation).
pub fn create(conn: &mut DbConnection, organisation_id: i32, valid: &Valid, author: &str) -> Result<i32, ApiError> {
    if find(conn, organisation_id, &valid.code)?.is_some() {
        return Err(ApiError::conflict(format!("activity {} already exists", valid.code)));
    }
    let id: i32 = diesel::insert_into(ac::table)
        .values((
            ac::organisation_id.eq(organisation_id),
            ac::code.eq(&valid.code),
            ac::label.eq(&valid.label),
            ac::minutes_per_item.eq(valid.minutes_per_item),
            ac::backlog_normal_max.eq(valid.backlog_normal_max),
            ac::backlog_critical_max.eq(valid.backlog_critical_max),
            ac::temp_eligible.eq(i32::from(valid.temp_eligible)),
            ac::branch_activity.eq(&valid.branch_activity),
            ac::priority.eq(valid.priority),
            ac::min_fte.eq(valid.min_fte),
            ac::standard_changes.eq(valid.changes_json()?),
            ac::version.eq(1),
            ac::updated_at.eq(crate::domain::now()),
            ac::updated_by.eq(author),
        ))
        .returning(ac::id)
        .get_result(conn)?;
    write_requirements(conn, id, valid)?;
    Ok(id)
}

/// True when `valid` says the same as what is stored.
pub fn same(current: &Activity, valid: &Valid) -> bool {
    let stored: BTreeMap<&str, Level> =
        current.requirements.iter().map(|r| (r.competency.as_str(), r.min_level)).collect();
    let wanted: BTreeMap<&str, Level> = valid.requirements.values().map(|(c, l)| (c.as_str(), *l)).collect();
    current.label == valid.label
        && current.minutes_per_item == valid.minutes_per_item
        && current.backlog_normal_max == valid.backlog_normal_max
        && current.backlog_critical_max == valid.backlog_critical_max
        && current.temp_eligible == valid.temp_eligible
        && current.branch_activity == valid.branch_activity
        && current.priority == valid.priority
        && current.min_fte == valid.min_fte
        && current.standard_changes == valid.standard_changes
        && stored == wanted
}

/// Changes an activity if `expected_version` is still current (409 otherwise); the code stays.
pub fn update(
    conn: &mut DbConnection,
    current: &Activity,
    expected_version: i32,
    valid: &Valid,
    author: &str,
) -> Result<(), ApiError> {
    if current.version != expected_version {
        return Err(stale("activity", &current.code, expected_version, current.version));
    }
    let changed = diesel::update(ac::table.filter(ac::id.eq(current.id)).filter(ac::version.eq(expected_version)))
        .set((
            ac::label.eq(&valid.label),
            ac::minutes_per_item.eq(valid.minutes_per_item),
            ac::backlog_normal_max.eq(valid.backlog_normal_max),
            ac::backlog_critical_max.eq(valid.backlog_critical_max),
            ac::temp_eligible.eq(i32::from(valid.temp_eligible)),
            ac::branch_activity.eq(&valid.branch_activity),
            ac::priority.eq(valid.priority),
            ac::min_fte.eq(valid.min_fte),
            ac::standard_changes.eq(valid.changes_json()?),
            ac::version.eq(expected_version + 1),
            ac::updated_at.eq(crate::domain::now()),
            ac::updated_by.eq(author),
        ))
        .execute(conn)?;
    if changed != 1 {
        return Err(stale("activity", &current.code, expected_version, expected_version + 1));
    }
    write_requirements(conn, current.id, valid)
}

/// Removes an activity with its forecasts. Saved plans keep their own copy of the scenario.
pub fn delete(conn: &mut DbConnection, activity: &Activity) -> Result<(), ApiError> {
    diesel::delete(ac::table.filter(ac::id.eq(activity.id))).execute(conn)?;
    Ok(())
}
