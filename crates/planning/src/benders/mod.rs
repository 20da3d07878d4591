//! The exact plan of a version 2 scenario by Benders decomposition: a small master decides what
//! the months receive (temporary staff, flying teams, hires, the backlog) and the effective hours
//! `E[a,t]` agents put into each activity; each month's agents are a linear programme of their own
//! (`Sub`), the grouped model of `solve.rs` for that month with `E` fixed, whose least cost
//! (overtime and presence shortfall) `φ_t(E)` is convex in `E`, solved as a min-cost flow
//! (`flow.rs`) unless its minimum presence binds (then by HiGHS, `months.rs`). The master bounds it
//! by `θ_t` and the cuts `θ_t >= φ_t(Ē) + β·(E − Ē)`, β the month's duals at Ē (a flow's node
//! potentials), until no month's cost exceeds its bound: the master's value is then a lower bound,
//! the plan's cost the upper one, and they meet within the contract's relative gap of 1e-6.
//!
//! A month's programme never fails: hours it cannot deliver are delivered by a phantom at a price
//! `M[a,t]` above what an hour of `a` in `t` can save in the master (its items, times the
//! priority, times both thresholds' penalties, over every month left). A plan using the phantom
//! can always be bettered by asking that much less of the agents, so the optimum uses none, and
//! its cuts stand for the infeasible region (docs/architecture.md). When the phantom delivers,
//! the side of the flow's minimum cut the agents cannot fill also gives the master a row of its
//! own, `Σ_{a ∈ S} E[a,t] <= most`, valid for every `E` the agents deliver (`flow::Short`): the
//! cuts alone learn such a bound one linearisation at a time.
//!
//! The models stay alive between rounds: HiGHS re-solves a month it has solved from its last basis
//! after `E` changes, and the master from its last basis after cuts are added (as a relaxation
//! first, then with its integer heads).

use std::time::Instant;

use good_lp::SolverModel;
use good_lp::solvers::highs::highs;
use highs::HighsModelStatus;

mod flow;
mod months;

use months::Months;

use crate::groups::Group;
use crate::result::{Plan, Stats, Status};
use crate::solve::{Builder, Columns, Options, SolveError, configure, everything_else};
use crate::validate::Prepared;

/// The master: everything but the agents, `E[a,t]` and `θ_t`.
struct Master {
    model: highs::Model,
    e: Vec<Vec<Option<usize>>>,
    theta: Vec<usize>,
    columns: Columns,
    count: usize,
    rows: usize,
    integer_columns: Vec<(usize, f64, f64)>,
}

/// The shares of a group's capacity: its overtime (0 without the pool) and, outside its home
/// activities, the mobility limit (1 without one).
#[derive(Clone, Copy)]
pub(super) struct Shares {
    pub overtime: f64,
    pub mobility: f64,
}

impl Shares {
    pub fn of(p: &Prepared) -> Self {
        let s = p.scenario;
        Shares {
            overtime: s.pools.overtime.as_ref().map_or(0.0, |o| o.max_share),
            mobility: s.pools.internal_mobility.as_ref().map_or(1.0, |m| m.max_share),
        }
    }

    /// The most effective hours group `g` can give activity `a`.
    fn most(&self, g: &Group, a: usize) -> f64 {
        let all = 1.0 + self.overtime;
        let share = if g.outside.contains(&a) { self.mobility.min(all) } else { all };
        g.prod * share * g.cap
    }

    /// The most effective hours group `g` can give in all, overtime included.
    fn all(&self, g: &Group) -> f64 {
        g.prod * (1.0 + self.overtime) * g.cap
    }
}

