//! The exact merging of agents, period by period, into groups and pools.
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
#[derive(Clone)]
pub(crate) struct Group {
    pub agents: Vec<usize>,
    /// The activities they are qualified for.
    pub activities: Vec<usize>,
    /// Those of `activities` outside their home ones, under a mobility limit.
    pub outside: Vec<usize>,
    /// Items per hour relative to the standard.
    pub prod: f64,
    /// 0, or in `groups_every_period` the tag of the course of productivity of agents whose
    /// productivity changes from period to period (newcomers): their groups and pools keep one key
    /// over the periods.
    pub tag: usize,
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
            out.push(Group { agents: vec![], activities: acts.clone(), outside, prod, tag: 0, cap: 0.0 });
            out.len() - 1
        });
        out[g].agents.push(i);
        out[g].cap += p.cap[i][t];
    }
    out
}

/// The groups of every period in one list of keys, the same in every period: a key with no agent
/// in a period is a group of no capacity there, and newcomers are keyed by their course of
/// productivity rather than its value in the period. Models built from them have the same columns and
/// rows in every period, so a basis of one period's programme can start the next one's.
pub(crate) fn groups_every_period(p: &Prepared) -> Vec<Vec<Group>> {
    let nt = p.periods();
    // Qualified activities, those outside home, productivity (untagged) and tag.
    type Key<'a> = (&'a [usize], Vec<usize>, u64, usize);
    let mut keys: BTreeMap<Key, usize> = BTreeMap::new();
    let mut out: Vec<Vec<Group>> = vec![Vec::new(); nt];
    // Agents whose productivity changes are tagged by its course over the periods: those with the
    // same course share groups and pools, as they would in each period alone.
    let mut courses: BTreeMap<Vec<u64>, usize> = BTreeMap::new();
    let tags: Vec<usize> = p
        .prod
        .iter()
        .map(|prods| {
            if prods.iter().all(|&v| v == prods[0]) {
                return 0;
            }
            let next = courses.len() + 1;
            *courses.entry(prods.iter().map(|v| v.to_bits()).collect()).or_insert(next)
        })
        .collect();
    // An agent's key does not depend on the period (an untagged agent's productivity is the same
    // in every one): it is looked up once, where the agent first works, which numbers the groups
    // in the order of their first agent, period by period.
    let mut key_of: Vec<Option<usize>> = vec![None; p.qualified.len()];
    for t in 0..nt {
        for (i, acts) in p.qualified.iter().enumerate() {
            if acts.is_empty() || p.cap[i][t] <= 0.0 {
                continue;
            }
            let g = *key_of[i].get_or_insert_with(|| {
                let outside: Vec<usize> = acts.iter().copied().filter(|&a| p.outside_home(i, a)).collect();
                let (prod, tag) = (p.prod[i][t], tags[i]);
                let bits = if tag == 0 { prod.to_bits() } else { 0 };
                let next = keys.len();
                *keys.entry((acts.as_slice(), outside.clone(), bits, tag)).or_insert_with(|| {
                    // Each period's productivity, even where the group has no one: pools are keyed
                    // by the tag and take their productivity from any of their groups.
                    for (u, groups) in out.iter_mut().enumerate() {
                        let outside = outside.clone();
                        let prod = p.prod[i][u];
                        groups.push(Group { agents: vec![], activities: acts.clone(), outside, prod, tag, cap: 0.0 });
                    }
                    next
                })
            });
            out[t][g].agents.push(i);
            out[t][g].cap += p.cap[i][t];
        }
    }
    out
}

/// Hours of agents that may go to any of `activities`, at one productivity: a group's hours on
/// its home activities, or the hours it gives outside them (at most the mobility share of its
/// capacity). Groups with the same qualifications and productivity share an outside pool even
/// when their home activities differ: an hour of it that lands on a contributor's own home
/// activity is a home hour, which the limit allows anyway, so the pooled model has exactly the
/// optimum of the per-group one, with far fewer columns (one per pool and class instead of one per
/// group and class) and no mobility row (the limit bounds one column).
pub(crate) struct Pool {
    pub activities: Vec<usize>,
    pub prod: f64,
    /// The groups that feed it, each with whether it is their outside share.
    pub contributors: Vec<(usize, bool)>,
}

/// The pools of one period and, per group, the pools it feeds (home, outside).
pub(crate) struct Pools {
    pub pools: Vec<Pool>,
    pub home: Vec<Option<usize>>,
    pub outside: Vec<Option<usize>>,
}

