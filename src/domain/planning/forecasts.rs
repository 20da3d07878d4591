//! Monthly forecasts: the volume of each activity (with the backlog at the start of the month
//! when known), and the hours each agent is away. Both are written as sets of rows that land
//! together or not at all; a row for a month already stored replaces it.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{activities as ac, activity_months as am, agent_unavailability as au, agents as a};
use crate::db::{Backend, DbConnection};
use crate::domain::bounds::{self, Bound};
use crate::domain::paging::{Page, PageAsk};
use crate::domain::types::{Period, UnavailabilityKind};
use crate::error::{ApiError, Detail};

/// The forecast of one activity in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadRow {
    /// Activity code.
    pub activity: String,
    /// `YYYY-MM`.
    #[schema(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
    pub period: String,
    /// Items expected (dossiers, calls, mails).
    #[schema(minimum = 0, maximum = 100000000)]
    pub volume: f64,
    /// Items waiting at the start of the month, when known; a plan starts from the one of its
    /// first month (none: 0).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000000)]
    pub opening_backlog: Option<f64>,
}

/// Hours an agent is away in one month, for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnavailabilityRow {
    pub matricule: String,
    /// `YYYY-MM`.
    #[schema(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
    pub period: String,
    pub kind: UnavailabilityKind,
    #[schema(minimum = 0, maximum = 744)]
    pub hours: f64,
}

/// One problem of one row: the column (field) and why.
/// One problem of one row: the column (field), why, and whether the row is well-formed but
/// refused by the data (an unknown activity, a month given twice) rather than malformed.
pub struct RowProblem {
    pub column: &'static str,
    pub message: String,
    pub refused: bool,
}

impl RowProblem {
    pub fn malformed(column: &'static str, message: String) -> Self {
        Self { column, message, refused: false }
    }

    pub fn refused(column: &'static str, message: String) -> Self {
        Self { column, message, refused: true }
    }
}

fn amount(column: &'static str, value: f64, bound: Bound, problems: &mut Vec<RowProblem>) {
    if let Some(problem) = bound.problem(value) {
        problems.push(RowProblem::malformed(column, problem));
    }
}

fn period(raw: &str, problems: &mut Vec<RowProblem>) -> Option<Period> {
    Period::parse("period", raw)
        .map_err(|e| problems.push(RowProblem::malformed("period", e.details()[0].message.clone())))
        .ok()
}

/// Checks load rows of one organisation (activity codes by id); rows must not repeat a month.
pub struct LoadChecker {
    activities: HashMap<String, i32>,
    seen: HashSet<(i32, Period)>,
}

pub struct ValidLoad {
    activity_id: i32,
    period: Period,
    volume: f64,
    opening_backlog: Option<f64>,
}

