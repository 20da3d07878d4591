//! The months' programmes of the decomposition (see `mod.rs`), each owned by a worker thread: a
//! month is a flow (`flow.rs`) while its minimum presence does not bind, else a HiGHS model that
//! stays on the thread that made it; the months of a round are solved side by side. Each month is
//! solved by one thread, always the same way, so the plan does not depend on how many threads
//! there are.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Instant;

use good_lp::SolverModel;
use good_lp::solvers::highs::highs;
use highs::HighsModelStatus;

use super::Shares;
use super::flow::{Bound, Flowed, Layout, Network, Shape, Short};
use crate::groups::Group;
use crate::solve::{Builder, Columns, SolveError, configure};
use crate::validate::Prepared;

/// One month's agents: its network, and the grouped model of the month with `E` fixed by two
/// bounds of a column per activity, made for HiGHS the first time the flow misses the presence.
pub(super) struct Sub {
    t: usize,
    network: Network,
    /// The activities with a minimum presence, and the agents' hours it asks.
    presence: Vec<(usize, f64)>,
    model: Option<highs::Model>,
    count: usize,
    rows: usize,
    delivery: Delivery,
    columns: Columns,
    /// Whether HiGHS has solved it once (it then has a basis of its own).
    solved: bool,
    /// Agents' columns HiGHS keeps at zero for now (`by_highs`).
    parked: Vec<Parked>,
    /// The hours it was last solved at, and what it gave, when that was exact.
    last: Option<(Vec<f64>, Evaluated)>,
    /// Whether to log HiGHS's solves (`GPEC_BENDERS_LOG`).
    log: bool,
    shares: Shares,
}

/// A column kept at zero, and the upper bound it gets back.
type Parked = (usize, f64);

/// A month at one `E`: its least cost, its cut, its values (when asked for: only a plan with
/// integer heads can be kept), the hours the phantom delivered, and whether HiGHS solved it (the
/// flow missed the presence). When not `exact`, only the cut is known: that of the month without
/// its presence rows, a lower bound, and `cost` is infinite.
#[derive(Clone)]
pub(super) struct Evaluated {
    pub cost: f64,
    pub bound: Bound,
    pub by_highs: bool,
    pub exact: bool,
    pub values: Vec<f64>,
    pub phantom: f64,
    /// When the phantom delivered hours: activities the agents cannot fill (`Network::short`).
    pub short: Option<Short>,
}

/// Above what an effective hour of `a` in `t` saves in the master (see the module's comment).
fn phantom_price(p: &Prepared, a: usize, t: usize) -> f64 {
    let s = p.scenario;
    let per_item = s.activities[a].priority * (s.penalties.over_normal_per_item + s.penalties.over_critical_per_item);
    1.01 * p.rate(a, t) * per_item * (p.periods() - t) as f64 + 1.0
}

/// The month's programme, the grouped model of `solve.rs` for month `t` with each activity's
/// effective hours `E` a column (fixed by its bounds) and a phantom column, and which activities
/// the agents reach; with `layout_only`, its columns alone (`Builder::layout_only`).
fn programme(p: &Prepared, t: usize, groups: Vec<Group>, layout_only: bool) -> (Builder, Delivery, Vec<bool>) {
    let na = p.scenario.activities.len();
    let mut b = Builder::new(p);
    b.layout_only = layout_only;
    crate::solve::groups_of_period(&mut b, p, t, groups);
    for a in 0..na {
        crate::solve::presence_row(&mut b, p, a, t);
    }
    let reachable: Vec<bool> = (0..na).map(|a| b.columns.groups[0].iter().any(|g| g.activities.contains(&a))).collect();
    let mut delivery = vec![None; na];
    for a in (0..na).filter(|&a| reachable[a]) {
        let (e, e_col) = b.add(0.0, Some(0.0), false);
        let (r, r_col) = b.add(0.0, None, false);
        delivery[a] = Some((e_col, r_col));
        if layout_only {
            b.rows_left_out += 1;
            continue;
        }
        b.objective.add_mul(phantom_price(p, a, t), r);
        let mut delivered = b.work[a][t].clone();
        delivered.add_mul(1.0, r);
        delivered.add_mul(-1.0, e);
        b.rows.push(delivered.eq(0.0));
    }
    (b, delivery, reachable)
}

/// Per activity the agents can reach: the local columns of `e[a]` and of the phantom.
type Delivery = Vec<Option<(usize, usize)>>;

