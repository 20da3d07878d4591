//! The plan: the fields of `planning-model.md`'s result, plus what `plan check` needs to verify
//! every constraint (hours by activity for agents and pools).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Status))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal within a relative gap of 1e-6.
    Optimal,
    /// The time limit ended the search: the best plan found, with its gap.
    TimeLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Alert))]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    Normale,
    Tendue,
    Critique,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Plan))]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub status: Status,
    pub objective: f64,
    /// Relative gap between the plan and the best bound (0 when proven optimal).
    pub mip_gap: f64,
    pub etpma: f64,
    pub activities: Vec<ActivityPeriod>,
    pub periods: Vec<PeriodSummary>,
    pub agents: Vec<AgentPeriod>,
    pub pools: Vec<PoolPeriod>,
    /// The objective split into overtime, each pool and the backlog penalties, per period; the
    /// parts add up to `objective`. Empty in plans stored before it existed.
    #[serde(default)]
    pub objective_breakdown: Vec<crate::breakdown::CostPart>,
    pub stats: Stats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::ActivityPeriod))]
#[serde(deny_unknown_fields)]
pub struct ActivityPeriod {
    pub activity: String,
    pub period: String,
    pub volume: f64,
    /// Items processed.
    pub processed: f64,
    /// Backlog at the end of the period.
    pub backlog: f64,
    pub alert: Alert,
    /// The load in ETP: `volume * minutes_per_item / 60 / hours_per_fte`.
    pub need_fte: f64,
    /// Hours spent on it by agents and pools, in ETP.
    pub allocated_fte: f64,
    pub agent_hours: f64,
    pub pool_hours: f64,
    /// What keeps the backlog above its normal level; empty when it is normal.
    #[serde(default)]
    pub binding: Vec<Binding>,
    /// For a `critique` backlog: the extra hours of qualified capacity that would bring it back
    /// to `tendue`.
    #[serde(default)]
    pub extra_hours_to_tendue: Option<f64>,
    /// Version 2: hours of agents' minimum presence missing (`s[a,t]`).
    #[serde(default)]
    pub presence_shortfall_hours: f64,
}

/// Why a backlog stays above normal in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Binding))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Binding {
    /// Every agent qualified for the activity works all their hours (and overtime, if any).
    AgentsCapacityExhausted,
    /// Even all the qualified agents' hours would not clear the backlog and the month's load.
    TooFewQualifiedAgents { qualified_hours: f64, hours_to_clear: f64 },
    /// A reinforcement pool that may work on the activity is used to its limit.
    PoolAtCap { pool: String },
    /// Capacity was left: reinforcing would have cost more than the backlog's penalty.
    ReinforcementDearerThanBacklog,
    /// Qualified agents of other teams had spent all the hours the mobility limit lets them give
    /// outside their home activities and still had `held_hours` of capacity left unused.
    MobilityLimit { agents: usize, held_hours: f64 },
    /// The qualified agents' capacity was exhausted and `hours` of it went to the minimum
    /// presence on another activity.
    MinPresence { activity: String, hours: f64 },
    /// A hire pool could serve the activity but no recruit can arrive before `first_arrival`
    /// (its lead time); `None` when that is beyond the horizon.
    HiresTooLate { pool: String, lead_months: i64, first_arrival: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::PeriodSummary))]
#[serde(deny_unknown_fields)]
pub struct PeriodSummary {
    pub period: String,
    pub available_fte: f64,
    pub need_fte: f64,
    pub delta_fte: f64,
    pub overtime_hours: f64,
    pub overtime_cost: f64,
    pub temporary_staff_hours: f64,
    pub temporary_staff_cost: f64,
    pub flying_team_hours: f64,
    pub flying_team_cost: f64,
    /// Version 2: hours worked and cost of the recruits present.
    #[serde(default)]
    pub hire_hours: f64,
    #[serde(default)]
    pub hire_cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::AgentPeriod))]
#[serde(deny_unknown_fields)]
pub struct AgentPeriod {
    pub agent: String,
    pub period: String,
    /// Hours on each activity (activities with none are left out).
    pub hours: BTreeMap<String, f64>,
    pub overtime_hours: f64,
    /// Hours away (absence, training, other) in the scenario.
    #[serde(default)]
    pub unavailable_hours: f64,
    /// Hours taught at a training campus, apart from the other unavailability.
    #[serde(default)]
    pub campus_hours: f64,
    /// Version 2: hours on activities outside the agent's home ones (0 without home activities).
    #[serde(default)]
    pub hours_outside_home: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::PoolKind))]
#[serde(rename_all = "snake_case")]
pub enum PoolKind {
    Overtime,
    TemporaryStaff,
    FlyingTeam,
    /// Version 2: permanent recruits.
    Hire,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::PoolPeriod))]
#[serde(deny_unknown_fields)]
pub struct PoolPeriod {
    pub pool: String,
    pub kind: PoolKind,
    pub period: String,
    /// Heads hired (temporary staff) or recruits present (hires).
    pub heads: Option<i64>,
    /// Recruits arriving at the start of the period (hires only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrivals: Option<i64>,
    pub hours: f64,
    pub hours_by_activity: BTreeMap<String, f64>,
    pub cost: f64,
}

/// Model size and timings, for benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Stats))]
#[serde(deny_unknown_fields)]
pub struct Stats {
    pub agents: usize,
    /// Groups of agents merged in the model: the most in any period.
    pub agent_groups: usize,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
    pub build_ms: f64,
    pub solve_ms: f64,
    /// Branch-and-bound nodes HiGHS explored (0 in plans stored before it was recorded).
    #[serde(default)]
    pub mip_nodes: i64,
}

/// The alert of a backlog against its thresholds.
pub fn alert(backlog: f64, normal_max: f64, critical_max: f64) -> Alert {
    if backlog <= normal_max + 1e-6 {
        Alert::Normale
    } else if backlog <= critical_max + 1e-6 {
        Alert::Tendue
    } else {
        Alert::Critique
    }
}
