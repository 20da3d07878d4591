//! Asking for a plan: the one use case behind `POST /api/v1/plans`. The scenario is fixed from
//! the stored data at that moment and the plan is queued, within the organisation's quota of
//! pending plans; a request retried with the same idempotency key queues nothing new.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use super::overrides::{self, Overrides};
use super::plans::{self, NewPlan, PlanSummary};
use super::{organisation_id, replan, scenario};
use crate::db::DbConnection;
use crate::db::schema::plans as pl;
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::forecasting::sets::{self, LoadChoice};
use crate::domain::organisations;
use crate::domain::types::{Period, Role};
use crate::error::ApiError;

/// Longest search a plan may ask for, in seconds.
pub const MAX_TIME_LIMIT: f64 = 600.0;
/// Search time of a plan that names none, in seconds.
pub const DEFAULT_TIME_LIMIT: f64 = 60.0;
/// Longest plan name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// What a plan covers and how long the solver may search.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Organisation code (national users); default: the caller's own.
    pub organisation: Option<String>,
    /// A name to find the plan by, e.g. "Pic rentrée, avec CDD" (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// First month, `YYYY-MM`.
    #[schema(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
    pub from: String,
    /// Last month, `YYYY-MM` (36 months at most).
    #[schema(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
    pub to: String,
    /// Seconds before the search stops with the best plan found (default 60, at most 600).
    #[serde(default)]
    #[schema(exclusive_minimum = 0, maximum = 600)]
    pub time_limit_seconds: Option<f64>,
    /// A what-if variant: changes applied to this plan's scenario only, never to the stored data.
    #[serde(default)]
    pub overrides: Option<Overrides>,
    /// Re-plan from now: the months before the current one take their actuals, and the plan
    /// optimises the rest from the actual stock at the end of the last closed month.
    #[serde(default)]
    pub from_now: bool,
    /// A forecast's loads (at a quantile) instead of the stored ones, for the months it covers.
    #[serde(default)]
    pub loads: Option<LoadChoice>,
}

/// A client's name for one request, so that sending it again does not queue a second plan:
/// 1 to 255 visible ASCII characters (a UUID, typically).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses the header's bytes as sent (a header value need not be text).
    pub fn parse(field: &str, raw: &[u8]) -> Result<Self, ApiError> {
        match std::str::from_utf8(raw) {
            Ok(key) if (1..=255).contains(&key.len()) && raw.iter().all(u8::is_ascii_graphic) => {
                Ok(Self(key.to_owned()))
            }
            _ => Err(ApiError::invalid(field, "must be 1 to 255 visible ASCII characters, e.g. a UUID")),
        }
    }
}

/// How many plans an organisation may have waiting or solving at once.
#[derive(Debug, Clone, Copy)]
pub struct QueueQuota {
    /// Queued and running plans of one organisation, at most.
    pub pending: i64,
    /// Seconds a refused client is told to wait before asking again.
    pub retry_after: u64,
}

impl QueueQuota {
    /// What a client refused for the quota is told to wait: about the time a typical plan takes
    /// to solve.
    const RETRY_AFTER_SECS: u64 = 30;

    pub fn new(pending: u32) -> Self {
        Self { pending: i64::from(pending), retry_after: Self::RETRY_AFTER_SECS }
    }
}

/// What a request led to.
#[derive(Debug)]
pub enum Requested {
    /// A new plan, queued.
    Queued(PlanSummary),
    /// The plan an earlier request with the same idempotency key queued.
    Replayed(PlanSummary),
}

