//! The trajectory reports of one organisation: the projection without action and the optimal
//! plan, each with departures per year and reason, the age pyramid now and at the horizon, and
//! the succession risks (holders of each level the sheets require, year by year, as known
//! departures take them away).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use gpec_trajectory::departures::exit;
use gpec_trajectory::result::{Costs, Flow, Move, Stats};
use gpec_trajectory::{Options, SolveError, Status};
use serde::Serialize;
use utoipa::ToSchema;

use super::case::{Built, build, person};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryDepartureCount)]
pub struct DepartureCount {
    pub year: i32,
    /// `retirement`, `mobility`, `end_of_contract`, `other` (known), or `exit_rate` (expected).
    pub reason: String,
    pub count: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryAgeBand)]
pub struct AgeBand {
    pub band: String,
    /// Agents with a job sheet today.
    pub now: u32,
    /// The same agents still there at the end of the last year (no known departure before),
    /// at their age then. Newcomers are not counted.
    pub at_horizon: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectorySuccessionRisk)]
pub struct SuccessionRisk {
    pub competency: String,
    /// The highest level a sheet of the organisation requires.
    pub level: i32,
    /// Agents holding at least `level`, at the end of each year.
    pub holders: Vec<u32>,
    /// Whether the holders fall under the assumptions' threshold within the horizon.
    pub at_risk: bool,
}

/// The agents best placed to make a planned move: those of the source sheet, by the mobility
/// ranking against the target sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryMoveCandidates)]
pub struct MoveCandidates {
    pub from: String,
    pub to: String,
    /// Heads the plan moves along this path, all years together.
    pub heads: f64,
    pub agents: Vec<Candidate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryCandidate)]
pub struct Candidate {
    pub matricule: String,
    pub last_name: String,
    pub first_name: String,
    /// Levels missing against the target sheet, all competencies together.
    pub total_gap: i32,
    /// `1 - total_gap / sum of required levels`.
    pub fit: f64,
}

/// A trajectory of one organisation with its reports.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryReport)]
pub struct Report {
    pub organisation: String,
    pub first_year: i32,
    pub years: usize,
    /// `projection`, or `optimal` / `time_limit` for a plan.
    pub status: Status,
    pub flows: Vec<Flow>,
    pub moves: Vec<Move>,
    /// For each path of the planned moves, the agents best placed (twice the heads, at most 10).
    pub candidates: Vec<MoveCandidates>,
    pub costs: Costs,
    pub stats: Stats,
    pub departures: Vec<DepartureCount>,
    pub age_pyramid: Vec<AgeBand>,
    pub succession: Vec<SuccessionRisk>,
    /// Agents without a birth date: outside the pyramid, and retiring only on a known date.
    pub unknown_birth_dates: usize,
    /// Agents of no job sheet, outside the trajectory.
    pub without_sheet: usize,
}

/// Which trajectory: without action, or the least-cost plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Projection,
    Plan,
}

/// The horizon asked for: 1 to 5 years from `first_year` (default: next year).
pub fn horizon(first_year: Option<i32>, years: Option<usize>, today: NaiveDate) -> Result<(i32, usize), ApiError> {
    let years = years.unwrap_or(3);
    if !(1..=5).contains(&years) {
        return Err(ApiError::invalid("years", "must be 1 to 5"));
    }
    let first = first_year.unwrap_or(today.year() + 1);
    if !(today.year() - 1..=today.year() + 5).contains(&first) {
        return Err(ApiError::invalid("first_year", "must be within a year before and five years after this one"));
    }
    Ok((first, years))
}

/// The projection or the plan of `organisation` (default: the caller's own), for `hr`.
pub fn trajectory(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    kind: Kind,
    (first_year, years): (i32, usize),
    today: NaiveDate,
) -> Result<Report, ApiError> {
    let organisation_id = super::organisation(conn, who, organisation)?;
    let built = build(conn, organisation_id, first_year, years, today)?;
    let prepared = gpec_trajectory::validate(&built.case).map_err(|errors| {
        // The stored data passed its own checks: what the model refuses names the assumption.
        let details = errors.into_iter().map(|e| Detail::field(e.field, e.message)).collect();
        ApiError::unprocessable("the trajectory's data", details)
    })?;
    let trajectory = match kind {
        Kind::Projection => gpec_trajectory::project::project(&prepared),
        Kind::Plan => gpec_trajectory::solve(&prepared, Options { time_limit: 30.0, ..Options::default() }).map_err(
            |e| match e {
                SolveError::Infeasible(shortfalls) => {
                    let details = shortfalls
                        .iter()
                        .map(|s| {
                            let message = format!(
                                "minimum {} ETP at work, at most {:.2} within the limits",
                                s.min_etp, s.reachable_etp
                            );
                            Detail::field(format!("min_etp.{} {}", s.sheet, s.year), message)
                        })
                        .collect();
                    ApiError::unprocessable("the trajectory", details)
                }
                other => ApiError::internal("trajectory solve", other),
            },
        )?,
    };
    let levels = crate::domain::levels::load_organisation(conn, organisation_id, None, today)?;
    let succession = succession(&built, &levels);
    let candidates = candidates(conn, who, &built.case.organisations[0].code, &trajectory.moves, today)?;
    let Built { case, agents, assumptions, without_sheet, .. } = built;
    let departures = departures(&case, &agents, &assumptions, &trajectory.flows);
    Ok(Report {
        organisation: case.organisations[0].code.clone(),
        first_year,
        years,
        status: trajectory.status,
        departures,
        age_pyramid: pyramid(&agents, &assumptions, first_year, years, today),
        succession,
        unknown_birth_dates: agents.iter().filter(|a| a.input.birth_date.is_none()).count(),
        without_sheet,
        flows: trajectory.flows,
        moves: trajectory.moves,
        candidates,
        costs: trajectory.costs,
        stats: trajectory.stats,
    })
}

