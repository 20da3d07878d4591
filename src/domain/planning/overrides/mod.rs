//! What-if variants: overrides a plan request carries, applied to the scenario it builds and never
//! to the stored data. Volumes scaled per activity and months, a pool changed or switched off,
//! agents (a unit, or a list) made unavailable, another `hours_per_fte`. Every name is checked:
//! an unknown one is refused with its field (422), a malformed value with its field (400).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use gpec_planning::Scenario;
use gpec_planning::scenario::Pools;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::agents as a;
use crate::domain::types::Period;
use crate::error::{ApiError, Detail};

/// The overrides of a plan request; empty ones change nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<VolumeChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailability: Vec<AbsenceChange>,
    /// Productive hours of a full-time agent in a month, instead of the settings'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(exclusive_minimum = 0, maximum = 744)]
    pub hours_per_fte: Option<f64>,
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Volumes of an activity multiplied over `from..=to` (months of the horizon).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VolumeChange {
    pub activity: String,
    /// `YYYY-MM`.
    pub from: String,
    /// `YYYY-MM`.
    pub to: String,
    /// 1.2 for 20 % more items, 0.9 for 10 % fewer.
    #[schema(minimum = 0, maximum = 10)]
    pub multiplier: f64,
}

/// A pool changed: `overtime`, or a temporary staff pool or flying team by its code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolChange {
    pub pool: String,
    /// The pool does not exist in the variant.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub off: bool,
    /// Temporary staff: heads that may be hired at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000)]
    pub max_heads: Option<i64>,
    /// Overtime: the share of capacity that may be worked on top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub max_share: Option<f64>,
    /// Flying team: its hours of each month multiplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub hours_factor: Option<f64>,
    /// The pool's cost: per hour (overtime, flying team) or per head and month (temporary staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1000000)]
    pub cost: Option<f64>,
}

/// Agents away over `from..=to`: a unit's, or those listed by matricule (or both).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    /// `YYYY-MM`.
    pub from: String,
    /// `YYYY-MM`.
    pub to: String,
    /// The share of their time they are away (default 1: all of it), on top of what is recorded.
    #[serde(default = "whole")]
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub share: f64,
}

fn whole() -> f64 {
    1.0
}

/// The organisation's agents by unit, to resolve names.
#[derive(Debug, Default)]
pub struct Directory {
    pub units: HashMap<String, Vec<String>>,
    pub matricules: HashSet<String>,
}

impl Directory {
    pub fn load(conn: &mut DbConnection, organisation_id: i32) -> Result<Self, ApiError> {
        let rows =
            a::table
                .filter(a::organisation_id.eq(organisation_id))
                .select((a::unit, a::matricule))
                .load::<(String, String)>(conn)?;
        let mut directory = Self::default();
        for (unit, matricule) in rows {
            directory.units.entry(unit).or_default().push(matricule.clone());
            directory.matricules.insert(matricule);
        }
        Ok(directory)
    }
}

/// Problems found, each with its field; malformed ones make a 400, unknown names a 422.
#[derive(Default)]
struct Problems {
    malformed: Vec<Detail>,
    unknown: Vec<Detail>,
}

impl Problems {
    fn range(&mut self, field: String, value: f64, lo: f64, hi: f64) {
        if !(value.is_finite() && value >= lo && value <= hi) {
            self.malformed.push(Detail::field(field, format!("{value} is outside {lo}..={hi}")));
        }
    }

    fn months(&mut self, field: &str, from: &str, to: &str) -> Option<(Period, Period)> {
        let parse = |name: &str, raw: &str| Period::parse(&format!("{field}.{name}"), raw);
        match (parse("from", from), parse("to", to)) {
            (Ok(f), Ok(t)) if f <= t => Some((f, t)),
            (Ok(_), Ok(_)) => {
                self.malformed.push(Detail::field(format!("{field}.to"), "must not be before from"));
                None
            }
            (f, t) => {
                self.malformed.extend([f.err(), t.err()].into_iter().flatten().flat_map(|e| e.details()));
                None
            }
        }
    }
}

