//! Builds the model of `planning-model.md` (versions 1 and 2) with good_lp and solves it with
//! HiGHS. Agents are merged period by period into groups (`groups.rs`), which keeps the optimum.

use std::collections::HashMap;
use std::time::Instant;

use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};
use highs::HighsModelStatus;

use crate::groups::{self, Group};
use crate::result::{Plan, Stats, Status};
use crate::validate::Prepared;

/// How to solve.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seconds before the search stops with the best plan found.
    pub time_limit: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self { time_limit: 60.0 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the solver failed: {0}")]
    Solver(String),
    #[error("the time limit ended the search before any plan was found")]
    NoPlanInTime,
}

/// Variables in creation order: position k is HiGHS column k.
pub(crate) struct Vars {
    pub problem: ProblemVariables,
    pub count: usize,
    /// The integer columns' labels and bounds.
    pub integer_columns: Vec<(usize, f64, f64)>,
}

impl Vars {
    fn add(&mut self, min: f64, max: Option<f64>, integer: bool) -> (Variable, usize) {
        let mut def = variable().min(min);
        if let Some(max) = max {
            def = def.max(max);
        }
        if integer {
            def = def.integer();
            self.integer_columns.push((self.count, min, max.unwrap_or(f64::INFINITY)));
        }
        self.count += 1;
        (self.problem.add(def), self.count - 1)
    }
}

/// The model's columns, by the formulation's indices, for the report.
pub(crate) struct Columns {
    /// Per period: the groups, their classes and their columns.
    pub groups: Vec<Vec<Group>>,
    pub flows: Vec<groups::Pools>,
    pub classes: Vec<Vec<Vec<usize>>>,
    pub agents: Vec<groups::Columns>,
    /// `ot[(g, t)]`.
    pub ot: HashMap<(usize, usize), usize>,
    /// `n[(p, t)]`, `y[(p, a, t)]`.
    pub heads: HashMap<(usize, usize), usize>,
    pub y: HashMap<(usize, usize, usize), usize>,
    /// `z[(f, a, t)]`.
    pub z: HashMap<(usize, usize, usize), usize>,
    /// `h[(k, t)]`, `u[(k, a, t)]`.
    pub arrivals: HashMap<(usize, usize), usize>,
    pub u: HashMap<(usize, usize, usize), usize>,
    /// `s[(a, t)]`.
    pub shortfall: HashMap<(usize, usize), usize>,
    /// `B[a][t]`.
    pub backlog: Vec<Vec<usize>>,
}

/// The model of `planning-model.md` v1 and v2 being built: its columns, objective and rows, and
/// what each activity and period receives.
pub(crate) struct Builder {
    pub vars: Vars,
    pub objective: Expression,
    pub rows: Vec<good_lp::Constraint>,
    pub columns: Columns,
    /// Effective hours put into each activity and period, by whoever (agents weighted by their
    /// productivity).
    pub work: Vec<Vec<Expression>>,
    /// Agents' own hours on activities with a minimum presence.
    pub presence: Vec<Vec<Expression>>,
    /// Columns only, no objective, rows nor expressions: the layout of a programme whose values
    /// come from elsewhere (a month's flow), cheaper to make than the programme. The rows it
    /// leaves out are counted.
    pub layout_only: bool,
    pub rows_left_out: usize,
}

impl Builder {
    pub fn new(p: &Prepared) -> Self {
        let (na, nt) = (p.scenario.activities.len(), p.periods());
        Self {
            vars: Vars { problem: ProblemVariables::new(), count: 0, integer_columns: Vec::new() },
            objective: Expression::with_capacity(1024),
            rows: Vec::new(),
            columns: Columns {
                groups: Vec::with_capacity(nt),
                flows: Vec::with_capacity(nt),
                classes: Vec::with_capacity(nt),
                agents: Vec::with_capacity(nt),
                ot: HashMap::new(),
                heads: HashMap::new(),
                y: HashMap::new(),
                z: HashMap::new(),
                arrivals: HashMap::new(),
                u: HashMap::new(),
                shortfall: HashMap::new(),
                backlog: vec![Vec::with_capacity(nt); na],
            },
            work: vec![vec![Expression::from(0.0); nt]; na],
            presence: vec![vec![Expression::from(0.0); nt]; na],
            layout_only: false,
            rows_left_out: 0,
        }
    }