fn master(p: &Prepared, groups: &[Vec<Group>]) -> Result<Master, SolveError> {
    let (na, nt) = (p.scenario.activities.len(), p.periods());
    let shares = Shares::of(p);
    let mut b = Builder::new(p);
    let mut e = vec![vec![None; nt]; na];
    let mut theta = Vec::with_capacity(nt);
    for t in 0..nt {
        // What the agents could give at most, to each activity and in all: valid bounds that keep
        // the first rounds' hours near what the months can deliver.
        let mut most = vec![0.0; na];
        for g in &groups[t] {
            for &a in &g.activities {
                most[a] += shares.most(g, a);
            }
        }
        let mut all = good_lp::Expression::from(0.0);
        let mut hours = vec![None; na];
        for a in (0..na).filter(|&a| most[a] > 0.0) {
            let (v, col) = b.add(0.0, Some(most[a]), false);
            b.work[a][t].add_mul(1.0, v);
            all.add_mul(1.0, v);
            e[a][t] = Some(col);
            hours[a] = Some(v);
        }
        b.rows.push(all.leq(groups[t].iter().map(|g| shares.all(g)).sum::<f64>()));
        let (v, col) = b.add(0.0, None, false);
        b.objective.add_mul(1.0, v);
        theta.push(col);
        presence_floor(&mut b, p, (&groups[t], shares), &hours, v);
    }
    everything_else(&mut b, p, false);
    let (count, rows) = (b.vars.count, b.rows.len());
    let integer_columns = std::mem::take(&mut b.vars.integer_columns);
    let mut problem = b.vars.problem.minimise(b.objective).using(highs);
    for row in b.rows {
        problem.add_constraint(row);
    }
    let mut model = problem.try_into_inner().map_err(|e| SolveError::Solver(e.to_string()))?;
    configure(&mut model, 1.0);
    // Below the contract's 1e-6: the months' costs add their own small part to the final gap.
    model.set_option("mip_rel_gap", 5e-7);
    Ok(Master { model, e, theta, columns: b.columns, count, rows, integer_columns })
}

/// A floor under the month's presence shortfall, known before any cut: the effective hours
/// `E[a,t]` split over the agents' productivities, each at most what the agents of that
/// productivity can give `a`, are agents' own hours `Σ split_p / p`, so
/// `θ_t >= penalty · Σ_a max(0, presence_a − Σ_p split_p / p)` for the best split. Without it the
/// first rounds ask nothing of an activity whose only cost is its presence, and its month finds
/// the whole presence missing.
fn presence_floor(
    b: &mut Builder,
    p: &Prepared,
    (groups, shares): (&[Group], Shares),
    hours: &[Option<good_lp::Variable>],
    theta: good_lp::Variable,
) {
    let s = p.scenario;
    let mut floor = good_lp::Expression::from(0.0);
    for (a, activity) in s.activities.iter().enumerate().filter(|(_, act)| act.min_fte > 0.0) {
        // The most effective hours each productivity can give `a`.
        let mut most: std::collections::BTreeMap<u64, f64> = std::collections::BTreeMap::new();
        for g in groups.iter().filter(|g| g.cap > 0.0 && g.activities.contains(&a)) {
            *most.entry(g.prod.to_bits()).or_default() += shares.most(g, a);
        }
        let (short, _) = b.add(0.0, None, false);
        let mut present = good_lp::Expression::from(short);
        if let Some(v) = hours[a] {
            let mut split = good_lp::Expression::from(v);
            for (bits, most) in most {
                let (x, _) = b.add(0.0, Some(most), false);
                split.add_mul(-1.0, x);
                present.add_mul(1.0 / f64::from_bits(bits), x);
            }
            b.rows.push(split.eq(0.0));
        }
        b.rows.push(present.geq(activity.min_fte * s.hours_per_fte));
        floor.add_mul(s.penalties.under_min_presence_per_hour, short);
    }
    let mut bound = good_lp::Expression::from(theta);
    bound.add_mul(-1.0, floor);
    b.rows.push(bound.geq(0.0));
}

/// The best plan found: its cost, the master's values, each month's values.
struct Incumbent {
    upper: f64,
    master: Vec<f64>,
    months: Vec<Vec<f64>>,
}

/// The master solved as a relaxation, then with the integer heads fixed at an integer solve's
/// values, then with its integer heads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Relaxed,
    Fixed,
    Integer,
}