/// Applies `o` to `s`, resolving units and matricules in `directory`. On any problem nothing is
/// applied that matters: the caller drops the scenario.
pub fn apply(s: &mut Scenario, o: &Overrides, directory: &Directory) -> Result<(), ApiError> {
    let mut p = Problems::default();
    let in_horizon = |(from, to): (Period, Period)| -> Vec<String> {
        s.periods.iter().filter(|m| Period::parse("m", m).is_ok_and(|m| from <= m && m <= to)).cloned().collect()
    };
    if let Some(hours) = o.hours_per_fte {
        p.range("overrides.hours_per_fte".into(), hours, 1.0, 744.0);
    }
    let mut volume_changes = Vec::new();
    for (k, v) in o.volumes.iter().enumerate() {
        let field = format!("overrides.volumes[{k}]");
        p.range(format!("{field}.multiplier"), v.multiplier, 0.0, 10.0);
        let code = v.activity.trim().to_uppercase();
        if !s.activities.iter().any(|a| a.code == code) {
            p.unknown.push(Detail::field(format!("{field}.activity"), format!("unknown activity {code:?}")));
        }
        if let Some(range) = p.months(&field, &v.from, &v.to) {
            volume_changes.push((code, in_horizon(range), v.multiplier));
        }
    }
    for (k, change) in o.pools.iter().enumerate() {
        pool_problems(s, &format!("overrides.pools[{k}]"), change, &mut p);
    }
    let mut absences = Vec::new();
    for (k, change) in o.unavailability.iter().enumerate() {
        let field = format!("overrides.unavailability[{k}]");
        p.range(format!("{field}.share"), change.share, 0.0, 1.0);
        let mut who: HashSet<&str> = HashSet::new();
        match change.unit.as_deref().map(str::trim) {
            Some(unit) => match directory.units.get(unit) {
                Some(agents) => who.extend(agents.iter().map(String::as_str)),
                None => p.unknown.push(Detail::field(format!("{field}.unit"), format!("unknown unit {unit:?}"))),
            },
            None if change.agents.is_empty() => {
                p.malformed.push(Detail::field(field.clone(), "name a unit or agents"));
            }
            None => {}
        }
        for (j, matricule) in change.agents.iter().enumerate() {
            match directory.matricules.get(matricule.trim()) {
                Some(m) => _ = who.insert(m),
                None => p
                    .unknown
                    .push(Detail::field(format!("{field}.agents[{j}]"), format!("unknown matricule {matricule:?}"))),
            }
        }
        if let Some(range) = p.months(&field, &change.from, &change.to) {
            absences.push((
                who.into_iter().map(str::to_owned).collect::<HashSet<_>>(),
                in_horizon(range),
                change.share,
            ));
        }
    }
    if !p.malformed.is_empty() {
        return Err(ApiError::problems("the overrides", p.malformed));
    }
    if !p.unknown.is_empty() {
        return Err(ApiError::unprocessable("the overrides", p.unknown));
    }

    if let Some(hours) = o.hours_per_fte {
        // A month an agent is wholly away (before their start, after their end, or recorded so)
        // stays wholly away; hours recorded as such stay hours.
        for agent in &mut s.agents {
            let full = agent.fte * s.hours_per_fte;
            for away in agent.unavailable_hours.values_mut() {
                if (*away - full).abs() < 1e-9 {
                    *away = agent.fte * hours;
                }
            }
        }
        s.hours_per_fte = hours;
    }
    for (code, months, multiplier) in volume_changes {
        for load in s.loads.iter_mut().filter(|l| l.activity == code && months.contains(&l.period)) {
            load.volume *= multiplier;
        }
    }
    for change in &o.pools {
        change_pool(s, change);
    }
    for (who, months, share) in absences {
        for agent in s.agents.iter_mut().filter(|a| who.contains(&a.id)) {
            let capacity = agent.fte * s.hours_per_fte;
            for month in &months {
                let away = agent.unavailable_hours.entry(month.clone()).or_default();
                *away = (*away + share * capacity).min(capacity);
            }
        }
    }
    Ok(())
}

/// What kind of pool a code names in `s`.
enum Kind {
    Overtime,
    Temporary(usize),
    Flying(usize),
}

fn kind(pools: &Pools, code: &str) -> Option<Kind> {
    if code == "overtime" {
        return pools.overtime.as_ref().map(|_| Kind::Overtime);
    }
    pools
        .temporary_staff
        .iter()
        .position(|p| p.code == code)
        .map(Kind::Temporary)
        .or_else(|| pools.flying_teams.iter().position(|f| f.code == code).map(Kind::Flying))
}

fn pool_problems(s: &Scenario, field: &str, change: &PoolChange, p: &mut Problems) {
    let Some(kind) = kind(&s.pools, change.pool.trim()) else {
        let message = format!("unknown pool {:?} (overtime, or a temporary staff or flying team code)", change.pool);
        p.unknown.push(Detail::field(format!("{field}.pool"), message));
        return;
    };
    let misplaced = |name: &str, what: &str| Detail::field(format!("{field}.{name}"), format!("only {what} has it"));
    if let Some(heads) = change.max_heads {
        p.range(format!("{field}.max_heads"), heads as f64, 0.0, 10_000.0);
        if !matches!(kind, Kind::Temporary(_)) {
            p.malformed.push(misplaced("max_heads", "a temporary staff pool"));
        }
    }
    if let Some(share) = change.max_share {
        p.range(format!("{field}.max_share"), share, 0.0, 1.0);
        if !matches!(kind, Kind::Overtime) {
            p.malformed.push(misplaced("max_share", "overtime"));
        }
    }
    if let Some(factor) = change.hours_factor {
        p.range(format!("{field}.hours_factor"), factor, 0.0, 10.0);
        if !matches!(kind, Kind::Flying(_)) {
            p.malformed.push(misplaced("hours_factor", "a flying team"));
        }
    }
    if let Some(cost) = change.cost {
        p.range(format!("{field}.cost"), cost, 0.0, 1_000_000.0);
    }
}

fn change_pool(s: &mut Scenario, change: &PoolChange) {
    let pools = &mut s.pools;
    match kind(pools, change.pool.trim()) {
        Some(Kind::Overtime) if change.off => pools.overtime = None,
        Some(Kind::Overtime) => {
            let overtime = pools.overtime.as_mut().expect("checked");
            overtime.max_share = change.max_share.unwrap_or(overtime.max_share);
            overtime.cost_per_hour = change.cost.unwrap_or(overtime.cost_per_hour);
        }
        Some(Kind::Temporary(q)) if change.off => _ = pools.temporary_staff.remove(q),
        Some(Kind::Temporary(q)) => {
            let pool = &mut pools.temporary_staff[q];
            pool.max_heads = change.max_heads.unwrap_or(pool.max_heads);
            pool.cost_per_head_month = change.cost.unwrap_or(pool.cost_per_head_month);
        }
        Some(Kind::Flying(f)) if change.off => _ = pools.flying_teams.remove(f),
        Some(Kind::Flying(f)) => {
            let team = &mut pools.flying_teams[f];
            let factor = change.hours_factor.unwrap_or(1.0);
            team.hours_per_period.values_mut().for_each(|h| *h *= factor);
            team.cost_per_hour = change.cost.unwrap_or(team.cost_per_hour);
        }
        // A pool switched off by an earlier change.
        None => {}
    }
}

#[cfg(test)]
mod tests;