    /// A column `>= min`, `<= max` when given; its index is its HiGHS column.
    pub fn add(&mut self, min: f64, max: Option<f64>, integer: bool) -> (Variable, usize) {
        self.vars.add(min, max, integer)
    }
}

fn build(p: &Prepared) -> Builder {
    let mut b = Builder::new(p);
    agent_groups(&mut b, p);
    everything_else(&mut b, p, false);
    b
}

/// Agents, merged per period into groups feeding pools, and their minimum presence.
fn agent_groups(b: &mut Builder, p: &Prepared) {
    let nt = p.periods();
    for t in 0..nt {
        groups_of_period(b, p, t, groups::groups(p, t));
    }
    for a in 0..p.scenario.activities.len() {
        for t in 0..nt {
            presence_row(b, p, a, t);
        }
    }
}

/// The agents of period `t` in their `groups`, feeding pools: x[k,c,t] each pool's hours on each
/// class of activities, w[a,t] splitting a class, the groups' contributions, ot[g,t].
pub(crate) fn groups_of_period(b: &mut Builder, p: &Prepared, t: usize, groups: Vec<Group>) {
    let s = p.scenario;
    let Builder { vars, objective, rows, columns: c, work, presence, layout_only, rows_left_out } = b;
    let full = !*layout_only;
    let mobility = s.pools.internal_mobility.as_ref().map_or(1.0, |m| m.max_share);
    let flow = groups::pools(&groups);
    let classes = groups::classes(p, &flow.pools);
    let mut cols = groups::Columns { x: HashMap::new(), w: HashMap::new(), contribution: HashMap::new() };
    let mut class_hours: Vec<Expression> = vec![Expression::from(0.0); classes.len()];
    let mut pool_used: Vec<Expression> = Vec::with_capacity(flow.pools.len());
    for (k, pool) in flow.pools.iter().enumerate() {
        let mut used = Expression::from(0.0);
        for (c, class) in classes.iter().enumerate().filter(|(_, cl)| pool.activities.contains(&cl[0])) {
            let (v, col) = vars.add(0.0, None, false);
            cols.x.insert((k, c), col);
            if !full {
                continue;
            }
            used.add_mul(1.0, v);
            match class.as_slice() {
                [a] => {
                    work[*a][t].add_mul(pool.prod, v);
                    presence[*a][t].add_mul(1.0, v);
                }
                _ => class_hours[c].add_mul(pool.prod, v),
            }
        }
        pool_used.push(used);
    }
    // Each group's hours into its pools; a pool fed by several groups adds up their columns.
    let mut fed: Vec<Expression> = vec![Expression::from(0.0); if full { flow.pools.len() } else { 0 }];
    for (g, group) in groups.iter().enumerate() {
        let mut used = Expression::from(0.0);
        for (pool, outside) in [(flow.home[g], false), (flow.outside[g], true)] {
            let Some(k) = pool else { continue };
            let limit = outside.then_some(mobility * group.cap);
            if flow.pools[k].contributors.len() == 1 {
                if full {
                    used.add_mul(1.0, pool_used[k].clone());
                    if let Some(limit) = limit {
                        rows.push(pool_used[k].clone().leq(limit));
                    }
                } else {
                    *rows_left_out += usize::from(limit.is_some());
                }
            } else {
                let (v, col) = vars.add(0.0, limit, false);
                cols.contribution.insert((g, outside), col);
                if full {
                    used.add_mul(1.0, v);
                    fed[k].add_mul(1.0, v);
                }
            }
        }
        let mut available = Expression::from(group.cap);
        if let Some(o) = &s.pools.overtime {
            let (v, col) = vars.add(0.0, Some(o.max_share * group.cap), false);
            c.ot.insert((g, t), col);
            if full {
                objective.add_mul(o.cost_per_hour, v);
                available.add_mul(1.0, v);
            }
        }
        if full {
            rows.push(used.leq(available));
        } else {
            *rows_left_out += 1;
        }
    }
    for k in (0..flow.pools.len()).filter(|&k| flow.pools[k].contributors.len() > 1) {
        if !full {
            *rows_left_out += 1;
            continue;
        }
        let mut balance = pool_used[k].clone();
        balance.add_mul(-1.0, fed[k].clone());
        rows.push(balance.eq(0.0));
    }
    // The effective hours pools put into a class of several activities, split among them.
    for (k, class) in classes.iter().enumerate().filter(|(_, cl)| cl.len() > 1) {
        let mut split = class_hours[k].clone();
        for &a in class {
            let (v, col) = vars.add(0.0, None, false);
            cols.w.insert(a, col);
            if full {
                split.add_mul(-1.0, v);
                work[a][t].add_mul(1.0, v);
            }
        }
        if full {
            rows.push(split.eq(0.0));
        } else {
            *rows_left_out += 1;
        }
    }
    c.groups.push(groups);
    c.flows.push(flow);
    c.classes.push(classes);
    c.agents.push(cols);
}

