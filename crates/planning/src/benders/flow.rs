//! A month's agents as a minimum-cost flow, in effective hours: the month's cost and its cut,
//! exact and fast, whenever the minimum presence does not bind (`months.rs` asks HiGHS otherwise).
//!
//! Every hour of a group has the group's productivity, so counted in effective hours its regular
//! capacity, its overtime and its mobility bound are capacities of arcs: source → group (regular,
//! free; overtime, at `cost_per_hour / prod`), group → its home pool, group → its outside pool
//! (at most the mobility share), pool → each of its activities, activity → sink (the hours `E[a]`
//! the master asks for), and the phantom source → activity (`months::phantom_price`). Without the
//! presence rows this is the month's programme of `solve.rs`, pooled as in `groups.rs`; a flow
//! that meets the presence anyway is that programme's optimum, since the rows only take plans away.
//!
//! Costs sit only on the arcs out of the source, so the least cost is greedy: the feasible supplies
//! of such a network form a polymatroid, and a polymatroid's cheapest base takes each source to
//! the full in order of cost. The flow is augmented level by level of cost (Dinic's max flow), and
//! stops when the demand is met.
//!
//! The cut's slopes are node potentials: the cheapest residual path from the source to each node,
//! which with costs only on the source's arcs is the cost of the cheapest source arc still open
//! from which the node is reached. Their dual value is computed from them, not taken from the flow:
//! by weak duality it is a lower bound for any potentials, so a cut is valid whatever rounding did;
//! it equals the flow's cost at an optimum, which the month checks.

use crate::groups::Group;

mod dinic;
mod moves;

/// Flows and residuals below this many effective hours are nothing.
const EPS: f64 = 1e-9;

/// An arc out of the source: its cost per effective hour and its capacity.
#[derive(Clone, Copy)]
struct Supply {
    arc: usize,
    cost: f64,
    cap: f64,
}

/// The month's network; `evaluate` runs it at the hours asked.
pub(super) struct Network {
    /// Arc `e` goes to `to[e]`, its reverse is `e ^ 1`; `cap` the forward arcs' capacity.
    to: Vec<usize>,
    cap: Vec<f64>,
    res: Vec<f64>,
    /// Cost per effective hour of each arc: only the source's arcs have one.
    price: Vec<f64>,
    /// Arcs out of each node: `arcs[first[v]..first[v + 1]]`.
    first: Vec<usize>,
    arcs: Vec<usize>,
    /// The source's arcs by cost (phantoms included).
    supplies: Vec<Supply>,
    /// Per group: its overtime arc.
    overtime: Vec<Option<usize>>,
    /// Per activity the agents reach: its arc to the sink, its phantom arc.
    demand: Vec<Option<usize>>,
    phantom: Vec<Option<usize>>,
    /// Per pool: its arcs to its activities, `(activity, arc)`.
    pool_arcs: Vec<Vec<(usize, usize)>>,
    /// Per group: its arcs to its pools, `(outside, arc)`.
    group_arcs: Vec<Vec<(bool, usize)>>,
    pool_prod: Vec<f64>,
    /// The first node of the pools, and of the activities.
    first_pool: usize,
    first_activity: usize,
    /// Per node: its distance in Dinic's layers and its next arc to try.
    layer: Vec<u32>,
    next: Vec<usize>,
}

const SOURCE: usize = 0;
const SINK: usize = 1;

/// What a month's flow gives: its cost, its cut, and the hours the phantom delivered.
pub(super) struct Flowed {
    pub cost: f64,
    pub bound: Bound,
    pub phantom: f64,
}

/// A lower bound on the month's cost, linear in the hours asked of each activity: its value at
/// the hours asked, and its slopes (a cut of the master).
#[derive(Clone)]
pub(super) struct Bound {
    pub value: f64,
    pub slopes: Vec<f64>,
}

/// The month's groups and pools, and its prices.
pub(super) struct Shape<'a> {
    pub groups: &'a [Group],
    pub pools: &'a crate::groups::Pools,
    pub activities: usize,
    /// Whether the agents can reach each activity (the master asks hours only of those).
    pub reachable: &'a [bool],
    /// The overtime's share and cost per hour.
    pub overtime: Option<(f64, f64)>,
    pub mobility: f64,
    /// A phantom hour's price on each activity.
    pub phantom_price: &'a dyn Fn(usize) -> f64,
}