/// The relaxation's heads made integer, as bounds that fix them: temporary staff rounded up,
/// arrivals rounded up then the latest taken off while a pool's total is above its cap. Any
/// integer heads leave the master feasible (pools may stay idle).
fn rounded(p: &Prepared, columns: &Columns, values: &[f64]) -> Vec<(usize, f64, f64)> {
    let up = |v: f64| (v - 1e-6).ceil().max(0.0);
    let mut fixed: Vec<(usize, f64, f64)> =
        columns.heads.values().map(|&k| (k, up(values[k]), up(values[k]))).collect();
    for (k, pool) in p.scenario.pools.hires.iter().enumerate() {
        let mut arrivals: Vec<(usize, f64)> =
            (0..p.periods()).filter_map(|t| columns.arrivals.get(&(k, t)).map(|&c| (c, up(values[c])))).collect();
        let mut total: f64 = arrivals.iter().map(|a| a.1).sum();
        for arrival in arrivals.iter_mut().rev() {
            let off = (total - pool.max_heads as f64).clamp(0.0, arrival.1);
            arrival.1 -= off;
            total -= off;
        }
        fixed.extend(arrivals.into_iter().map(|(c, v)| (c, v, v)));
    }
    fixed
}

/// A cut `Σ factor · column >= rhs` of the master.
struct Cut {
    rhs: f64,
    row: Vec<(i32, f64)>,
}

/// The cut of a month at the hours `demand` it was given: `θ_t − Σ β_a E_a >= φ(Ē) − Σ β_a Ē_a`,
/// `e` the master's column of each activity's hours in that month, `theta` its bound's.
fn cut(bound: &flow::Bound, demand: &[f64], e: impl Iterator<Item = Option<usize>>, theta: usize) -> Cut {
    let mut row = vec![(theta as i32, 1.0)];
    let mut rhs = bound.value;
    for (a, column) in e.enumerate() {
        if let Some(k) = column
            && bound.slopes[a] != 0.0
        {
            row.push((k as i32, -bound.slopes[a]));
            rhs -= bound.slopes[a] * demand[a];
        }
    }
    Cut { rhs, row }
}

/// Adds the cuts to the master, which re-solves from its last basis.
fn add_cuts(model: &mut highs::Model, cuts: Vec<Cut>) -> Result<(), SolveError> {
    for Cut { rhs, row } in cuts {
        let (cols, factors): (Vec<i32>, Vec<f64>) = row.into_iter().unzip();
        // SAFETY: the pointer is the live HiGHS instance of `model`; the columns are its own and
        // both slices hold `cols.len()` entries.
        let status = unsafe {
            highs_sys::Highs_addRow(
                model.as_mut_ptr(),
                rhs,
                f64::INFINITY,
                cols.len() as i32,
                cols.as_ptr(),
                factors.as_ptr(),
            )
        };
        if status < 0 {
            return Err(SolveError::Solver("a cut could not be added".into()));
        }
    }
    Ok(())
}

/// Lets the next solve of `model` run for at most `left` seconds. HiGHS's time limit counts every
/// solve of the instance since it was made, so it is set beyond the time already spent.
pub(super) fn set_time_left(model: &mut highs::Model, left: f64) {
    // SAFETY: the pointer is the live HiGHS instance of `model`.
    let spent = unsafe { highs_sys::Highs_getRunTime(model.as_mut_ptr()) };
    model.set_option("time_limit", spent.max(0.0) + left.max(0.001));
}

/// Sets the bounds of some columns of `model`.
pub(super) fn set_bounds(
    model: &mut highs::Model,
    bounds: impl Iterator<Item = (usize, f64, f64)>,
) -> Result<(), SolveError> {
    for (k, min, max) in bounds {
        // SAFETY: the pointer is the live HiGHS instance of `model`, `k` one of its columns.
        let status = unsafe { highs_sys::Highs_changeColBounds(model.as_mut_ptr(), k as i32, min, max) };
        if status < 0 {
            return Err(SolveError::Solver("a column's bounds could not be set".into()));
        }
    }
    Ok(())
}

/// Threads for the months: one per chain of months (`months.rs`) at most.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(months::CHAINS)
}

pub(crate) fn solve(p: &Prepared, options: Options) -> Result<Plan, SolveError> {
    solve_on(p, options, workers())
}

/// The plan with the months spread over `workers` threads: the same plan whatever their number.
fn solve_on(p: &Prepared, options: Options, workers: usize) -> Result<Plan, SolveError> {
    std::thread::scope(|scope| solve_in(scope, p, options, workers))
}