fn candidates(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: &str,
    moves: &[Move],
    today: NaiveDate,
) -> Result<Vec<MoveCandidates>, ApiError> {
    use crate::domain::analytics::{Scope, mobility};
    let mut paths: BTreeMap<(String, String), f64> = BTreeMap::new();
    for m in moves {
        *paths.entry((m.from.clone(), m.to.clone())).or_default() += m.heads;
    }
    paths
        .into_iter()
        .map(|((from, to), heads)| {
            let scope =
                Scope { organisation: Some(organisation.to_owned()), unit: None, job_profile: Some(from.clone()) };
            let ask = crate::domain::paging::PageAsk::new(Some(1), Some(((heads * 2.0) as usize).clamp(1, 10)))?;
            let ranked = mobility(conn, who, &scope, &to, ask, today)?;
            let agents = ranked
                .items
                .into_iter()
                .map(|r| Candidate {
                    matricule: r.agent.input.matricule,
                    last_name: r.agent.input.last_name,
                    first_name: r.agent.input.first_name,
                    total_gap: r.gap.total_gap,
                    fit: r.gap.fit,
                })
                .collect();
            Ok(MoveCandidates { from, to, heads, agents })
        })
        .collect()
}

fn departures(
    case: &gpec_trajectory::Case,
    agents: &[crate::domain::agents::Agent],
    assumptions: &super::assumptions::Assumptions,
    flows: &[Flow],
) -> Vec<DepartureCount> {
    let last = case.first_year + case.years as i32 - 1;
    let mut counts: BTreeMap<(i32, String), f64> = BTreeMap::new();
    for agent in agents {
        if let Some((year, reason)) = exit(&assumptions.retirement_ages, &person(agent), case.first_year)
            && year <= last
        {
            *counts.entry((year, reason.as_str().to_owned())).or_default() += 1.0;
        }
    }
    for f in flows {
        *counts.entry((f.year, "exit_rate".to_owned())).or_default() += f.departures - f.known_departures;
    }
    counts.into_iter().map(|((year, reason), count)| DepartureCount { year, reason, count }).collect()
}

const BANDS: [(&str, i32, i32); 6] =
    [("<30", 0, 29), ("30-39", 30, 39), ("40-49", 40, 49), ("50-54", 50, 54), ("55-59", 55, 59), ("60+", 60, 200)];

fn age_at(birth: NaiveDate, day: NaiveDate) -> i32 {
    day.years_since(birth).map_or(0, |y| y as i32)
}

fn pyramid(
    agents: &[crate::domain::agents::Agent],
    assumptions: &super::assumptions::Assumptions,
    first_year: i32,
    years: usize,
    today: NaiveDate,
) -> Vec<AgeBand> {
    let last = first_year + years as i32 - 1;
    let end = NaiveDate::from_ymd_opt(last, 12, 31).unwrap_or(today);
    let band = |age: i32| BANDS.iter().position(|&(_, low, high)| (low..=high).contains(&age));
    let mut now = [0u32; 6];
    let mut later = [0u32; 6];
    for agent in agents {
        let Some(birth) = agent.input.birth_date else { continue };
        if let Some(b) = band(age_at(birth, today)) {
            now[b] += 1;
        }
        let leaves = exit(&assumptions.retirement_ages, &person(agent), first_year).is_some_and(|(y, _)| y <= last);
        if !leaves && let Some(b) = band(age_at(birth, end)) {
            later[b] += 1;
        }
    }
    BANDS
        .iter()
        .enumerate()
        .map(|(i, (name, ..))| AgeBand { band: (*name).to_owned(), now: now[i], at_horizon: later[i] })
        .collect()
}

/// For each competency the organisation's sheets require, at the highest level required: the
/// agents holding it, year by year, as their known departures take them away.
fn succession(built: &Built, levels: &crate::domain::levels::LevelBook) -> Vec<SuccessionRisk> {
    let mut required: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    for needs in built.requirements.values() {
        for need in needs {
            let entry = required.entry(need.code.clone()).or_insert((need.competency_id, 0));
            entry.1 = entry.1.max(need.level.get());
        }
    }
    let case = &built.case;
    let exits: Vec<Option<i32>> = built
        .agents
        .iter()
        .map(|a| exit(&built.assumptions.retirement_ages, &person(a), case.first_year).map(|(y, _)| y))
        .collect();
    required
        .into_iter()
        .map(|(competency, (id, level))| {
            let holders = (0..case.years)
                .map(|y| {
                    let year = case.first_year + y as i32;
                    built
                        .agents
                        .iter()
                        .zip(&exits)
                        .filter(|(_, exit)| exit.is_none_or(|e| e > year))
                        .filter(|(a, _)| {
                            levels
                                .get(&a.id)
                                .and_then(|l| l.get(&id))
                                .and_then(|l| l.usable())
                                .is_some_and(|l| l.get() >= level)
                        })
                        .count() as u32
                })
                .collect::<Vec<_>>();
            let at_risk = holders.iter().any(|h| *h < built.assumptions.succession_threshold);
            SuccessionRisk { competency, level, holders, at_risk }
        })
        .collect()
}