impl Sub {
    fn build(p: &Prepared, t: usize, groups: Vec<Group>) -> Self {
        let s = p.scenario;
        let (na, shares) = (s.activities.len(), Shares::of(p));
        // The programme itself is made the first time HiGHS is asked for it: most months never are.
        let (b, delivery, reachable) = programme(p, t, groups, true);
        let network = Network::new(&Shape {
            groups: &b.columns.groups[0],
            pools: &b.columns.flows[0],
            activities: na,
            reachable: &reachable,
            overtime: s.pools.overtime.as_ref().map(|o| (shares.overtime, o.cost_per_hour)),
            mobility: shares.mobility,
            phantom_price: &|a| phantom_price(p, a, t),
        });
        let presence = (0..na)
            .filter(|&a| s.activities[a].min_fte > 0.0)
            .map(|a| (a, s.activities[a].min_fte * s.hours_per_fte))
            .collect();
        Self {
            t,
            network,
            presence,
            model: None,
            count: b.vars.count,
            rows: b.rows_left_out,
            delivery,
            columns: b.columns,
            solved: false,
            parked: Vec::new(),
            last: None,
            log: std::env::var_os("GPEC_BENDERS_LOG").is_some(),
            shares,
        }
    }

    /// The month at `demand` by its flow, when that is its programme's optimum: the flow meets the
    /// minimum presence, and its dual value matches its cost. Otherwise the flow, whose bound is
    /// still a valid cut: the presence rows only add cost.
    fn by_flow(&mut self, demand: &[f64], keep: bool) -> Result<Evaluated, Flowed> {
        let flowed = self.network.evaluate(demand);
        for (j, &(a, need)) in self.presence.iter().enumerate() {
            // After HiGHS solved the month last round, its basis is quicker than the moves.
            if self.network.raw_hours(a) < need && !self.by_highs_last() {
                let keep: Vec<(usize, f64)> =
                    self.presence.iter().enumerate().filter(|&(i, _)| i != j).map(|(_, &p)| p).collect();
                self.network.favour_presence(a, need, &keep);
            }
        }
        let met = self.presence.iter().all(|&(a, need)| self.network.raw_hours(a) >= need * (1.0 - 1e-12));
        let tight = flowed.cost - flowed.bound.value <= 1e-9 * flowed.cost.abs().max(1.0) + 1e-7;
        if !(met && tight) {
            return Err(flowed);
        }
        let values = if keep { self.network.values(&self.layout(), demand) } else { Vec::new() };
        Ok(Evaluated {
            cost: flowed.cost,
            bound: flowed.bound,
            by_highs: false,
            exact: true,
            values,
            phantom: flowed.phantom,
            short: None,
        })
    }

    /// Whether HiGHS solved it last round (an answer not exact is kept as none).
    fn by_highs_last(&self) -> bool {
        self.last.as_ref().is_some_and(|(_, last)| last.by_highs)
    }