impl LoadChecker {
    pub fn load(conn: &mut DbConnection, organisation_id: i32) -> Result<Self, ApiError> {
        let activities = ac::table
            .filter(ac::organisation_id.eq(organisation_id))
            .select((ac::code, ac::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        Ok(Self { activities, seen: HashSet::new() })
    }

    pub fn check(&mut self, row: &LoadRow) -> Result<ValidLoad, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let code = row.activity.trim().to_uppercase();
        let activity_id = self.activities.get(&code).copied();
        if activity_id.is_none() {
            problems.push(RowProblem::refused("activity", format!("unknown activity {code:?}")));
        }
        let period = period(&row.period, &mut problems);
        amount("volume", row.volume, bounds::ITEMS, &mut problems);
        if let Some(b) = row.opening_backlog {
            amount("opening_backlog", b, bounds::ITEMS, &mut problems);
        }
        if let (Some(id), Some(p)) = (activity_id, period)
            && !self.seen.insert((id, p))
        {
            problems.push(RowProblem::refused("period", format!("{code} {p} appears twice")));
        }
        match (activity_id, period) {
            (Some(activity_id), Some(period)) if problems.is_empty() => {
                Ok(ValidLoad { activity_id, period, volume: row.volume, opening_backlog: row.opening_backlog })
            }
            _ => Err(problems),
        }
    }
}

/// Checks unavailability rows of one organisation; rows must not repeat an agent, month and kind.
pub struct UnavailabilityChecker {
    agents: HashMap<String, i32>,
    seen: HashSet<(i32, Period, UnavailabilityKind)>,
}

pub struct ValidUnavailability {
    agent_id: i32,
    period: Period,
    kind: UnavailabilityKind,
    hours: f64,
}

impl UnavailabilityChecker {
    pub fn load(conn: &mut DbConnection, organisation_id: i32) -> Result<Self, ApiError> {
        let agents = a::table
            .filter(a::organisation_id.eq(organisation_id))
            .select((a::matricule, a::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        Ok(Self { agents, seen: HashSet::new() })
    }

    pub fn check(&mut self, row: &UnavailabilityRow) -> Result<ValidUnavailability, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let matricule = row.matricule.trim();
        let agent_id = self.agents.get(matricule).copied();
        if agent_id.is_none() {
            problems.push(RowProblem::refused("matricule", format!("unknown matricule {matricule:?}")));
        }
        let period = period(&row.period, &mut problems);
        amount("hours", row.hours, bounds::MONTH_HOURS, &mut problems);
        if let (Some(id), Some(p)) = (agent_id, period)
            && !self.seen.insert((id, p, row.kind))
        {
            problems.push(RowProblem::refused("period", format!("{matricule} {p} {} appears twice", row.kind)));
        }
        match (agent_id, period) {
            (Some(agent_id), Some(period)) if problems.is_empty() => {
                Ok(ValidUnavailability { agent_id, period, kind: row.kind, hours: row.hours })
            }
            _ => Err(problems),
        }
    }
}

/// Checks JSON rows, naming each problem `rows[k].field`; every problem is reported: a 400 when
/// a row is malformed, else a 422 when the data refuses some.
pub fn check_all<R, V>(
    rows: &[R],
    mut check: impl FnMut(&R) -> Result<V, Vec<RowProblem>>,
) -> Result<Vec<V>, ApiError> {
    let (mut details, mut malformed) = (Vec::new(), false);
    let mut valid = Vec::with_capacity(rows.len());
    for (k, row) in rows.iter().enumerate() {
        match check(row) {
            Ok(v) => valid.push(v),
            Err(problems) => {
                malformed |= problems.iter().any(|p| !p.refused);
                details
                    .extend(problems.into_iter().map(|p| Detail::field(format!("rows[{k}].{}", p.column), p.message)))
            }
        }
    }
    match (details.is_empty(), malformed) {
        (true, _) => Ok(valid),
        (false, true) => Err(ApiError::problems("the set of rows", details)),
        (false, false) => Err(ApiError::unprocessable("the set of rows", details)),
    }
}

/// What a write did.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct WriteReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
}

impl WriteReport {
    /// Counts one row written, `created` or updated.
    pub fn count(&mut self, created: bool) {
        if created { self.created += 1 } else { self.updated += 1 }
    }
}

/// Updates a row by its key, or inserts it; true when it was inserted. Two writers of one new
/// key at once on PostgreSQL would both find nothing to update and both insert: the second
/// insert fails on the key once the first commits. It runs in a savepoint, so the second writer
/// then updates the row the first wrote, as if it had come second.
pub fn update_or_insert(
    conn: &mut DbConnection,
    update: impl Fn(&mut DbConnection) -> diesel::QueryResult<usize>,
    insert: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<usize>,
) -> Result<bool, ApiError> {
    if update(conn)? > 0 {
        return Ok(false);
    }
    match crate::db::transaction(conn, insert) {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            update(conn)?;
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Writes checked load rows (call inside a transaction).
pub fn write_loads(conn: &mut DbConnection, rows: &[ValidLoad]) -> Result<WriteReport, ApiError> {
    let mut report = WriteReport { rows: rows.len(), ..Default::default() };
    for r in rows {
        let period = r.period.to_string();
        let created = update_or_insert(
            conn,
            |conn| {
                let key = am::table.filter(am::activity_id.eq(r.activity_id)).filter(am::period.eq(&period));
                diesel::update(key)
                    .set((am::volume.eq(r.volume), am::opening_backlog.eq(r.opening_backlog)))
                    .execute(conn)
            },
            |conn| {
                diesel::insert_into(am::table)
                    .values((
                        am::activity_id.eq(r.activity_id),
                        am::period.eq(&period),
                        am::volume.eq(r.volume),
                        am::opening_backlog.eq(r.opening_backlog),
                    ))
                    .execute(conn)
            },
        )?;
        report.count(created);
    }
    Ok(report)
}

/// Writes checked unavailability rows (call inside a transaction).
pub fn write_unavailability(conn: &mut DbConnection, rows: &[ValidUnavailability]) -> Result<WriteReport, ApiError> {
    let mut report = WriteReport { rows: rows.len(), ..Default::default() };
    for r in rows {
        let period = r.period.to_string();
        let created = update_or_insert(
            conn,
            |conn| {
                let key = au::table
                    .filter(au::agent_id.eq(r.agent_id))
                    .filter(au::period.eq(&period))
                    .filter(au::kind.eq(r.kind.as_str()));
                diesel::update(key).set(au::hours.eq(r.hours)).execute(conn)
            },
            |conn| {
                diesel::insert_into(au::table)
                    .values((
                        au::agent_id.eq(r.agent_id),
                        au::period.eq(&period),
                        au::kind.eq(r.kind.as_str()),
                        au::hours.eq(r.hours),
                    ))
                    .execute(conn)
            },
        )?;
        report.count(created);
    }
    Ok(report)
}

/// Months are stored as `YYYY-MM` text, which sorts and compares as the months do.
fn bounds(from: Option<Period>, to: Option<Period>) -> (String, String) {
    (
        from.map_or_else(|| "0000-00".to_owned(), |p| p.to_string()),
        to.map_or_else(|| "9999-99".to_owned(), |p| p.to_string()),
    )
}

type Joined<L, R> = diesel::dsl::IntoBoxed<'static, diesel::dsl::InnerJoin<L, R>, Backend>;

/// The stored loads of an organisation between two months (inclusive).
fn loads_of(organisation_id: i32, from: Option<Period>, to: Option<Period>) -> Joined<am::table, ac::table> {
    let (lo, hi) = bounds(from, to);
    am::table
        .inner_join(ac::table)
        .into_boxed()
        .filter(ac::organisation_id.eq(organisation_id))
        .filter(am::period.ge(lo))
        .filter(am::period.le(hi))
}

/// The load rows of an organisation between two months (inclusive), by activity and month.
pub fn loads(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<Vec<LoadRow>, ApiError> {
    load_rows(conn, loads_of(organisation_id, from, to))
}

/// A page of [`loads`].
pub fn loads_page(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Option<Period>,
    to: Option<Period>,
    ask: PageAsk,
) -> Result<Page<LoadRow>, ApiError> {
    let total: i64 = loads_of(organisation_id, from, to).count().get_result(conn)?;
    let rows = load_rows(conn, loads_of(organisation_id, from, to).limit(ask.limit()).offset(ask.offset()))?;
    Ok(ask.answer(rows, total))
}

fn load_rows(conn: &mut DbConnection, query: Joined<am::table, ac::table>) -> Result<Vec<LoadRow>, ApiError> {
    let rows = query
        .order((ac::code, am::period))
        .select((ac::code, am::period, am::volume, am::opening_backlog))
        .load::<(String, String, f64, Option<f64>)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(activity, period, volume, opening_backlog)| LoadRow { activity, period, volume, opening_backlog })
        .collect())
}

/// The unavailability stored for an organisation's agents between two months (inclusive).
fn unavailability_of(organisation_id: i32, from: Option<Period>, to: Option<Period>) -> Joined<au::table, a::table> {
    let (lo, hi) = bounds(from, to);
    au::table
        .inner_join(a::table)
        .into_boxed()
        .filter(a::organisation_id.eq(organisation_id))
        .filter(au::period.ge(lo))
        .filter(au::period.le(hi))
}

/// The unavailability rows of an organisation between two months (inclusive), by agent, month
/// and kind.
pub fn unavailability(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<Vec<UnavailabilityRow>, ApiError> {
    unavailability_rows(conn, unavailability_of(organisation_id, from, to))
}

/// A page of [`unavailability`].
pub fn unavailability_page(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Option<Period>,
    to: Option<Period>,
    ask: PageAsk,
) -> Result<Page<UnavailabilityRow>, ApiError> {
    let total: i64 = unavailability_of(organisation_id, from, to).count().get_result(conn)?;
    let chosen = unavailability_of(organisation_id, from, to).limit(ask.limit()).offset(ask.offset());
    Ok(ask.answer(unavailability_rows(conn, chosen)?, total))
}

fn unavailability_rows(
    conn: &mut DbConnection,
    query: Joined<au::table, a::table>,
) -> Result<Vec<UnavailabilityRow>, ApiError> {
    let rows = query
        .order((a::matricule, au::period, au::kind))
        .select((a::matricule, au::period, au::kind, au::hours))
        .load::<(String, String, String, f64)>(conn)?;
    rows.into_iter()
        .map(|(matricule, period, kind, hours)| {
            Ok(UnavailabilityRow { matricule, period, kind: UnavailabilityKind::parse("kind", &kind)?, hours })
        })
        .collect()
}

/// Hours away of an organisation's agents in the months given, every kind summed, by agent id
/// and month `YYYY-MM`.
pub fn hours_away(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Period,
    to: Period,
) -> Result<HashMap<i32, BTreeMap<String, f64>>, ApiError> {
    let (lo, hi) = bounds(Some(from), Some(to));
    let rows = au::table
        .inner_join(a::table)
        .filter(a::organisation_id.eq(organisation_id))
        .filter(au::period.ge(lo))
        .filter(au::period.le(hi))
        .select((au::agent_id, au::period, au::hours))
        .load::<(i32, String, f64)>(conn)?;
    let mut out: HashMap<i32, BTreeMap<String, f64>> = HashMap::new();
    for (agent, period, hours) in rows {
        *out.entry(agent).or_default().entry(period).or_default() += hours;
    }
    Ok(out)
}
