//! Dinic's max flow on a network in compressed rows, f64 capacities: the month's `Network` and
//! its `Moves` both run it.

use super::EPS;

/// A view of a network: arc `e` goes to `to[e]`, its reverse is `e ^ 1`, `res` its room; the arcs
/// out of node `v` are `arcs[first[v]..first[v + 1]]`; `layer` and `next` are the search's own.
pub(super) struct Dinic<'a> {
    pub to: &'a [usize],
    pub first: &'a [usize],
    pub arcs: &'a [usize],
    pub res: &'a mut [f64],
    pub layer: &'a mut [u32],
    pub next: &'a mut [usize],
}

/// The arcs out of each node, in compressed rows, from each arc's tail: node `v`'s arcs are
/// `arcs[first[v]..first[v + 1]]`, in the order of the arcs. Returns `(first, arcs)`.
pub(super) fn rows(nodes: usize, tails: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut first = vec![0; nodes + 1];
    for &v in tails {
        first[v + 1] += 1;
    }
    for v in 0..nodes {
        first[v + 1] += first[v];
    }
    let mut fill = first.clone();
    let mut arcs = vec![0; tails.len()];
    for (e, &v) in tails.iter().enumerate() {
        arcs[fill[v]] = e;
        fill[v] += 1;
    }
    (first, arcs)
}

impl Dinic<'_> {
    /// Augments the flow from `source` to `sink` until no path is left; the flow sent.
    pub fn max_flow(&mut self, source: usize, sink: usize) -> f64 {
        let mut sent = 0.0;
        while self.layers(source, sink) {
            self.next.copy_from_slice(&self.first[..self.first.len() - 1]);
            loop {
                let pushed = self.push(source, sink, f64::INFINITY);
                if pushed <= EPS {
                    break;
                }
                sent += pushed;
            }
        }
        sent
    }

    /// The layers from `source` over arcs with room; whether `sink` is reached.
    fn layers(&mut self, source: usize, sink: usize) -> bool {
        self.layer.fill(u32::MAX);
        self.layer[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(v) = queue.pop_front() {
            // Nodes beyond the sink's layer lie on no shortest path.
            if self.layer[sink] <= self.layer[v] {
                break;
            }
            for &e in &self.arcs[self.first[v]..self.first[v + 1]] {
                let w = self.to[e];
                if self.res[e] > EPS && self.layer[w] == u32::MAX {
                    self.layer[w] = self.layer[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        self.layer[sink] != u32::MAX
    }

    /// One path of the layered network from `v` to `sink`, at most `limit`; what it carried.
    fn push(&mut self, v: usize, sink: usize, limit: f64) -> f64 {
        if v == sink {
            return limit;
        }
        while self.next[v] < self.first[v + 1] {
            let e = self.arcs[self.next[v]];
            let w = self.to[e];
            if self.res[e] > EPS && self.layer[w] == self.layer[v] + 1 {
                let pushed = self.push(w, sink, limit.min(self.res[e]));
                if pushed > EPS {
                    self.res[e] -= pushed;
                    self.res[e ^ 1] += pushed;
                    return pushed;
                }
            }
            self.next[v] += 1;
        }
        0.0
    }
}
