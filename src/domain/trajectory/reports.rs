//! The trajectory reports of one organisation: the projection without action and the optimal
//! plan, each with departures per year and reason, the age pyramid now and at the horizon, and
//! the succession risks (holders of each level the sheets require, year by year, as known
//! departures take them away).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use gpec_trajectory::departures::exit;
use gpec_trajectory::result::{Costs, Flow, Move, Shortfall, Stats, Trajectory};
use gpec_trajectory::validate::Prepared;
use gpec_trajectory::{Case, Status};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::case::{Built, build, person};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryDepartureCount)]
pub struct DepartureCount {
    pub year: i32,
    /// `retirement`, `mobility`, `end_of_contract`, `other` (known), or `exit_rate` (expected).
    pub reason: String,
    pub count: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryAgeBand)]
pub struct AgeBand {
    pub band: String,
    /// Agents with a job sheet today.
    pub now: u32,
    /// The same agents still there at the end of the last year (no known departure before),
    /// at their age then. Newcomers are not counted.
    pub at_horizon: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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

/// The agents best placed to make the planned moves of one path: those of the source sheet, by
/// the mobility ranking against the target sheet. Each move of the plan gets as many agents as
/// it moves heads, best first, year by year, no agent twice and none who leaves by then; as
/// many alternates follow.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryMoveCandidates)]
pub struct MoveCandidates {
    pub from: String,
    pub to: String,
    /// Heads the plan moves along this path, all years together.
    pub heads: f64,
    pub agents: Vec<Candidate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryCandidate)]
pub struct Candidate {
    pub matricule: String,
    pub last_name: String,
    pub first_name: String,
    /// The year of the planned move this agent is proposed for; none for an alternate.
    #[serde(default)]
    pub year: Option<i32>,
    /// The year of a known departure or retirement within the horizon: never proposed for a
    /// move that year or later.
    #[serde(default)]
    pub leaves: Option<i32>,
    /// Levels missing against the target sheet, all competencies together.
    pub total_gap: i32,
    /// `1 - total_gap / sum of required levels`.
    pub fit: f64,
}

/// A trajectory of one organisation with its reports.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryReport)]
pub struct Report {
    pub organisation: String,
    pub first_year: i32,
    pub years: usize,
    /// `projection`, or `optimal` / `time_limit` for a plan.
    pub status: Status,
    pub flows: Vec<Flow>,
    pub moves: Vec<Move>,
    /// For each path of the planned moves, the agents proposed for each year's move, then as many
    /// alternates.
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

/// What a report holds besides the trajectory, fixed when it is asked: the case, and the parts
/// no decision changes (known departures, age pyramid, succession risks) with the agents best
/// placed on every allowed path. A trajectory plan stores it at request time, so that its worker
/// solves and reports without reading the database, on the data as they were asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Context {
    pub case: Case,
    known_departures: Vec<DepartureCount>,
    age_pyramid: Vec<AgeBand>,
    succession: Vec<SuccessionRisk>,
    unknown_birth_dates: usize,
    without_sheet: usize,
    /// For a plan: each allowed path's agents by the mobility ranking (see `pool_size`).
    pool: Vec<MoveCandidates>,
}

/// Alternates ranked per path beyond the most moves the limits allow out of its source sheet.
const ALTERNATES: usize = 10;

/// Agents ranked on a path out of `sheet`: as many as the limits let move out of it over the
/// horizon (the yearly share of its heads, and its agents free to move), and the alternates.
fn pool_size(case: &Case, sheet: &str) -> usize {
    let most = case.organisations.first().and_then(|o| o.jobs.iter().find(|j| j.sheet == sheet)).map_or(0, |j| {
        let yearly = (j.move_out_share * f64::from(j.heads)).ceil() as u32;
        (yearly * case.years as u32).min(j.movable)
    });
    (most as usize + ALTERNATES).min(crate::domain::paging::PageAsk::MAX_SIZE)
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

/// The context of organisation `organisation_id` over `(first_year, years)`; with the candidates
/// of every allowed path when `for_plan` (a projection moves no one).
pub fn context(
    conn: &mut DbConnection,
    who: &Principal,
    organisation_id: i32,
    (first_year, years): (i32, usize),
    today: NaiveDate,
    for_plan: bool,
) -> Result<Context, ApiError> {
    let built = build(conn, organisation_id, first_year, years, today)?;
    prepare(&built.case)?;
    let levels = crate::domain::levels::load_organisation(conn, organisation_id, None, today)?;
    let succession = succession(&built, &levels);
    let pool = if for_plan { pool(conn, who, &built, today)? } else { Vec::new() };
    let Built { case, agents, assumptions, without_sheet, .. } = built;
    Ok(Context {
        known_departures: known_departures(&case, &agents, &assumptions),
        age_pyramid: pyramid(&agents, &assumptions, first_year, years, today),
        succession,
        unknown_birth_dates: agents.iter().filter(|a| a.input.birth_date.is_none()).count(),
        without_sheet,
        pool,
        case,
    })
}

/// The case checked by the model. The stored data passed their own checks: what the model
/// refuses names the assumption.
pub fn prepare(case: &Case) -> Result<Prepared<'_>, ApiError> {
    gpec_trajectory::validate(case).map_err(|errors| {
        let details = errors.into_iter().map(|e| Detail::field(e.field, e.message)).collect();
        ApiError::unprocessable("the trajectory's data", details)
    })
}

