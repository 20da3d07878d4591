//! The scenario of `shared/planning-model.md` (versions 1 and 2), as JSON. Unknown fields are
//! refused. The version 2 fields are optional and left out of the JSON at their defaults, so a
//! version 1 scenario reads and writes as it always did.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Productive hours of one full-time agent in one month when a scenario says none: 1607 / 12.
pub fn default_hours_per_fte() -> f64 {
    1607.0 / 12.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Scenario))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Consecutive months, `YYYY-MM`, 1 to 36 of them.
    pub periods: Vec<String>,
    /// Productive hours of one full-time agent in one month.
    #[serde(default = "default_hours_per_fte")]
    pub hours_per_fte: f64,
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub loads: Vec<Load>,
    #[serde(default)]
    pub agents: Vec<Agent>,
    #[serde(default)]
    pub pools: Pools,
    #[serde(default)]
    pub penalties: Penalties,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Activity))]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub code: String,
    pub minutes_per_item: f64,
    #[serde(default)]
    pub initial_backlog: f64,
    pub backlog_normal_max: f64,
    pub backlog_critical_max: f64,
    #[serde(default)]
    pub temp_eligible: bool,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// Version 2: weight of this activity's backlog penalties (> 0, default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub priority: f64,
    /// Version 2: the standard time in the months it names; other months use `minutes_per_item`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub minutes_per_item_by_period: BTreeMap<String, f64>,
    /// Version 2: ETP of agents that should work on the activity every month (minimum presence).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_fte: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Requirement))]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub competency: String,
    pub min_level: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Load))]
#[serde(deny_unknown_fields)]
pub struct Load {
    pub activity: String,
    pub period: String,
    pub volume: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Agent))]
#[serde(deny_unknown_fields)]
pub struct Agent {
    pub id: String,
    pub fte: f64,
    #[serde(default)]
    pub levels: BTreeMap<String, i64>,
    #[serde(default)]
    pub unavailable_hours: BTreeMap<String, f64>,
    /// A service extension, optional: hours the agent teaches at a training campus, per month.
    /// They take capacity away exactly like `unavailable_hours`; the plan shows them apart.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub campus_hours: BTreeMap<String, f64>,
    /// Version 2: items processed per hour relative to the standard, in (0, 2] (default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub productivity: f64,
    /// Version 2: the productivity in the months it names (the ramp-up of a newcomer).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub productivity_by_period: BTreeMap<String, f64>,
    /// Version 2: the activities of the agent's own team. With `pools.internal_mobility`, the
    /// agent spends at most its share of their capacity outside them. Missing: not limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_activities: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Pools))]
#[serde(deny_unknown_fields)]
pub struct Pools {
    #[serde(default)]
    pub overtime: Option<Overtime>,
    #[serde(default)]
    pub temporary_staff: Vec<TemporaryStaff>,
    #[serde(default)]
    pub flying_teams: Vec<FlyingTeam>,
    /// Version 2: how far agents may work outside their home activities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_mobility: Option<InternalMobility>,
    /// Version 2: permanent recruitments decided inside the horizon.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hires: Vec<HirePool>,
}

/// Version 2: the "polycompétence raisonnée" of seed 004.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::InternalMobility))]
#[serde(deny_unknown_fields)]
pub struct InternalMobility {
    /// Share of an agent's capacity that may go to activities outside their home ones, 0 to 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub max_share: f64,
}

/// Version 2: a pool of permanent recruits, who arrive after a lead time, ramp up and stay to the
/// end of the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::HirePool))]
#[serde(deny_unknown_fields)]
pub struct HirePool {
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub cost_per_head_month: f64,
    /// Months between the decision and the first possible arrival: recruits arrive at the start
    /// of a period of index `lead_months` or later (0-based).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 36))]
    pub lead_months: i64,
    /// Recruits over the whole horizon.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub max_heads: i64,
    /// Share of a full-time agent's hours in the recruit's first months, each in (0, 1]; 1 after.
    #[serde(default)]
    pub ramp: Vec<f64>,
    /// The activities recruits work on (known codes, at least one).
    pub activities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Overtime))]
#[serde(deny_unknown_fields)]
pub struct Overtime {
    /// Share of the agents' capacity that may be worked as overtime, 0 to 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub max_share: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub cost_per_hour: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::TemporaryStaff))]
#[serde(deny_unknown_fields)]
pub struct TemporaryStaff {
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub cost_per_head_month: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub max_heads: i64,
    /// Share of a trained agent's output, in (0, 1].
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 1))]
    pub productivity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::FlyingTeam))]
#[serde(deny_unknown_fields)]
pub struct FlyingTeam {
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub cost_per_hour: f64,
    /// Missing: every activity.
    #[serde(default)]
    pub activities: Option<Vec<String>>,
    /// Missing for a period: 0.
    #[serde(default)]
    pub hours_per_period: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Penalties))]
#[serde(deny_unknown_fields)]
pub struct Penalties {
    #[serde(default = "one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub over_normal_per_item: f64,
    #[serde(default = "twenty")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub over_critical_per_item: f64,
    /// Version 2: the price of an hour of minimum presence missing.
    #[serde(default = "hundred")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub under_min_presence_per_hour: f64,
}

fn one() -> f64 {
    1.0
}

fn twenty() -> f64 {
    20.0
}

fn hundred() -> f64 {
    100.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Default for Penalties {
    fn default() -> Self {
        Self { over_normal_per_item: one(), over_critical_per_item: twenty(), under_min_presence_per_hour: hundred() }
    }
}