/// Minimum presence on activity `a` in period `t`: s[a,t], the agents' hours missing.
pub(crate) fn presence_row(b: &mut Builder, p: &Prepared, a: usize, t: usize) {
    let s = p.scenario;
    let min_fte = s.activities[a].min_fte;
    if min_fte <= 0.0 {
        return;
    }
    let (v, col) = b.vars.add(0.0, None, false);
    b.columns.shortfall.insert((a, t), col);
    if b.layout_only {
        b.rows_left_out += 1;
        return;
    }
    b.objective.add_mul(s.penalties.under_min_presence_per_hour, v);
    let mut present = b.presence[a][t].clone();
    present.add_mul(1.0, v);
    b.rows.push(present.geq(min_fte * s.hours_per_fte));
}

/// Temporary staff, flying teams, hires and the backlog flow; `relaxed` leaves heads and arrivals
/// continuous (the LP relaxation).
pub(crate) fn everything_else(b: &mut Builder, p: &Prepared, relaxed: bool) {
    let s = p.scenario;
    let (na, nt) = (s.activities.len(), p.periods());
    let hpf = s.hours_per_fte;
    let Builder { vars, objective, rows, columns: c, work, .. } = b;
    // Temporary staff: n[p,t] integer, y[p,a,t].
    for (q, pool) in s.pools.temporary_staff.iter().enumerate() {
        for t in 0..nt {
            let (n, col) = vars.add(0.0, Some(pool.max_heads as f64), !relaxed);
            c.heads.insert((q, t), col);
            objective.add_mul(pool.cost_per_head_month, n);
            let mut used = Expression::from(0.0);
            for a in (0..na).filter(|&a| s.activities[a].temp_eligible) {
                let (v, col) = vars.add(0.0, None, false);
                c.y.insert((q, a, t), col);
                used.add_mul(1.0, v);
                work[a][t].add_mul(1.0, v);
            }
            let mut capacity = Expression::from(0.0);
            capacity.add_mul(hpf * pool.productivity, n);
            rows.push(used.leq(capacity));
        }
    }
    // Flying teams: z[f,a,t].
    for (f, team) in s.pools.flying_teams.iter().enumerate() {
        for t in 0..nt {
            let mut used = Expression::from(0.0);
            for &a in &p.flying_activities[f] {
                let (v, col) = vars.add(0.0, None, false);
                c.z.insert((f, a, t), col);
                objective.add_mul(team.cost_per_hour, v);
                used.add_mul(1.0, v);
                work[a][t].add_mul(1.0, v);
            }
            rows.push(used.leq(p.flying_hours[f][t]));
        }
    }
    // Hires: h[k,t] integer arrivals from the lead time on, paid to the horizon's end; u[k,a,t].
    for (k, pool) in s.pools.hires.iter().enumerate() {
        let first = pool.lead_months.max(0) as usize;
        let mut arrived: Vec<Variable> = Vec::new();
        let mut total = Expression::from(0.0);
        for t in 0..nt {
            if t >= first {
                let (h, col) = vars.add(0.0, Some(pool.max_heads as f64), !relaxed);
                c.arrivals.insert((k, t), col);
                objective.add_mul(pool.cost_per_head_month * (nt - t) as f64, h);
                total.add_mul(1.0, h);
                arrived.push(h);
            }
            let mut used = Expression::from(0.0);
            for &a in &p.hire_activities[k] {
                let (v, col) = vars.add(0.0, None, false);
                c.u.insert((k, a, t), col);
                used.add_mul(1.0, v);
                work[a][t].add_mul(1.0, v);
            }
            // Recruits who arrived at first + j are in their (t - first - j)-th month.
            let mut capacity = Expression::from(0.0);
            for (j, &h) in arrived.iter().enumerate() {
                capacity.add_mul(hpf * p.ramp(k, t - first - j), h);
            }
            rows.push(used.leq(capacity));
        }
        if !arrived.is_empty() {
            rows.push(total.leq(pool.max_heads as f64));
        }
    }
    // Backlog flow and thresholds: B[a,t], e1[a,t], e2[a,t], weighted by the priority.
    for (a, act) in s.activities.iter().enumerate() {
        let mut previous = Expression::from(act.initial_backlog);
        for t in 0..nt {
            let (b, kb) = vars.add(0.0, None, false);
            let (e1, _) = vars.add(0.0, None, false);
            let (e2, _) = vars.add(0.0, None, false);
            c.backlog[a].push(kb);
            // B = B_prev + volume - rate * work, written as B + rate * work - B_prev = volume.
            let mut flow = Expression::from(0.0);
            flow.add_mul(1.0, b);
            flow.add_mul(p.rate(a, t), work[a][t].clone());
            flow.add_mul(-1.0, previous);
            rows.push(flow.eq(p.volume[a][t]));
            let mut over_normal = Expression::from(0.0);
            over_normal.add_mul(1.0, e1);
            over_normal.add_mul(-1.0, b);
            rows.push(over_normal.geq(-act.backlog_normal_max));
            let mut over_critical = Expression::from(0.0);
            over_critical.add_mul(1.0, e2);
            over_critical.add_mul(-1.0, b);
            rows.push(over_critical.geq(-act.backlog_critical_max));
            objective.add_mul(act.priority * s.penalties.over_normal_per_item, e1);
            objective.add_mul(act.priority * s.penalties.over_critical_per_item, e2);
            previous = Expression::from(b);
        }
    }
}

