//! The variance watch of the current month, per activity: actual entries to date against the
//! forecast (pro rata of the weeks recorded), the stock against the plan's expected backlog, the
//! alert the stock is in now, and the month-end stock if the pace holds. A deviation beyond the
//! activity's threshold is a signal, with its size.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use gpec_planning::Alert;
use serde::Serialize;
use utoipa::ToSchema;

use super::actuals::{self, flow::MonthActual, period::ActualPeriod};
use super::{activities, forecasts, plans, settings};
use crate::db::DbConnection;
use crate::db::schema::{load_set_rows as lr, load_sets as ls, plans as pl};
use crate::domain::types::Period;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// Actual entries to date against the forecast.
    Entries,
    /// The stock against the plan's expected backlog.
    Stock,
}

/// A deviation beyond the threshold: `deviation` is `actual / expected − 1` (0.2: 20 % above).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Signal {
    pub organisation: String,
    pub activity: String,
    pub month: String,
    pub kind: SignalKind,
    pub actual: f64,
    pub expected: f64,
    pub deviation: f64,
    pub threshold: f64,
}

/// Where the month's expected entries come from.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expected {
    /// The newest forecast covering the month (its volume: the hand adjustment, else P50).
    Forecast { forecast: i32, version: i32 },
    /// The stored load of the month.
    Load,
}

/// The watch of one activity in the current month.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Watch {
    pub organisation: String,
    pub activity: String,
    pub month: String,
    /// Weeks of the month recorded, and in the month (1 and 1 when the month is recorded whole).
    pub weeks_recorded: usize,
    pub weeks_in_month: usize,
    pub entries_to_date: Option<f64>,
    pub expected_month: Option<f64>,
    pub expected_source: Option<Expected>,
    pub expected_to_date: Option<f64>,
    pub stock: Option<f64>,
    pub alert: Option<Alert>,
    /// The plan whose backlog the stock is compared with: the newest done one covering the month.
    pub plan: Option<i32>,
    pub planned_stock: Option<f64>,
    /// The stock at the month's end if entries and processing keep their pace.
    pub projected_month_end_stock: Option<f64>,
    pub threshold: f64,
    pub signals: Vec<Signal>,
}

/// The watch of every activity of organisation `org` (`code`) in the month of `today`.
pub fn watch(conn: &mut DbConnection, org: i32, code: &str, today: NaiveDate) -> Result<Vec<Watch>, ApiError> {
    let month = Period::of_date(today);
    let thresholds = settings::get(conn, org)?.settings.variance;
    let recorded = actuals::recorded(conn, org, Some(month.plus(-1)), Some(month))?;
    let months: HashMap<(String, String), MonthActual> =
        actuals::months(&recorded).into_iter().map(|m| ((m.activity.clone(), m.period.clone()), m)).collect();
    let expected = expected_entries(conn, org, month)?;
    let plan = planned(conn, org, month)?;
    let in_month = ActualPeriod::weeks_of(month);
    let mut out = Vec::new();
    for activity in activities::list(conn, org)? {
        let key = |p: Period| (activity.code.clone(), p.to_string());
        let now = months.get(&key(month));
        let (weeks, fraction) = match now {
            Some(m) if m.weeks == 0 => (1, 1.0),
            Some(m) => (m.weeks, m.weeks as f64 / in_month as f64),
            None => (0, 0.0),
        };
        let (expected_month, source) = match expected.get(&activity.code) {
            Some((v, s)) => (Some(*v), Some(s.clone())),
            None => (None, None),
        };
        let expected_to_date = expected_month.map(|v| v * fraction);
        let entries = now.map(|m| m.entries);
        let stock = now.map(|m| m.stock);
        let (plan_id, planned_stock) = match &plan {
            Some((id, backlogs)) => {
                let end = backlogs.get(&key(month)).copied();
                let start =
                    backlogs.get(&key(month.plus(-1))).copied().or(months.get(&key(month.plus(-1))).map(|m| m.stock));
                (Some(*id), end.map(|end| start.map_or(end, |s| s + (end - s) * fraction)))
            }
            None => (None, None),
        };
        let projected = now.map(|m| {
            if m.weeks == 0 || m.weeks >= in_month {
                m.stock
            } else {
                (m.stock + (m.entries - m.processed) / m.weeks as f64 * (in_month - m.weeks) as f64).max(0.0)
            }
        });
        let threshold = thresholds.of(&activity.code);
        let mut signals = Vec::new();
        let mut signal = |kind, actual: f64, expected: f64, base: f64| {
            let deviation = (actual - expected) / base;
            if deviation.abs() > threshold + 1e-9 {
                signals.push(Signal {
                    organisation: code.to_owned(),
                    activity: activity.code.clone(),
                    month: month.to_string(),
                    kind,
                    actual,
                    expected,
                    deviation,
                    threshold,
                });
            }
        };
        if let (Some(actual), Some(expected)) = (entries, expected_to_date)
            && expected > 0.0
        {
            signal(SignalKind::Entries, actual, expected, expected);
        }
        // Against the normal threshold when the plan expects less: a plan that empties the stock
        // would make any item an endless deviation.
        if let (Some(actual), Some(expected)) = (stock, planned_stock) {
            signal(SignalKind::Stock, actual, expected, expected.max(activity.backlog_normal_max).max(1.0));
        }
        out.push(Watch {
            organisation: code.to_owned(),
            activity: activity.code.clone(),
            month: month.to_string(),
            weeks_recorded: weeks,
            weeks_in_month: if now.is_some_and(|m| m.weeks == 0) { 1 } else { in_month },
            entries_to_date: entries,
            expected_month,
            expected_source: source,
            expected_to_date,
            stock,
            alert: stock
                .map(|s| gpec_planning::result::alert(s, activity.backlog_normal_max, activity.backlog_critical_max)),
            plan: plan_id,
            planned_stock,
            projected_month_end_stock: projected,
            threshold,
            signals,
        });
    }
    Ok(out)
}

