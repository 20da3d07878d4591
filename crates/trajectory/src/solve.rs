//! The exact trajectory plan (`docs/trajectory.md`): whole hires and moves per year, at least
//! cost, as a MILP solved by HiGHS. The plan's flows and costs are then worked out from the
//! decisions by `project::flows`, the projection's own arithmetic.

use std::time::Instant;

use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, variable};

use crate::project::{self, Decisions};
use crate::result::{Costs, Move, Shortfall, Stats, Status, Trajectory};
use crate::validate::Prepared;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seconds before the search stops with the best plan found.
    pub time_limit: f64,
    /// The rounding cuts of `rounding_cut`; off only to show they leave the optimum unchanged.
    pub rounding_cuts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { time_limit: 60.0, rounding_cuts: true }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// Minimum ETPs no plan within the limits reaches.
    #[error("no plan within the limits keeps every minimum ETP")]
    Infeasible(Vec<Shortfall>),
    #[error("the solver failed: {0}")]
    Solver(String),
    #[error("the time limit ended the search before any plan was found")]
    NoPlanInTime,
}

/// The model's columns: `hires[o][j][y]`, `moves[o][m][y]` (m over `Prepared::moves[o]`).
struct Columns {
    hires: Vec<Vec<Vec<Option<Variable>>>>,
    moves: Vec<Vec<Vec<Variable>>>,
    /// A minimum ETP's slack, in the elastic model only: (o, j, y, column).
    slack: Vec<(usize, usize, usize, Variable)>,
}

struct Model {
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<good_lp::Constraint>,
    columns: Columns,
    integers: usize,
}

/// Builds the model. `elastic` relaxes each minimum ETP with a slack and minimises their sum
/// only: its optimum says which minimums no plan reaches, and by how much.
fn build(p: &Prepared, elastic: bool, cuts: bool) -> Model {
    let case = p.case;
    let ny = p.years();
    let mut vars = ProblemVariables::new();
    let mut rows = Vec::new();
    let mut objective = Expression::default();
    let mut integers = 0;
    let mut columns = Columns { hires: Vec::new(), moves: Vec::new(), slack: Vec::new() };
    let mut national: Vec<Expression> = vec![Expression::default(); ny];

    for (o, org) in case.organisations.iter().enumerate() {
        let moves = &p.moves[o];
        let mut hires = Vec::with_capacity(org.jobs.len());
        for job in &org.jobs {
            let per_year = (0..ny)
                .map(|y| {
                    (y >= job.first_hire_year()).then(|| {
                        integers += 1;
                        let mut def = variable().integer().min(0);
                        if let Some(cap) = job.hire_cap {
                            def = def.max(cap as f64);
                        }
                        vars.add(def)
                    })
                })
                .collect::<Vec<_>>();
            for h in per_year.iter().flatten() {
                objective += job.hire_cost * *h;
            }
            hires.push(per_year);
        }
        let m: Vec<Vec<Variable>> = moves
            .iter()
            .map(|mv| {
                let most = org.jobs[mv.from].movable as f64;
                (0..ny)
                    .map(|_| {
                        integers += 1;
                        vars.add(variable().integer().min(0).max(most))
                    })
                    .collect()
            })
            .collect();
        for (k, mv) in moves.iter().enumerate() {
            for y in 0..ny {
                objective += case.training_cost_per_hour * mv.training_hours * m[k][y];
            }
        }
        // Training hours, this organisation's and the branch's.
        for y in 0..ny {
            let hours: Expression = moves.iter().enumerate().map(|(k, mv)| mv.training_hours * m[k][y]).sum();
            if let Some(cap) = &org.training_hours {
                rows.push(hours.clone().leq(cap[y]));
            }
            national[y] += hours;
        }

        for (j, job) in org.jobs.iter().enumerate() {
            let per_head = job.etp_per_head();
            let flow = |y: usize, of: &dyn Fn(&crate::validate::Move) -> bool| -> Expression {
                moves.iter().enumerate().filter(|(_, mv)| of(mv)).map(|(k, _)| Expression::from(m[k][y])).sum()
            };
            let newcomers = |y: usize| -> Expression {
                let hired = hires[j][y].map(Expression::from).unwrap_or_default();
                hired + flow(y, &|mv| mv.to == j)
            };
            let all_out: Expression = (0..ny).map(|y| flow(y, &|mv| mv.from == j)).sum();
            rows.push(all_out.leq(job.movable as f64));

            // `net`: hires and moves so far, a whole number; the end of the year is today's
            // agents still there (`kept`, the projection) plus `net`.
            let mut net = Expression::default();
            for (y, (start, departures)) in project::stock(p, job).into_iter().enumerate() {
                let kept = start - departures;
                let out = flow(y, &|mv| mv.from == j);
                rows.push(out.clone().leq((job.move_out_share * start + 1e-9).floor()));
                net += newcomers(y) - out;
                rows.push(net.clone().geq(-kept));
                let ramping: Expression = (0..=y.min(2)).map(|k| (1.0 - p.ramp(k)) * newcomers(y - k)).sum();
                let training: Expression = moves
                    .iter()
                    .enumerate()
                    .filter(|(_, mv)| mv.to == j)
                    .map(|(k, mv)| mv.training_hours * m[k][y])
                    .sum();
                let lost = per_head * ramping + training / case.hours_per_etp;
                let end_etp = per_head * (kept + net.clone());
                if let Some(min) = job.min_etp_in(y) {
                    let effective = end_etp.clone() - lost.clone();
                    if elastic {
                        let slack = vars.add(variable().min(0));
                        rows.push((effective + slack).geq(min));
                        columns.slack.push((o, j, y, slack));
                    } else {
                        rows.push(effective.geq(min));
                    }
                }
                if elastic {
                    continue;
                }
                objective += case.penalties.lost_capacity_per_etp * lost;
                if let Some(target) = job.target_in(y) {
                    let under = vars.add(variable().min(0));
                    let over = vars.add(variable().min(0));
                    rows.push((end_etp - target).eq(over - under));
                    let penalty =
                        case.penalties.under_target_per_etp * under + case.penalties.over_target_per_etp * over;
                    if let Some(cut) = rounding_cut(case, per_head, kept, target, &net).filter(|_| cuts) {
                        rows.push(penalty.clone().geq(cut));
                    }
                    objective += penalty;
                }
            }
        }
        columns.hires.push(hires);
        columns.moves.push(m);
    }
    if let Some(cap) = &case.national_training_hours {
        for (y, hours) in national.into_iter().enumerate() {
            rows.push(hours.leq(cap[y]));
        }
    }
    if elastic {
        objective = columns.slack.iter().map(|(.., s)| Expression::from(*s)).sum();
    }
    Model { vars, objective, rows, columns, integers }
}