pub fn solve(p: &Prepared, options: Options) -> Result<Plan, SolveError> {
    if crate::network::applies(p) {
        return crate::network::solve(p, options);
    }
    crate::benders::solve(p, options)
}

/// The whole model with the agents merged into groups and pools (`groups.rs`), in one HiGHS
/// solve: every scenario, the reference the decompositions are tested against (slower on large
/// version 2 scenarios: docs/benchmarks.md).
pub fn solve_grouped(p: &Prepared, options: Options) -> Result<Plan, SolveError> {
    let started = Instant::now();
    let b = build(p);
    let (mut solved, stats) = run(b.vars, b.objective, b.rows, options.time_limit, started)?;
    let stats = Stats { agents: p.scenario.agents.len(), agent_groups: most_groups(&b.columns.groups), ..stats };
    let values = std::mem::take(&mut solved.values);
    Ok(grouped_plan(p, &b.columns, &values, solved.outcome(stats)))
}

/// The plan from a grouped model's values: each group's hours from its pools', then the report.
pub(crate) fn grouped_plan(p: &Prepared, columns: &Columns, values: &[f64], outcome: crate::report::Outcome) -> Plan {
    let value = |k: usize| values[k];
    // Each period's group hours on its own, on two threads at 15,000 agents' sizes.
    let hours = |t: usize| {
        let c = columns;
        groups::group_hours(&c.groups[t], &c.flows[t], &c.classes[t], &c.agents[t], &|k: usize| values[k])
    };
    let (nt, workers) = (p.periods(), std::thread::available_parallelism().map_or(1, |n| n.get()).min(2));
    let mut x: Vec<Option<groups::GroupHours>> = (0..nt).map(|_| None).collect();
    std::thread::scope(|scope| {
        let parts: Vec<_> = (0..workers)
            .map(|w| scope.spawn(move || (w..nt).step_by(workers).map(|t| (t, hours(t))).collect::<Vec<_>>()))
            .collect();
        for part in parts {
            for (t, h) in part.join().expect("a period's group hours") {
                x[t] = Some(h);
            }
        }
    });
    let x: Vec<groups::GroupHours> = x.into_iter().map(|h| h.expect("every period's group hours")).collect();
    let raw = Raw { columns, x: &x };
    crate::report::plan(p, &raw, &value, outcome)
}

