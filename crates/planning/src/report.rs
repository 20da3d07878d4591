//! Turns solved values into the plan: per activity, period, agent and pool, with ETP figures.

use std::collections::BTreeMap;

use crate::result::{
    ActivityPeriod, AgentPeriod, Alert, PeriodSummary, Plan, PoolKind, PoolPeriod, Stats, Status, alert,
};
use crate::solve::Raw;
use crate::validate::Prepared;

pub(crate) struct Outcome {
    pub status: Status,
    pub gap: f64,
    pub objective: f64,
    pub stats: Stats,
}

pub(crate) fn plan(p: &Prepared, raw: &Raw, value: &dyn Fn(usize) -> f64, outcome: Outcome) -> Plan {
    let Outcome { status, gap, objective, stats } = outcome;
    let s = p.scenario;
    let (na, nt, hpf) = (s.activities.len(), p.periods(), s.hours_per_fte);
    let mut agent_hours = vec![vec![0.0; nt]; na];
    let mut pool_hours = vec![vec![0.0; nt]; na];
    // Agents' hours weighted by their productivity: what the flow counts.
    let mut effective = vec![vec![0.0; nt]; na];
    let mut agents: Vec<AgentPeriod> = Vec::new();
    let mut pools: Vec<PoolPeriod> = Vec::new();
    let mut periods: Vec<PeriodSummary> = (0..nt)
        .map(|t| {
            let available: f64 = p.cap.iter().map(|c| c[t]).sum();
            let need: f64 = (0..na).map(|a| p.volume[a][t] / p.rate(a, t) / hpf).sum();
            PeriodSummary {
                period: s.periods[t].clone(),
                available_fte: available / hpf,
                need_fte: need,
                delta_fte: available / hpf - need,
                overtime_hours: 0.0,
                overtime_cost: 0.0,
                temporary_staff_hours: 0.0,
                temporary_staff_cost: 0.0,
                flying_team_hours: 0.0,
                flying_team_cost: 0.0,
                hire_hours: 0.0,
                hire_cost: 0.0,
            }
        })
        .collect();

    // Hours each group worked in each period, and the groups qualified for each activity, for
    // the explanations.
    let mut used: Vec<Vec<f64>> = raw.columns.groups.iter().map(|groups| vec![0.0; groups.len()]).collect();
    let mut qualified: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); na]; nt];
    let mut overtime_of: Vec<Vec<f64>> = raw.columns.groups.iter().map(|groups| vec![0.0; groups.len()]).collect();
    // Each group's hours on each activity with a minimum presence.
    let mut on_presence: Vec<Vec<Option<Vec<f64>>>> = raw
        .columns
        .groups
        .iter()
        .map(|groups| s.activities.iter().map(|act| (act.min_fte > 0.0).then(|| vec![0.0; groups.len()])).collect())
        .collect();
    // Each agent gets their group's hours in proportion to their capacity in the period.
    let mut per_agent: Vec<Vec<(BTreeMap<String, f64>, f64)>> = vec![vec![(BTreeMap::new(), 0.0); nt]; s.agents.len()];
    for t in 0..nt {
        for (g, group) in raw.columns.groups[t].iter().enumerate() {
            let overtime = raw.columns.ot.get(&(g, t)).map_or(0.0, |&k| value(k));
            overtime_of[t][g] = overtime;
            periods[t].overtime_hours += overtime;
            for &(a, hours) in &raw.x[t].hours[g] {
                if let Some(by_group) = on_presence[t][a].as_mut() {
                    by_group[g] = hours;
                }
                agent_hours[a][t] += hours;
                used[t][g] += hours;
                qualified[t][a].push(g);
                effective[a][t] += hours * group.prod;
                if hours == 0.0 {
                    continue;
                }
                for &i in &group.agents {
                    let share = p.cap[i][t] / group.cap;
                    if share > 0.0 {
                        per_agent[i][t].0.insert(s.activities[a].code.clone(), hours * share);
                    }
                }
            }
            for &i in &group.agents {
                per_agent[i][t].1 = overtime * p.cap[i][t] / group.cap;
            }
        }
    }
    for (i, agent) in s.agents.iter().enumerate() {
        for (t, (hours, overtime)) in per_agent[i].drain(..).enumerate() {
            let hours_outside_home = match &p.home[i] {
                Some(home) => hours
                    .iter()
                    .filter(|(code, _)| !home.iter().any(|&a| s.activities[a].code == **code))
                    .map(|(_, h)| h)
                    .sum(),
                None => 0.0,
            };
            agents.push(AgentPeriod {
                agent: agent.id.clone(),
                period: s.periods[t].clone(),
                hours,
                overtime_hours: overtime,
                unavailable_hours: agent.unavailable_hours.get(&s.periods[t]).copied().unwrap_or(0.0),
                campus_hours: agent.campus_hours.get(&s.periods[t]).copied().unwrap_or(0.0),
                hours_outside_home,
            });
        }
    }
    if let Some(o) = &s.pools.overtime {
        for summary in periods.iter_mut() {
            summary.overtime_cost = summary.overtime_hours * o.cost_per_hour;
            pools.push(PoolPeriod {
                pool: "overtime".into(),
                kind: PoolKind::Overtime,
                period: summary.period.clone(),
                heads: None,
                arrivals: None,
                hours: summary.overtime_hours,
                hours_by_activity: BTreeMap::new(),
                cost: summary.overtime_cost,
            });
        }
    }
    for (q, pool) in s.pools.temporary_staff.iter().enumerate() {
        for t in 0..nt {
            let heads = value(raw.columns.heads[&(q, t)]).round() as i64;
            let columns = (0..na).filter_map(|a| Some((a, *raw.columns.y.get(&(q, a, t))?)));
            let by_activity = worked(p, t, columns, value, &mut pool_hours);
            let hours: f64 = by_activity.values().sum();
            let cost = heads as f64 * pool.cost_per_head_month;
            periods[t].temporary_staff_hours += hours;
            periods[t].temporary_staff_cost += cost;
            pools.push(PoolPeriod {
                pool: pool.code.clone(),
                kind: PoolKind::TemporaryStaff,
                period: s.periods[t].clone(),
                heads: Some(heads),
                arrivals: None,
                hours,
                hours_by_activity: by_activity,
                cost,
            });
        }
    }
    for (f, team) in s.pools.flying_teams.iter().enumerate() {
        for t in 0..nt {
            let columns = p.flying_activities[f].iter().map(|&a| (a, raw.columns.z[&(f, a, t)]));
            let by_activity = worked(p, t, columns, value, &mut pool_hours);
            let hours: f64 = by_activity.values().sum();
            let cost = hours * team.cost_per_hour;
            periods[t].flying_team_hours += hours;
            periods[t].flying_team_cost += cost;
            pools.push(PoolPeriod {
                pool: team.code.clone(),
                kind: PoolKind::FlyingTeam,
                period: s.periods[t].clone(),
                heads: None,
                arrivals: None,
                hours,
                hours_by_activity: by_activity,
                cost,
            });
        }
    }

    for (k, pool) in s.pools.hires.iter().enumerate() {
        let mut present = 0;
        for t in 0..nt {
            let arrivals = raw.columns.arrivals.get(&(k, t)).map_or(0, |&c| value(c).round() as i64);
            present += arrivals;
            let columns = p.hire_activities[k].iter().map(|&a| (a, raw.columns.u[&(k, a, t)]));
            let by_activity = worked(p, t, columns, value, &mut pool_hours);
            let hours: f64 = by_activity.values().sum();
            // Each recruit is paid every month from arrival to the horizon's end: the month's
            // share of the objective's term is the recruits present.
            let cost = present as f64 * pool.cost_per_head_month;
            periods[t].hire_hours += hours;
            periods[t].hire_cost += cost;
            pools.push(PoolPeriod {
                pool: pool.code.clone(),
                kind: PoolKind::Hire,
                period: s.periods[t].clone(),
                heads: Some(present),
                arrivals: Some(arrivals),
                hours,
                hours_by_activity: by_activity,
                cost,
            });
        }
    }

    let mut activities = Vec::with_capacity(na * nt);
    for (a, act) in s.activities.iter().enumerate() {
        let mut before = act.initial_backlog;
        for t in 0..nt {
            let backlog = value(raw.columns.backlog[a][t]);
            let hours = agent_hours[a][t] + pool_hours[a][t];
            let minutes = p.minutes[a][t];
            let level = alert(backlog, act.backlog_normal_max, act.backlog_critical_max);
            let binding = if level == Alert::Normale {
                Vec::new()
            } else {
                let hours_to_clear = (before + p.volume[a][t]) * minutes / 60.0;
                let on = |b: usize| agent_hours[b][t];
                let worked = crate::explain::Worked {
                    by_group: &used[t],
                    overtime: &overtime_of[t],
                    on: &on,
                    qualified: &qualified[t],
                    on_presence: &on_presence[t],
                };
                crate::explain::explain(p, raw, &pools, (a, t), hours_to_clear, worked)
            };
            let extra = (level == Alert::Critique).then(|| (backlog - act.backlog_critical_max) * minutes / 60.0);
            before = backlog;
            activities.push(ActivityPeriod {
                activity: act.code.clone(),
                period: s.periods[t].clone(),
                volume: p.volume[a][t],
                processed: (effective[a][t] + pool_hours[a][t]) * p.rate(a, t),
                backlog,
                alert: level,
                need_fte: p.volume[a][t] * minutes / 60.0 / hpf,
                allocated_fte: hours / hpf,
                agent_hours: agent_hours[a][t],
                pool_hours: pool_hours[a][t],
                binding,
                extra_hours_to_tendue: extra,
                presence_shortfall_hours: raw.columns.shortfall.get(&(a, t)).map_or(0.0, |&c| value(c)),
            });
        }
    }
    let allocated: f64 = activities.iter().map(|a| a.allocated_fte).sum();
    let objective_breakdown = crate::breakdown::breakdown(s, &activities, &pools);
    Plan {
        status,
        objective,
        mip_gap: gap,
        etpma: allocated / nt as f64,
        activities,
        periods,
        agents,
        pools,
        objective_breakdown,
        stats,
    }
}

/// A pool's hours in period `t` on each activity it has a column for (`(activity, column)`), by
/// activity code; each is also added to `pool_hours`, which the activity rows use.
fn worked(
    p: &Prepared,
    t: usize,
    columns: impl Iterator<Item = (usize, usize)>,
    value: &dyn Fn(usize) -> f64,
    pool_hours: &mut [Vec<f64>],
) -> BTreeMap<String, f64> {
    let mut by_activity = BTreeMap::new();
    for (a, column) in columns {
        let h = value(column);
        pool_hours[a][t] += h;
        if h > 0.0 {
            by_activity.insert(p.scenario.activities[a].code.clone(), h);
        }
    }
    by_activity
}