/// Floors no plan can keep, each named with what the limits allow.
pub fn shortfall_details(shortfalls: &[Shortfall]) -> Vec<Detail> {
    shortfalls
        .iter()
        .map(|s| {
            let message =
                format!("minimum {} ETP at work, at most {:.2} within the limits", s.min_etp, s.reachable_etp);
            Detail::field(format!("min_etp.{} {}", s.sheet, s.year), message)
        })
        .collect()
}

/// The projection without action of `organisation` (default: the caller's own), for `hr`.
pub fn projection(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    horizon: (i32, usize),
    today: NaiveDate,
) -> Result<Report, ApiError> {
    let organisation_id = super::organisation(conn, who, organisation)?;
    let context = context(conn, who, organisation_id, horizon, today, false)?;
    let trajectory = gpec_trajectory::project::project(&prepare(&context.case)?);
    Ok(assemble(context, trajectory))
}

/// The report of `trajectory`, solved or projected on `context`'s case.
pub fn assemble(context: Context, trajectory: Trajectory) -> Report {
    let Context { case, mut known_departures, age_pyramid, succession, unknown_birth_dates, without_sheet, pool } =
        context;
    let mut departures: BTreeMap<(i32, String), f64> = BTreeMap::new();
    for d in known_departures.drain(..) {
        departures.insert((d.year, d.reason), d.count);
    }
    for f in &trajectory.flows {
        *departures.entry((f.year, "exit_rate".to_owned())).or_default() += f.departures - f.known_departures;
    }
    Report {
        organisation: case.organisations.first().map(|o| o.code.clone()).unwrap_or_default(),
        first_year: case.first_year,
        years: case.years,
        status: trajectory.status,
        candidates: candidates(pool, &trajectory.moves),
        departures: departures
            .into_iter()
            .map(|((year, reason), count)| DepartureCount { year, reason, count })
            .collect(),
        age_pyramid,
        succession,
        unknown_birth_dates,
        without_sheet,
        flows: trajectory.flows,
        moves: trajectory.moves,
        costs: trajectory.costs,
        stats: trajectory.stats,
    }
}

/// For each path of the planned moves, its heads, the agents proposed for each move and the
/// alternates (see `MoveCandidates`).
fn candidates(pool: Vec<MoveCandidates>, moves: &[Move]) -> Vec<MoveCandidates> {
    let mut pool: BTreeMap<(String, String), Vec<Candidate>> =
        pool.into_iter().map(|p| ((p.from, p.to), p.agents)).collect();
    let mut moves: Vec<&Move> = moves.iter().collect();
    moves.sort_by(|a, b| (a.year, &a.from, &a.to).cmp(&(b.year, &b.from, &b.to)));
    let mut taken = std::collections::HashSet::new();
    let mut paths: BTreeMap<(String, String), MoveCandidates> = BTreeMap::new();
    for m in moves {
        let key = (m.from.clone(), m.to.clone());
        let path = paths.entry(key.clone()).or_insert_with(|| MoveCandidates {
            from: m.from.clone(),
            to: m.to.clone(),
            heads: 0.0,
            agents: Vec::new(),
        });
        path.heads += m.heads;
        let ranked = pool.get(&key).map(Vec::as_slice).unwrap_or_default();
        let free = ranked
            .iter()
            .filter(|c| c.leaves.is_none_or(|y| y > m.year) && !taken.contains(&c.matricule))
            .take(m.heads.round() as usize)
            .cloned()
            .collect::<Vec<_>>();
        for mut c in free {
            taken.insert(c.matricule.clone());
            c.year = Some(m.year);
            path.agents.push(c);
        }
    }
    for (key, path) in &mut paths {
        let alternates = pool
            .remove(key)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.leaves.is_none() && !taken.contains(&c.matricule))
            .take((path.heads.round() as usize).max(1));
        path.agents.extend(alternates);
    }
    paths.into_values().collect()
}