impl Network {
    pub fn new(shape: &Shape) -> Self {
        let (ng, nk, na) = (shape.groups.len(), shape.pools.pools.len(), shape.activities);
        let (group, pool, activity) = (|g: usize| 2 + g, |k: usize| 2 + ng + k, |a: usize| 2 + ng + nk + a);
        let nodes = 2 + ng + nk + na;
        let mut ends: Vec<(usize, usize)> = Vec::new();
        let mut cap = Vec::new();
        let mut add = |from: usize, to: usize, c: f64| {
            ends.push((from, to));
            ends.push((to, from));
            cap.extend([c, 0.0]);
            ends.len() - 2
        };
        let mut supplies = Vec::new();
        let mut overtime = vec![None; ng];
        let mut group_arcs = vec![Vec::new(); ng];
        for (g, gr) in shape.groups.iter().enumerate() {
            if gr.cap <= 0.0 {
                continue;
            }
            let regular = gr.prod * gr.cap;
            supplies.push(Supply { arc: add(SOURCE, group(g), regular), cost: 0.0, cap: regular });
            if let Some((share, per_hour)) = shape.overtime.filter(|o| o.0 > 0.0) {
                let arc = add(SOURCE, group(g), share * regular);
                supplies.push(Supply { arc, cost: per_hour / gr.prod, cap: share * regular });
                overtime[g] = Some(arc);
            }
            if let Some(k) = shape.pools.home[g] {
                group_arcs[g].push((false, add(group(g), pool(k), f64::INFINITY)));
            }
            if let Some(k) = shape.pools.outside[g] {
                group_arcs[g].push((true, add(group(g), pool(k), shape.mobility * regular)));
            }
        }
        let mut pool_arcs = vec![Vec::new(); nk];
        for (k, p) in shape.pools.pools.iter().enumerate() {
            for &a in &p.activities {
                pool_arcs[k].push((a, add(pool(k), activity(a), f64::INFINITY)));
            }
        }
        let (mut demand, mut phantom) = (vec![None; na], vec![None; na]);
        for a in (0..na).filter(|&a| shape.reachable[a]) {
            demand[a] = Some(add(activity(a), SINK, 0.0));
            let arc = add(SOURCE, activity(a), f64::INFINITY);
            supplies.push(Supply { arc, cost: (shape.phantom_price)(a), cap: f64::INFINITY });
            phantom[a] = Some(arc);
        }
        // Stable: equal costs keep the order of the groups, and the plan is the same every time.
        supplies.sort_by(|x, y| x.cost.total_cmp(&y.cost));
        let mut price = vec![0.0; ends.len()];
        for s in &supplies {
            price[s.arc] = s.cost;
        }
        let tails: Vec<usize> = ends.iter().map(|&(from, _)| from).collect();
        let (first, arcs) = dinic::rows(nodes, &tails);
        Network {
            to: ends.iter().map(|&(_, to)| to).collect(),
            res: vec![0.0; cap.len()],
            cap,
            price,
            first,
            arcs,
            supplies,
            overtime,
            demand,
            phantom,
            pool_arcs,
            group_arcs,
            pool_prod: shape.pools.pools.iter().map(|p| p.prod).collect(),
            first_pool: pool(0),
            first_activity: activity(0),
            layer: vec![0; nodes],
            next: vec![0; nodes],
        }
    }

    /// The hours on arc `e` (a forward arc): what its reverse could give back.
    fn flow(&self, e: usize) -> f64 {
        self.res[e ^ 1]
    }