/// The target's penalty as a function of `net`, a whole number, is convex with its kink between
/// two whole numbers `n0` and `n0 + 1`; the line through its values there bounds it below at every
/// whole number, and cuts off the relaxation's free ride on a fractional `net` at the kink. It
/// turns each year's rounding into a bound of the relaxation, and leaves the optimum unchanged:
/// without it, HiGHS did not prove one organisation over five years in 60 s (docs/trajectory.md).
fn rounding_cut(case: &crate::Case, per_head: f64, kept: f64, target: f64, net: &Expression) -> Option<Expression> {
    if per_head <= 0.0 {
        return None;
    }
    let pen = &case.penalties;
    let penalty = |n: f64| {
        let gap = per_head * (kept + n) - target;
        if gap < 0.0 { -gap * pen.under_target_per_etp } else { gap * pen.over_target_per_etp }
    };
    let n0 = (target / per_head - kept).floor();
    let (low, high) = (penalty(n0), penalty(n0 + 1.0));
    Some(low + (high - low) * (net.clone() - n0))
}

fn run(
    model: Model,
    options: Options,
) -> Result<(good_lp::solvers::highs::HighsSolution, Columns, Stats), ResolutionError> {
    let started = Instant::now();
    let Model { vars, objective, rows, columns, integers } = model;
    let mut stats =
        Stats { variables: vars.len(), integer_variables: integers, constraints: rows.len(), ..Default::default() };
    let kept_objective = objective.clone();
    let mut problem = vars
        .minimise(objective)
        .using(highs)
        .set_option("threads", 1)
        .set_option("random_seed", 0)
        .set_option("mip_rel_gap", 1e-6)
        .set_time_limit(options.time_limit);
    // The solver's own log on standard error, to see where the time goes (docs/benchmarks.md).
    problem.set_verbose(std::env::var_os("GPEC_HIGHS_LOG").is_some());
    for row in rows {
        problem.add_constraint(row);
    }
    stats.build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let solving = Instant::now();
    let solution = problem.solve()?;
    stats.solve_ms = solving.elapsed().as_secs_f64() * 1000.0;
    stats.objective = kept_objective.eval_with(&solution);
    Ok((solution, columns, stats))
}

