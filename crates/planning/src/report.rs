//! Turns solved values into the plan: per activity, period, agent and pool, with ETP figures.

use std::collections::BTreeMap;

use crate::result::{ActivityPeriod, AgentPeriod, PeriodSummary, Plan, PoolKind, PoolPeriod, Stats, Status, alert};
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
    let mut agents: Vec<AgentPeriod> = Vec::new();
    let mut pools: Vec<PoolPeriod> = Vec::new();
    let mut periods: Vec<PeriodSummary> = (0..nt)
        .map(|t| {
            let available: f64 = p.cap.iter().map(|c| c[t]).sum();
            let need: f64 = (0..na).map(|a| p.volume[a][t] * s.activities[a].minutes_per_item / 60.0 / hpf).sum();
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
            }
        })
        .collect();

    // Each agent gets their group's hours in proportion to their capacity in the period.
    let mut per_agent: Vec<Vec<(BTreeMap<String, f64>, f64)>> = vec![vec![(BTreeMap::new(), 0.0); nt]; s.agents.len()];
    for (g, group) in raw.groups.iter().enumerate() {
        for t in 0..nt {
            let total = group.cap(t);
            if total <= 0.0 {
                continue;
            }
            let overtime = raw.ot.get(&(g, t)).map_or(0.0, |&k| value(k));
            periods[t].overtime_hours += overtime;
            for &a in group.activities() {
                let hours = value(raw.x[&(g, a, t)]);
                agent_hours[a][t] += hours;
                if hours == 0.0 {
                    continue;
                }
                for &i in group.agents() {
                    let share = p.cap[i][t] / total;
                    if share > 0.0 {
                        per_agent[i][t].0.insert(s.activities[a].code.clone(), hours * share);
                    }
                }
            }
            for &i in group.agents() {
                per_agent[i][t].1 = overtime * p.cap[i][t] / total;
            }
        }
    }
    for (i, agent) in s.agents.iter().enumerate() {
        for (t, (hours, overtime)) in per_agent[i].drain(..).enumerate() {
            agents.push(AgentPeriod {
                agent: agent.id.clone(),
                period: s.periods[t].clone(),
                hours,
                overtime_hours: overtime,
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
                hours: summary.overtime_hours,
                hours_by_activity: BTreeMap::new(),
                cost: summary.overtime_cost,
            });
        }
    }
    for (q, pool) in s.pools.temporary_staff.iter().enumerate() {
        for t in 0..nt {
            let heads = value(raw.heads[&(q, t)]).round() as i64;
            let mut by_activity = BTreeMap::new();
            for a in 0..na {
                if let Some(&k) = raw.y.get(&(q, a, t)) {
                    let h = value(k);
                    pool_hours[a][t] += h;
                    if h > 0.0 {
                        by_activity.insert(s.activities[a].code.clone(), h);
                    }
                }
            }
            let hours: f64 = by_activity.values().sum();
            let cost = heads as f64 * pool.cost_per_head_month;
            periods[t].temporary_staff_hours += hours;
            periods[t].temporary_staff_cost += cost;
            pools.push(PoolPeriod {
                pool: pool.code.clone(),
                kind: PoolKind::TemporaryStaff,
                period: s.periods[t].clone(),
                heads: Some(heads),
                hours,
                hours_by_activity: by_activity,
                cost,
            });
        }
    }
    for (f, team) in s.pools.flying_teams.iter().enumerate() {
        for t in 0..nt {
            let mut by_activity = BTreeMap::new();
            for &a in &p.flying_activities[f] {
                let h = value(raw.z[&(f, a, t)]);
                pool_hours[a][t] += h;
                if h > 0.0 {
                    by_activity.insert(s.activities[a].code.clone(), h);
                }
            }
            let hours: f64 = by_activity.values().sum();
            let cost = hours * team.cost_per_hour;
            periods[t].flying_team_hours += hours;
            periods[t].flying_team_cost += cost;
            pools.push(PoolPeriod {
                pool: team.code.clone(),
                kind: PoolKind::FlyingTeam,
                period: s.periods[t].clone(),
                heads: None,
                hours,
                hours_by_activity: by_activity,
                cost,
            });
        }
    }

    let mut activities = Vec::with_capacity(na * nt);
    for (a, act) in s.activities.iter().enumerate() {
        for t in 0..nt {
            let backlog = value(raw.backlog[a][t]);
            let hours = agent_hours[a][t] + pool_hours[a][t];
            activities.push(ActivityPeriod {
                activity: act.code.clone(),
                period: s.periods[t].clone(),
                volume: p.volume[a][t],
                processed: hours * 60.0 / act.minutes_per_item,
                backlog,
                alert: alert(backlog, act.backlog_normal_max, act.backlog_critical_max),
                need_fte: p.volume[a][t] * act.minutes_per_item / 60.0 / hpf,
                allocated_fte: hours / hpf,
                agent_hours: agent_hours[a][t],
                pool_hours: pool_hours[a][t],
            });
        }
    }
    let allocated: f64 = activities.iter().map(|a| a.allocated_fte).sum();
    Plan { status, objective, mip_gap: gap, etpma: allocated / nt as f64, activities, periods, agents, pools, stats }
}