    /// The least-cost flow delivering `demand[a]` effective hours to each activity.
    pub fn evaluate(&mut self, demand: &[f64]) -> Flowed {
        for e in 0..self.cap.len() {
            self.res[e] = self.cap[e];
        }
        // Sources open level by level of cost: all closed first.
        for s in &self.supplies {
            self.res[s.arc] = 0.0;
        }
        let mut wanted = 0.0;
        for (a, arc) in self.demand.iter().enumerate() {
            if let Some(e) = *arc {
                self.res[e] = demand[a].max(0.0);
                wanted += demand[a].max(0.0);
            }
        }
        let mut sent = 0.0;
        let mut i = 0;
        while i < self.supplies.len() && sent < wanted - EPS * (1.0 + wanted) {
            let cost = self.supplies[i].cost;
            while i < self.supplies.len() && self.supplies[i].cost == cost {
                self.res[self.supplies[i].arc] = self.supplies[i].cap;
                i += 1;
            }
            sent += self.max_flow();
        }
        // The sources left closed carry nothing and stay open to the potentials below.
        for s in &self.supplies[i..] {
            self.res[s.arc] = s.cap;
        }
        let cost = self.cost();
        let phantom: f64 = self.phantom.iter().flatten().map(|&e| self.flow(e)).sum();
        let potential = self.potentials();
        let slopes: Vec<f64> = self.demand.iter().map(|arc| arc.map_or(0.0, |e| potential[self.to[e ^ 1]])).collect();
        let bound = Bound { value: self.dual_value(&potential, demand, &slopes), slopes };
        Flowed { cost, bound, phantom }
    }

    /// What the last flow costs.
    pub fn cost(&self) -> f64 {
        self.supplies.iter().filter(|s| s.cost > 0.0).map(|s| s.cost * self.flow(s.arc)).sum()
    }

    /// Augments the flow from the source to the sink until no path is left (Dinic); the flow sent.
    fn max_flow(&mut self) -> f64 {
        let (to, first, arcs) = (&self.to, &self.first, &self.arcs);
        let (res, layer, next) = (&mut self.res, &mut self.layer, &mut self.next);
        dinic::Dinic { to, first, arcs, res, layer, next }.max_flow(SOURCE, SINK)
    }

    /// Each node's potential: the cost of the cheapest open source arc from which the residual
    /// network reaches it (every other arc is free). Nodes reached from none carry nothing and get
    /// the highest cost, which keeps every arc's reduced cost right.
    fn potentials(&self) -> Vec<f64> {
        let nodes = self.layer.len();
        let mut potential = vec![f64::NAN; nodes];
        potential[SOURCE] = 0.0;
        let mut stack = Vec::new();
        for s in &self.supplies {
            let head = self.to[s.arc];
            if self.res[s.arc] <= EPS || !potential[head].is_nan() {
                continue;
            }
            potential[head] = s.cost;
            stack.push(head);
            while let Some(v) = stack.pop() {
                for &e in &self.arcs[self.first[v]..self.first[v + 1]] {
                    let w = self.to[e];
                    if w != SINK && self.res[e] > EPS && potential[w].is_nan() {
                        potential[w] = s.cost;
                        stack.push(w);
                    }
                }
            }
        }
        let highest = self.supplies.last().map_or(0.0, |s| s.cost);
        potential.iter().map(|&d| if d.is_nan() { highest } else { d }).collect()
    }

    /// The dual value of `potential` at `demand`: the hours asked at their slopes, less what each
    /// capacity costs at those potentials. A lower bound on the month's cost for any potentials
    /// whose unbounded arcs price nothing; minus infinity if one does.
    fn dual_value(&self, potential: &[f64], demand: &[f64], slopes: &[f64]) -> f64 {
        let mut value: f64 = demand.iter().zip(slopes).map(|(d, s)| d.max(0.0) * s).sum();
        for e in (0..self.cap.len()).step_by(2) {
            let (tail, head) = (self.to[e ^ 1], self.to[e]);
            if head == SINK {
                continue;
            }
            let reduced = potential[head] - potential[tail] - self.price[e];
            if reduced <= 0.0 {
                continue;
            }
            if self.cap[e].is_infinite() {
                return f64::NEG_INFINITY;
            }
            value -= self.cap[e] * reduced;
        }
        value
    }
}

/// Where the month's programme keeps its values (`solve::groups_of_period`, then `months.rs`'s
/// delivery columns), to write a flow's.
pub(super) struct Layout<'a> {
    pub columns: &'a crate::solve::Columns,
    pub delivery: &'a [Option<(usize, usize)>],
    pub count: usize,
    pub t: usize,
}