    /// Where the month's programme keeps its columns, for the flow's values.
    fn layout(&self) -> Layout<'_> {
        Layout { columns: &self.columns, delivery: &self.delivery, count: self.count, t: self.t }
    }

    /// The month's programme for HiGHS, made the first time it is asked for.
    fn model(&mut self, p: &Prepared) -> Result<(), SolveError> {
        if self.model.is_none() {
            let (b, _, _) = programme(p, self.t, self.columns.groups[0].clone(), false);
            // The same columns as the layout the flow's values were given in, and the rows counted.
            if (b.vars.count, b.rows.len()) != (self.count, self.rows) {
                let t = self.t;
                return Err(SolveError::Solver(format!("month {t}'s programme does not match its layout")));
            }
            let mut problem = b.vars.problem.minimise(b.objective).using(highs);
            for row in b.rows {
                problem.add_constraint(row);
            }
            let mut model = problem.try_into_inner().map_err(|e| SolveError::Solver(e.to_string()))?;
            configure(&mut model, 1.0);
            // For the first solve, from nothing or from another month's basis, the primal simplex
            // takes about half the dual's time (docs/benchmarks.md); from the month's own last
            // basis after `E` moved, the dual is the one.
            model.set_option("simplex_strategy", 4);
            self.model = Some(model);
        }
        Ok(())
    }

    /// Its last basis, when it has one: HiGHS's status of each column and row.
    fn basis(&mut self) -> Option<(Vec<i32>, Vec<i32>)> {
        let model = self.model.as_mut()?;
        let ptr = model.as_mut_ptr();
        // SAFETY: `ptr` is the live HiGHS instance of `model`; the vectors hold one status per
        // column and per row, as HiGHS writes them.
        unsafe {
            let (cols, rows) = (highs_sys::Highs_getNumCol(ptr), highs_sys::Highs_getNumRow(ptr));
            let (mut col_status, mut row_status) = (vec![0; cols as usize], vec![0; rows as usize]);
            (highs_sys::Highs_getBasis(ptr, col_status.as_mut_ptr(), row_status.as_mut_ptr()) >= 0)
                .then_some((col_status, row_status))
        }
    }

    /// Starts from another month's basis: the months have the same columns and rows (their
    /// groups are the same keys), only bounds and costs differ, so it is a valid basis here.
    fn start_from(&mut self, basis: &(Vec<i32>, Vec<i32>)) {
        let Some(model) = self.model.as_mut() else { return };
        let ptr = model.as_mut_ptr();
        // SAFETY: `ptr` is the live HiGHS instance of `model`; the sizes are checked first.
        unsafe {
            let (cols, rows) = (highs_sys::Highs_getNumCol(ptr), highs_sys::Highs_getNumRow(ptr));
            if basis.0.len() == cols as usize && basis.1.len() == rows as usize {
                highs_sys::Highs_setBasis(ptr, basis.0.as_ptr(), basis.1.as_ptr());
            }
        }
    }

    /// The month at `demand` by HiGHS, from its last basis, or from `start` the first time. The
    /// first time, the agents' columns the flow left at zero are parked at zero (HiGHS's presolve
    /// drops them), and each solve gives back those whose reduced cost is negative, until none
    /// is: the optimum and duals of the whole programme, from a much smaller one.
    fn by_highs(
        &mut self,
        p: &Prepared,
        demand: &[f64],
        start: Option<&(Vec<i32>, Vec<i32>)>,
        (deadline, keep): (Instant, bool),
    ) -> Result<Evaluated, SolveError> {
        self.model(p)?;
        if !self.solved {
            self.park(demand);
        }
        if let Some(basis) = start.filter(|_| !self.solved && self.parked.is_empty()) {
            self.start_from(basis);
        }
        let mut model = self.model.take().expect("a month's model is put back after each solve");
        let fixed = self.delivery.iter().zip(demand).filter_map(|(d, &v)| d.map(|(e, _)| (e, v.max(0.0), v.max(0.0))));
        super::set_bounds(&mut model, fixed)?;
        if !self.solved {
            // Parked once: the bounds stay in the model until a column is given back.
            super::set_bounds(&mut model, self.parked.iter().map(|&(k, _)| (k, 0.0, 0.0)))?;
        }
        let mut solves = 0;
        let solved = loop {
            solves += 1;
            let solving = Instant::now();
            super::set_time_left(&mut model, deadline.saturating_duration_since(Instant::now()).as_secs_f64());
            let solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
            match solved.status() {
                HighsModelStatus::Optimal => {}
                HighsModelStatus::ReachedTimeLimit => return Err(SolveError::NoPlanInTime),
                other => return Err(SolveError::Solver(format!("a month's agents: {other:?}"))),
            }
            let reduced = solved.get_solution().dual_columns().to_vec();
            let (back, still): (Vec<Parked>, Vec<Parked>) = self.parked.iter().partition(|&&(k, _)| reduced[k] < -1e-9);
            if self.log {
                let ms = solving.elapsed().as_secs_f64() * 1000.0;
                eprintln!(
                    "  month {} by HiGHS, solve {solves}: {ms:.1} ms, {} parked, {} back",
                    self.t,
                    self.parked.len(),
                    back.len()
                );
            }
            if back.is_empty() {
                break solved;
            }
            self.parked = still;
            model = solved.into();
            // Columns given back leave the basis primal feasible, not dual: the primal simplex.
            model.set_option("simplex_strategy", 4);
            super::set_bounds(&mut model, back.into_iter().map(|(k, upper)| (k, 0.0, upper)))?;
        };
        let solution = solved.get_solution();
        let (columns, duals) = (solution.columns(), solution.dual_columns());
        let mut slopes = vec![0.0; demand.len()];
        let mut phantom = 0.0;
        for (a, d) in self.delivery.iter().enumerate() {
            if let Some((e, r)) = d {
                slopes[a] = duals[*e];
                phantom += columns[*r];
            }
        }
        let cost = solved.objective_value();
        let values = if keep { columns.to_vec() } else { Vec::new() };
        let bound = Bound { value: cost, slopes };
        let evaluated = Evaluated { cost, bound, by_highs: true, exact: true, values, phantom, short: None };
        let mut model: highs::Model = solved.into();
        model.set_option("simplex_strategy", 1);
        self.model = Some(model);
        self.solved = true;
        Ok(evaluated)
    }

    /// Parks the agents' columns the last flow left at zero, each with the upper bound it gets
    /// back: overtime's share of the group's capacity, the mobility share for hours outside home.
    fn park(&mut self, demand: &[f64]) {
        let values = self.network.values(&self.layout(), demand);
        let (c, t) = (&self.columns, self.t);
        let groups = &c.groups[0];
        let cols = &c.agents[0];
        let mut upper: Vec<Parked> = Vec::new();
        upper.extend(cols.x.values().chain(cols.w.values()).map(|&k| (k, f64::INFINITY)));
        for (&(g, outside), &k) in &cols.contribution {
            upper.push((k, if outside { self.shares.mobility * groups[g].cap } else { f64::INFINITY }));
        }
        for (g, group) in groups.iter().enumerate() {
            if let Some(&k) = c.ot.get(&(g, t)) {
                upper.push((k, self.shares.overtime * group.cap));
            }
        }
        upper.sort_by_key(|&(k, _)| k);
        self.parked = upper.into_iter().filter(|&(k, _)| values[k] == 0.0).collect();
    }
}

