//! Builds the model of `planning-model.md` v1 with good_lp and solves it with HiGHS.
//!
//! Agents qualified for the same set of activities are merged, period by period: their
//! capacities and overtime bounds add up, and every constraint and cost is linear in them, so
//! the merged model has the same optimum. Each merged group's hours are split back to its agents
//! in proportion to their capacity in the period, which keeps every per-agent bound.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};
use highs::HighsModelStatus;

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
struct Vars {
    problem: ProblemVariables,
    count: usize,
    integers: usize,
}

impl Vars {
    fn add(&mut self, min: f64, max: Option<f64>, integer: bool) -> (Variable, usize) {
        let mut def = variable().min(min);
        if let Some(max) = max {
            def = def.max(max);
        }
        if integer {
            def = def.integer();
            self.integers += 1;
        }
        self.count += 1;
        (self.problem.add(def), self.count - 1)
    }
}

/// A group of agents with the same qualifications.
pub(crate) struct Group {
    agents: Vec<usize>,
    activities: Vec<usize>,
    /// Summed capacity per period.
    cap: Vec<f64>,
}

fn groups(p: &Prepared) -> Vec<Group> {
    let mut by_set: BTreeMap<&[usize], usize> = BTreeMap::new();
    let mut out: Vec<Group> = Vec::new();
    for (i, acts) in p.qualified.iter().enumerate() {
        if acts.is_empty() {
            continue; // qualified for nothing: no variable can use them
        }
        let g = *by_set.entry(acts.as_slice()).or_insert_with(|| {
            out.push(Group { agents: vec![], activities: acts.clone(), cap: vec![0.0; p.periods()] });
            out.len() - 1
        });
        out[g].agents.push(i);
        for (t, c) in p.cap[i].iter().enumerate() {
            out[g].cap[t] += c;
        }
    }
    out
}

pub fn solve(p: &Prepared, options: Options) -> Result<Plan, SolveError> {
    let started = Instant::now();
    let s = p.scenario;
    let (na, nt) = (s.activities.len(), p.periods());
    let hpf = s.hours_per_fte;
    let groups = groups(p);
    let mut vars = Vars { problem: ProblemVariables::new(), count: 0, integers: 0 };
    let mut objective = Expression::with_capacity(1024);
    // Hours put into each activity and period, by whoever.
    let mut work: Vec<Vec<Expression>> = vec![vec![Expression::from(0.0); nt]; na];
    let mut rows: Vec<good_lp::Constraint> = Vec::new();

    // Agents (merged): x[g,c,t] on each class of activities, w[a,t] splitting a class, ot[g,t].
    let classes = classes(&groups, na);
    let mut x: HashMap<(usize, usize, usize), usize> = HashMap::new();
    let mut w: HashMap<(usize, usize), usize> = HashMap::new();
    let mut ot: HashMap<(usize, usize), usize> = HashMap::new();
    let mut class_hours: Vec<Vec<Expression>> = vec![vec![Expression::from(0.0); nt]; classes.len()];
    for (g, group) in groups.iter().enumerate() {
        for t in 0..nt {
            let mut used = Expression::from(0.0);
            for (c, class) in classes.iter().enumerate().filter(|(_, cl)| group.activities.contains(&cl[0])) {
                let (v, k) = vars.add(0.0, None, false);
                x.insert((g, c, t), k);
                used.add_mul(1.0, v);
                match class.as_slice() {
                    [a] => work[*a][t].add_mul(1.0, v),
                    _ => class_hours[c][t].add_mul(1.0, v),
                }
            }
            let mut available = Expression::from(group.cap[t]);
            if let Some(o) = &s.pools.overtime {
                let (v, k) = vars.add(0.0, Some(o.max_share * group.cap[t]), false);
                ot.insert((g, t), k);
                objective.add_mul(o.cost_per_hour, v);
                available.add_mul(1.0, v);
            }
            rows.push(used.leq(available));
        }
    }
    // The hours agents put into a class of several activities, split among them.
    for (c, class) in classes.iter().enumerate().filter(|(_, cl)| cl.len() > 1) {
        for t in 0..nt {
            let mut split = class_hours[c][t].clone();
            for &a in class {
                let (v, k) = vars.add(0.0, None, false);
                w.insert((a, t), k);
                split.add_mul(-1.0, v);
                work[a][t].add_mul(1.0, v);
            }
            rows.push(split.eq(0.0));
        }
    }
    // Temporary staff: n[p,t] integer, y[p,a,t].
    let mut heads: HashMap<(usize, usize), usize> = HashMap::new();
    let mut y: HashMap<(usize, usize, usize), usize> = HashMap::new();
    for (q, pool) in s.pools.temporary_staff.iter().enumerate() {
        for t in 0..nt {
            let (n, k) = vars.add(0.0, Some(pool.max_heads as f64), true);
            heads.insert((q, t), k);
            objective.add_mul(pool.cost_per_head_month, n);
            let mut used = Expression::from(0.0);
            for a in (0..na).filter(|&a| s.activities[a].temp_eligible) {
                let (v, k) = vars.add(0.0, None, false);
                y.insert((q, a, t), k);
                used.add_mul(1.0, v);
                work[a][t].add_mul(1.0, v);
            }
            let mut capacity = Expression::from(0.0);
            capacity.add_mul(hpf * pool.productivity, n);
            rows.push(used.leq(capacity));
        }
    }
    // Flying teams: z[f,a,t].
    let mut z: HashMap<(usize, usize, usize), usize> = HashMap::new();
    for (f, team) in s.pools.flying_teams.iter().enumerate() {
        for t in 0..nt {
            let mut used = Expression::from(0.0);
            for &a in &p.flying_activities[f] {
                let (v, k) = vars.add(0.0, None, false);
                z.insert((f, a, t), k);
                objective.add_mul(team.cost_per_hour, v);
                used.add_mul(1.0, v);
                work[a][t].add_mul(1.0, v);
            }
            rows.push(used.leq(p.flying_hours[f][t]));
        }
    }
    // Backlog flow and thresholds: B[a,t], e1[a,t], e2[a,t].
    let mut backlog: Vec<Vec<usize>> = vec![Vec::with_capacity(nt); na];
    for (a, act) in s.activities.iter().enumerate() {
        let rate = 60.0 / act.minutes_per_item;
        let mut previous = Expression::from(act.initial_backlog);
        for t in 0..nt {
            let (b, kb) = vars.add(0.0, None, false);
            let (e1, _) = vars.add(0.0, None, false);
            let (e2, _) = vars.add(0.0, None, false);
            backlog[a].push(kb);
            // B = B_prev + volume - rate * work, written as B + rate * work - B_prev = volume.
            let mut flow = Expression::from(0.0);
            flow.add_mul(1.0, b);
            flow.add_mul(rate, work[a][t].clone());
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
            objective.add_mul(s.penalties.over_normal_per_item, e1);
            objective.add_mul(s.penalties.over_critical_per_item, e2);
            previous = Expression::from(b);
        }
    }

    let variables = vars.count;
    let integer_variables = vars.integers;
    let constraints = rows.len();
    let mut problem = vars.problem.minimise(objective).using(highs);
    for row in rows {
        problem.add_constraint(row);
    }
    let mut model = problem.try_into_inner().map_err(|e| SolveError::Solver(e.to_string()))?;
    model.make_quiet();
    // The solver's own log, to see where the time goes (docs/benchmarks.md). HiGHS's console is
    // standard output, where `gpec plan solve` writes the plan: the log goes to standard error.
    if std::env::var_os("GPEC_HIGHS_LOG").is_some() {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", false);
        model.set_option("log_file", "/dev/stderr");
    }
    model.set_option("time_limit", options.time_limit);
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
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;

    let solving = Instant::now();
    let solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
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
    let solution = solved.get_solution();
    let values = solution.columns();
    // Solver noise below a millionth of an hour or item is noise.
    let value = |k: usize| {
        let v = values[k];
        if v.abs() < 1e-7 { 0.0 } else { v }
    };

    let stats = Stats {
        agents: s.agents.len(),
        agent_groups: groups.len(),
        variables,
        integer_variables,
        constraints,
        build_ms,
        solve_ms,
    };
    let x = agent_hours(&groups, &classes, &x, &w, nt, &value);
    let raw = Raw { groups: &groups, x: &x, ot: &ot, heads: &heads, y: &y, z: &z, backlog: &backlog };
    let outcome = crate::report::Outcome { status, gap, objective: solved.objective_value(), stats };
    Ok(crate::report::plan(p, &raw, &value, outcome))
}