/// Activities the agents fall short on, and the most they can deliver to them together:
/// `Σ_{a ∈ activities} E[a] <= most` for every `E` agents can deliver.
#[derive(Clone)]
pub(super) struct Short {
    pub activities: Vec<usize>,
    pub most: f64,
}

impl Network {
    /// When the last flow needed the phantom, the side of a minimum cut that the agents cannot
    /// fill: the nodes the residual network does not reach from the source without the phantom.
    /// Every hour into its activities crosses the cut's arcs into it, so their capacities bound
    /// those activities' hours for any `E`, whatever the flow's rounding; at the hours asked the
    /// bound is broken by the phantom's hours. None when the cut is unbounded or holds no activity.
    pub fn short(&self) -> Option<Short> {
        // The phantom's arcs are the source's arcs to activities.
        let phantom = |e: usize| self.to[e ^ 1] == SOURCE && self.to[e] >= self.first_activity;
        let mut reached = vec![false; self.layer.len()];
        reached[SOURCE] = true;
        let mut stack = vec![SOURCE];
        while let Some(v) = stack.pop() {
            for &e in &self.arcs[self.first[v]..self.first[v + 1]] {
                let w = self.to[e];
                if w != SINK && !reached[w] && self.res[e] > EPS && !phantom(e) {
                    reached[w] = true;
                    stack.push(w);
                }
            }
        }
        let mut most = 0.0;
        // Forward arcs are the even ones; arcs into the sink carry the hours asked.
        for e in (0..self.cap.len()).step_by(2) {
            let (from, to) = (self.to[e ^ 1], self.to[e]);
            if reached[from] && !reached[to] && to != SINK && !phantom(e) {
                most += self.cap[e];
            }
        }
        let activities: Vec<usize> =
            (0..self.demand.len()).filter(|&a| self.demand[a].is_some() && !reached[self.first_activity + a]).collect();
        (most.is_finite() && !activities.is_empty()).then_some(Short { activities, most })
    }

    /// The hours the last flow's phantom delivered to activity `a`.
    #[cfg(test)]
    pub fn phantom_on(&self, a: usize) -> f64 {
        self.phantom[a].map_or(0.0, |e| self.flow(e))
    }

    /// Agents' own hours on activity `a`: each pool's effective hours over its productivity.
    pub fn raw_hours(&self, a: usize) -> f64 {
        let mut hours = 0.0;
        for (k, arcs) in self.pool_arcs.iter().enumerate() {
            hours += arcs.iter().filter(|&&(b, _)| b == a).map(|&(_, e)| self.flow(e)).sum::<f64>() / self.pool_prod[k];
        }
        hours
    }

    /// The last flow as values of the month's programme: hours of agents, effective hours for a
    /// class's split and the delivery, no presence shortfall.
    pub fn values(&self, layout: &Layout, demand: &[f64]) -> Vec<f64> {
        let Layout { columns, delivery, count, t } = *layout;
        let mut values = vec![0.0; count];
        let (classes, cols) = (&columns.classes[0], &columns.agents[0]);
        for (k, arcs) in self.pool_arcs.iter().enumerate() {
            for (c, class) in classes.iter().enumerate() {
                let Some(&col) = cols.x.get(&(k, c)) else { continue };
                let effective: f64 = arcs.iter().filter(|(a, _)| class.contains(a)).map(|&(_, e)| self.flow(e)).sum();
                values[col] = effective / self.pool_prod[k];
            }
            for &(a, e) in arcs {
                if let Some(&col) = cols.w.get(&a) {
                    values[col] += self.flow(e);
                }
            }
        }
        for (g, arcs) in self.group_arcs.iter().enumerate() {
            let prod = columns.groups[0][g].prod;
            for &(outside, e) in arcs {
                if let Some(&col) = cols.contribution.get(&(g, outside)) {
                    values[col] = self.flow(e) / prod;
                }
            }
            if let (Some(e), Some(&col)) = (self.overtime[g], columns.ot.get(&(g, t))) {
                values[col] = self.flow(e) / prod;
            }
        }
        for (a, d) in delivery.iter().enumerate() {
            if let (Some((e, r)), Some(arc)) = (d, self.phantom[a]) {
                values[*e] = demand[a].max(0.0);
                values[*r] = self.flow(arc);
            }
        }
        values
    }
}