pub(crate) fn pools(groups: &[Group]) -> Pools {
    // A tagged group's pools are its own, whatever its productivity in the period.
    let mut by_key: BTreeMap<(Vec<usize>, u64, usize), usize> = BTreeMap::new();
    let mut out = Pools { pools: Vec::new(), home: Vec::new(), outside: Vec::new() };
    let mut feed = |activities: Vec<usize>, group: &Group, g: usize, outside: bool, out: &mut Pools| -> Option<usize> {
        if activities.is_empty() {
            return None;
        }
        let (prod, tag) = (group.prod, group.tag);
        let bits = if tag == 0 { prod.to_bits() } else { 0 };
        let k = *by_key.entry((activities.clone(), bits, tag)).or_insert_with(|| {
            out.pools.push(Pool { activities, prod, contributors: Vec::new() });
            out.pools.len() - 1
        });
        out.pools[k].contributors.push((g, outside));
        Some(k)
    };
    for (g, group) in groups.iter().enumerate() {
        let home: Vec<usize> = group.activities.iter().copied().filter(|a| !group.outside.contains(a)).collect();
        let home = feed(home, group, g, false, &mut out);
        let outside =
            if group.outside.is_empty() { None } else { feed(group.activities.clone(), group, g, true, &mut out) };
        out.home.push(home);
        out.outside.push(outside);
    }
    out
}

/// Activities that exactly the same pools reach form a class: a pool's hours on a class and the
/// class's hours on each activity are enough to rebuild hours per pool and activity (split in
/// proportion), so the model needs one variable per pool and class, not per activity. An activity
/// with a minimum presence stays alone: its presence counts agents' hours, not the effective
/// hours a class shares out.
pub(crate) fn classes(p: &Prepared, pools: &[Pool]) -> Vec<Vec<usize>> {
    let mut by_key: BTreeMap<(Vec<usize>, Option<usize>), Vec<usize>> = BTreeMap::new();
    for a in 0..p.scenario.activities.len() {
        let who: Vec<usize> = (0..pools.len()).filter(|&k| pools[k].activities.contains(&a)).collect();
        if !who.is_empty() {
            let alone = (p.scenario.activities[a].min_fte > 0.0).then_some(a);
            by_key.entry((who, alone)).or_default().push(a);
        }
    }
    by_key.into_values().collect()
}

/// Where the model put the hours in one period: `x[(k, c)]` the column of pool k's hours on class
/// c, `w[a]` the column of a shared class's effective hours on activity a, and each group's
/// contribution to its pools.
pub(crate) struct Columns {
    pub x: HashMap<(usize, usize), usize>,
    pub w: HashMap<usize, usize>,
    /// `(g, outside)`: the column of the group's hours into that pool, when the pool has other
    /// contributors; a pool fed by one group alone has no such column (its hours are the pool's).
    pub contribution: HashMap<(usize, bool), usize>,
}

/// Hours of each pool on each activity in one period, from its hours on each class: a class's
/// hours are split over its activities in proportion to the effective hours each received. The
/// productivity of every pool is then honoured per activity: sum_k prod_k * x_k,a = w_a.
fn pool_hours(
    pools: &[Pool],
    classes: &[Vec<usize>],
    columns: &Columns,
    value: &dyn Fn(usize) -> f64,
) -> Vec<BTreeMap<usize, f64>> {
    // Ordered maps: the sums below must add in the same order every time (the same plan). Each
    // pool's hours on an activity are set once (an activity is in one class), so the columns may
    // be read in any order.
    let mut out = vec![BTreeMap::new(); pools.len()];
    for (&(k, c), &col) in &columns.x {
        let (hours_of, class, hours) = (&mut out[k], &classes[c], value(col));
        if let [a] = class.as_slice() {
            hours_of.insert(*a, hours);
            continue;
        }
        let total: f64 = class.iter().map(|a| value(columns.w[a])).sum();
        for &a in class {
            let share = if total > 0.0 { value(columns.w[&a]) / total } else { 0.0 };
            hours_of.insert(a, hours * share);
        }
    }
    out
}

/// What the solve gives per group in one period: its hours on each of its activities (in the
/// order of `Group::activities`), and the hours it gave outside its home activities' pool.
pub(crate) struct GroupHours {
    pub hours: Vec<Vec<(usize, f64)>>,
    pub outside: Vec<f64>,
}

/// Each group's share of its pools' hours, in proportion to what it put into each.
pub(crate) fn group_hours(
    groups: &[Group],
    flow: &Pools,
    classes: &[Vec<usize>],
    columns: &Columns,
    value: &dyn Fn(usize) -> f64,
) -> GroupHours {
    let by_pool = pool_hours(&flow.pools, classes, columns, value);
    let total: Vec<f64> = by_pool.iter().map(|h| h.values().sum()).collect();
    let mut out = GroupHours { hours: Vec::with_capacity(groups.len()), outside: vec![0.0; groups.len()] };
    for (g, group) in groups.iter().enumerate() {
        let mut hours: Vec<(usize, f64)> = group.activities.iter().map(|&a| (a, 0.0)).collect();
        for (pool, outside) in [(flow.home[g], false), (flow.outside[g], true)] {
            let Some(k) = pool else { continue };
            let put = columns.contribution.get(&(g, outside)).map_or(total[k], |&col| value(col));
            if outside {
                out.outside[g] = put;
            }
            if total[k] <= 0.0 || put == 0.0 {
                continue;
            }
            for (&a, &h) in &by_pool[k] {
                match hours.iter_mut().find(|(b, _)| *b == a) {
                    Some((_, sum)) => *sum += h * put / total[k],
                    None => hours.push((a, h * put / total[k])),
                }
            }
        }
        out.hours.push(hours);
    }
    out
}
