//! The trajectory: flows per organisation, job sheet and year, the moves, and what they cost.
//! The projection without action has the same flows, with no hires and no moves.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Status))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal (relative gap at most 1e-6).
    Optimal,
    /// The time limit stopped the search: the best plan found, not proven.
    TimeLimit,
    /// No action planned: the projection.
    Projection,
}

/// One job sheet of one organisation in one year. Heads are expected values: the exit rate makes
/// them fractional. `end = start - departures + hires + moves_in - moves_out`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Flow))]
pub struct Flow {
    pub organisation: String,
    pub sheet: String,
    pub year: i32,
    pub start: f64,
    /// Known (retirement, planned) plus expected by the exit rate.
    pub departures: f64,
    /// Of `departures`, the known ones.
    pub known_departures: f64,
    pub hires: f64,
    pub moves_in: f64,
    pub moves_out: f64,
    pub end: f64,
    /// `end` in ETP: what the target counts.
    pub end_etp: f64,
    /// ETP at work: newcomers counted at their ramp-up share, training hours taken off.
    pub effective_etp: f64,
    pub target: Option<f64>,
    /// `end_etp - target`.
    pub gap: Option<f64>,
}

/// Agents moving from one sheet to another in one organisation and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Move))]
pub struct Move {
    pub organisation: String,
    pub year: i32,
    pub from: String,
    pub to: String,
    pub heads: f64,
    pub training_hours: f64,
}

/// The objective, part by part; `total` is their sum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Costs))]
pub struct Costs {
    pub hiring: f64,
    pub training: f64,
    /// Work lost to newcomers' ramp-up and movers' training, priced.
    pub lost_capacity: f64,
    pub under_target: f64,
    pub over_target: f64,
    pub total: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Stats))]
pub struct Stats {
    /// The model's optimum, as the solver computed it; `costs.total` recomputes it from the flows.
    pub objective: f64,
    pub organisations: usize,
    pub jobs: usize,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
    pub build_ms: f64,
    pub solve_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Trajectory))]
pub struct Trajectory {
    pub status: Status,
    pub costs: Costs,
    pub flows: Vec<Flow>,
    pub moves: Vec<Move>,
    pub stats: Stats,
}

/// A minimum ETP that no plan within the limits reaches, and the most the limits allow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Shortfall))]
pub struct Shortfall {
    pub organisation: String,
    pub sheet: String,
    pub year: i32,
    pub min_etp: f64,
    pub reachable_etp: f64,
}
