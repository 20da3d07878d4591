//! The trajectory case of one organisation from its stored data: today's agents per job sheet
//! (heads, ETP, known departures from birth dates and planned departures), the assumptions, the
//! targets, and the allowed moves with the training hours the sheets' gaps call for.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use gpec_trajectory::Case;
use gpec_trajectory::case::{Job, Organisation, Path, Sheet};
use gpec_trajectory::departures::{self, Person};

use super::assumptions::Assumptions;
use crate::db::DbConnection;
use crate::domain::agents::{self, Agent, Selection};
use crate::domain::analytics::Need;
use crate::error::ApiError;

/// A case, and what the reports need besides: today's agents and the rules.
pub struct Built {
    pub case: Case,
    pub agents: Vec<Agent>,
    pub assumptions: Assumptions,
    /// Agents of no job sheet (managers, mostly): outside the trajectory.
    pub without_sheet: usize,
    /// What each sheet of the case requires, read once for the moves' training and the
    /// succession report.
    pub requirements: BTreeMap<String, Vec<Need>>,
}

pub fn person(agent: &Agent) -> Person {
    let i = &agent.input;
    Person {
        birth: i.birth_date.map(|d| (d.year(), d.month())),
        departure: i.departure_date.zip(i.departure_reason).map(|(d, r)| ((d.year(), d.month()), r)),
    }
}

/// The case of organisation `organisation_id`, `years` years from `first_year`.
pub fn build(
    conn: &mut DbConnection,
    organisation_id: i32,
    first_year: i32,
    years: usize,
    today: NaiveDate,
) -> Result<Built, ApiError> {
    let assumptions = super::assumptions::get(conn, organisation_id)?.assumptions;
    let code = crate::domain::organisations::code_of(conn, organisation_id)?;
    let selection = Selection { organisation_id: Some(organisation_id), ..Default::default() };
    let all = agents::select(conn, &selection, today)?;
    let without_sheet = all.iter().filter(|a| a.input.job_profile.is_none()).count();
    let agents: Vec<Agent> = all.into_iter().filter(|a| a.input.job_profile.is_some()).collect();
    let targets = super::targets::of(conn, organisation_id)?;

    let mut by_sheet: BTreeMap<String, Vec<&Agent>> = BTreeMap::new();
    for agent in &agents {
        by_sheet.entry(agent.input.job_profile.clone().unwrap_or_default()).or_default().push(agent);
    }
    for (sheet, _) in targets.keys() {
        by_sheet.entry(sheet.clone()).or_default();
    }
    let jobs = by_sheet
        .iter()
        .map(|(sheet, holders)| {
            let people: Vec<Person> = holders.iter().map(|a| person(a)).collect();
            let known = departures::per_year(&assumptions.retirement_ages, &people, first_year, years);
            let heads = holders.len() as u32;
            let hiring = assumptions.hiring_of(sheet);
            Job {
                sheet: sheet.clone(),
                heads,
                etp: holders.iter().map(|a| a.input.fte.get()).sum(),
                movable: heads - known.iter().sum::<u32>(),
                departures: known,
                exit_rate: assumptions.exit_rate_of(sheet),
                hire_cost: hiring.cost,
                hire_lead_months: hiring.lead_months,
                hire_cap: hiring.cap,
                move_out_share: assumptions.move_out_share,
                target: (0..years).map(|y| targets.get(&(sheet.clone(), first_year + y as i32)).copied()).collect(),
                min_etp: assumptions.min_etp.get(sheet).map(|m| vec![Some(*m); years]).unwrap_or_default(),
            }
        })
        .collect();
    let mut needs = crate::domain::analytics::needs_by_profile(conn)?;
    let codes = agents::Codes::load(conn)?;
    let requirements: BTreeMap<String, Vec<Need>> = by_sheet
        .keys()
        .map(|sheet| (sheet.clone(), codes.profile_id(sheet).and_then(|id| needs.remove(&id)).unwrap_or_default()))
        .collect();
    let paths = paths(conn, &assumptions, &requirements)?;
    let case = Case {
        first_year,
        years,
        hours_per_etp: gpec_trajectory::case::default_hours_per_etp(),
        ramp: assumptions.ramp.clone(),
        training_cost_per_hour: assumptions.training_cost_per_hour,
        penalties: assumptions.penalties.clone(),
        sheets: by_sheet.keys().map(|code| Sheet { code: code.clone(), label: String::new() }).collect(),
        paths,
        national_training_hours: None,
        organisations: vec![Organisation {
            code,
            training_hours: assumptions.training_hours_per_year.map(|h| vec![h; years]),
            jobs,
        }],
    };
    Ok(Built { case, agents, assumptions, without_sheet, requirements })
}

/// The allowed moves between the sheets of `requirements`, each with the training hours of the
/// levels to gain: for every competency the target sheet requires, what it requires above the
/// source sheet, times the hours per level of its category.
fn paths(
    conn: &mut DbConnection,
    assumptions: &Assumptions,
    requirements: &BTreeMap<String, Vec<Need>>,
) -> Result<Vec<Path>, ApiError> {
    let categories: HashMap<String, String> = crate::domain::competencies::all(conn)?
        .into_iter()
        .map(|c| (c.code, c.content.category.as_str().to_owned()))
        .collect();
    let required = |sheet: &str| -> HashMap<String, i32> {
        requirements[sheet].iter().map(|n| (n.code.clone(), n.level.get())).collect()
    };
    Ok(assumptions
        .paths
        .iter()
        .filter(|p| requirements.contains_key(&p.from) && requirements.contains_key(&p.to))
        .map(|p| {
            let (from, to) = (required(&p.from), required(&p.to));
            let hours = to
                .iter()
                .map(|(competency, level)| {
                    let gain = (level - from.get(competency).copied().unwrap_or(0)).max(0) as f64;
                    let per_level = categories
                        .get(competency)
                        .and_then(|c| assumptions.training_hours_per_level.get(c))
                        .copied()
                        .unwrap_or(0.0);
                    gain * per_level
                })
                .sum();
            Path { from: p.from.clone(), to: p.to.clone(), training_hours: hours }
        })
        .collect())
}