/// The least-cost plan of hires, moves and training that keeps every limit, proven optimal
/// unless the time limit stops the search first.
pub fn solve(p: &Prepared, options: Options) -> Result<Trajectory, SolveError> {
    let (solution, columns, mut stats) = match run(build(p, false, options.rounding_cuts), options) {
        Ok(solved) => solved,
        Err(ResolutionError::Infeasible) => return Err(diagnose(p, options)),
        // Nothing to decide (no job, or none that can hire, move or miss a target): doing
        // nothing is the plan.
        Err(ResolutionError::Other("ModelEmpty")) => {
            return Ok(Trajectory { status: Status::Optimal, ..crate::project::project(p) });
        }
        Err(e) => return Err(SolveError::Solver(e.to_string())),
    };
    let status = match solution.status() {
        good_lp::SolutionStatus::TimeLimit => Status::TimeLimit,
        _ => Status::Optimal,
    };
    // Integer columns come back within HiGHS's tolerance of a whole number (`+ 0.0` turns a
    // rounded -0.0 into 0).
    let whole = |v: Variable| solution.value(v).round() + 0.0;
    let case = p.case;
    let (mut flows, mut moves) = (Vec::new(), Vec::new());
    let mut costs = Costs::default();
    for (o, org) in case.organisations.iter().enumerate() {
        let mut decisions: Vec<Decisions> = org.jobs.iter().map(|_| Decisions::none(p.years())).collect();
        for (j, job) in org.jobs.iter().enumerate() {
            for (y, h) in columns.hires[o][j].iter().enumerate() {
                let hired = h.map(whole).unwrap_or(0.0);
                decisions[j].hires[y] = hired;
                costs.hiring += hired * job.hire_cost;
            }
        }
        for (k, mv) in p.moves[o].iter().enumerate() {
            for y in 0..p.years() {
                let heads = whole(columns.moves[o][k][y]);
                if heads == 0.0 {
                    continue;
                }
                let hours = heads * mv.training_hours;
                decisions[mv.from].moves_out[y] += heads;
                decisions[mv.to].moves_in[y] += heads;
                decisions[mv.to].training_in[y] += hours;
                costs.training += hours * case.training_cost_per_hour;
                let path = &case.paths[mv.path];
                moves.push(Move {
                    organisation: org.code.clone(),
                    year: p.year(y),
                    from: path.from.clone(),
                    to: path.to.clone(),
                    heads,
                    training_hours: hours,
                });
            }
        }
        for (job, d) in org.jobs.iter().zip(&decisions) {
            flows.extend(project::flows(p, &org.code, job, d));
        }
    }
    project::penalties(p, &flows, &mut costs);
    stats.organisations = case.organisations.len();
    stats.jobs = case.organisations.iter().map(|o| o.jobs.len()).sum();
    Ok(Trajectory { status, costs, flows, moves, stats })
}

/// Why no plan exists: the elastic model's least total shortfall, minimum by minimum.
fn diagnose(p: &Prepared, options: Options) -> SolveError {
    let (solution, columns, _) = match run(build(p, true, false), options) {
        Ok(solved) => solved,
        Err(e) => return SolveError::Solver(format!("no plan exists, and the diagnosis failed: {e}")),
    };
    let shortfalls = columns
        .slack
        .iter()
        .filter(|(.., s)| solution.value(*s) > 1e-6)
        .map(|&(o, j, y, s)| {
            let org = &p.case.organisations[o];
            let min = org.jobs[j].min_etp_in(y).unwrap_or(0.0);
            Shortfall {
                organisation: org.code.clone(),
                sheet: org.jobs[j].sheet.clone(),
                year: p.year(y),
                min_etp: min,
                reachable_etp: min - solution.value(s),
            }
        })
        .collect();
    SolveError::Infeasible(shortfalls)
}
