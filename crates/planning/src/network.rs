//! The exact plan when every agent is plain (productivity 1 in every period, no mobility limit,
//! no minimum presence): the agents' side of a period is then a transportation network, groups
//! of agents (same qualifications) on one side, activities on the other, and the model needs only
//! what it delivers, the hours `W[a,t]` on each activity, and the overtime `OT[t]` they cost.
//!
//! By max-flow / min-cut, hours `W` can be worked in period t if and only if, for every set S of
//! activities, `W(S) <= (1 + o) * C(N(S))`, where N(S) are the groups qualified for some activity
//! of S, C their capacity and o the overtime share; and the least overtime is
//! `max over S of W(S) - C(N(S))` (a max flow on capacities alone can always be completed by
//! overtime without undoing it: augmenting paths start from the overtime sources). So the model of
//! `planning-model.md` is the same as the master below, W and OT under all those cuts: its optimum
//! is the contract's. There are 2^|activities| cuts; the master starts with each activity alone
//! and all together, and a max flow per period finds the most violated one, until none is. The
//! master has hundreds of columns where the grouped model has tens of thousands (the uniform-levels
//! stress cases, docs/benchmarks.md).
//!
//! The plan's hours per group come from a last max flow that gives capacity before overtime.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use good_lp::{Expression, Variable};
use petgraph::algo::dinics;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::groups::{self, Group, GroupHours};
use crate::result::{Plan, Stats, Status};
use crate::solve::{Builder, Options, Raw, SolveError, everything_else, run};
use crate::validate::Prepared;

/// Whether every agent is plain: then this module's master has exactly the grouped model's optimum.
pub(crate) fn applies(p: &Prepared) -> bool {
    let s = p.scenario;
    let mobility = (0..s.agents.len()).any(|i| p.home[i].is_some()) && s.pools.internal_mobility.is_some();
    !mobility && s.activities.iter().all(|a| a.min_fte <= 0.0) && p.prod.iter().flatten().all(|&v| v == 1.0)
}

/// A max flow from the groups to the activities.
struct Flow {
    value: f64,
    /// The activities on the sink's side of a minimum cut: the set S whose cut is tightest.
    short: BTreeSet<usize>,
    /// Hours of each group on each activity, and from each tier of capacity.
    hours: HashMap<(usize, usize), f64>,
    tiers: Vec<Vec<f64>>,
}

/// The max flow where group g gives at most `share * cap_g` hours from each tier `(limit,
/// share)`, a tier giving at most `limit` hours in all, towards `demand[a]` hours on each activity.
fn max_flow(groups: &[Group], demand: &[f64], tiers: &[(f64, f64)]) -> Flow {
    let total: f64 = demand.iter().sum();
    let unlimited = total + 1.0;
    let mut g: DiGraph<(), f64> = DiGraph::new();
    let source = g.add_node(());
    let tier: Vec<NodeIndex> = tiers.iter().map(|_| g.add_node(())).collect();
    let group: Vec<NodeIndex> = groups.iter().map(|_| g.add_node(())).collect();
    let activity: Vec<NodeIndex> = demand.iter().map(|_| g.add_node(())).collect();
    let sink = g.add_node(());
    let mut tier_edges = vec![Vec::new(); tiers.len()];
    for (k, &(limit, share)) in tiers.iter().enumerate() {
        g.add_edge(source, tier[k], limit.min(unlimited));
        for (j, gr) in groups.iter().enumerate() {
            tier_edges[k].push(g.add_edge(tier[k], group[j], share * gr.cap));
        }
    }
    let mut work_edges = Vec::new();
    for (j, gr) in groups.iter().enumerate() {
        for &a in &gr.activities {
            work_edges.push(((j, a), g.add_edge(group[j], activity[a], unlimited)));
        }
    }
    for (a, &d) in demand.iter().enumerate() {
        g.add_edge(activity[a], sink, d.max(0.0));
    }
    let (value, flows) = dinics(&g, source, sink);
    // The source's side of a minimum cut: what the residual network reaches from the source.
    let eps = 1e-9 * unlimited;
    let mut reached = vec![false; g.node_count()];
    let mut stack = vec![source];
    reached[source.index()] = true;
    while let Some(n) = stack.pop() {
        for e in g.edges_directed(n, petgraph::Direction::Outgoing) {
            if *e.weight() - flows[e.id().index()] > eps && !reached[e.target().index()] {
                reached[e.target().index()] = true;
                stack.push(e.target());
            }
        }
        for e in g.edges_directed(n, petgraph::Direction::Incoming) {
            if flows[e.id().index()] > eps && !reached[e.source().index()] {
                reached[e.source().index()] = true;
                stack.push(e.source());
            }
        }
    }
    Flow {
        value,
        short: (0..demand.len()).filter(|&a| !reached[activity[a].index()]).collect(),
        hours: work_edges.into_iter().map(|(key, e)| (key, flows[e.index()])).collect(),
        tiers: tier_edges.iter().map(|edges| edges.iter().map(|e| flows[e.index()]).collect()).collect(),
    }
}