/// Checks `input`, builds the scenario and queues the plan. Runs in the caller's transaction.
pub fn request(
    conn: &mut DbConnection,
    who: &Principal,
    input: PlanRequest,
    key: Option<IdempotencyKey>,
    quota: QueueQuota,
    today: NaiveDate,
) -> Result<Requested, ApiError> {
    who.require_any(&[Role::Production])?;
    let time_limit = input.time_limit_seconds.unwrap_or(DEFAULT_TIME_LIMIT);
    if !(time_limit.is_finite() && time_limit > 0.0 && time_limit <= MAX_TIME_LIMIT) {
        return Err(ApiError::invalid("time_limit_seconds", "must be more than 0 and at most 600 seconds"));
    }
    let name = input.name.as_deref().map(str::trim).unwrap_or("");
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::invalid("name", format!("must be at most {MAX_NAME_CHARS} characters")));
    }
    let (from, to) = (Period::parse("from", &input.from)?, Period::parse("to", &input.to)?);
    let org = organisation_id(conn, who, input.organisation.as_deref())?;
    let name = if name.is_empty() { format!("{from} – {to}") } else { name.to_owned() };
    let variant = input.overrides.filter(|o| !o.is_empty());

    // Requests of one organisation queue here one at a time, so that neither the quota nor the
    // idempotency key can be passed by two requests at once.
    organisations::lock(conn, org)?;
    if let Some(key) = &key
        && let Some(earlier) = by_key(conn, org, &who.username, key)?
    {
        let same = earlier.from == from.to_string()
            && earlier.to == to.to_string()
            && earlier.time_limit == time_limit
            && earlier.name == name
            && earlier.overrides == variant
            && earlier.from_now == input.from_now
            && earlier.loads.as_ref().map(|l| (l.forecast, l.quantile))
                == input.loads.as_ref().map(|l| (l.forecast, l.quantile));
        if !same {
            return Err(ApiError::Unprocessable {
                message: format!(
                    "this Idempotency-Key was used for plan {} with another request; use a new key for a new request",
                    earlier.id
                ),
                details: vec![],
            });
        }
        return Ok(Requested::Replayed(earlier));
    }
    within_quota(conn, plans::PlanKind::Monthly, org, quota)?;

    let cut = input.from_now.then(|| replan::cut(conn, org, from, to, today)).transpose()?;
    let mut built = scenario::build(conn, org, cut.as_ref().map_or(from, |c| c.first_open), to, today)?;
    if let Some(cut) = &cut {
        replan::start_from_actuals(&mut built, cut)?;
    }
    let loads = input.loads.as_ref().map(|choice| sets::use_in(conn, who, org, choice, &mut built)).transpose()?;
    if let Some(o) = &variant {
        overrides::apply(&mut built, o, &overrides::Directory::load(conn, org)?)?;
    }
    gpec_planning::validate(&built).map_err(scenario::refused)?;
    let text = serde_json::to_string(&built).map_err(|e| ApiError::internal("scenario", e))?;
    let id = plans::enqueue(
        conn,
        NewPlan {
            kind: plans::PlanKind::Monthly,
            organisation_id: org,
            name: &name,
            from: from.to_string(),
            to: to.to_string(),
            time_limit,
            scenario: text,
            author: &who.username,
            idempotency_key: key.as_ref().map(|k| k.0.as_str()),
            overrides: variant.as_ref(),
            closed_months: cut.as_ref().map(|c| c.closed.as_slice()),
            loads: loads.as_ref(),
        },
    )?;
    let plan = plans::get(conn, id)?;
    audit::record(conn, who, Change::new(Some(org), "plan", id, "request").created(&plan))?;
    Ok(Requested::Queued(plan))
}

/// 429 when organisation `org` already has `quota.pending` plans of `kind` queued or solving.
/// Call it under the organisation's lock, so that two requests cannot both pass.
pub fn within_quota(
    conn: &mut DbConnection,
    kind: plans::PlanKind,
    org: i32,
    quota: QueueQuota,
) -> Result<(), ApiError> {
    let pending: i64 = pl::table
        .filter(pl::organisation_id.eq(org))
        .filter(pl::kind.eq(kind.as_str()))
        .filter(pl::status.eq_any([plans::QUEUED, plans::RUNNING]))
        .count()
        .get_result(conn)?;
    if pending >= quota.pending {
        return Err(ApiError::TooManyRequests {
            message: format!(
                "the organisation already has {pending} plans queued or solving, its limit; ask again once one is done"
            ),
            retry_after: quota.retry_after,
        });
    }
    Ok(())
}

fn by_key(
    conn: &mut DbConnection,
    org: i32,
    author: &str,
    key: &IdempotencyKey,
) -> Result<Option<PlanSummary>, ApiError> {
    let id = pl::table
        .filter(pl::organisation_id.eq(org))
        .filter(pl::created_by.eq(author))
        .filter(pl::idempotency_key.eq(&key.0))
        .filter(pl::kind.eq(plans::PlanKind::Monthly.as_str()))
        .select(pl::id)
        .first::<i32>(conn)
        .optional()?;
    id.map(|id| plans::get(conn, id)).transpose()
}

#[cfg(test)]
mod tests {
    use super::IdempotencyKey;

    #[test]
    fn an_idempotency_key_is_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("k", b"3f1c8a52-9b7e-4c1d-a0f2-6e5d4c3b2a19").is_ok());
        for bad in ["", "with space", "tab\there", "é", &"x".repeat(256)] {
            assert!(IdempotencyKey::parse("k", bad.as_bytes()).is_err(), "{bad:?}");
        }
    }
}
