//! Moves of a month's flow that keep its cost and raise agents' own hours on an activity with a
//! minimum presence (`Network::favour_presence`): hours on that activity handed from more
//! productive pools to less productive ones, balanced through the rest of the network by arcs that
//! cost nothing. A move is a flow in a network made of the residual arcs: from the pools now on
//! the activity above a productivity `θ`, through free arcs (and through the source only from one
//! group's supply to another of the same price), to the pools at or below `θ` that can work on it.
//! Every unit moved gains `1/prod_low − 1/prod_high > 0` agents' hours on the activity; Dinic's
//! max flow moves many paths at once, and the move is then scaled down so as not to overshoot the
//! need nor take another presence below its own.

use super::{EPS, Network, SINK, SOURCE};

/// Sweeps over the productivity thresholds before the caller checks the presence.
const SWEEPS: usize = 3;

/// The network of moves: node 0 sends, node 1 receives, node `2 + v` is the month's node `v`,
/// then one node per price of the source's supplies.
struct Moves {
    to: Vec<usize>,
    res: Vec<f64>,
    /// Per forward arc (even index): the month's arc it moves hours on.
    stands_for: Vec<usize>,
    first: Vec<usize>,
    arcs: Vec<usize>,
    layer: Vec<u32>,
    next: Vec<usize>,
}

const FROM: usize = 0;
const TO: usize = 1;

impl Network {
    /// Raises agents' own hours on activity `a` towards `need` by moves that cost nothing;
    /// `keep` are the other minimum presences, `(activity, need)`, which a move may take down to
    /// their need, not below.
    pub fn favour_presence(&mut self, a: usize, need: f64, keep: &[(usize, f64)]) {
        let mut thresholds: Vec<f64> = self.pool_prod.clone();
        thresholds.sort_by(|x, y| y.total_cmp(x));
        thresholds.dedup();
        for _ in 0..SWEEPS {
            for &theta in &thresholds {
                if self.raw_hours(a) >= need * (1.0 - 1e-12) {
                    return;
                }
                self.move_below(a, theta, need, keep);
            }
        }
    }

    /// One move of hours on `a` from pools above `theta` to pools at or below it.
    fn move_below(&mut self, a: usize, theta: f64, need: f64, keep: &[(usize, f64)]) {
        let own = |n: &Network| (n.raw_hours(a), keep.iter().map(|&(b, _)| n.raw_hours(b)).collect::<Vec<f64>>());
        let (before, kept) = own(self);
        let closed: Vec<usize> = keep
            .iter()
            .zip(&kept)
            .filter(|&(&(_, need), &have)| have - need <= 1e-9 * need.max(1.0))
            .map(|(&(b, _), _)| self.first_activity + b)
            .collect();
        let Some(mut moves) = self.moves(a, theta, &closed) else { return };
        moves.max_flow();
        // The month's arcs moved, each pair once, with their room before.
        let mut saved: Vec<(usize, f64, f64)> = Vec::new();
        for (i, &e) in moves.stands_for.iter().enumerate() {
            let moved = moves.res[2 * i + 1];
            if moved > EPS {
                let pair = e & !1;
                if !saved.iter().any(|&(p, _, _)| p == pair) {
                    saved.push((pair, self.res[pair], self.res[pair + 1]));
                }
                self.res[e] -= moved;
                self.res[e ^ 1] += moved;
            }
        }
        // Scaled down: all of it may overshoot `need` or take another presence below its own.
        let (after, left) = own(self);
        let mut share: f64 = if after > before { ((need - before) / (after - before)).min(1.0) } else { 0.0 };
        for ((&(_, need_b), &was), &now) in keep.iter().zip(&kept).zip(&left) {
            if now < was {
                share = share.min(((was - need_b) / (was - now)).max(0.0));
            }
        }
        for (e, res, back) in saved {
            self.res[e] = res + share * (self.res[e] - res);
            self.res[e + 1] = back + share * (self.res[e + 1] - back);
        }
    }

    /// The network of the moves of hours on `a` from pools above `theta` to pools at or below it,
    /// never into a `closed` node; None when no pool is on either side.
    fn moves(&self, a: usize, theta: f64, closed: &[usize]) -> Option<Moves> {
        let target = self.first_activity + a;
        let mut prices: Vec<f64> = Vec::new();
        let mut ends: Vec<(usize, usize, f64, usize)> = Vec::new();
        let (mut senders, mut receivers) = (false, false);
        for (k, arcs) in self.pool_arcs.iter().enumerate() {
            let Some(&(_, e)) = arcs.iter().find(|&&(b, _)| b == a) else { continue };
            let pool = 2 + self.first_pool + k;
            if self.pool_prod[k] > theta && self.flow(e) > EPS {
                ends.push((FROM, pool, self.flow(e), e ^ 1));
                senders = true;
            } else if self.pool_prod[k] <= theta {
                ends.push((pool, TO, f64::INFINITY, e));
                receivers = true;
            }
        }
        if !(senders && receivers) {
            return None;
        }
        let nodes = 2 + self.layer.len();
        for e in 0..self.res.len() {
            let (u, v) = (self.to[e ^ 1], self.to[e]);
            if self.res[e] <= EPS || [u, v].contains(&SINK) || [u, v].contains(&target) || closed.contains(&v) {
                continue;
            }
            // The phantom's arcs join the source to activities: no move uses them.
            let (u, v) = match (u == SOURCE, v == SOURCE) {
                (true, _) if v >= self.first_activity => continue,
                (_, true) if u >= self.first_activity => continue,
                (true, _) => (nodes + price_node(&mut prices, self.price[e]), 2 + v),
                (_, true) => (2 + u, nodes + price_node(&mut prices, self.price[e ^ 1])),
                _ => (2 + u, 2 + v),
            };
            ends.push((u, v, self.res[e], e));
        }
        Some(Moves::new(nodes + prices.len(), ends))
    }
}

/// The node of the source's supplies at `price`, made the first time.
fn price_node(prices: &mut Vec<f64>, price: f64) -> usize {
    prices.iter().position(|&p| p == price).unwrap_or_else(|| {
        prices.push(price);
        prices.len() - 1
    })
}

impl Moves {
    /// From arcs `(from, to, room, the month's arc)`.
    fn new(nodes: usize, ends: Vec<(usize, usize, f64, usize)>) -> Self {
        let mut to = Vec::with_capacity(2 * ends.len());
        let mut res = Vec::with_capacity(2 * ends.len());
        let mut tails = Vec::with_capacity(2 * ends.len());
        for &(u, v, room, _) in &ends {
            to.extend([v, u]);
            res.extend([room, 0.0]);
            tails.extend([u, v]);
        }
        let (first, arcs) = super::dinic::rows(nodes, &tails);
        let stands_for = ends.into_iter().map(|(_, _, _, e)| e).collect();
        Moves { to, res, stands_for, first, arcs, layer: vec![0; nodes], next: vec![0; nodes] }
    }

    fn max_flow(&mut self) {
        let (to, first, arcs) = (&self.to, &self.first, &self.arcs);
        let (res, layer, next) = (&mut self.res, &mut self.layer, &mut self.next);
        super::dinic::Dinic { to, first, arcs, res, layer, next }.max_flow(FROM, TO);
    }
}
