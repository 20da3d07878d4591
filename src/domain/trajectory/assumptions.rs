//! An organisation's trajectory assumptions: one JSON document, versioned (0 = none saved, the
//! defaults apply). The law moves, so the retirement ages are a setting too.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gpec_trajectory::case::{Penalties, default_ramp};
use gpec_trajectory::departures::{RetirementAge, check_table, default_retirement_ages};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::trajectory_assumptions as ta;
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::competencies::stale;
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryAssumptions)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    /// Legal retirement age by birth cohort (default: the 2023 reform's schedule).
    #[serde(default = "default_retirement_ages")]
    pub retirement_ages: Vec<RetirementAge>,
    /// Yearly share of agents who leave for other reasons than a known departure (default 3 %).
    #[serde(default = "default_exit_rate")]
    pub exit_rate: f64,
    /// The same, per job sheet code, where it differs.
    #[serde(default)]
    pub exit_rates: BTreeMap<String, f64>,
    /// Share of full productivity in a newcomer's first, second and third year in a job.
    #[serde(default = "default_ramp")]
    pub ramp: Vec<f64>,
    /// Training hours to gain one level, per competency category.
    #[serde(default = "default_training_hours")]
    pub training_hours_per_level: BTreeMap<String, f64>,
    #[serde(default = "default_training_cost")]
    pub training_cost_per_hour: f64,
    /// Training hours the organisation can give each year for moves; unlimited when absent.
    #[serde(default)]
    pub training_hours_per_year: Option<f64>,
    /// Hiring: cost, lead time and yearly cap, for every sheet…
    #[serde(default)]
    pub hiring: Hiring,
    /// …and per job sheet code where they differ.
    #[serde(default)]
    pub hiring_by_sheet: BTreeMap<String, Hiring>,
    /// Share of a job's heads that may move to another job in a year.
    #[serde(default = "default_move_out_share")]
    pub move_out_share: f64,
    /// The moves allowed between job sheets; the training hours come from the sheets' gaps.
    #[serde(default = "default_paths")]
    pub paths: Vec<MovePath>,
    #[serde(default)]
    pub penalties: Penalties,
    /// ETP at work (after ramp-up and training) a job sheet must keep every year, whatever the
    /// cost: a plan that cannot keep it is refused with what the limits allow.
    #[serde(default)]
    pub min_etp: BTreeMap<String, f64>,
    /// Holders of a required level under which a competency is a succession risk.
    #[serde(default = "default_succession_threshold")]
    pub succession_threshold: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryHiring)]
#[serde(deny_unknown_fields)]
pub struct Hiring {
    pub cost: f64,
    pub lead_months: u32,
    /// Hires a year at most; unlimited when absent.
    #[serde(default)]
    pub cap: Option<u32>,
}

impl Default for Hiring {
    fn default() -> Self {
        Self { cost: 8_000.0, lead_months: 6, cap: None }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryMovePath)]
#[serde(deny_unknown_fields)]
pub struct MovePath {
    pub from: String,
    pub to: String,
}