/// Each activity's expected entries of `month`: from the newest forecast covering it, else the
/// stored load.
fn expected_entries(
    conn: &mut DbConnection,
    org: i32,
    month: Period,
) -> Result<HashMap<String, (f64, Expected)>, ApiError> {
    let mut out: HashMap<String, (f64, Expected)> = forecasts::loads(conn, org, Some(month), Some(month))?
        .into_iter()
        .map(|l| (l.activity, (l.volume, Expected::Load)))
        .collect();
    let newest = ls::table
        .filter(ls::organisation_id.eq(org))
        .filter(ls::period_from.le(month.to_string()))
        .filter(ls::period_to.ge(month.to_string()))
        .order(ls::id.desc())
        .select((ls::id, ls::version))
        .first::<(i32, i32)>(conn)
        .optional()?;
    if let Some((id, version)) = newest {
        let rows = lr::table
            .inner_join(crate::db::schema::activities::table)
            .filter(lr::load_set_id.eq(id))
            .filter(lr::period.eq(month.to_string()))
            .select((crate::db::schema::activities::code, lr::forecast, lr::adjusted))
            .load::<(String, f64, Option<f64>)>(conn)?;
        for (code, forecast, adjusted) in rows {
            out.insert(code, (adjusted.unwrap_or(forecast), Expected::Forecast { forecast: id, version }));
        }
    }
    Ok(out)
}

/// Backlogs by activity and month.
type Backlogs = HashMap<(String, String), f64>;

/// The newest done plan covering `month`, and its backlogs.
fn planned(conn: &mut DbConnection, org: i32, month: Period) -> Result<Option<(i32, Backlogs)>, ApiError> {
    let newest = pl::table
        .filter(pl::organisation_id.eq(org))
        .filter(pl::kind.eq(plans::PlanKind::Monthly.as_str()))
        .filter(pl::status.eq(plans::DONE))
        .filter(pl::period_from.le(month.to_string()))
        .filter(pl::period_to.ge(month.to_string()))
        .order(pl::id.desc())
        .select(pl::id)
        .first::<i32>(conn)
        .optional()?;
    let Some(id) = newest else { return Ok(None) };
    let Some(text) = plans::result(conn, id)? else { return Ok(None) };
    let plan: gpec_planning::Plan = serde_json::from_str(&text).map_err(|e| ApiError::internal("stored plan", e))?;
    Ok(Some((id, plan.activities.into_iter().map(|a| ((a.activity, a.period), a.backlog)).collect())))
}

/// The watch of the organisation `code` names (default: the caller's).
pub fn of_organisation(
    conn: &mut DbConnection,
    who: &crate::domain::access::Principal,
    code: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Watch>, ApiError> {
    let org = super::organisation_id(conn, who, code)?;
    let org_code =
        crate::domain::organisations::list(conn, Some(org))?.into_iter().next().map(|o| o.code).unwrap_or_default();
    watch(conn, org, &org_code, today)
}

/// The signals of the organisation `code` names, or, for a national user naming none, of every
/// organisation.
pub fn signals(
    conn: &mut DbConnection,
    who: &crate::domain::access::Principal,
    code: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Signal>, ApiError> {
    let organisations = match code {
        None if who.national => crate::domain::organisations::list(conn, None)?,
        _ => {
            let org = super::organisation_id(conn, who, code)?;
            crate::domain::organisations::list(conn, Some(org))?
        }
    };
    let mut out = Vec::new();
    for o in organisations {
        out.extend(watch(conn, o.id, &o.code, today)?.into_iter().flat_map(|w| w.signals));
    }
    Ok(out)
}