/// The most groups of agents in any period.
pub(crate) fn most_groups(groups: &[Vec<Group>]) -> usize {
    groups.iter().map(Vec::len).max().unwrap_or(0)
}

/// A solved model: its status, gap, objective and values (solver noise below a millionth of an
/// hour or item set to zero).
pub(crate) struct Solved {
    pub status: Status,
    pub gap: f64,
    pub objective: f64,
    pub values: Vec<f64>,
}

impl Solved {
    pub fn outcome(&self, stats: Stats) -> crate::report::Outcome {
        crate::report::Outcome { status: self.status, gap: self.gap, objective: self.objective, stats }
    }
}

/// Solves the model with HiGHS, exactly (relative gap 1e-6), deterministically; `Stats` has the
/// model's size, times and nodes, not the agents.
pub(crate) fn run(
    vars: Vars,
    objective: Expression,
    rows: Vec<good_lp::Constraint>,
    time_limit: f64,
    started: Instant,
) -> Result<(Solved, Stats), SolveError> {
    let variables = vars.count;
    let integer_variables = vars.integer_columns.len();
    let constraints = rows.len();
    let mut problem = vars.problem.minimise(objective).using(highs);
    for row in rows {
        problem.add_constraint(row);
    }
    let mut model = problem.try_into_inner().map_err(|e| SolveError::Solver(e.to_string()))?;
    configure(&mut model, time_limit);
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;

    let solving = Instant::now();
    let mut solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
    let solve_ms = solving.elapsed().as_secs_f64() * 1000.0;
    let status = match solved.status() {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::ReachedTimeLimit => Status::TimeLimit,
        other => return Err(SolveError::Solver(format!("{other:?}"))),
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(SolveError::NoPlanInTime);
    }
    let gap = if status == Status::Optimal { 0.0 } else { solved.mip_gap() };
    // Solver noise below a millionth of an hour or item is noise.
    let values = solved.get_solution().columns().iter().map(|&v| if v.abs() < 1e-7 { 0.0 } else { v }).collect();
    let stats = Stats {
        agents: 0,
        agent_groups: 0,
        variables,
        integer_variables,
        constraints,
        build_ms,
        solve_ms,
        mip_nodes: node_count(&mut solved),
    };
    Ok((Solved { status, gap, objective: solved.objective_value(), values }, stats))
}

