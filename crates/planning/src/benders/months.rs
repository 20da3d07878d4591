//! The months' programmes of the decomposition (see `mod.rs`), each owned by a worker thread: a
//! HiGHS model stays on the thread that made it, and the months of a round are solved side by
//! side. Each month is solved by one thread, always the same way, so the plan does not depend on
//! how many threads there are.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Instant;

use good_lp::SolverModel;
use good_lp::solvers::highs::highs;
use highs::HighsModelStatus;

use crate::groups::Group;
use crate::solve::{Builder, Columns, SolveError, configure};
use crate::validate::Prepared;

/// One month's agents, `E` fixed by two bounds of a column per activity.
pub(super) struct Sub {
    model: Option<highs::Model>,
    count: usize,
    rows: usize,
    /// Per activity the agents can reach: the local columns of `e[a]` and of the phantom.
    delivery: Vec<Option<(usize, usize)>>,
    columns: Columns,
    /// Whether HiGHS has solved it once (it then has a basis of its own).
    solved: bool,
}

/// A month at one `E`: its least cost, the cost's slope in each `E[a]`, its values, and the hours
/// the phantom delivered.
pub(super) struct Evaluated {
    pub cost: f64,
    pub slopes: Vec<f64>,
    pub values: Vec<f64>,
    pub phantom: f64,
}

/// Above what an effective hour of `a` in `t` saves in the master (see the module's comment).
fn phantom_price(p: &Prepared, a: usize, t: usize) -> f64 {
    let s = p.scenario;
    let per_item = s.activities[a].priority * (s.penalties.over_normal_per_item + s.penalties.over_critical_per_item);
    1.01 * p.rate(a, t) * per_item * (p.periods() - t) as f64 + 1.0
}

impl Sub {
    fn build(p: &Prepared, t: usize, groups: Vec<Group>) -> Result<Self, SolveError> {
        let na = p.scenario.activities.len();
        let mut b = Builder::new(p);
        crate::solve::groups_of_period(&mut b, p, t, groups);
        for a in 0..na {
            crate::solve::presence_row(&mut b, p, a, t);
        }
        let reachable: Vec<bool> =
            (0..na).map(|a| b.columns.groups[0].iter().any(|g| g.activities.contains(&a))).collect();
        let mut delivery = vec![None; na];
        for a in (0..na).filter(|&a| reachable[a]) {
            let (e, e_col) = b.add(0.0, Some(0.0), false);
            let (r, r_col) = b.add(0.0, None, false);
            b.objective.add_mul(phantom_price(p, a, t), r);
            let mut delivered = b.work[a][t].clone();
            delivered.add_mul(1.0, r);
            delivered.add_mul(-1.0, e);
            b.rows.push(delivered.eq(0.0));
            delivery[a] = Some((e_col, r_col));
        }
        let count = b.vars.count;
        let rows = b.rows.len();
        let mut problem = b.vars.problem.minimise(b.objective).using(highs);
        for row in b.rows {
            problem.add_constraint(row);
        }
        let mut model = problem.try_into_inner().map_err(|e| SolveError::Solver(e.to_string()))?;
        configure(&mut model, 1.0);
        // For the first solve, from nothing or from another month's basis, the primal simplex
        // takes about half the dual's time (docs/benchmarks.md); from the month's own last basis
        // after `E` moved, the dual is the one.
        model.set_option("simplex_strategy", 4);
        Ok(Self { model: Some(model), count, rows, delivery, columns: b.columns, solved: false })
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

    fn evaluate(&mut self, demand: &[f64], deadline: Instant) -> Result<Evaluated, SolveError> {
        let mut model = self.model.take().expect("a month's model is put back after each solve");
        let fixed = self.delivery.iter().zip(demand).filter_map(|(d, &v)| d.map(|(e, _)| (e, v.max(0.0), v.max(0.0))));
        super::set_bounds(&mut model, fixed)?;
        super::set_time_left(&mut model, deadline.saturating_duration_since(Instant::now()).as_secs_f64());
        let solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        match solved.status() {
            HighsModelStatus::Optimal => {}
            HighsModelStatus::ReachedTimeLimit => return Err(SolveError::NoPlanInTime),
            other => return Err(SolveError::Solver(format!("a month's agents: {other:?}"))),
        }
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
        let evaluated = Evaluated { cost: solved.objective_value(), slopes, values: columns.to_vec(), phantom };
        let mut model: highs::Model = solved.into();
        model.set_option("simplex_strategy", 1);
        self.model = Some(model);
        self.solved = true;
        Ok(evaluated)
    }
}

/// A month's programme: its columns, rows and groups of agents.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Size {
    pub columns: usize,
    pub rows: usize,
    pub groups: usize,
}

