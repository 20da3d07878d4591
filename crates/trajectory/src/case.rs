//! The trajectory case, as JSON: what each organisation has today in each job sheet, who is
//! known to leave, the assumptions (exit rates, ramp-up, training hours, hiring cost and lead
//! time) and the target ETP per year. Unknown fields are refused.

use serde::{Deserialize, Serialize};

/// Productive hours of one full-time agent in a year, when a case says none.
pub fn default_hours_per_etp() -> f64 {
    1607.0
}

/// Share of full productivity in a newcomer's first, second and third year in a job. Seed 004
/// says a technician is operational after 18 to 36 months.
pub fn default_ramp() -> Vec<f64> {
    vec![0.5, 0.8, 0.95]
}

fn default_move_out_share() -> f64 {
    0.1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Case))]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The first planned year; every per-year list starts with it.
    pub first_year: i32,
    /// 1 to 5 years.
    pub years: usize,
    #[serde(default = "default_hours_per_etp")]
    pub hours_per_etp: f64,
    /// Share of full productivity of a newcomer (hire or move) in their first, second and third
    /// year in the job; 1 afterwards.
    #[serde(default = "default_ramp")]
    pub ramp: Vec<f64>,
    /// Cost of one hour of training.
    #[serde(default)]
    pub training_cost_per_hour: f64,
    #[serde(default)]
    pub penalties: Penalties,
    pub sheets: Vec<Sheet>,
    /// The moves allowed between sheets, with the training hours one move needs.
    #[serde(default)]
    pub paths: Vec<Path>,
    /// Training hours the branch can give each year, all organisations together (the campus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_training_hours: Option<Vec<f64>>,
    pub organisations: Vec<Organisation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Penalties))]
#[serde(deny_unknown_fields)]
pub struct Penalties {
    /// Cost of one ETP missing against the target, for a year.
    pub under_target_per_etp: f64,
    /// Cost of one ETP above the target, for a year (about a salary).
    pub over_target_per_etp: f64,
    /// Cost of one ETP of work lost for a year to newcomers' ramp-up and movers' training.
    #[serde(default = "default_lost_capacity")]
    pub lost_capacity_per_etp: f64,
}

fn default_lost_capacity() -> f64 {
    45_000.0
}

impl Default for Penalties {
    fn default() -> Self {
        Self {
            under_target_per_etp: 80_000.0,
            over_target_per_etp: 45_000.0,
            lost_capacity_per_etp: default_lost_capacity(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Sheet))]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    pub code: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Path))]
#[serde(deny_unknown_fields)]
pub struct Path {
    pub from: String,
    pub to: String,
    /// Training hours one agent needs to make the move.
    pub training_hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Organisation))]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub code: String,
    /// Training hours the organisation can give each year, for moves; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_hours: Option<Vec<f64>>,
    pub jobs: Vec<Job>,
}

/// One job sheet in one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Job))]
#[serde(deny_unknown_fields)]
pub struct Job {
    pub sheet: String,
    /// Agents holding the job today.
    pub heads: u32,
    /// Their ETP; a newcomer works the same ETP per head.
    pub etp: f64,
    /// Departures already known, by year: retirements by age and planned departures.
    #[serde(default)]
    pub departures: Vec<u32>,
    /// Agents with no known departure in the horizon, who may move to another job.
    #[serde(default)]
    pub movable: u32,
    /// Yearly share of today's agents without a known departure who leave for other reasons.
    #[serde(default)]
    pub exit_rate: f64,
    /// One-off cost of one hire.
    #[serde(default)]
    pub hire_cost: f64,
    /// Months from the decision to the arrival: a hire arrives within the year if it fits.
    #[serde(default)]
    pub hire_lead_months: u32,
    /// Hires a year at most; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hire_cap: Option<u32>,
    /// Share of the heads expected at the start of a year, without action, that may move out
    /// during it (rounded down to whole heads).
    #[serde(default = "default_move_out_share")]
    pub move_out_share: f64,
    /// Target ETP at the end of each year (the trajectoire); `null` where there is none.
    #[serde(default)]
    pub target: Vec<Option<f64>>,
    /// ETP at work (after ramp-up and training) the job must keep each year, whatever the cost;
    /// `null` where there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub min_etp: Vec<Option<f64>>,
}
