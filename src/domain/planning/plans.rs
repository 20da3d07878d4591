//! Plans, which are also the durable job queue. A plan is asked (`queued`, with its scenario
//! fixed at that moment), claimed by exactly one worker (`running`, renewing a heartbeat), and
//! ends `done` (its result saved, never changed again), `failed` or `cancelled`. A `running`
//! plan whose heartbeat is older than the lease belongs to a worker that died: it is claimed
//! again, so a restart loses no job.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use super::actuals::flow::MonthActual;
use super::overrides::Overrides;
use crate::db::DbConnection;
use crate::db::schema::{organisations as o, plans as pl};
use crate::domain::forecasting::sets::LoadChoice;
use crate::domain::paging::{Page, PageAsk};
use crate::error::ApiError;

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// The model a plan row holds: the monthly production plan, or the workforce trajectory over
/// years. They share the queue and its workers; every read names the kind it expects, so that
/// one's id never answers as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanKind {
    Monthly,
    Trajectory,
}

impl PlanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Trajectory => "trajectory",
        }
    }
}

/// A plan without its scenario and result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: i32,
    #[serde(skip)]
    pub organisation_id: i32,
    pub organisation: String,
    pub name: String,
    /// queued, running, done, failed or cancelled.
    pub status: String,
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// Seconds the solver may search.
    pub time_limit: f64,
    /// `optimal`, or `time_limit` when the limit ended the search (the best plan is kept).
    pub solver_status: Option<String>,
    pub objective: Option<f64>,
    pub error: Option<String>,
    pub created_by: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc::optional")]
    pub started_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc::optional")]
    pub finished_at: Option<NaiveDateTime>,
    /// Times a worker took the job (more than 1 after a worker stopped while running it).
    pub attempts: i32,
    /// A what-if variant's overrides, applied to its scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Overrides>,
    /// Re-planned from now: the actuals of the horizon's closed months, before the optimised
    /// ones (the result covers those only, from the actual stock at the end of the last).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub closed_months: Vec<MonthActual>,
    /// Asked "from now" (its closed months may have no actuals).
    pub from_now: bool,
    /// The forecast (and quantile) used instead of the stored loads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loads: Option<LoadChoice>,
}

type SummaryRow = (
    i32,
    i32,
    String,
    String,
    String,
    String,
    String,
    f64,
    Option<String>,
    Option<f64>,
    Option<String>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn summary(r: SummaryRow) -> PlanSummary {
    PlanSummary {
        id: r.0,
        organisation_id: r.1,
        organisation: r.2,
        name: r.3,
        status: r.4,
        from: r.5,
        to: r.6,
        time_limit: r.7,
        solver_status: r.8,
        objective: r.9,
        error: r.10,
        created_by: r.11,
        created_at: r.12,
        started_at: r.13,
        finished_at: r.14,
        attempts: r.15,
        // Written by `enqueue` from the same type; an unreadable one is shown as none.
        overrides: r.16.and_then(|text| serde_json::from_str(&text).ok()),
        from_now: r.17.is_some(),
        closed_months: r.17.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default(),
        loads: r.18.and_then(|text| serde_json::from_str(&text).ok()),
    }
}

macro_rules! summary_columns {
    () => {
        (
            pl::id,
            pl::organisation_id,
            o::code,
            pl::name,
            pl::status,
            pl::period_from,
            pl::period_to,
            pl::time_limit,
            pl::solver_status,
            pl::objective,
            pl::error,
            pl::created_by,
            pl::created_at,
            pl::started_at,
            pl::finished_at,
            pl::attempts,
            pl::overrides,
            pl::closed_months,
            pl::load_choice,
        )
    };
}

/// What asking for a plan stores.
pub struct NewPlan<'a> {
    pub kind: PlanKind,
    pub organisation_id: i32,
    pub name: &'a str,
    pub from: String,
    pub to: String,
    pub time_limit: f64,
    pub scenario: String,
    pub author: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub overrides: Option<&'a Overrides>,
    /// Asked "from now": the closed months' actuals (perhaps none).
    pub closed_months: Option<&'a [MonthActual]>,
    pub loads: Option<&'a LoadChoice>,
}

/// Queues a plan; returns its id.
pub fn enqueue(conn: &mut DbConnection, plan: NewPlan) -> Result<i32, ApiError> {
    Ok(diesel::insert_into(pl::table)
        .values((
            pl::kind.eq(plan.kind.as_str()),
            pl::organisation_id.eq(plan.organisation_id),
            pl::name.eq(plan.name),
            pl::status.eq(QUEUED),
            pl::period_from.eq(plan.from),
            pl::period_to.eq(plan.to),
            pl::time_limit.eq(plan.time_limit),
            pl::scenario.eq(plan.scenario),
            pl::created_by.eq(plan.author),
            pl::created_at.eq(crate::domain::now()),
            pl::attempts.eq(0),
            pl::idempotency_key.eq(plan.idempotency_key),
            pl::closed_months.eq(plan
                .closed_months
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| ApiError::internal("closed months", e))?),
            pl::load_choice.eq(plan
                .loads
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| ApiError::internal("loads", e))?),
            pl::overrides.eq(plan
                .overrides
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| ApiError::internal("overrides", e))?),
        ))
        .returning(pl::id)
        .get_result(conn)?)
}