/// A month's programme: its columns, rows and groups of agents.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Size {
    pub columns: usize,
    pub rows: usize,
    pub groups: usize,
}

/// What a round asks of a month: the hours `E`, and in the relaxation's rounds the value above
/// which its cut makes progress (the master's `θ_t` and a tolerance). Early rounds move `E` far,
/// where HiGHS re-solves slowly: a month whose flow misses the presence but whose cut without it
/// already lies above that value gives that cut instead of its exact cost.
pub(super) struct Ask {
    pub hours: Vec<f64>,
    pub cut_above: Option<f64>,
}

/// A round's request to a worker: what it asks of each of its months, the deadline, and whether
/// to give the values back.
type Round = (Vec<Ask>, Instant, bool);

/// What the master's thread holds of the months: a channel to each worker, and what each month
/// is (its columns' count and rows, its groups).
pub(super) struct Months<'scope> {
    requests: Vec<Sender<Round>>,
    replies: Vec<Receiver<Result<Vec<Evaluated>, SolveError>>>,
    workers: Vec<ScopedJoinHandle<'scope, Vec<Columns>>>,
    pub sizes: Vec<Size>,
}

/// Months form chains, `t` and `t + CHAINS` in the same one: a month's first solve starts from
/// the basis of the month before it in its chain. The chains are fixed, not the workers' count,
/// so a month's programme is solved the same way on any number of threads.
pub(super) const CHAINS: usize = 2;

/// The months of worker `w` of `workers`, in order: those of the chains `c` with
/// `c % workers == w`.
fn mine(nt: usize, workers: usize, w: usize) -> Vec<usize> {
    (0..nt).filter(|t| (t % CHAINS) % workers == w).collect()
}

