//! Two plans side by side: per activity and month, and per month, what changes from `a` to `b`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::breakdown::{CostKind, CostPart};
use crate::result::{ActivityPeriod, Alert, PeriodSummary, Plan};

/// A figure in each plan (absent when the plan has no such row) and `b - a`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Delta))]
pub struct Delta {
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub delta: Option<f64>,
}

impl Delta {
    fn new(a: Option<f64>, b: Option<f64>) -> Self {
        Self { a, b, delta: a.zip(b).map(|(a, b)| b - a) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::ActivityDiff))]
pub struct ActivityDiff {
    pub activity: String,
    pub period: String,
    pub backlog: Delta,
    pub alert_a: Option<Alert>,
    pub alert_b: Option<Alert>,
    pub allocated_fte: Delta,
    pub need_fte: Delta,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::PeriodDiff))]
pub struct PeriodDiff {
    pub period: String,
    pub available_fte: Delta,
    pub overtime_cost: Delta,
    pub temporary_staff_cost: Delta,
    pub flying_team_cost: Delta,
    /// The three pools together.
    pub pool_cost: Delta,
}

/// One part of the objective in each plan (a part one plan lacks, such as a pool switched off,
/// is absent on that side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::CostPartDiff))]
pub struct CostPartDiff {
    pub kind: CostKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    pub total: Delta,
    pub by_period: BTreeMap<String, Delta>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Comparison))]
pub struct Comparison {
    pub objective: Delta,
    pub etpma: Delta,
    pub activities: Vec<ActivityDiff>,
    pub periods: Vec<PeriodDiff>,
    pub objective_breakdown: Vec<CostPartDiff>,
}

fn pool_cost(p: &PeriodSummary) -> f64 {
    p.overtime_cost + p.temporary_staff_cost + p.flying_team_cost
}

/// The rows of `a` and `b` side by side, by key.
type Pairs<'a, K, T> = BTreeMap<K, (Option<&'a T>, Option<&'a T>)>;

fn pair<'a, K: Ord, T>(a: &'a [T], b: &'a [T], key: impl Fn(&'a T) -> K) -> Pairs<'a, K, T> {
    let mut rows: Pairs<'a, K, T> = BTreeMap::new();
    for r in a {
        rows.entry(key(r)).or_default().0 = Some(r);
    }
    for r in b {
        rows.entry(key(r)).or_default().1 = Some(r);
    }
    rows
}

/// Compares `a` with `b`; rows present in one plan only have the other side empty.
pub fn compare(a: &Plan, b: &Plan) -> Comparison {
    let rows = pair(&a.activities, &b.activities, |r: &ActivityPeriod| (r.activity.as_str(), r.period.as_str()));
    let activities = rows
        .into_iter()
        .map(|((activity, period), (x, y))| ActivityDiff {
            activity: activity.to_owned(),
            period: period.to_owned(),
            backlog: Delta::new(x.map(|r| r.backlog), y.map(|r| r.backlog)),
            alert_a: x.map(|r| r.alert),
            alert_b: y.map(|r| r.alert),
            allocated_fte: Delta::new(x.map(|r| r.allocated_fte), y.map(|r| r.allocated_fte)),
            need_fte: Delta::new(x.map(|r| r.need_fte), y.map(|r| r.need_fte)),
        })
        .collect();
    let periods = pair(&a.periods, &b.periods, |p: &PeriodSummary| p.period.as_str())
        .into_iter()
        .map(|(period, (x, y))| {
            let d = |f: fn(&PeriodSummary) -> f64| Delta::new(x.map(f), y.map(f));
            PeriodDiff {
                period: period.to_owned(),
                available_fte: d(|p| p.available_fte),
                overtime_cost: d(|p| p.overtime_cost),
                temporary_staff_cost: d(|p| p.temporary_staff_cost),
                flying_team_cost: d(|p| p.flying_team_cost),
                pool_cost: d(pool_cost),
            }
        })
        .collect();
    let objective_breakdown = pair(&a.objective_breakdown, &b.objective_breakdown, |p: &CostPart| (p.kind, &p.pool))
        .into_iter()
        .map(|((kind, pool), (x, y))| {
            let months: std::collections::BTreeSet<&String> =
                x.iter().chain(y.iter()).flat_map(|p| p.by_period.keys()).collect();
            let month = |p: Option<&CostPart>, m: &String| p.map(|p| p.by_period.get(m).copied().unwrap_or(0.0));
            CostPartDiff {
                kind,
                pool: pool.clone(),
                total: Delta::new(x.map(|p| p.total), y.map(|p| p.total)),
                by_period: months.into_iter().map(|m| (m.clone(), Delta::new(month(x, m), month(y, m)))).collect(),
            }
        })
        .collect();
    Comparison {
        objective: Delta::new(Some(a.objective), Some(b.objective)),
        etpma: Delta::new(Some(a.etpma), Some(b.etpma)),
        activities,
        periods,
        objective_breakdown,
    }
}