fn solve_in<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    p: &'env Prepared<'env>,
    options: Options,
    workers: usize,
) -> Result<Plan, SolveError> {
    let started = Instant::now();
    let (na, nt) = (p.scenario.activities.len(), p.periods());
    let deadline = started + std::time::Duration::from_secs_f64(options.time_limit.clamp(0.0, 1e9));
    let left = || deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    // The rounds' log, to see where the time goes (docs/benchmarks.md).
    let log = std::env::var_os("GPEC_BENDERS_LOG").is_some();
    let groups: Vec<Vec<Group>> = crate::groups::groups_every_period(p);
    let Master { mut model, e, theta, columns: master_columns, count, rows, integer_columns } = master(p, &groups)?;
    let months = Months::start(scope, p, groups, workers)?;
    let mut stats = Stats {
        agents: p.scenario.agents.len(),
        agent_groups: months.sizes.iter().map(|s| s.groups).max().unwrap_or(0),
        variables: count + months.sizes.iter().map(|s| s.columns).sum::<usize>(),
        integer_variables: integer_columns.len(),
        constraints: rows + months.sizes.iter().map(|s| s.rows).sum::<usize>(),
        build_ms: 0.0,
        solve_ms: 0.0,
        mip_nodes: 0,
    };
    let mut solving_ms = 0.0;
    let mut phase = Phase::Relaxed;
    model.set_option("solve_relaxation", true);
    let mut best: Option<Incumbent> = None;
    // The master's bound: a lower bound on the optimum (every cut is valid), from the relaxation
    // and then from each integer solve; a relaxation with fixed heads bounds only those heads.
    let mut lower = f64::NEG_INFINITY;
    let mut rounds = 0;
    loop {
        rounds += 1;
        // No MIP start for the integer master: given the best plan as a start, HiGHS once
        // rejected a better point for a violation of 4.6e-6 and then reported the start's value
        // as its bound, above the optimum (docs/benchmarks.md); without it, the same times.
        set_time_left(&mut model, left());
        let solving = Instant::now();
        let mut solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        let timed_out = match solved.status() {
            HighsModelStatus::Optimal => false,
            HighsModelStatus::ReachedTimeLimit => true,
            other => return Err(SolveError::Solver(format!("the master: {other:?}"))),
        };
        if timed_out && solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
            break;
        }
        let objective = solved.objective_value();
        match phase {
            Phase::Integer => {
                stats.mip_nodes += crate::solve::node_count(&mut solved);
                let bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(objective);
                lower = lower.max(bound.min(objective));
            }
            Phase::Relaxed if !timed_out => lower = lower.max(objective),
            _ => {}
        }
        let gap = |upper: f64, lower: f64| (upper - lower) / upper.abs().max(1.0);
        // The master's new bound may prove the best plan already: its months need not run.
        if best.as_ref().is_some_and(|b| gap(b.upper, lower) <= 1e-6) {
            solving_ms += solving.elapsed().as_secs_f64() * 1000.0;
            break;
        }
        let values: Vec<f64> = solved.get_solution().columns().to_vec();
        model = solved.into();
        let master_ms = solving.elapsed().as_secs_f64() * 1000.0;
        let demands: Vec<Vec<f64>> =
            (0..nt).map(|t| (0..na).map(|a| e[a][t].map_or(0.0, |k| values[k])).collect()).collect();
        // Only a plan with integer heads can become the best: the relaxation's need no values, and
        // its months may give a cut without their exact cost (`months::Ask`).
        let progress = 1e-9 * objective.abs().max(1.0);
        let asks = (0..nt)
            .map(|t| {
                let cut_above = (phase == Phase::Relaxed).then(|| values[theta[t]] + progress);
                months::Ask { hours: demands[t].clone(), cut_above }
            })
            .collect();
        let evaluated = match months.evaluate(asks, deadline, phase != Phase::Relaxed) {
            Ok(evaluated) => evaluated,
            // Out of time in a month: the best plan so far stands, with its gap.
            Err(SolveError::NoPlanInTime) => break,
            Err(e) => return Err(e),
        };
        let mut month_values = Vec::with_capacity(nt);
        let mut cuts: Vec<Cut> = Vec::new();
        let mut upper = objective;
        let mut phantom = 0.0;
        let by_highs = evaluated.iter().filter(|m| m.by_highs).count();
        for (t, month) in evaluated.into_iter().enumerate() {
            upper += month.cost - values[theta[t]];
            phantom += month.phantom;
            // A month not solved exactly gave its cut because it lies above θ_t.
            if !month.exact || month.bound.value - values[theta[t]] > progress {
                cuts.push(cut(&month.bound, &demands[t], e.iter().map(|by_month| by_month[t]), theta[t]));
            }
            // The hours asked of activities the agents cannot fill: a row for every later round.
            if let Some(short) = month.short.as_ref() {
                let asked: f64 = short.activities.iter().map(|&a| demands[t][a]).sum();
                if asked > short.most + 1e-7 * (1.0 + short.most) {
                    let row = short.activities.iter().filter_map(|&a| e[a][t]).map(|k| (k as i32, -1.0)).collect();
                    cuts.push(Cut { rhs: -short.most, row });
                }
            }
            month_values.push(month.values);
        }
        solving_ms += solving.elapsed().as_secs_f64() * 1000.0;
        if log {
            let all = solving.elapsed().as_secs_f64() * 1000.0;
            eprintln!(
                "round {rounds} {phase:?}: master {master_ms:.1} ms, months {:.1} ms ({by_highs} by HiGHS), upper {upper} lower {lower} cuts {}",
                all - master_ms,
                cuts.len()
            );
        }
        // Heads are integer in both phases but the relaxation: such a plan is a candidate.
        if phase != Phase::Relaxed && phantom <= 1e-6 && best.as_ref().is_none_or(|b| upper < b.upper) {
            best = Some(Incumbent { upper, master: values.clone(), months: month_values });
        }
        if timed_out || left() <= 0.0 || best.as_ref().is_some_and(|b| gap(b.upper, lower) <= 1e-6) {
            break;
        }
        // A relaxation is done when its own bound meets its plans' cost.
        let settled = cuts.is_empty() || gap(upper, objective) <= 1e-7;
        match phase {
            Phase::Integer if cuts.is_empty() => break,
            Phase::Integer => {
                // Settle the months around these heads on the relaxation: cuts where the integer
                // plans lie, and the best plan with these heads.
                set_bounds(&mut model, integer_columns.iter().map(|&(k, _, _)| (k, values[k], values[k])))?;
                model.set_option("solve_relaxation", true);
                phase = Phase::Fixed;
            }
            Phase::Relaxed if settled => {
                // A first plan with integer heads, the relaxation's rounded: an upper bound before
                // the integer master.
                set_bounds(&mut model, rounded(p, &master_columns, &values).into_iter())?;
                phase = Phase::Fixed;
            }
            Phase::Fixed if settled => {
                set_bounds(&mut model, integer_columns.iter().copied())?;
                model.set_option("solve_relaxation", false);
                phase = Phase::Integer;
            }
            _ => {}
        }
        stats.constraints += cuts.len();
        add_cuts(&mut model, cuts)?;
    }
    if log {
        eprintln!("benders: {rounds} rounds, lower {lower}");
    }
    let Some(best) = best else {
        return Err(if left() <= 0.0 {
            SolveError::NoPlanInTime
        } else {
            SolveError::Solver("the decomposition ended without a plan its agents can work".into())
        });
    };
    let gap = ((best.upper - lower) / best.upper.abs().max(1.0)).max(0.0);
    let status = if gap <= 1e-6 { Status::Optimal } else { Status::TimeLimit };
    stats.solve_ms = solving_ms;
    stats.build_ms = started.elapsed().as_secs_f64() * 1000.0 - solving_ms;
    let reporting = Instant::now();
    let finished = months.finish();
    if log {
        eprintln!("finish {:.1} ms", reporting.elapsed().as_secs_f64() * 1000.0);
    }
    let out = plan(p, master_columns, finished, best, status, gap, stats);
    if log {
        eprintln!("plan {:.1} ms", reporting.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(out)
}

/// The plan from the master's values and each month's, in one index space: the master's columns,
/// then each month's after the previous ones.
fn plan(
    p: &Prepared,
    mut columns: Columns,
    months: Vec<Columns>,
    best: Incumbent,
    status: Status,
    gap: f64,
    stats: Stats,
) -> Plan {
    let mut values = best.master;
    for (month, month_values) in months.into_iter().zip(best.months) {
        let offset = values.len();
        let shift = |k: &mut usize| *k += offset;
        let Columns { groups, flows, classes, mut agents, mut ot, mut shortfall, .. } = month;
        for cols in &mut agents {
            cols.x.values_mut().for_each(shift);
            cols.w.values_mut().for_each(shift);
            cols.contribution.values_mut().for_each(shift);
        }
        ot.values_mut().for_each(shift);
        shortfall.values_mut().for_each(shift);
        columns.groups.extend(groups);
        columns.flows.extend(flows);
        columns.classes.extend(classes);
        columns.agents.extend(agents);
        columns.ot.extend(ot);
        columns.shortfall.extend(shortfall);
        values.extend(month_values);
    }
    for v in &mut values {
        if v.abs() < 1e-7 {
            *v = 0.0;
        }
    }
    let outcome = crate::report::Outcome { status, gap, objective: best.upper, stats };
    crate::solve::grouped_plan(p, &columns, &values, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Levels, Shape, generate};

    /// The decomposition and the whole grouped model on generated version 2 scenarios: the same
    /// optimum, and plans that `check` finds sound.
    #[test]
    fn the_decomposition_has_the_grouped_model_s_optimum() {
        for (seed, levels) in [
            (3, Levels::Jobs),
            (4, Levels::Uniform),
            (6, Levels::Uniform),
            (8, Levels::Jobs),
            (7, Levels::Uniform),
            // Months whose presence binds in the relaxation's rounds give their cut without it
            // (`months::Ask`): these two depend on those cuts being valid.
            (9, Levels::Uniform),
            (24, Levels::Jobs),
        ] {
            let s = generate(&Shape { agents: 90, activities: 8, months: 6, seed, levels, v2: true });
            let p = crate::validate(&s).unwrap();
            assert!(!crate::network::applies(&p));
            let split = solve(&p, Options { time_limit: 60.0 }).unwrap();
            let whole = crate::solve::assert_grouped_optimum(&p, &split, &format!("seed {seed}"));
            // Scenarios where the agents fall short somewhere: the months' costs and cuts matter.
            assert!(whole.objective > 100.0, "seed {seed} costs nothing: {}", whole.objective);
        }
    }

    /// Two newcomers with one course of productivity but different qualifications share a pool
    /// keyed by that course; in the month the first is away, the pool must still count the
    /// second's productivity of that month.
    #[test]
    fn newcomers_sharing_a_course_keep_each_month_s_productivity() {
        let mut s = generate(&Shape { agents: 90, activities: 8, months: 6, seed: 3, levels: Levels::Jobs, v2: true });
        let course: std::collections::BTreeMap<String, f64> =
            s.periods.iter().enumerate().map(|(t, m)| (m.clone(), 0.4 + 0.1 * t as f64)).collect();
        for i in [0, 1] {
            s.agents[i].productivity_by_period = course.clone();
        }
        for level in s.agents[0].levels.values_mut() {
            *level = 4;
        }
        let away = s.agents[0].fte * s.hours_per_fte;
        s.agents[0].unavailable_hours.insert(s.periods[1].clone(), away);
        let p = crate::validate(&s).unwrap();
        assert_ne!(p.qualified[0], p.qualified[1], "two groups");
        assert_eq!(p.home[0], p.home[1], "one home pool");
        let options = Options { time_limit: 60.0 };
        let split = solve(&p, options).unwrap();
        let whole = crate::solve::solve_grouped(&p, options).unwrap();
        let checked = crate::check(&p, &split);
        assert!(checked.violations.is_empty(), "{:?}", checked.violations);
        assert!((split.objective - whole.objective).abs() <= 2e-6 * whole.objective.abs().max(1.0));
    }

    /// The months are solved on threads; the plan must not depend on how many.
    #[test]
    fn the_plan_is_the_same_on_one_thread_or_three() {
        let s = generate(&Shape { agents: 90, activities: 8, months: 6, seed: 3, levels: Levels::Jobs, v2: true });
        let p = crate::validate(&s).unwrap();
        let options = Options { time_limit: 60.0 };
        let plans = [1, 3].map(|workers| {
            let mut plan = solve_on(&p, options, workers).unwrap();
            plan.stats = Stats::default();
            serde_json::to_string(&plan).unwrap()
        });
        assert_eq!(plans[0], plans[1]);
        assert!(plans[0].contains("\"hours\""), "a plan with agents' hours");
    }
}