/// What the master's thread holds of the months: a channel to each worker, and what each month
/// is (its columns' count and rows, its groups).
pub(super) struct Months<'scope> {
    requests: Vec<Sender<(Vec<Vec<f64>>, Instant)>>,
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
            let (request, requests) = channel::<(Vec<Vec<f64>>, Instant)>();
            let (reply, replies) = channel();
            let (sizes, sized) = channel();
            months.workers.push(scope.spawn(move || work(p, theirs, sizes, requests, reply)));
            months.requests.push(request);
            months.replies.push(replies);
            built.push(sized);
        }
        for (w, sized) in built.into_iter().enumerate() {
            let sizes: Result<Vec<Size>, SolveError> =
                sized.recv().map_err(|_| SolveError::Solver("a month's worker stopped".into()))?;
            for (t, size) in mine(nt, workers, w).into_iter().zip(sizes?) {
                months.sizes[t] = size;
            }
        }
        Ok(months)
    }

    /// Every month at its hours `demands[t]`, by `deadline`, in the order of the months.
    pub fn evaluate(&self, demands: &[Vec<f64>], deadline: Instant) -> Result<Vec<Evaluated>, SolveError> {
        let (nt, workers) = (demands.len(), self.requests.len());
        let stopped = || SolveError::Solver("a month's worker stopped".into());
        for (w, request) in self.requests.iter().enumerate() {
            let asked = mine(nt, workers, w).into_iter().map(|t| demands[t].clone()).collect();
            request.send((asked, deadline)).map_err(|_| stopped())?;
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

/// A worker: builds its months, says their sizes, then evaluates them until the master's thread
/// hangs up, and gives their columns back.
fn work(
    p: &Prepared,
    months: Vec<(usize, Vec<Group>)>,
    sizes: Sender<Result<Vec<Size>, SolveError>>,
    requests: Receiver<(Vec<Vec<f64>>, Instant)>,
    replies: Sender<Result<Vec<Evaluated>, SolveError>>,
) -> Vec<Columns> {
    let (months, groups): (Vec<usize>, Vec<Vec<Group>>) = months.into_iter().unzip();
    let subs: Result<Vec<Sub>, SolveError> =
        months.iter().zip(groups).map(|(&t, groups)| Sub::build(p, t, groups)).collect();
    let mut subs = match subs {
        Ok(subs) => subs,
        Err(e) => {
            let _ = sizes.send(Err(e));
            return Vec::new();
        }
    };
    let _ = sizes.send(Ok(subs
        .iter()
        .map(|s| Size { columns: s.count, rows: s.rows, groups: s.columns.groups[0].len() })
        .collect()));
    while let Ok((demands, deadline)) = requests.recv() {
        let mut answers = Vec::with_capacity(subs.len());
        for j in 0..subs.len() {
            // A month solved for the first time starts from the basis of the one before it in
            // its chain, solved just before.
            let before = (0..j).rev().find(|&i| months[i] + CHAINS == months[j]);
            if !subs[j].solved
                && let Some(i) = before
                && let Some(basis) = subs[i].basis()
            {
                subs[j].start_from(&basis);
            }
            let answer = subs[j].evaluate(&demands[j], deadline);
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
