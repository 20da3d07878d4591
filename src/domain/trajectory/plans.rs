//! Trajectory plans: the optimal plan of an organisation, asked, queued and solved by the plan
//! workers as monthly plans are (`planning::plans` is the durable queue of both). The case and
//! the reports' fixed parts are frozen at request time; the worker solves and stores the report.

use chrono::{NaiveDate, NaiveDateTime};
use gpec_trajectory::{Options, SolveError, Status};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reports::{self, Context, Report};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::organisations;
use crate::domain::paging::{Page, PageAsk};
use crate::domain::planning::plans::{self as queue, NewPlan, Outcome, PlanKind};
use crate::domain::planning::request::{DEFAULT_TIME_LIMIT, MAX_NAME_CHARS, MAX_TIME_LIMIT, QueueQuota, within_quota};
use crate::domain::types::Role;
use crate::error::ApiError;

const KIND: PlanKind = PlanKind::Trajectory;

/// What a trajectory plan covers and how long the solver may search.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = TrajectoryPlanRequest)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Organisation code (national users); default: the caller's own.
    #[serde(default)]
    pub organisation: Option<String>,
    /// A name to find the plan by (at most 200 characters; default: its years).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The first year (default: next year).
    #[serde(default)]
    pub first_year: Option<i32>,
    /// 1 to 5 (default 3).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5)]
    pub years: Option<usize>,
    /// Seconds before the search stops with the best plan found (default 60, at most 600).
    #[serde(default)]
    #[schema(exclusive_minimum = 0, maximum = 600)]
    pub time_limit_seconds: Option<f64>,
}

/// A trajectory plan without its report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = TrajectoryPlanSummary)]
pub struct PlanSummary {
    pub id: i32,
    #[serde(skip)]
    pub organisation_id: i32,
    pub organisation: String,
    pub name: String,
    /// queued, running, done, failed or cancelled.
    pub status: String,
    pub first_year: i32,
    pub years: usize,
    /// Seconds the solver may search.
    pub time_limit: f64,
    /// `optimal`, or `time_limit` when the limit ended the search (the best plan is kept).
    pub solver_status: Option<String>,
    /// The plan's total cost (hiring, training, lost capacity and target penalties).
    pub total_cost: Option<f64>,
    /// Why it failed: floors no plan can keep are each named with what the limits allow.
    pub error: Option<String>,
    pub created_by: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc::optional")]
    pub started_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc::optional")]
    pub finished_at: Option<NaiveDateTime>,
    pub attempts: i32,
}

impl PlanSummary {
    /// Whether it is still waiting or solving.
    pub fn pending(&self) -> bool {
        self.status == queue::QUEUED || self.status == queue::RUNNING
    }
}

impl From<queue::PlanSummary> for PlanSummary {
    fn from(p: queue::PlanSummary) -> Self {
        // Stored as the horizon's first and last months, `YYYY-01` and `YYYY-12`.
        let year = |month: &str| month.get(..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or_default();
        let (first_year, last_year) = (year(&p.from), year(&p.to));
        Self {
            id: p.id,
            organisation_id: p.organisation_id,
            organisation: p.organisation,
            name: p.name,
            status: p.status,
            first_year,
            years: (last_year - first_year + 1).max(0) as usize,
            time_limit: p.time_limit,
            solver_status: p.solver_status,
            total_cost: p.objective,
            error: p.error,
            created_by: p.created_by,
            created_at: p.created_at,
            started_at: p.started_at,
            finished_at: p.finished_at,
            attempts: p.attempts,
        }
    }
}

/// A trajectory plan with its report once done.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryPlanView)]
pub struct PlanView {
    pub plan: PlanSummary,
    pub report: Option<Report>,
}

/// Checks `input`, freezes the case and its reports' fixed parts, and queues the plan, within
/// the organisation's quota of pending trajectory plans. Runs in the caller's transaction.
pub fn request(
    conn: &mut DbConnection,
    who: &Principal,
    input: PlanRequest,
    quota: QueueQuota,
    today: NaiveDate,
) -> Result<PlanSummary, ApiError> {
    let org = super::organisation(conn, who, input.organisation.as_deref())?;
    let time_limit = input.time_limit_seconds.unwrap_or(DEFAULT_TIME_LIMIT);
    if !(time_limit.is_finite() && time_limit > 0.0 && time_limit <= MAX_TIME_LIMIT) {
        return Err(ApiError::invalid("time_limit_seconds", "must be more than 0 and at most 600 seconds"));
    }
    let name = input.name.as_deref().map(str::trim).unwrap_or("");
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::invalid("name", format!("must be at most {MAX_NAME_CHARS} characters")));
    }
    let (first_year, years) = reports::horizon(input.first_year, input.years, today)?;
    let last_year = first_year + years as i32 - 1;
    let name = if name.is_empty() { format!("Trajectoire {first_year}–{last_year}") } else { name.to_owned() };

    // One organisation's requests queue here one at a time, so that two cannot pass the quota.
    organisations::lock(conn, org)?;
    within_quota(conn, KIND, org, quota)?;
    let context = reports::context(conn, who, org, (first_year, years), today, true)?;
    let text = serde_json::to_string(&context).map_err(|e| ApiError::internal("trajectory case", e))?;
    let id = queue::enqueue(
        conn,
        NewPlan {
            kind: KIND,
            organisation_id: org,
            name: &name,
            from: format!("{first_year}-01"),
            to: format!("{last_year}-12"),
            time_limit,
            scenario: text,
            author: &who.username,
            idempotency_key: None,
            overrides: None,
            closed_months: None,
            loads: None,
        },
    )?;
    let plan: PlanSummary = queue::get_of(conn, KIND, id)?.into();
    audit::record(conn, who, Change::new(Some(org), "trajectory_plan", id, "request").created(&plan))?;
    Ok(plan)
}