/// HiGHS's options for every model of the planning: exact (relative gap 1e-6), deterministic,
/// quiet unless `GPEC_HIGHS_LOG` is set.
pub(crate) fn configure(model: &mut highs::Model, time_limit: f64) {
    model.make_quiet();
    // The solver's own log, to see where the time goes (docs/benchmarks.md). HiGHS's console is
    // standard output, where `gpec plan solve` writes the plan: the log goes to standard error.
    if std::env::var_os("GPEC_HIGHS_LOG").is_some() {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", false);
        model.set_option("log_file", "/dev/stderr");
    }
    model.set_option("time_limit", time_limit.max(0.001));
    model.set_option("mip_rel_gap", 1e-6);
    // One thread and a fixed seed: the same input gives the same plan.
    model.set_option("threads", 1);
    model.set_option("random_seed", 0);
    // These sub-MIP heuristics spent most of the root time without improving the first
    // incumbent on generated scenarios (docs/benchmarks.md); the optimality proof is unchanged.
    model.set_option("mip_heuristic_run_rins", false);
    model.set_option("mip_heuristic_run_rens", false);
    // After the root, HiGHS restarts on a model whose integer columns are mostly fixed; presolving
    // only at the root keeps that restart from redoing a costly presolve (about 5x faster on the
    // 600-agent benchmarks, same optima: docs/benchmarks.md). Presolve is exact either way.
    model.set_option("mip_root_presolve_only", true);
    // Options to measure, for benchmarks only: `GPEC_HIGHS_OPTIONS="name=value,name=value"`.
    for pair in std::env::var("GPEC_HIGHS_OPTIONS").unwrap_or_default().split(',').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let Ok(b) = value.parse::<bool>() {
            model.set_option(name, b);
        } else if let Ok(i) = value.parse::<i32>() {
            model.set_option(name, i);
        } else if let Ok(f) = value.parse::<f64>() {
            model.set_option(name, f);
        } else {
            model.set_option(name, value);
        }
    }
}

/// Branch-and-bound nodes explored: a 64-bit info value, which `int_info_value` cannot read.
pub(crate) fn node_count(solved: &mut highs::SolvedModel) -> i64 {
    let mut nodes: i64 = 0;
    // SAFETY: the pointer is the live HiGHS instance of `solved`, the name a NUL-terminated
    // string HiGHS knows as an int64 info value, and `nodes` outlives the call.
    let status =
        unsafe { highs_sys::Highs_getInt64InfoValue(solved.as_mut_ptr(), c"mip_node_count".as_ptr(), &mut nodes) };
    if status == 0 { nodes } else { 0 }
}

/// The solved values, by the model's indices, for the report.
pub(crate) struct Raw<'a> {
    pub columns: &'a Columns,
    /// Per period: hours of each group on each activity, and outside its home activities.
    pub x: &'a [groups::GroupHours],
}

/// `plan`, solved by another path, against the whole grouped model: both optimal, the same optimum
/// (2e-6 relative), and sound (`check` finds no violation and recomputes its objective to 1e-9).
/// Gives the grouped model's plan back.
#[cfg(test)]
pub(crate) fn assert_grouped_optimum(p: &Prepared, plan: &Plan, label: &str) -> Plan {
    let grouped = solve_grouped(p, Options { time_limit: 60.0 }).unwrap();
    assert_eq!((plan.status, grouped.status), (Status::Optimal, Status::Optimal), "{label}");
    let gap = (plan.objective - grouped.objective).abs() / grouped.objective.abs().max(1.0);
    assert!(gap <= 2e-6, "{label}: {} against {}", plan.objective, grouped.objective);
    let checked = crate::check(p, plan);
    assert!(checked.violations.is_empty(), "{label}: {:?}", checked.violations);
    let recomputed = (checked.objective - plan.objective).abs() / plan.objective.abs().max(1.0);
    assert!(recomputed <= 1e-9, "{label}: {} recomputed as {}", plan.objective, checked.objective);
    grouped
}