/// The capacity of the groups qualified for some activity of `set`.
fn reach(groups: &[Group], set: &BTreeSet<usize>) -> f64 {
    groups.iter().filter(|g| g.activities.iter().any(|a| set.contains(a))).map(|g| g.cap).sum()
}

/// The master: W and OT under the cuts found so far, with everything else of the model.
struct Master {
    b: Builder,
    w: Vec<Vec<Option<usize>>>,
    ot: Vec<Option<usize>>,
}

fn master(p: &Prepared, groups: &[Vec<Group>], cuts: &[BTreeSet<BTreeSet<usize>>], relaxed: bool) -> Master {
    let (na, nt) = (p.scenario.activities.len(), p.periods());
    let overtime = p.scenario.pools.overtime.as_ref();
    let share = overtime.map_or(0.0, |o| o.max_share);
    let mut b = Builder::new(p);
    let mut w = vec![vec![None; nt]; na];
    let mut w_vars: Vec<Vec<Option<Variable>>> = vec![vec![None; nt]; na];
    let mut ot = vec![None; nt];
    for t in 0..nt {
        let reachable: BTreeSet<usize> = groups[t].iter().flat_map(|g| g.activities.iter().copied()).collect();
        for &a in &reachable {
            let (v, col) = b.add(0.0, None, false);
            b.work[a][t].add_mul(1.0, v);
            w[a][t] = Some(col);
            w_vars[a][t] = Some(v);
        }
        let ot_var = overtime.map(|o| {
            let (v, col) = b.add(0.0, None, false);
            b.objective.add_mul(o.cost_per_hour, v);
            ot[t] = Some(col);
            v
        });
        for set in &cuts[t] {
            let mut hours = Expression::from(0.0);
            for &a in set {
                if let Some(v) = w_vars[a][t] {
                    hours.add_mul(1.0, v);
                }
            }
            let base = reach(&groups[t], set);
            b.rows.push(hours.clone().leq((1.0 + share) * base));
            if let Some(v) = ot_var {
                let mut needed = Expression::from(0.0);
                needed.add_mul(1.0, v);
                needed.add_mul(-1.0, hours);
                b.rows.push(needed.geq(-base));
            }
        }
    }
    everything_else(&mut b, p, relaxed);
    Master { b, w, ot }
}

/// The plan of a plain scenario; see the module's comment.
pub(crate) fn solve(p: &Prepared, options: Options) -> Result<Plan, SolveError> {
    let started = Instant::now();
    let (na, nt) = (p.scenario.activities.len(), p.periods());
    let share = p.scenario.pools.overtime.as_ref().map_or(0.0, |o| o.max_share);
    let groups: Vec<Vec<Group>> = (0..nt).map(|t| groups::groups(p, t)).collect();
    let mut cuts: Vec<BTreeSet<BTreeSet<usize>>> = groups
        .iter()
        .map(|gs| {
            let all: BTreeSet<usize> = gs.iter().flat_map(|g| g.activities.iter().copied()).collect();
            all.iter().map(|&a| BTreeSet::from([a])).chain(std::iter::once(all.clone())).collect()
        })
        .collect();
    // Cuts are found on the LP relaxation first (cheap), then on the integer plan until it needs
    // none: only then is it the contract's optimum.
    let mut relaxed = true;
    let mut solving_ms = 0.0;
    loop {
        let Master { b, w, ot } = master(p, &groups, &cuts, relaxed);
        let Builder { vars, objective, rows, columns, .. } = b;
        let left = options.time_limit - started.elapsed().as_secs_f64();
        let (mut solved, mut stats) = run(vars, objective, rows, left, started)?;
        solving_ms += stats.solve_ms;
        let mut added = 0;
        let mut demands = Vec::with_capacity(nt);
        for t in 0..nt {
            let demand: Vec<f64> = (0..na).map(|a| w[a][t].map_or(0.0, |k| solved.values[k])).collect();
            let total: f64 = demand.iter().sum();
            let tolerance = 1e-7 * total.max(1.0);
            let full = max_flow(&groups[t], &demand, &[(f64::INFINITY, 1.0 + share)]);
            if full.value < total - tolerance && cuts[t].insert(full.short) {
                added += 1;
            }
            // Without overtime, capacity alone is the flow just found.
            let base = if share > 0.0 {
                let base = max_flow(&groups[t], &demand, &[(f64::INFINITY, 1.0)]);
                let paid = ot[t].map_or(0.0, |k| solved.values[k]);
                if paid < total - base.value - tolerance && cuts[t].insert(base.short) {
                    added += 1;
                }
                base.value
            } else {
                full.value
            };
            demands.push((demand, base));
        }
        // A plan stopped by the time limit stands only if its hours can be worked: the master's
        // bound is below the contract's optimum, so its gap is an honest one.
        if solved.status == Status::TimeLimit && (relaxed || added > 0) {
            return Err(SolveError::NoPlanInTime);
        }
        if added > 0 {
            continue;
        }
        if relaxed && solved.status != Status::TimeLimit {
            relaxed = false;
            continue;
        }
        stats.agents = p.scenario.agents.len();
        stats.agent_groups = crate::solve::most_groups(&groups);
        // Solving is every round's; building is the rest (masters, max flows).
        stats.solve_ms = solving_ms;
        stats.build_ms = started.elapsed().as_secs_f64() * 1000.0 - solving_ms;
        return Ok(plan(p, groups, columns, demands, share, &mut solved, stats));
    }
}