/// Trajectory plan `id` if `who` may see it: `hr` of its organisation, or national.
fn visible(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<PlanSummary, ApiError> {
    who.require_any(&[Role::Hr])?;
    let plan = queue::get_of(conn, KIND, id)?;
    Ok(who.visible(plan.organisation_id, plan, "trajectory plan")?.into())
}

/// A page of an organisation's trajectory plans (default: the caller's own), newest first.
pub fn page(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    ask: PageAsk,
) -> Result<Page<PlanSummary>, ApiError> {
    let org = super::organisation(conn, who, organisation)?;
    Ok(queue::page_of(conn, KIND, org, ask)?.map(PlanSummary::from))
}

/// A plan and, once done, its report.
pub fn view(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<PlanView, ApiError> {
    let plan = visible(conn, who, id)?;
    let report = if plan.status == queue::DONE { Some(stored_report(conn, id)?) } else { None };
    Ok(PlanView { plan, report })
}

/// The report of a done plan (409 otherwise: it has none yet, or never will).
pub fn report(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<Report, ApiError> {
    let plan = visible(conn, who, id)?;
    if plan.status != queue::DONE {
        return Err(ApiError::conflict(format!(
            "trajectory plan {id} is {}: only a done plan has a report",
            plan.status
        )));
    }
    stored_report(conn, id)
}

fn stored_report(conn: &mut DbConnection, id: i32) -> Result<Report, ApiError> {
    let text =
        queue::result(conn, id)?.ok_or_else(|| ApiError::conflict(format!("trajectory plan {id} has no report")))?;
    serde_json::from_str(&text).map_err(|e| ApiError::internal("stored trajectory report", e))
}

/// The case a plan was asked on, as `gpec trajectory solve` reads it; 404 once the retention
/// rule discarded it (failed and cancelled plans keep theirs for a limited time).
pub fn case(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<gpec_trajectory::Case, ApiError> {
    visible(conn, who, id)?;
    let context: Context = serde_json::from_str(&queue::scenario(conn, id)?)
        .map_err(|e| ApiError::internal("stored trajectory case", e))?;
    Ok(context.case)
}

/// Cancels a queued or solving plan (409 once it ended).
pub fn cancel(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<PlanSummary, ApiError> {
    crate::db::transaction(conn, |conn| {
        let before = visible(conn, who, id)?;
        queue::cancel(conn, KIND, id)?;
        let after: PlanSummary = queue::get_of(conn, KIND, id)?.into();
        let change =
            Change::new(Some(before.organisation_id), "trajectory_plan", id, "cancel").changed(&before, &after);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}

/// Solves a stored context; every failure becomes a message for the plan's `error`.
pub fn solve(stored: &str, time_limit: f64) -> Outcome {
    let context: Context = match serde_json::from_str(stored) {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(format!("the stored trajectory case cannot be read: {e}")),
    };
    let prepared = match reports::prepare(&context.case) {
        Ok(p) => p,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let trajectory = match gpec_trajectory::solve(&prepared, Options { time_limit, ..Options::default() }) {
        Ok(t) => t,
        Err(SolveError::Infeasible(shortfalls)) => {
            let lines: Vec<String> = reports::shortfall_details(&shortfalls)
                .into_iter()
                .map(|d| format!("{}: {}", d.field.unwrap_or_default(), d.message))
                .collect();
            return Outcome::Failed(format!("no plan keeps the minimum ETP: {}", lines.join("; ")));
        }
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let solver_status = match trajectory.status {
        Status::TimeLimit => "time_limit",
        Status::Optimal | Status::Projection => "optimal",
    };
    let report = reports::assemble(context, trajectory);
    match serde_json::to_string(&report) {
        Ok(result) => Outcome::Done { solver_status: solver_status.to_owned(), objective: report.costs.total, result },
        Err(e) => Outcome::Failed(format!("the trajectory report cannot be saved: {e}")),
    }
}