fn default_exit_rate() -> f64 {
    0.03
}
fn default_training_cost() -> f64 {
    45.0
}
fn default_move_out_share() -> f64 {
    0.1
}
fn default_succession_threshold() -> u32 {
    2
}
/// About a week of training per level of know-how, four days per level of knowledge, three per
/// level of relational skill.
fn default_training_hours() -> BTreeMap<String, f64> {
    [("savoir-faire", 35.0), ("savoir", 28.0), ("savoir-faire relationnel", 21.0)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}
/// The paths of seed 002: today's front office towards the new jobs.
fn default_paths() -> Vec<MovePath> {
    [
        ("CSU", "ACCOMPAGNEMENT"),
        ("CSU", "EXPERTISE"),
        ("ACCOMPAGNEMENT", "EXPERTISE"),
        ("EXPERTISE", "GESTIONNAIRE-RISQUES"),
        ("EXPERTISE", "CONSEILLER-SI"),
        ("CONSEILLER-SI", "DATA-ANALYST"),
    ]
    .into_iter()
    .map(|(from, to)| MovePath { from: from.to_owned(), to: to.to_owned() })
    .collect()
}

impl Default for Assumptions {
    fn default() -> Self {
        serde_json::from_str("{}").unwrap_or_else(|_| unreachable!("every field has a default"))
    }
}

impl Assumptions {
    pub fn exit_rate_of(&self, sheet: &str) -> f64 {
        self.exit_rates.get(sheet).copied().unwrap_or(self.exit_rate)
    }
    pub fn hiring_of(&self, sheet: &str) -> &Hiring {
        self.hiring_by_sheet.get(sheet).unwrap_or(&self.hiring)
    }

    fn problems(&self) -> Vec<Detail> {
        let mut d = Vec::new();
        if let Err(message) = check_table(&self.retirement_ages) {
            let (field, message) = message.split_once(": ").unwrap_or(("retirement_ages", &message));
            d.push(Detail::field(field, message));
        }
        let share = |v: f64| v.is_finite() && (0.0..1.0).contains(&v);
        if !share(self.exit_rate) {
            d.push(Detail::field("exit_rate", "must be a share in [0, 1)"));
        }
        for (sheet, rate) in &self.exit_rates {
            if !share(*rate) {
                d.push(Detail::field(format!("exit_rates.{sheet}"), "must be a share in [0, 1)"));
            }
        }
        if self.ramp.len() != 3 || self.ramp.iter().any(|r| !(r.is_finite() && *r > 0.0 && *r <= 1.0)) {
            d.push(Detail::field("ramp", "three shares in (0, 1]: the first, second and third year"));
        }
        let non_negative = |v: f64| v.is_finite() && v >= 0.0;
        for (category, hours) in &self.training_hours_per_level {
            if !non_negative(*hours) {
                d.push(Detail::field(format!("training_hours_per_level.{category}"), "must be a non-negative number"));
            }
        }
        for (field, value) in [
            ("training_cost_per_hour", self.training_cost_per_hour),
            ("training_hours_per_year", self.training_hours_per_year.unwrap_or(0.0)),
            ("hiring.cost", self.hiring.cost),
            ("penalties.under_target_per_etp", self.penalties.under_target_per_etp),
            ("penalties.over_target_per_etp", self.penalties.over_target_per_etp),
            ("penalties.lost_capacity_per_etp", self.penalties.lost_capacity_per_etp),
        ] {
            if !non_negative(value) {
                d.push(Detail::field(field, "must be a non-negative number"));
            }
        }
        for (sheet, hiring) in &self.hiring_by_sheet {
            if !non_negative(hiring.cost) {
                d.push(Detail::field(format!("hiring_by_sheet.{sheet}.cost"), "must be a non-negative number"));
            }
        }
        for (sheet, etp) in &self.min_etp {
            if !non_negative(*etp) {
                d.push(Detail::field(format!("min_etp.{sheet}"), "must be a non-negative number"));
            }
        }
        if !(self.move_out_share.is_finite() && (0.0..=1.0).contains(&self.move_out_share)) {
            d.push(Detail::field("move_out_share", "must be a share in [0, 1]"));
        }
        d
    }
}

/// Its schema is written in `http::handlers::trajectory`, as the planning settings' is.
#[derive(Debug, Clone, Serialize)]
pub struct StoredAssumptions {
    #[serde(flatten)]
    pub assumptions: Assumptions,
    pub version: i32,
    #[serde(with = "crate::domain::utc::optional")]
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<String>,
}

pub fn get(conn: &mut DbConnection, organisation_id: i32) -> Result<StoredAssumptions, ApiError> {
    let row = ta::table
        .filter(ta::organisation_id.eq(organisation_id))
        .select((ta::document, ta::version, ta::updated_at, ta::updated_by))
        .first::<(String, i32, NaiveDateTime, String)>(conn)
        .optional()?;
    Ok(match row {
        None => {
            StoredAssumptions { assumptions: Assumptions::default(), version: 0, updated_at: None, updated_by: None }
        }
        Some((document, version, at, by)) => StoredAssumptions {
            assumptions: serde_json::from_str(&document)
                .map_err(|e| ApiError::internal("stored trajectory assumptions", e))?,
            version,
            updated_at: Some(at),
            updated_by: Some(by),
        },
    })
}

/// Saves the assumptions made from `expected_version` (409 if they changed since).
pub fn put(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    expected_version: i32,
    assumptions: &Assumptions,
) -> Result<StoredAssumptions, ApiError> {
    let organisation_id = super::organisation(conn, who, organisation)?;
    let problems = assumptions.problems();
    if !problems.is_empty() {
        return Err(ApiError::problems("the assumptions", problems));
    }
    let document = serde_json::to_string(assumptions).map_err(|e| ApiError::internal("trajectory assumptions", e))?;
    crate::db::transaction(conn, |conn| {
        let current = get(conn, organisation_id)?;
        if current.version != expected_version {
            return Err(stale("trajectory assumptions", "of the organisation", expected_version, current.version));
        }
        let values = (
            ta::document.eq(&document),
            ta::version.eq(expected_version + 1),
            ta::updated_at.eq(crate::domain::now()),
            ta::updated_by.eq(&who.username),
        );
        if expected_version == 0 {
            // A concurrent first save hits the primary key: 409, like any stale edit.
            diesel::insert_into(ta::table).values((ta::organisation_id.eq(organisation_id), values)).execute(conn)?;
        } else {
            let row =
                ta::table.filter(ta::organisation_id.eq(organisation_id)).filter(ta::version.eq(expected_version));
            if diesel::update(row).set(values).execute(conn)? != 1 {
                return Err(stale(
                    "trajectory assumptions",
                    "of the organisation",
                    expected_version,
                    expected_version + 1,
                ));
            }
        }
        let after = get(conn, organisation_id)?;
        let change = Change::new(Some(organisation_id), "trajectory_assumptions", organisation_id, "update");
        audit::record(conn, who, change.changed(&current, &after))?;
        Ok(after)
    })
}
