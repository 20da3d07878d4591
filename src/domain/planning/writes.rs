//! The planning data's write use cases, one function each, called by every front end: each checks
//! the role (`production`, or `admin`) and the organisation (the caller's, or one a national user
//! names), writes, and records the change in the audit trail, in one transaction.

use super::activities::{self, Activity, ActivityInput, Checker};
use super::actuals::{self, ActualChecker, ActualRow};
use super::forecasts::{self, LoadChecker, LoadRow, UnavailabilityChecker, UnavailabilityRow, WriteReport, check_all};
use super::organisation_id;
use super::plans::{self, PlanSummary};
use super::settings::{self, Settings, StoredSettings};
use crate::db::{DbConnection, transaction};
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::types::Role;
use crate::error::{ApiError, Detail};

/// Runs `write` in the organisation `code` names (or the caller's), for a production manager.
fn in_organisation<T>(
    conn: &mut DbConnection,
    who: &Principal,
    code: Option<&str>,
    write: impl FnOnce(&mut DbConnection, i32) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    who.require_any(&[Role::Production])?;
    transaction(conn, |conn| {
        let org = organisation_id(conn, who, code)?;
        write(conn, org)
    })
}

fn checked(input: &ActivityInput, checker: &Checker) -> Result<activities::Valid, ApiError> {
    checker.check(input).map_err(|(details, malformed)| ApiError::checked("the activity", details, malformed))
}

pub fn create_activity(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    input: &ActivityInput,
) -> Result<Activity, ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let valid = checked(input, &Checker::load(conn)?)?;
        activities::create(conn, org, &valid, &who.username)?;
        let created = activities::get(conn, org, &valid.code)?;
        audit::record(conn, who, Change::new(Some(org), "activity", &valid.code, "create").created(&created))?;
        Ok(created)
    })
}

/// Changes activity `code` if `version` is still current (409 otherwise); the code stays.
pub fn update_activity(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    code: &str,
    version: i32,
    input: &ActivityInput,
) -> Result<Activity, ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let current = activities::get(conn, org, code)?;
        let valid = checked(input, &Checker::load(conn)?)?;
        if valid.code != current.code {
            return Err(ApiError::unusable("code", "cannot change; create a new activity instead"));
        }
        activities::update(conn, &current, version, &valid, &who.username)?;
        let updated = activities::get(conn, org, code)?;
        audit::record(conn, who, Change::new(Some(org), "activity", code, "update").changed(&current, &updated))?;
        Ok(updated)
    })
}

pub fn delete_activity(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    code: &str,
) -> Result<(), ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let current = activities::get(conn, org, code)?;
        activities::delete(conn, &current)?;
        audit::record(conn, who, Change::new(Some(org), "activity", code, "delete").removed(&current))
    })
}

/// Writes monthly volumes and opening backlogs, all rows or none; one audit record with counts.
pub fn put_loads(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    rows: &[LoadRow],
) -> Result<WriteReport, ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let mut checker = LoadChecker::load(conn, org)?;
        let valid = check_all(rows, |r| checker.check(r))?;
        let report = forecasts::write_loads(conn, &valid)?;
        audit::record(conn, who, Change::new(Some(org), "load", "rows", "put").counts(&report))?;
        Ok(report)
    })
}

/// Writes actuals (months or ISO weeks), all rows or none; a stock that breaks the flow from
/// the period before refuses the set (422, naming `rows[k].stock`). One audit record with counts.
pub fn put_actuals(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    rows: &[ActualRow],
) -> Result<WriteReport, ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let mut checker = ActualChecker::load(conn, org)?;
        let valid = check_all(rows, |r| checker.check(r))?;
        let (report, breaks) = actuals::write(conn, &valid, &who.username)?;
        if !breaks.is_empty() {
            let details =
                breaks.into_iter().map(|b| Detail::field(format!("rows[{}].stock", b.row), b.message)).collect();
            return Err(ApiError::unprocessable("the set of rows", details));
        }
        audit::record(conn, who, Change::new(Some(org), "actual", "rows", "put").counts(&report))?;
        Ok(report)
    })
}

/// Writes agents' unavailable hours per month, all rows or none; one audit record with counts.
pub fn put_unavailability(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    rows: &[UnavailabilityRow],
) -> Result<WriteReport, ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let mut checker = UnavailabilityChecker::load(conn, org)?;
        let valid = check_all(rows, |r| checker.check(r))?;
        let report = forecasts::write_unavailability(conn, &valid)?;
        audit::record(conn, who, Change::new(Some(org), "unavailability", "rows", "put").counts(&report))?;
        Ok(report)
    })
}

/// Replaces the organisation's pools and penalties if `version` is still current.
pub fn put_settings(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    version: i32,
    content: &Settings,
) -> Result<StoredSettings, ApiError> {
    in_organisation(conn, who, organisation, |conn, org| {
        let before = settings::get(conn, org)?;
        let after = settings::put(conn, org, version, content, &who.username)?;
        let change = Change::new(Some(org), "planning_settings", org, "update").changed(&before, &after);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}

/// Plan `id` if `who` may see it, else 404.
pub fn visible_plan(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<PlanSummary, ApiError> {
    let plan = plans::get(conn, id)?;
    who.visible(plan.organisation_id, plan, "plan")
}

/// The result of plan `id`, visible to `who` and done (409 otherwise: it has no result yet, or
/// never will).
pub fn done_plan(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<gpec_planning::Plan, ApiError> {
    let plan = visible_plan(conn, who, id)?;
    match plans::result(conn, id)? {
        Some(result) if plan.status == plans::DONE => {
            serde_json::from_str(&result).map_err(|e| ApiError::internal("stored plan", e))
        }
        _ => Err(ApiError::conflict(format!("plan {id} is {}: only a done plan has a result", plan.status))),
    }
}

/// A page of the per-agent rows of done plan `id` (agent, then month), those whose agent
/// contains `search` (any case) when given. The result is stored as one document, so the rows
/// are paged once it is read.
pub fn plan_agents(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    search: Option<&str>,
    ask: crate::domain::paging::PageAsk,
) -> Result<crate::domain::paging::Page<gpec_planning::result::AgentPeriod>, ApiError> {
    let needle = search.map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
    let mut rows: Vec<_> = done_plan(conn, who, id)?
        .agents
        .into_iter()
        .filter(|row| needle.as_ref().is_none_or(|n| row.agent.to_lowercase().contains(n)))
        .collect();
    rows.sort_by(|a, b| (&a.agent, &a.period).cmp(&(&b.agent, &b.period)));
    Ok(ask.cut(rows))
}

/// Cancels plan `id`, queued or solving.
pub fn cancel_plan(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<PlanSummary, ApiError> {
    transaction(conn, |conn| {
        let before = visible_plan(conn, who, id)?;
        who.require_any(&[Role::Production])?;
        plans::cancel(conn, plans::PlanKind::Monthly, id)?;
        let after = plans::get(conn, id)?;
        let change = Change::new(Some(before.organisation_id), "plan", id, "cancel").changed(&before, &after);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}
