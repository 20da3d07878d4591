//! The exact merging of agents, period by period.
//!
//! In a period, agents with the same qualifications, the same activities outside their home ones
//! (under a mobility limit) and the same productivity enter every constraint and cost only through
//! the sum of their hours: their capacities, overtime bounds and mobility bounds add up, so the
//! merged model has the same optimum. Each group's hours are split back to its agents in
//! proportion to their capacity in the period, which keeps every per-agent bound (each is a share
//! of that capacity).

use std::collections::{BTreeMap, HashMap};

use crate::validate::Prepared;

/// Agents merged in one period.
pub(crate) struct Group {
    pub agents: Vec<usize>,
    /// The activities they are qualified for.
    pub activities: Vec<usize>,
    /// Those of `activities` outside their home ones, under a mobility limit.
    pub outside: Vec<usize>,
    /// Items per hour relative to the standard.
    pub prod: f64,
    /// Summed capacity.
    pub cap: f64,
}

/// The groups of period `t`. Agents with no capacity or no qualification are left out: no
/// variable could use them.
pub(crate) fn groups(p: &Prepared, t: usize) -> Vec<Group> {
    let mut by_key: BTreeMap<(&[usize], Vec<usize>, u64), usize> = BTreeMap::new();
    let mut out: Vec<Group> = Vec::new();
    for (i, acts) in p.qualified.iter().enumerate() {
        if acts.is_empty() || p.cap[i][t] <= 0.0 {
            continue;
        }
        let outside: Vec<usize> = acts.iter().copied().filter(|&a| p.outside_home(i, a)).collect();
        let prod = p.prod[i][t];
        let g = *by_key.entry((acts.as_slice(), outside.clone(), prod.to_bits())).or_insert_with(|| {
            out.push(Group { agents: vec![], activities: acts.clone(), outside, prod, cap: 0.0 });
            out.len() - 1
        });
        out[g].agents.push(i);
        out[g].cap += p.cap[i][t];
    }
    out
}

/// Activities that every group treats alike (qualified or not, outside home or not) form a class:
/// a group's hours on a class and the class's hours on each activity are enough to rebuild hours
/// per group and activity (split in proportion), so the model needs one variable per group and
/// class, not per activity. An activity with a minimum presence stays alone: its presence counts
/// agents' hours, not the effective hours a class shares out.
pub(crate) fn classes(p: &Prepared, groups: &[Group]) -> Vec<Vec<usize>> {
    // Key: each qualified group with whether the activity is outside its home ones, and the
    // activity itself when it must stay alone.
    type Key = (Vec<(usize, bool)>, Option<usize>);
    let mut by_key: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for a in 0..p.scenario.activities.len() {
        let who: Vec<(usize, bool)> = (0..groups.len())
            .filter(|&g| groups[g].activities.contains(&a))
            .map(|g| (g, groups[g].outside.contains(&a)))
            .collect();
        if !who.is_empty() {
            let alone = (p.scenario.activities[a].min_fte > 0.0).then_some(a);
            by_key.entry((who, alone)).or_default().push(a);
        }
    }
    by_key.into_values().collect()
}

/// Where the model put each group's hours in one period: `x[(g, c)]` the column of group g's hours
/// on class c, `w[a]` the column of a shared class's effective hours on activity a.
pub(crate) struct Columns {
    pub x: HashMap<(usize, usize), usize>,
    pub w: HashMap<usize, usize>,
}

/// Hours of each group on each activity in one period, from its hours on each class: a class's
/// hours are split over its activities in proportion to the effective hours each received. The
/// productivity of every group is then honoured per activity: sum_g prod_g * x_g,a = w_a.
pub(crate) fn agent_hours(
    groups: &[Group],
    classes: &[Vec<usize>],
    columns: &Columns,
    value: &dyn Fn(usize) -> f64,
) -> HashMap<(usize, usize), f64> {
    let mut out = HashMap::new();
    for g in 0..groups.len() {
        for (c, class) in classes.iter().enumerate() {
            let Some(&k) = columns.x.get(&(g, c)) else { continue };
            let hours = value(k);
            if let [a] = class.as_slice() {
                out.insert((g, *a), hours);
                continue;
            }
            let total: f64 = class.iter().map(|a| value(columns.w[a])).sum();
            for &a in class {
                let share = if total > 0.0 { value(columns.w[&a]) / total } else { 0.0 };
                out.insert((g, a), hours * share);
            }
        }
    }
    out
}