impl<'scope> Months<'scope> {
    /// Builds every month, from its groups, on `workers` threads.
    pub fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        p: &'env Prepared<'env>,
        groups: Vec<Vec<Group>>,
        workers: usize,
    ) -> Result<Self, SolveError> {
        let nt = p.periods();
        let workers = workers.clamp(1, CHAINS.min(nt).max(1));
        let mut months =
            Months { requests: Vec::new(), replies: Vec::new(), workers: Vec::new(), sizes: vec![Size::default(); nt] };
        let mut built = Vec::new();
        let mut groups: Vec<Option<Vec<Group>>> = groups.into_iter().map(Some).collect();
        for w in 0..workers {
            let theirs: Vec<(usize, Vec<Group>)> =
                mine(nt, workers, w).into_iter().map(|t| (t, groups[t].take().unwrap_or_default())).collect();
            let (request, requests) = channel::<Round>();
            let (reply, replies) = channel();
            let (sizes, sized) = channel();
            months.workers.push(scope.spawn(move || work(p, theirs, sizes, requests, reply)));
            months.requests.push(request);
            months.replies.push(replies);
            built.push(sized);
        }
        for (w, sized) in built.into_iter().enumerate() {
            let sizes: Vec<Size> = sized.recv().map_err(|_| SolveError::Solver("a month's worker stopped".into()))?;
            for (t, size) in mine(nt, workers, w).into_iter().zip(sizes) {
                months.sizes[t] = size;
            }
        }
        Ok(months)
    }

    /// Every month at what `asks[t]` asks, by `deadline`, in the order of the months; with their
    /// values when `keep`.
    pub fn evaluate(&self, asks: Vec<Ask>, deadline: Instant, keep: bool) -> Result<Vec<Evaluated>, SolveError> {
        let (nt, workers) = (asks.len(), self.requests.len());
        let stopped = || SolveError::Solver("a month's worker stopped".into());
        // Each worker's months in order, as `mine` lists them.
        let mut asked: Vec<Vec<Ask>> = (0..workers).map(|_| Vec::new()).collect();
        for (t, ask) in asks.into_iter().enumerate() {
            asked[(t % CHAINS) % workers].push(ask);
        }
        for (request, asked) in self.requests.iter().zip(asked) {
            request.send((asked, deadline, keep)).map_err(|_| stopped())?;
        }
        let mut out: Vec<Option<Evaluated>> = (0..nt).map(|_| None).collect();
        for (w, replies) in self.replies.iter().enumerate() {
            let answers = replies.recv().map_err(|_| stopped())??;
            for (t, answer) in mine(nt, workers, w).into_iter().zip(answers) {
                out[t] = Some(answer);
            }
        }
        Ok(out.into_iter().map(|m| m.expect("every month is some worker's")).collect())
    }

    /// Stops the workers and gives each month's columns back, in the order of the months.
    pub fn finish(self) -> Vec<Columns> {
        let Months { requests, workers, .. } = self;
        drop(requests);
        let count = workers.len();
        let mut by_worker: Vec<std::vec::IntoIter<Columns>> =
            workers.into_iter().map(|h| h.join().expect("a month's worker panicked").into_iter()).collect();
        let nt: usize = by_worker.iter().map(|w| w.len()).sum();
        (0..nt).map(|t| by_worker[(t % CHAINS) % count].next().expect("each worker has its months")).collect()
    }
}

/// Month `subs[j]` (month `months[j]`) at what `ask` asks: its last answer if the hours are the
/// same (the master often leaves a month as it was), else its flow when exact, else the flow's cut
/// when that is all the round needs, else HiGHS.
fn answer(
    p: &Prepared,
    subs: &mut [Sub],
    months: &[usize],
    j: usize,
    Ask { hours, cut_above }: Ask,
    (deadline, keep): (Instant, bool),
) -> Result<Evaluated, SolveError> {
    if let Some((_, last)) = subs[j].last.as_ref().filter(|(at, e)| *at == hours && (!keep || !e.values.is_empty())) {
        return Ok(last.clone());
    }
    let answer = match subs[j].by_flow(&hours, keep) {
        Ok(evaluated) => Ok(evaluated),
        Err(Flowed { bound, phantom, .. }) if cut_above.is_some_and(|above| bound.value > above) => {
            let cost = f64::INFINITY;
            Ok(Evaluated { cost, bound, by_highs: false, exact: false, values: Vec::new(), phantom, short: None })
        }
        Err(_) => {
            // A month HiGHS solves for the first time starts from the basis of the one before it
            // in its chain, when HiGHS has solved that one.
            let before = (0..j).rev().find(|&i| months[i] + CHAINS == months[j]);
            let basis = before.filter(|_| !subs[j].solved).and_then(|i| subs[i].basis());
            subs[j].by_highs(p, &hours, basis.as_ref(), (deadline, keep))
        }
    };
    let sub = &mut subs[j];
    // The flow at these hours is still the network's: it tells what the agents cannot fill.
    let answer = answer.map(|a| Evaluated { short: (a.phantom > 1e-6).then(|| sub.network.short()).flatten(), ..a });
    sub.last = answer.as_ref().ok().filter(|a| a.exact).map(|a| (hours, a.clone()));
    answer
}

