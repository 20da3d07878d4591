//! The stock-flow arithmetic of one job over the years, given its hires and moves; with none, it
//! is the projection without action. The solver's plan is reported through it too, so a plan's
//! flows and the projection follow exactly the same rules (`docs/trajectory.md`):
//!
//! - departures are today's agents': the known ones, plus `exit_rate` of those with no known
//!   departure still there; they do not depend on the plan;
//! - `end = start − departures + hires + moves_in − moves_out`, the next year's start;
//! - `end_etp = etp_per_head × end`, against the target;
//! - `effective_etp = end_etp − etp_per_head × Σ_k (1 − ramp[k]) × newcomers of year y−k
//!   − training hours of the year's arrivals / hours_per_etp`: the work the job can do.

use crate::case::Job;
use crate::result::{Costs, Flow, Status, Trajectory};
use crate::validate::Prepared;

/// One job's decisions, per year.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub hires: Vec<f64>,
    pub moves_in: Vec<f64>,
    pub moves_out: Vec<f64>,
    /// Training hours of the agents arriving by a move.
    pub training_in: Vec<f64>,
}

impl Decisions {
    pub fn none(years: usize) -> Self {
        Self {
            hires: vec![0.0; years],
            moves_in: vec![0.0; years],
            moves_out: vec![0.0; years],
            training_in: vec![0.0; years],
        }
    }
}

/// Today's agents of `job` year by year, without action: `(start, departures)` per year. The
/// exit rate applies to those with no known departure, who are still there.
pub fn stock(p: &Prepared, job: &Job) -> Vec<(f64, f64)> {
    let known_total: f64 = (0..p.years()).map(|y| job.departures_in(y)).sum();
    let mut free = job.heads as f64 - known_total;
    let mut start = job.heads as f64;
    (0..p.years())
        .map(|y| {
            let departures = job.departures_in(y) + job.exit_rate * free;
            free -= job.exit_rate * free;
            let year = (start, departures);
            start -= departures;
            year
        })
        .collect()
}

/// The flows of `job` in organisation `org` under `d`.
pub fn flows(p: &Prepared, org: &str, job: &Job, d: &Decisions) -> Vec<Flow> {
    let per_head = job.etp_per_head();
    let mut start = job.heads as f64;
    let mut out = Vec::with_capacity(p.years());
    for (y, (_, departures)) in stock(p, job).into_iter().enumerate() {
        let end = start - departures + d.hires[y] + d.moves_in[y] - d.moves_out[y];
        let ramping: f64 = (0..=y.min(2)).map(|k| (1.0 - p.ramp(k)) * (d.hires[y - k] + d.moves_in[y - k])).sum();
        let end_etp = per_head * end;
        let target = job.target_in(y);
        out.push(Flow {
            organisation: org.to_string(),
            sheet: job.sheet.clone(),
            year: p.year(y),
            start,
            departures,
            known_departures: job.departures_in(y),
            hires: d.hires[y],
            moves_in: d.moves_in[y],
            moves_out: d.moves_out[y],
            end,
            end_etp,
            effective_etp: end_etp - per_head * ramping - d.training_in[y] / p.case.hours_per_etp,
            target,
            gap: target.map(|t| end_etp - t),
        });
        start = end;
    }
    out
}

/// What the flows cost: ETP under and over target, and work lost to ramp-up and training.
pub fn penalties(p: &Prepared, flows: &[Flow], costs: &mut Costs) {
    let pen = &p.case.penalties;
    for f in flows {
        match f.gap {
            Some(gap) if gap < 0.0 => costs.under_target -= gap * pen.under_target_per_etp,
            Some(gap) => costs.over_target += gap * pen.over_target_per_etp,
            None => {}
        }
        costs.lost_capacity += (f.end_etp - f.effective_etp) * pen.lost_capacity_per_etp;
    }
    costs.total = costs.hiring + costs.training + costs.lost_capacity + costs.under_target + costs.over_target;
}

/// Every organisation's jobs, year by year, if nobody is hired and nobody moves.
pub fn project(p: &Prepared) -> Trajectory {
    let none = Decisions::none(p.years());
    let flows: Vec<Flow> = p
        .case
        .organisations
        .iter()
        .flat_map(|org| org.jobs.iter().flat_map(|job| flows(p, &org.code, job, &none)).collect::<Vec<_>>())
        .collect();
    let mut costs = Costs::default();
    penalties(p, &flows, &mut costs);
    let stats = crate::result::Stats {
        organisations: p.case.organisations.len(),
        jobs: p.case.organisations.iter().map(|o| o.jobs.len()).sum(),
        ..Default::default()
    };
    Trajectory { status: Status::Projection, costs, flows, moves: Vec::new(), stats }
}
