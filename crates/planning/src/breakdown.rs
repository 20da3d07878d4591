//! The objective split into what it pays for: overtime, each temporary pool, each flying team, each
//! hire pool, the backlog penalties above the normal and the critical thresholds (weighted by each
//! activity's priority) and the minimum presence missing, in total and per period.
//! The parts add up to the objective; `plan check` verifies it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::result::{ActivityPeriod, PoolKind, PoolPeriod};
use crate::scenario::Scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::CostKind))]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    Overtime,
    TemporaryStaff,
    FlyingTeam,
    /// Penalties of backlog above the normal threshold (`e1`).
    BacklogOverNormal,
    /// Penalties of backlog above the critical threshold (`e2`).
    BacklogOverCritical,
    /// Version 2: permanent recruits, each paid every month from arrival to the horizon's end.
    Hire,
    /// Version 2: the price of the minimum presence missing (`s`).
    PresenceShortfall,
}

/// One part of the objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::CostPart))]
#[serde(deny_unknown_fields)]
pub struct CostPart {
    pub kind: CostKind,
    /// The pool's code, for a temporary pool, a flying team or a hire pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    pub total: f64,
    /// The part of each period of the plan.
    pub by_period: BTreeMap<String, f64>,
}

impl CostPart {
    fn new(kind: CostKind, pool: Option<String>, periods: &[String]) -> Self {
        Self { kind, pool, total: 0.0, by_period: periods.iter().map(|p| (p.clone(), 0.0)).collect() }
    }

    fn add(&mut self, period: &str, cost: f64) {
        *self.by_period.entry(period.to_owned()).or_default() += cost;
        self.total += cost;
    }
}

/// The parts of the plan whose activity and pool rows are given: every pool of the scenario
/// (unused ones at 0), then the two backlog penalties, then the presence shortfall when an
/// activity asks for a minimum presence.
pub fn breakdown(s: &Scenario, activities: &[ActivityPeriod], pools: &[PoolPeriod]) -> Vec<CostPart> {
    let mut parts: Vec<CostPart> = Vec::new();
    if s.pools.overtime.is_some() {
        parts.push(CostPart::new(CostKind::Overtime, None, &s.periods));
    }
    for pool in &s.pools.temporary_staff {
        parts.push(CostPart::new(CostKind::TemporaryStaff, Some(pool.code.clone()), &s.periods));
    }
    for team in &s.pools.flying_teams {
        parts.push(CostPart::new(CostKind::FlyingTeam, Some(team.code.clone()), &s.periods));
    }
    for pool in &s.pools.hires {
        parts.push(CostPart::new(CostKind::Hire, Some(pool.code.clone()), &s.periods));
    }
    for row in pools {
        let (kind, code) = match row.kind {
            PoolKind::Overtime => (CostKind::Overtime, None),
            PoolKind::TemporaryStaff => (CostKind::TemporaryStaff, Some(&row.pool)),
            PoolKind::FlyingTeam => (CostKind::FlyingTeam, Some(&row.pool)),
            PoolKind::Hire => (CostKind::Hire, Some(&row.pool)),
        };
        if let Some(part) = parts.iter_mut().find(|p| p.kind == kind && p.pool.as_ref() == code) {
            part.add(&row.period, row.cost);
        }
    }
    let mut over_normal = CostPart::new(CostKind::BacklogOverNormal, None, &s.periods);
    let mut over_critical = CostPart::new(CostKind::BacklogOverCritical, None, &s.periods);
    let mut shortfall = CostPart::new(CostKind::PresenceShortfall, None, &s.periods);
    for row in activities {
        let Some(activity) = s.activities.iter().find(|a| a.code == row.activity) else { continue };
        let backlog = row.backlog.max(0.0);
        let weight = activity.priority;
        over_normal.add(
            &row.period,
            weight * s.penalties.over_normal_per_item * (backlog - activity.backlog_normal_max).max(0.0),
        );
        over_critical.add(
            &row.period,
            weight * s.penalties.over_critical_per_item * (backlog - activity.backlog_critical_max).max(0.0),
        );
        shortfall.add(&row.period, s.penalties.under_min_presence_per_hour * row.presence_shortfall_hours);
    }
    parts.push(over_normal);
    parts.push(over_critical);
    if s.activities.iter().any(|a| a.min_fte > 0.0) {
        parts.push(shortfall);
    }
    parts
}

/// The sum of the parts.
pub fn total(parts: &[CostPart]) -> f64 {
    parts.iter().map(|p| p.total).sum()
}
