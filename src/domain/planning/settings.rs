//! An organisation's planning settings: productive hours per ETP, reinforcement pools (overtime,
//! temporary staff, flying teams, the mobility share and hire pools of version 2) and penalties,
//! in the planning model's own terms; the variance thresholds; the ramp-up of newcomers and the
//! units' home activities.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gpec_planning::scenario::{Penalties, Pools};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::{activities as ac, planning_settings as ps};
use crate::domain::bounds;
use crate::domain::competencies::stale;
use crate::domain::types::Period;
use crate::error::{ApiError, Detail};

/// The settings a plan uses; `pools` and `penalties` are those of `shared/planning-model.md`.
/// A flying team's `hours_per_period` may name any month: a plan takes those of its horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Productive hours of one full-time agent in one month (default 1607 / 12).
    #[serde(default = "gpec_planning::scenario::default_hours_per_fte")]
    #[schema(minimum = 1, maximum = 744)]
    pub hours_per_fte: f64,
    #[serde(default)]
    pub pools: Pools,
    #[serde(default)]
    pub penalties: Penalties,
    #[serde(default)]
    pub variance: Variance,
    #[serde(default)]
    pub ramp_up: RampUp,
    /// Each unit's activities (codes): its agents' home activities. With
    /// `pools.internal_mobility`, they spend at most its share of their capacity elsewhere; the
    /// agents of a unit not named here are not limited.
    #[serde(default)]
    pub units: BTreeMap<String, Vec<String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            hours_per_fte: gpec_planning::scenario::default_hours_per_fte(),
            pools: Pools::default(),
            penalties: Penalties::default(),
            variance: Variance::default(),
            ramp_up: RampUp::default(),
            units: BTreeMap::new(),
        }
    }
}

/// How a newcomer's productivity grows from their start date, for agents marked `ramp_up`: from
/// `start_share` of it in their first month to all of it after `months` (seed 004: a technician is
/// operational after 18 to 36 months).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RampUp {
    #[serde(default = "default_ramp_months")]
    #[schema(minimum = 1, maximum = 60)]
    pub months: u32,
    #[serde(default = "default_start_share")]
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub start_share: f64,
}

fn default_ramp_months() -> u32 {
    18
}

fn default_start_share() -> f64 {
    0.4
}

impl Default for RampUp {
    fn default() -> Self {
        Self { months: default_ramp_months(), start_share: default_start_share() }
    }
}

impl RampUp {
    /// The share of their productivity an agent has in their `months_in`-th month (0 for the
    /// month they start), or `None` once ramped up.
    pub fn share(&self, months_in: i64) -> Option<f64> {
        let months = i64::from(self.months);
        (0..months)
            .contains(&months_in)
            .then(|| self.start_share + (1.0 - self.start_share) * months_in as f64 / months as f64)
    }
}

/// When the variance watch signals: a deviation of actuals from the forecast or the plan beyond
/// `threshold` (a share: 0.10 is ±10 %), or beyond an activity's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Variance {
    #[serde(default = "default_threshold")]
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub threshold: f64,
    /// Per activity code.
    #[serde(default)]
    pub activities: std::collections::BTreeMap<String, f64>,
}

fn default_threshold() -> f64 {
    0.10
}

impl Default for Variance {
    fn default() -> Self {
        Self { threshold: default_threshold(), activities: Default::default() }
    }
}

impl Variance {
    pub fn of(&self, activity: &str) -> f64 {
        self.activities.get(activity).copied().unwrap_or(self.threshold)
    }
}

/// The stored settings; version 0 means none were saved yet (the defaults apply).
#[derive(Debug, Clone, Serialize)]
pub struct StoredSettings {
    #[serde(flatten)]
    pub settings: Settings,
    pub version: i32,
    #[serde(with = "crate::domain::utc::optional")]
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<String>,
}

fn internal(e: serde_json::Error) -> ApiError {
    ApiError::internal("stored planning settings", e)
}

/// A row of `planning_settings`, its JSON columns as text.
type Stored = (f64, String, String, Option<String>, i32, NaiveDateTime, String, Option<String>, Option<String>);