/// The agents of each allowed path's source sheet, by the mobility ranking against its target.
fn pool(
    conn: &mut DbConnection,
    who: &Principal,
    built: &Built,
    today: NaiveDate,
) -> Result<Vec<MoveCandidates>, ApiError> {
    use crate::domain::analytics::{Scope, mobility};
    let case = &built.case;
    let last = case.first_year + case.years as i32 - 1;
    let organisation = case.organisations.first().map(|o| o.code.clone());
    case.paths
        .iter()
        .map(|path| {
            let scope = Scope { organisation: organisation.clone(), unit: None, job_profile: Some(path.from.clone()) };
            let ask = crate::domain::paging::PageAsk::new(Some(1), Some(pool_size(case, &path.from)))?;
            let ranked = mobility(conn, who, &scope, &path.to, ask, today)?;
            let agents = ranked
                .items
                .into_iter()
                .map(|r| Candidate {
                    year: None,
                    leaves: exit(&built.assumptions.retirement_ages, &person(&r.agent), case.first_year)
                        .map(|(year, _)| year)
                        .filter(|year| *year <= last),
                    matricule: r.agent.input.matricule,
                    last_name: r.agent.input.last_name,
                    first_name: r.agent.input.first_name,
                    total_gap: r.gap.total_gap,
                    fit: r.gap.fit,
                })
                .collect();
            Ok(MoveCandidates { from: path.from.clone(), to: path.to.clone(), heads: 0.0, agents })
        })
        .collect()
}

/// Known departures (a planned date, or retirement) per year and reason within the horizon.
fn known_departures(
    case: &Case,
    agents: &[crate::domain::agents::Agent],
    assumptions: &super::assumptions::Assumptions,
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

#[cfg(test)]
mod tests {
    use gpec_trajectory::result::Move;

    use super::{Candidate, MoveCandidates, candidates};

    fn agent(matricule: &str, leaves: Option<i32>) -> Candidate {
        let (last_name, first_name) = (matricule.to_owned(), String::new());
        Candidate { matricule: matricule.to_owned(), last_name, first_name, year: None, leaves, total_gap: 0, fit: 1.0 }
    }

    fn planned(year: i32, from: &str, heads: f64) -> Move {
        let (organisation, to) = ("CAF".to_owned(), "ACC".to_owned());
        Move { organisation, year, from: from.to_owned(), to, heads, training_hours: 0.0 }
    }

    #[test]
    fn each_move_gets_its_heads_best_first_no_one_twice_nor_after_leaving_then_alternates() {
        // B leaves in 2028: proposed for 2027 if best placed then, never for 2028.
        let ranked: Vec<Candidate> =
            [("A", None), ("B", Some(2028)), ("C", None), ("D", None), ("E", None), ("F", None)]
                .into_iter()
                .map(|(m, leaves)| agent(m, leaves))
                .collect();
        let pool = vec![
            MoveCandidates { from: "CSU".into(), to: "ACC".into(), heads: 0.0, agents: ranked.clone() },
            MoveCandidates { from: "GCA".into(), to: "ACC".into(), heads: 0.0, agents: ranked },
        ];
        let moves = [planned(2028, "CSU", 2.0), planned(2027, "CSU", 1.0), planned(2028, "GCA", 1.0)];
        let paths = candidates(pool, &moves);
        let named = |p: &MoveCandidates| -> Vec<(String, Option<i32>)> {
            p.agents.iter().map(|a| (a.matricule.clone(), a.year)).collect()
        };
        let csu = paths.iter().find(|p| p.from == "CSU").unwrap();
        assert_eq!(csu.heads, 3.0);
        let pairs = |list: &[(&str, Option<i32>)]| -> Vec<(String, Option<i32>)> {
            list.iter().map(|(m, y)| (m.to_string(), *y)).collect()
        };
        // A for 2027; B leaves in 2028, so C and D for 2028; then the alternates still free and
        // staying: F only (E goes to the GCA move).
        assert_eq!(named(csu), pairs(&[("A", Some(2027)), ("C", Some(2028)), ("D", Some(2028)), ("F", None)]));
        // The GCA move takes the best not yet proposed and staying: E; F is its alternate.
        let gca = paths.iter().find(|p| p.from == "GCA").unwrap();
        assert_eq!(named(gca), pairs(&[("E", Some(2028)), ("F", None)]));
    }
}
