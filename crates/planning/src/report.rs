//! Turns solved values into the plan: per activity, period, agent and pool, with ETP figures.

use std::collections::BTreeMap;

use crate::result::{
    ActivityPeriod, AgentPeriod, Alert, Binding, PeriodSummary, Plan, PoolKind, PoolPeriod, Stats, Status, alert,
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
                let hours = raw.x[&(g, a, t)];
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
                unavailable_hours: agent.unavailable_hours.get(&s.periods[t]).copied().unwrap_or(0.0),
                campus_hours: agent.campus_hours.get(&s.periods[t]).copied().unwrap_or(0.0),
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
        let mut before = act.initial_backlog;
        for t in 0..nt {
            let backlog = value(raw.backlog[a][t]);
            let hours = agent_hours[a][t] + pool_hours[a][t];
            let level = alert(backlog, act.backlog_normal_max, act.backlog_critical_max);
            let binding = if level == Alert::Normale {
                Vec::new()
            } else {
                let hours_to_clear = (before + p.volume[a][t]) * act.minutes_per_item / 60.0;
                explain(p, raw, value, &pools, a, t, hours_to_clear)
            };
            let extra =
                (level == Alert::Critique).then(|| (backlog - act.backlog_critical_max) * act.minutes_per_item / 60.0);
            before = backlog;
            activities.push(ActivityPeriod {
                activity: act.code.clone(),
                period: s.periods[t].clone(),
                volume: p.volume[a][t],
                processed: hours * 60.0 / act.minutes_per_item,
                backlog,
                alert: level,
                need_fte: p.volume[a][t] * act.minutes_per_item / 60.0 / hpf,
                allocated_fte: hours / hpf,
                agent_hours: agent_hours[a][t],
                pool_hours: pool_hours[a][t],
                binding,
                extra_hours_to_tendue: extra,
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

/// What binds for activity `a` in period `t`, from the solved values.
fn explain(
    p: &Prepared,
    raw: &Raw,
    value: &dyn Fn(usize) -> f64,
    pools: &[PoolPeriod],
    a: usize,
    t: usize,
    hours_to_clear: f64,
) -> Vec<Binding> {
    let full = |used: f64, limit: f64| used >= limit - 1e-6 * limit.max(1.0);
    let s = p.scenario;
    let period = &s.periods[t];
    let share = s.pools.overtime.as_ref().map_or(0.0, |o| o.max_share);
    let mut binds = Vec::new();
    let mut spare = false; // capacity that could have worked on `a` was left unused
    let qualified: Vec<usize> = (0..raw.groups.len()).filter(|&g| raw.groups[g].activities().contains(&a)).collect();
    let (mut regular_full, mut overtime_full) = (!qualified.is_empty(), !qualified.is_empty());
    for &g in &qualified {
        let group = &raw.groups[g];
        let used: f64 = group.activities().iter().map(|&b| raw.x[&(g, b, t)]).sum();
        let overtime = raw.ot.get(&(g, t)).map_or(0.0, |&k| value(k));
        regular_full &= full(used, group.cap(t));
        overtime_full &= full(overtime, share * group.cap(t));
        spare |= !full(used, group.cap(t) + overtime) || !full(overtime, share * group.cap(t));
    }
    if regular_full {
        binds.push(Binding::AgentsCapacityExhausted);
    }
    let qualified_hours: f64 = qualified.iter().map(|&g| raw.groups[g].cap(t) * (1.0 + share)).sum();
    if qualified_hours < hours_to_clear - 1e-6 {
        binds.push(Binding::TooFewQualifiedAgents { qualified_hours, hours_to_clear });
    }
    if s.pools.overtime.is_some() && overtime_full && share > 0.0 {
        binds.push(Binding::PoolAtCap { pool: "overtime".into() });
    }
    let row = |code: &str| pools.iter().find(|r| r.pool == code && r.period == *period);
    for pool in s.pools.temporary_staff.iter().filter(|_| s.activities[a].temp_eligible) {
        match row(&pool.code).and_then(|r| r.heads) {
            Some(h) if h >= pool.max_heads => binds.push(Binding::PoolAtCap { pool: pool.code.clone() }),
            _ => spare |= pool.max_heads > 0,
        }
    }
    for (f, team) in s.pools.flying_teams.iter().enumerate() {
        let limit = p.flying_hours[f][t];
        if !p.flying_activities[f].contains(&a) || limit <= 0.0 {
            continue;
        }
        if full(row(&team.code).map_or(0.0, |r| r.hours), limit) {
            binds.push(Binding::PoolAtCap { pool: team.code.clone() });
        } else {
            spare = true;
        }
    }
    if spare {
        binds.push(Binding::ReinforcementDearerThanBacklog);
    }
    binds
}