/// A worker: builds its months, says their sizes, then evaluates them until the master's thread
/// hangs up, and gives their columns back.
fn work(
    p: &Prepared,
    months: Vec<(usize, Vec<Group>)>,
    sizes: Sender<Vec<Size>>,
    requests: Receiver<Round>,
    replies: Sender<Result<Vec<Evaluated>, SolveError>>,
) -> Vec<Columns> {
    let (months, groups): (Vec<usize>, Vec<Vec<Group>>) = months.into_iter().unzip();
    let mut subs: Vec<Sub> = months.iter().zip(groups).map(|(&t, groups)| Sub::build(p, t, groups)).collect();
    let _ = sizes.send(
        subs.iter().map(|s| Size { columns: s.count, rows: s.rows, groups: s.columns.groups[0].len() }).collect(),
    );
    while let Ok((asks, deadline, keep)) = requests.recv() {
        let mut answers = Vec::with_capacity(subs.len());
        for (j, ask) in asks.into_iter().enumerate() {
            let answer = answer(p, &mut subs, &months, j, ask, (deadline, keep));
            let failed = answer.is_err();
            answers.push(answer);
            // The round is lost with one month: the others need not run to the deadline.
            if failed {
                break;
            }
        }
        let answers = answers.into_iter().collect();
        if replies.send(answers).is_err() {
            break;
        }
    }
    subs.into_iter().map(|s| s.columns).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Levels, Shape as Generated, generate};

    /// Numbers in [0, 1), the same from the same seed (a linear congruential generator).
    fn uniform(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A month's flow against HiGHS on the same programme, at random hours asked: wherever the
    /// flow answers, the same cost; and each flow's cut stays under HiGHS's cost at every other
    /// demand (a valid cut), meeting it at its own.
    #[test]
    fn a_month_s_flow_has_the_programme_s_cost_and_a_valid_cut() {
        let mut by_flow = 0;
        for (seed, levels, presence) in [(3, Levels::Jobs, true), (4, Levels::Uniform, false), (8, Levels::Jobs, false)]
        {
            let mut s = generate(&Generated { agents: 90, activities: 8, months: 4, seed, levels, v2: true });
            if !presence {
                s.activities.iter_mut().for_each(|a| a.min_fte = 0.0);
            }
            let p = crate::validate(&s).unwrap();
            let deadline = Instant::now() + std::time::Duration::from_secs(60);
            for (t, groups) in crate::groups::groups_every_period(&p).into_iter().enumerate() {
                let mut sub = Sub::build(&p, t, groups);
                let mut random = uniform(7 + t as u64);
                let demands: Vec<Vec<f64>> = (0..10)
                    .map(|_| sub.delivery.iter().map(|d| d.map_or(0.0, |_| 2500.0 * random())).collect())
                    .collect();
                let exact: Vec<f64> =
                    demands.iter().map(|d| sub.by_highs(&p, d, None, (deadline, false)).unwrap().cost).collect();
                for (i, demand) in demands.iter().enumerate() {
                    let Ok(flowed) = sub.by_flow(demand, false) else { continue };
                    by_flow += 1;
                    let label = format!("seed {seed} month {t} demand {i}");
                    assert!(
                        (flowed.cost - exact[i]).abs() <= 1e-7 * exact[i].max(1.0),
                        "{label}: {} {}",
                        flowed.cost,
                        exact[i]
                    );
                    for (j, other) in demands.iter().enumerate() {
                        let cut = flowed.bound.value
                            + flowed
                                .bound
                                .slopes
                                .iter()
                                .zip(other.iter().zip(demand))
                                .map(|(b, (o, d))| b * (o - d))
                                .sum::<f64>();
                        assert!(
                            cut <= exact[j] + 1e-7 * exact[j].max(1.0),
                            "{label} at {j}: cut {cut} above {}",
                            exact[j]
                        );
                    }
                }
            }
        }
        assert!(by_flow >= 60, "the flow answered {by_flow} times");
    }

    /// Where the phantom delivers, `Network::short` names activities and a bound on their hours
    /// together that no hours the agents deliver break (each flow without its phantom is such a
    /// delivery) and that the hours asked break, by at most what the phantom delivered (it may
    /// deliver where an agent's overtime costs more).
    #[test]
    fn the_activities_agents_cannot_fill_bound_every_demand_they_deliver() {
        let (mut shorts, mut broken) = (0, 0);
        for (seed, levels) in [(3, Levels::Jobs), (4, Levels::Uniform)] {
            let s = generate(&Generated { agents: 90, activities: 8, months: 4, seed, levels, v2: true });
            let p = crate::validate(&s).unwrap();
            for (t, groups) in crate::groups::groups_every_period(&p).into_iter().enumerate() {
                let mut sub = Sub::build(&p, t, groups);
                let mut random = uniform(11 + t as u64);
                let (mut delivered, mut found) = (Vec::new(), Vec::new());
                for _ in 0..20 {
                    let demand: Vec<f64> = sub.delivery.iter().map(|d| d.map_or(0.0, |_| 6000.0 * random())).collect();
                    let flowed = sub.network.evaluate(&demand);
                    delivered
                        .push((0..demand.len()).map(|a| demand[a] - sub.network.phantom_on(a)).collect::<Vec<f64>>());
                    if let Some(short) = sub.network.short().filter(|_| flowed.phantom > 1e-6) {
                        let over: f64 = short.activities.iter().map(|&a| demand[a]).sum::<f64>() - short.most;
                        assert!(over <= flowed.phantom * (1.0 + 1e-9) + 1e-6, "month {t}: {over} {}", flowed.phantom);
                        broken += usize::from(over > 1e-6);
                        found.push(short);
                    }
                }
                for agents in &delivered {
                    for short in &found {
                        let filled: f64 = short.activities.iter().map(|&a| agents[a]).sum();
                        assert!(filled <= short.most * (1.0 + 1e-9) + 1e-6, "month {t}: {filled} > {}", short.most);
                    }
                }
                shorts += found.len();
            }
        }
        assert!(shorts >= 20 && broken >= shorts / 2, "{shorts} demands the agents fell short of, {broken} broken");
    }

    /// A flow that misses a minimum presence is often one of several of least cost: moving hours
    /// between pools meets it at the same cost, which is then HiGHS's.
    #[test]
    fn hours_moved_between_pools_meet_the_presence_at_the_same_cost() {
        let s = generate(&Generated { agents: 90, activities: 8, months: 4, seed: 3, levels: Levels::Jobs, v2: true });
        let p = crate::validate(&s).unwrap();
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        let (mut missed, mut met) = (0, 0);
        for (t, groups) in crate::groups::groups_every_period(&p).into_iter().enumerate() {
            let mut sub = Sub::build(&p, t, groups);
            for step in 0..40 {
                let demand: Vec<f64> =
                    sub.delivery.iter().map(|d| d.map_or(0.0, |_| 60.0 * ((step * 7 + t * 3) % 40) as f64)).collect();
                let cost = sub.network.evaluate(&demand).cost;
                let presence = sub.presence.clone();
                let Some(&(a, need)) = presence.iter().find(|&&(a, need)| sub.network.raw_hours(a) < need) else {
                    continue;
                };
                missed += 1;
                let keep: Vec<(usize, f64)> = presence.iter().copied().filter(|&(b, _)| b != a).collect();
                let kept: Vec<bool> =
                    keep.iter().map(|&(b, n)| sub.network.raw_hours(b) >= n * (1.0 - 1e-12)).collect();
                let before = sub.network.raw_hours(a);
                sub.network.favour_presence(a, need, &keep);
                // Moves cost nothing, never lose hours on `a`, nor take another presence below its need.
                assert!((sub.network.cost() - cost).abs() <= 1e-9 * cost.max(1.0), "the cost moved");
                assert!(sub.network.raw_hours(a) >= before * (1.0 - 1e-12), "month {t} step {step}: hours lost");
                for (&(b, n), kept) in keep.iter().zip(kept) {
                    assert!(!kept || sub.network.raw_hours(b) >= n * (1.0 - 1e-9), "month {t} step {step}: {b} below");
                }
                let others_met = presence.iter().all(|&(b, n)| b == a || sub.network.raw_hours(b) >= n * (1.0 - 1e-12));
                if sub.network.raw_hours(a) >= need * (1.0 - 1e-12) && others_met {
                    met += 1;
                    let exact = sub.by_highs(&p, &demand, None, (deadline, false)).unwrap().cost;
                    assert!((cost - exact).abs() <= 1e-7 * exact.max(1.0), "month {t} step {step}: {cost} {exact}");
                }
            }
        }
        assert!(met >= 3 && missed > met, "met {met} of {missed}");
    }
}