pub fn get(conn: &mut DbConnection, organisation_id: i32) -> Result<StoredSettings, ApiError> {
    let row = ps::table
        .filter(ps::organisation_id.eq(organisation_id))
        .select((
            ps::hours_per_fte,
            ps::pools,
            ps::penalties,
            ps::variance,
            ps::version,
            ps::updated_at,
            ps::updated_by,
            ps::ramp_up,
            ps::units,
        ))
        .first::<Stored>(conn)
        .optional()?;
    Ok(match row {
        None => StoredSettings { settings: Settings::default(), version: 0, updated_at: None, updated_by: None },
        Some((hours_per_fte, pools, penalties, variance, version, at, by, ramp_up, units)) => StoredSettings {
            settings: Settings {
                hours_per_fte,
                pools: serde_json::from_str(&pools).map_err(internal)?,
                penalties: serde_json::from_str(&penalties).map_err(internal)?,
                variance: variance.map(|v| serde_json::from_str(&v)).transpose().map_err(internal)?.unwrap_or_default(),
                ramp_up: ramp_up.map(|v| serde_json::from_str(&v)).transpose().map_err(internal)?.unwrap_or_default(),
                units: units.map(|v| serde_json::from_str(&v)).transpose().map_err(internal)?.unwrap_or_default(),
            },
            version,
            updated_at: Some(at),
            updated_by: Some(by),
        },
    })
}

/// Every problem of `settings`, by field, with the model's own rules; flying teams may name only
/// the organisation's activities.
fn check(conn: &mut DbConnection, organisation_id: i32, settings: &Settings) -> Result<(), ApiError> {
    let mut details = Vec::new();
    if let Some(problem) = bounds::HOURS_PER_FTE.problem(settings.hours_per_fte) {
        details.push(Detail::field("hours_per_fte", problem));
    }
    for (field, part) in
        [("pools", serde_json::to_value(&settings.pools)), ("penalties", serde_json::to_value(&settings.penalties))]
    {
        bounded_numbers(&part.map_err(internal)?, field.to_owned(), &mut details);
    }
    let mut probe = settings.pools.clone();
    for (k, team) in probe.flying_teams.iter_mut().enumerate() {
        for month in team.hours_per_period.keys() {
            if let Err(e) = Period::parse("", month) {
                let message = e.details().first().map(|d| d.message.clone()).unwrap_or_default();
                details.push(Detail::field(format!("pools.flying_teams[{k}].hours_per_period.{month}"), message));
            }
        }
        // The probe scenario below has a single month: only bad hours are kept, under that
        // month, for the model's check to name them (the months were checked above).
        team.hours_per_period.retain(|_, h| !(h.is_finite() && *h >= 0.0));
        team.hours_per_period = team.hours_per_period.values().map(|h| ("2000-01".to_owned(), *h)).collect();
    }
    let activities = ac::table
        .filter(ac::organisation_id.eq(organisation_id))
        .select(ac::code)
        .load::<String>(conn)?
        .into_iter()
        .map(|code| gpec_planning::scenario::Activity {
            code,
            minutes_per_item: 1.0,
            initial_backlog: 0.0,
            backlog_normal_max: 0.0,
            backlog_critical_max: 0.0,
            temp_eligible: false,
            requirements: vec![],
            priority: 1.0,
            minutes_per_item_by_period: Default::default(),
            min_fte: 0.0,
        })
        .collect();
    let scenario = gpec_planning::Scenario {
        periods: vec!["2000-01".to_owned()],
        hours_per_fte: settings.hours_per_fte,
        activities,
        loads: vec![],
        agents: vec![],
        pools: probe,
        penalties: settings.penalties.clone(),
    };
    // What the model refuses besides the bounds above: a pool code used twice, a flying team on
    // an activity the organisation does not have.
    let mut refused = Vec::new();
    if let Err(errors) = gpec_planning::validate(&scenario) {
        refused.extend(errors.into_iter().map(|e| {
            // The probe's month stands for whichever month the client wrote.
            let field = e.field.replace(".hours_per_period.2000-01", ".hours_per_period");
            Detail::field(field, e.message)
        }));
    }
    let variance = &settings.variance;
    for (field, share) in std::iter::once(("variance.threshold".to_owned(), variance.threshold))
        .chain(variance.activities.iter().map(|(code, v)| (format!("variance.activities.{code}"), *v)))
    {
        if !(share.is_finite() && share > 0.0 && share <= 1.0) {
            details.push(Detail::field(field, "must be in (0, 1]: a share, 0.1 for ±10 %"));
        }
    }
    for code in variance.activities.keys().filter(|c| !scenario.activities.iter().any(|a| a.code == **c)) {
        refused.push(Detail::field(format!("variance.activities.{code}"), format!("unknown activity {code:?}")));
    }
    let ramp = &settings.ramp_up;
    if !(1..=60).contains(&ramp.months) {
        details.push(Detail::field("ramp_up.months", "must be 1 to 60"));
    }
    if !(ramp.start_share > 0.0 && ramp.start_share <= 1.0) {
        details.push(Detail::field("ramp_up.start_share", "must be in (0, 1]: a share, 0.4 for 40 %"));
    }
    for (unit, codes) in &settings.units {
        if unit.trim().is_empty() {
            details.push(Detail::field("units", "a unit's name must not be empty"));
        }
        for (k, code) in codes.iter().enumerate() {
            if !scenario.activities.iter().any(|a| a.code == *code) {
                refused.push(Detail::field(format!("units.{unit}[{k}]"), format!("unknown activity {code:?}")));
            }
        }
    }
    if let Some(ot) = &settings.pools.overtime
        && ot.max_share > 1.0
    {
        details.push(Detail::field("pools.overtime.max_share", "must be at most 1 (a share of capacity)"));
    }
    for (p, pool) in settings.pools.temporary_staff.iter().enumerate() {
        if !(pool.productivity > 0.0 && pool.productivity <= 1.0) {
            details.push(Detail::field(format!("pools.temporary_staff[{p}].productivity"), "must be in (0, 1]"));
        }
    }
    // Bad shapes and bounds are a 400 (listing the model's complaints too); a well-formed body
    // the model refuses is a 422.
    if !details.is_empty() {
        let named: Vec<Option<String>> = details.iter().map(|d| d.field.clone()).collect();
        details.extend(refused.into_iter().filter(|r| !named.contains(&r.field)));
        Err(ApiError::problems("the settings", details))
    } else if !refused.is_empty() {
        Err(ApiError::unprocessable("the settings", refused))
    } else {
        Ok(())
    }
}