/// Activities qualified for by exactly the same groups form a class: a group's hours on a class
/// and the class's hours on each activity are enough to rebuild hours per group and activity
/// (split in proportion), so the model needs one variable per group and class, not per activity.
fn classes(groups: &[Group], na: usize) -> Vec<Vec<usize>> {
    let mut by_groups: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for a in 0..na {
        let who: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].activities.contains(&a)).collect();
        if !who.is_empty() {
            by_groups.entry(who).or_default().push(a);
        }
    }
    by_groups.into_values().collect()
}

/// Hours of each group on each activity, from its hours on each class: the class's hours are
/// split over its activities in proportion to what each received.
fn agent_hours(
    groups: &[Group],
    classes: &[Vec<usize>],
    x: &HashMap<(usize, usize, usize), usize>,
    w: &HashMap<(usize, usize), usize>,
    nt: usize,
    value: &dyn Fn(usize) -> f64,
) -> HashMap<(usize, usize, usize), f64> {
    let mut out = HashMap::new();
    for g in 0..groups.len() {
        for t in 0..nt {
            for (c, class) in classes.iter().enumerate() {
                let Some(&k) = x.get(&(g, c, t)) else { continue };
                let hours = value(k);
                if let [a] = class.as_slice() {
                    out.insert((g, *a, t), hours);
                    continue;
                }
                let total: f64 = class.iter().map(|a| value(w[&(*a, t)])).sum();
                for &a in class {
                    let share = if total > 0.0 { value(w[&(a, t)]) / total } else { 0.0 };
                    out.insert((g, a, t), hours * share);
                }
            }
        }
    }
    out
}

/// The solved values, by the model's indices, for the report.
pub(crate) struct Raw<'a> {
    pub groups: &'a [Group],
    /// Hours of each group on each activity and period.
    pub x: &'a HashMap<(usize, usize, usize), f64>,
    pub ot: &'a HashMap<(usize, usize), usize>,
    pub heads: &'a HashMap<(usize, usize), usize>,
    pub y: &'a HashMap<(usize, usize, usize), usize>,
    pub z: &'a HashMap<(usize, usize, usize), usize>,
    pub backlog: &'a [Vec<usize>],
}

impl Group {
    pub(crate) fn agents(&self) -> &[usize] {
        &self.agents
    }

    pub(crate) fn cap(&self, t: usize) -> f64 {
        self.cap[t]
    }

    pub(crate) fn activities(&self) -> &[usize] {
        &self.activities
    }
}