/// A monthly plan.
pub fn get(conn: &mut DbConnection, id: i32) -> Result<PlanSummary, ApiError> {
    get_of(conn, PlanKind::Monthly, id)
}

pub fn get_of(conn: &mut DbConnection, kind: PlanKind, id: i32) -> Result<PlanSummary, ApiError> {
    pl::table
        .inner_join(o::table)
        .filter(pl::id.eq(id))
        .filter(pl::kind.eq(kind.as_str()))
        .select(summary_columns!())
        .first::<SummaryRow>(conn)
        .optional()?
        .map(summary)
        .ok_or_else(|| ApiError::not_found(format!("plan {id} not found")))
}

/// A page of the monthly plans of an organisation, newest first.
pub fn page(conn: &mut DbConnection, organisation_id: i32, ask: PageAsk) -> Result<Page<PlanSummary>, ApiError> {
    page_of(conn, PlanKind::Monthly, organisation_id, ask)
}

pub fn page_of(
    conn: &mut DbConnection,
    kind: PlanKind,
    organisation_id: i32,
    ask: PageAsk,
) -> Result<Page<PlanSummary>, ApiError> {
    let mine = pl::organisation_id.eq(organisation_id).and(pl::kind.eq(kind.as_str()));
    let total: i64 = pl::table.filter(mine).count().get_result(conn)?;
    let rows = pl::table
        .inner_join(o::table)
        .filter(mine)
        .order(pl::id.desc())
        .select(summary_columns!())
        .limit(ask.limit())
        .offset(ask.offset())
        .load::<SummaryRow>(conn)?;
    Ok(ask.answer(rows.into_iter().map(summary).collect(), total))
}

/// The result (JSON) of a plan, once done.
pub fn result(conn: &mut DbConnection, id: i32) -> Result<Option<String>, ApiError> {
    Ok(pl::table.filter(pl::id.eq(id)).select(pl::result).first(conn)?)
}

/// The scenario (JSON) a plan was asked on; 404 once the retention rule discarded it.
pub fn scenario(conn: &mut DbConnection, id: i32) -> Result<String, ApiError> {
    let (scenario, discarded_at): (String, Option<NaiveDateTime>) =
        pl::table.filter(pl::id.eq(id)).select((pl::scenario, pl::scenario_discarded_at)).first(conn)?;
    match discarded_at {
        None => Ok(scenario),
        Some(at) => Err(ApiError::not_found(format!(
            "the scenario of plan {id} was discarded on {}: failed and cancelled plans keep theirs for a limited time",
            at.date()
        ))),
    }
}

/// Discards the scenarios of failed and cancelled plans that ended before `before`, keeping the
/// plans themselves (who asked what, when, and why it ended). A scenario can weigh tens of MB,
/// and that of a plan that never solved serves only to diagnose it, for a while. Returns how
/// many were discarded.
pub fn discard_old_scenarios(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, ApiError> {
    Ok(diesel::update(
        pl::table
            .filter(pl::status.eq_any([FAILED, CANCELLED]))
            .filter(pl::finished_at.lt(before))
            .filter(pl::scenario_discarded_at.is_null()),
    )
    .set((pl::scenario.eq(""), pl::scenario_discarded_at.eq(crate::domain::now())))
    .execute(conn)?)
}

/// Cancels a queued or running plan. A finished plan is immutable: 409.
pub fn cancel(conn: &mut DbConnection, kind: PlanKind, id: i32) -> Result<(), ApiError> {
    let changed = diesel::update(
        pl::table.filter(pl::id.eq(id)).filter(pl::kind.eq(kind.as_str())).filter(pl::status.eq_any([QUEUED, RUNNING])),
    )
    .set((pl::status.eq(CANCELLED), pl::finished_at.eq(crate::domain::now())))
    .execute(conn)?;
    if changed == 1 {
        return Ok(());
    }
    let current = get_of(conn, kind, id)?;
    Err(ApiError::conflict(format!("plan {id} is {}: only a queued or running plan can be cancelled", current.status)))
}

/// A job a worker has claimed.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i32,
    pub kind: PlanKind,
    pub scenario: String,
    pub time_limit: f64,
    pub attempts: i32,
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// Takes a job that is queued, or running under an expired lease, for `worker`.
///
/// Claiming is fair between organisations: the job taken belongs to the organisation whose last
/// plan started longest ago (or never), oldest job first within it. One organisation's long
/// queue thus takes turns with another's single plan instead of holding it back (round robin).
///
/// Each job goes to exactly one worker: on PostgreSQL the row is locked with `FOR UPDATE SKIP
/// LOCKED`, so concurrent workers each get a different one; on SQLite (one writer at a time)
/// the update re-checks the state and a lost race reads as 0 rows and tries the next job.
pub fn claim(conn: &mut DbConnection, worker: &str, lease: Duration) -> Result<Option<Job>, ApiError> {
    let now = crate::domain::now();
    let expired = now - chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
    let id = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "UPDATE plans SET status = 'running', claimed_by = $1, started_at = $2, heartbeat_at = $2, \
             attempts = attempts + 1 \
             WHERE id = (SELECT p.id FROM plans p WHERE {CLAIMABLE} ORDER BY {FAIR_ORDER} LIMIT 1 \
                         FOR UPDATE SKIP LOCKED) \
             RETURNING id",
            CLAIMABLE = claimable_sql("$3"),
        ))
        .bind::<Text, _>(worker)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(expired)
        .get_result::<Claimed>(pg)
        .optional()?
        .map(|c| c.id),
        DbConnection::Sqlite(_) => claim_by_recheck(conn, worker, now, expired)?,
    };
    let Some(id) = id else { return Ok(None) };
    let (scenario, time_limit, attempts, kind): (String, f64, i32, String) =
        pl::table.filter(pl::id.eq(id)).select((pl::scenario, pl::time_limit, pl::attempts, pl::kind)).first(conn)?;
    let kind = if kind == PlanKind::Trajectory.as_str() { PlanKind::Trajectory } else { PlanKind::Monthly };
    Ok(Some(Job { id, kind, scenario, time_limit, attempts }))
}