/// The plan from the master's values: each period's hours per group from a max flow that uses
/// capacity before overtime, each group's overtime as a column of its own after the master's.
fn plan(
    p: &Prepared,
    groups: Vec<Vec<Group>>,
    mut columns: crate::solve::Columns,
    demands: Vec<(Vec<f64>, f64)>,
    share: f64,
    solved: &mut crate::solve::Solved,
    stats: Stats,
) -> Plan {
    let mut values = std::mem::take(&mut solved.values);
    let mut x = Vec::with_capacity(groups.len());
    for (t, (demand, base)) in demands.into_iter().enumerate() {
        let total: f64 = demand.iter().sum();
        let flow = max_flow(&groups[t], &demand, &[(f64::INFINITY, 1.0), ((total - base).max(0.0), share)]);
        if share > 0.0 {
            for (g, &overtime) in flow.tiers[1].iter().enumerate() {
                columns.ot.insert((g, t), values.len());
                values.push(overtime);
            }
        }
        let hours = groups[t]
            .iter()
            .enumerate()
            .map(|(g, group)| {
                group.activities.iter().map(|&a| (a, flow.hours.get(&(g, a)).copied().unwrap_or(0.0))).collect()
            })
            .collect();
        x.push(GroupHours { hours, outside: vec![0.0; groups[t].len()] });
    }
    columns.groups = groups;
    let nt = p.periods();
    columns.flows = (0..nt).map(|_| groups::Pools { pools: vec![], home: vec![], outside: vec![] }).collect();
    columns.classes = vec![vec![]; nt];
    columns.agents = (0..nt)
        .map(|_| groups::Columns { x: HashMap::new(), w: HashMap::new(), contribution: HashMap::new() })
        .collect();
    let value = |k: usize| if values[k].abs() < 1e-7 { 0.0 } else { values[k] };
    let raw = Raw { columns: &columns, x: &x };
    crate::report::plan(p, &raw, &value, solved.outcome(stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Levels, Shape, generate};

    fn group(cap: f64, activities: &[usize]) -> Group {
        Group { agents: vec![], activities: activities.to_vec(), outside: vec![], prod: 1.0, tag: 0, cap }
    }

    #[test]
    fn the_max_flow_names_the_activities_short_of_qualified_hours() {
        // G0 (100 h) does activity 0 only; G1 (50 h) does both.
        let groups = [group(100.0, &[0]), group(50.0, &[0, 1])];
        let all = max_flow(&groups, &[120.0, 40.0], &[(f64::INFINITY, 1.0)]);
        assert_eq!((all.value, all.short.iter().copied().collect::<Vec<_>>()), (150.0, vec![0, 1]));
        assert_eq!(all.hours[&(1, 1)], 40.0, "activity 1 has only G1");
        // Activity 1 alone is short: 60 h asked, 50 h of G1 at most.
        let one = max_flow(&groups, &[80.0, 60.0], &[(f64::INFINITY, 1.0)]);
        assert_eq!((one.value, one.short.iter().copied().collect::<Vec<_>>()), (130.0, vec![1]));
        assert_eq!(reach(&groups, &one.short), 50.0);
        // Capacity first, then at most 15 h of overtime (10 % of each group): 160 h are worked.
        let tiers = max_flow(&groups, &[120.0, 40.0], &[(f64::INFINITY, 1.0), (10.0, 0.1)]);
        assert_eq!(tiers.value, 160.0);
        assert_eq!(tiers.tiers[1].iter().sum::<f64>(), 10.0);
    }

    /// The plain model and the grouped one on generated scenarios: the same optimum.
    #[test]
    fn the_network_master_has_the_grouped_model_s_optimum() {
        for (seed, levels) in [(1, Levels::Uniform), (2, Levels::Uniform), (3, Levels::Jobs), (4, Levels::Jobs)] {
            let s = generate(&Shape { agents: 80, activities: 8, months: 6, seed, levels, v2: false });
            let p = crate::validate(&s).unwrap();
            assert!(applies(&p));
            let network = solve(&p, Options { time_limit: 60.0 }).unwrap();
            crate::solve::assert_grouped_optimum(&p, &network, &format!("seed {seed}"));
        }
    }
}