/// Every number of `value` within [`bounds::SETTING`], each one outside named by its path.
fn bounded_numbers(value: &serde_json::Value, path: String, details: &mut Vec<Detail>) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(problem) = n.as_f64().and_then(|v| bounds::SETTING.problem(v)) {
                details.push(Detail::field(path, problem));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                bounded_numbers(item, format!("{path}[{i}]"), details);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                bounded_numbers(item, format!("{path}.{key}"), details);
            }
        }
        _ => {}
    }
}

/// Saves the settings if `expected_version` is still current (0 when none were saved).
pub fn put(
    conn: &mut DbConnection,
    organisation_id: i32,
    expected_version: i32,
    settings: &Settings,
    author: &str,
) -> Result<StoredSettings, ApiError> {
    check(conn, organisation_id, settings)?;
    let current = get(conn, organisation_id)?;
    if current.version != expected_version {
        return Err(stale("planning settings", "of the organisation", expected_version, current.version));
    }
    let pools = serde_json::to_string(&settings.pools).map_err(internal)?;
    let penalties = serde_json::to_string(&settings.penalties).map_err(internal)?;
    let variance = serde_json::to_string(&settings.variance).map_err(internal)?;
    let ramp_up = serde_json::to_string(&settings.ramp_up).map_err(internal)?;
    let units = serde_json::to_string(&settings.units).map_err(internal)?;
    let values = (
        ps::hours_per_fte.eq(settings.hours_per_fte),
        ps::pools.eq(&pools),
        ps::penalties.eq(&penalties),
        ps::variance.eq(Some(&variance)),
        ps::ramp_up.eq(Some(&ramp_up)),
        ps::units.eq(Some(&units)),
        ps::version.eq(expected_version + 1),
        ps::updated_at.eq(crate::domain::now()),
        ps::updated_by.eq(author),
    );
    if expected_version == 0 {
        // A concurrent first save hits the primary key: 409, like any stale edit.
        diesel::insert_into(ps::table).values((ps::organisation_id.eq(organisation_id), values)).execute(conn)?;
    } else {
        let changed = diesel::update(
            ps::table.filter(ps::organisation_id.eq(organisation_id)).filter(ps::version.eq(expected_version)),
        )
        .set(values)
        .execute(conn)?;
        if changed != 1 {
            return Err(stale("planning settings", "of the organisation", expected_version, expected_version + 1));
        }
    }
    get(conn, organisation_id)
}