/// Plans of the organisation served longest ago first (never served: first of all), then the
/// oldest. `plans_organisation_started` makes the per-organisation maximum an index lookup.
const FAIR_ORDER: &str = "(SELECT MAX(q.started_at) FROM plans q WHERE q.organisation_id = p.organisation_id) \
                          ASC NULLS FIRST, p.id";

/// Queued, or running under a lease that expired before the bound parameter `expired`.
fn claimable_sql(expired: &str) -> String {
    format!("(p.status = 'queued' OR (p.status = 'running' AND p.heartbeat_at < {expired}))")
}

fn claim_by_recheck(
    conn: &mut DbConnection,
    worker: &str,
    now: NaiveDateTime,
    expired: NaiveDateTime,
) -> Result<Option<i32>, ApiError> {
    let next = format!("SELECT p.id FROM plans p WHERE {} ORDER BY {FAIR_ORDER} LIMIT 1", claimable_sql("?"));
    let take = format!(
        "UPDATE plans AS p SET status = 'running', claimed_by = ?, started_at = ?, heartbeat_at = ?, \
         attempts = attempts + 1 WHERE p.id = ? AND {}",
        claimable_sql("?")
    );
    for _ in 0..8 {
        let Some(Claimed { id }) =
            diesel::sql_query(&next).bind::<Timestamp, _>(expired).get_result::<Claimed>(conn).optional()?
        else {
            return Ok(None);
        };
        // The state is checked again as the row is taken: another worker may have been first.
        let changed = diesel::sql_query(&take)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<Integer, _>(id)
            .bind::<Timestamp, _>(expired)
            .execute(conn)?;
        if changed == 1 {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Renews the lease of a running job; false when the job is no longer this worker's (it was
/// cancelled, or taken over after the lease expired).
pub fn heartbeat(conn: &mut DbConnection, id: i32, worker: &str) -> Result<bool, ApiError> {
    let changed = diesel::update(
        pl::table.filter(pl::id.eq(id)).filter(pl::status.eq(RUNNING)).filter(pl::claimed_by.eq(worker)),
    )
    .set(pl::heartbeat_at.eq(crate::domain::now()))
    .execute(conn)?;
    Ok(changed == 1)
}

/// How a job ended.
pub enum Outcome {
    Done { result: String, solver_status: String, objective: f64 },
    Failed(String),
}

/// Saves how a job ended, if it is still this worker's; false when it was cancelled or taken
/// over meanwhile (the outcome is then dropped: a plan is written once).
pub fn finish(conn: &mut DbConnection, id: i32, worker: &str, outcome: Outcome) -> Result<bool, ApiError> {
    let mine = pl::table.filter(pl::id.eq(id)).filter(pl::status.eq(RUNNING)).filter(pl::claimed_by.eq(worker));
    let now = crate::domain::now();
    let changed = match outcome {
        Outcome::Done { result, solver_status, objective } => diesel::update(mine)
            .set((
                pl::status.eq(DONE),
                pl::result.eq(result),
                pl::solver_status.eq(solver_status),
                pl::objective.eq(objective),
                pl::finished_at.eq(now),
            ))
            .execute(conn)?,
        Outcome::Failed(message) => diesel::update(mine)
            .set((pl::status.eq(FAILED), pl::error.eq(message), pl::finished_at.eq(now)))
            .execute(conn)?,
    };
    Ok(changed == 1)
}
