//! `plan check`: re-checks a plan against every constraint of the model without the solver, from
//! the plan's hours alone, and recomputes its objective.

use std::collections::HashMap;

use serde::Serialize;

use crate::result::{Plan, PoolKind};
use crate::validate::Prepared;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub constraint: &'static str,
    pub message: String,
}

/// What a plan's hours add up to, recomputed.
pub struct Recomputed {
    pub objective: f64,
    pub violations: Vec<Violation>,
}

fn tolerance(x: f64) -> f64 {
    1e-5 + 1e-7 * x.abs()
}

pub fn check(p: &Prepared, plan: &Plan) -> Recomputed {
    let s = p.scenario;
    let (na, nt, hpf) = (s.activities.len(), p.periods(), s.hours_per_fte);
    let activity: HashMap<&str, usize> = s.activities.iter().enumerate().map(|(a, x)| (x.code.as_str(), a)).collect();
    let period: HashMap<&str, usize> = s.periods.iter().enumerate().map(|(t, x)| (x.as_str(), t)).collect();
    let agent: HashMap<&str, usize> = s.agents.iter().enumerate().map(|(i, x)| (x.id.as_str(), i)).collect();
    let mut v = Vec::new();
    let mut bad = |constraint: &'static str, message: String| v.push(Violation { constraint, message });
    // Effective hours on each activity (agents' weighted by their productivity), and agents' own.
    let mut hours = vec![vec![0.0; nt]; na];
    let mut present = vec![vec![0.0; nt]; na];
    let mut cost = 0.0;

    for row in &plan.agents {
        let (Some(&i), Some(&t)) = (agent.get(row.agent.as_str()), period.get(row.period.as_str())) else {
            bad("reference", format!("unknown agent {} or period {}", row.agent, row.period));
            continue;
        };
        let (mut used, mut outside) = (0.0, 0.0);
        for (code, &h) in &row.hours {
            match activity.get(code.as_str()) {
                Some(&a) if p.qualified[i].contains(&a) => {
                    hours[a][t] += h * p.prod[i][t];
                    present[a][t] += h;
                    if p.outside_home(i, a) {
                        outside += h;
                    }
                }
                Some(_) => bad(
                    "qualification",
                    format!("{} is not qualified for {code} but works {h:.3} h in {}", row.agent, row.period),
                ),
                None => bad("reference", format!("unknown activity {code}")),
            }
            if h < -tolerance(h) {
                bad("non_negative", format!("{} works {h} h on {code} in {}", row.agent, row.period));
            }
            used += h;
        }
        let ot = row.overtime_hours;
        let cap = p.cap[i][t];
        if let Some(m) = &s.pools.internal_mobility
            && outside > m.max_share * cap + tolerance(cap)
        {
            bad(
                "mobility",
                format!(
                    "{} works {outside:.3} h outside their home activities in {}, allowed {:.3}",
                    row.agent,
                    row.period,
                    m.max_share * cap
                ),
            );
        }
        match &s.pools.overtime {
            Some(o) => {
                if ot > o.max_share * cap + tolerance(cap) || ot < -tolerance(ot) {
                    bad(
                        "overtime",
                        format!(
                            "{} has {ot:.3} h of overtime in {}, allowed 0 to {:.3}",
                            row.agent,
                            row.period,
                            o.max_share * cap
                        ),
                    );
                }
                cost += ot * o.cost_per_hour;
            }
            None if ot > tolerance(0.0) => {
                bad("overtime", format!("{} has overtime but there is no overtime pool", row.agent))
            }
            None => {}
        }
        if used > cap + ot + tolerance(cap) {
            bad(
                "agent_time",
                format!(
                    "{} works {used:.3} h in {}, capacity {cap:.3} h plus {ot:.3} h overtime",
                    row.agent, row.period
                ),
            );
        }
    }
    cost += hires(p, plan, &mut hours, &mut bad);
    for pool in &plan.pools {
        let Some(&t) = period.get(pool.period.as_str()) else {
            bad("reference", format!("unknown period {}", pool.period));
            continue;
        };
        let worked: f64 = pool.hours_by_activity.values().sum();
        match pool.kind {
            PoolKind::Overtime | PoolKind::Hire => {}
            PoolKind::TemporaryStaff => {
                let Some(def) = s.pools.temporary_staff.iter().find(|x| x.code == pool.pool) else {
                    bad("reference", format!("unknown temporary staff pool {}", pool.pool));
                    continue;
                };
                let heads = pool.heads.unwrap_or(0);
                if heads < 0 || heads > def.max_heads {
                    bad(
                        "temporary_heads",
                        format!("{} hires {heads} heads in {}, allowed 0 to {}", pool.pool, pool.period, def.max_heads),
                    );
                }
                cost += heads as f64 * def.cost_per_head_month;
                let capacity = heads as f64 * hpf * def.productivity;
                if worked > capacity + tolerance(capacity) {
                    bad(
                        "temporary_staff",
                        format!("{} works {worked:.3} h in {} with capacity {capacity:.3} h", pool.pool, pool.period),
                    );
                }
                for (code, &h) in &pool.hours_by_activity {
                    match activity.get(code.as_str()) {
                        Some(&a) if s.activities[a].temp_eligible => hours[a][t] += h,
                        _ => bad(
                            "temp_eligible",
                            format!("{} works on {code}, which is not open to temporary staff", pool.pool),
                        ),
                    }
                }
            }
            PoolKind::FlyingTeam => {
                let Some(f) = s.pools.flying_teams.iter().position(|x| x.code == pool.pool) else {
                    bad("reference", format!("unknown flying team {}", pool.pool));
                    continue;
                };
                let limit = p.flying_hours[f][t];
                if worked > limit + tolerance(limit) {
                    bad(
                        "flying_team",
                        format!("{} works {worked:.3} h in {}, available {limit:.3} h", pool.pool, pool.period),
                    );
                }
                cost += worked * s.pools.flying_teams[f].cost_per_hour;
                for (code, &h) in &pool.hours_by_activity {
                    match activity.get(code.as_str()) {
                        Some(&a) if p.flying_activities[f].contains(&a) => hours[a][t] += h,
                        _ => bad("flying_team", format!("{} works on {code}, outside its activities", pool.pool)),
                    }
                }
            }
        }
    }
    // The flow, from the hours: the plan's backlogs must be what its hours give.
    let stated: HashMap<(&str, &str), f64> =
        plan.activities.iter().map(|r| ((r.activity.as_str(), r.period.as_str()), r.backlog)).collect();
    for (a, act) in s.activities.iter().enumerate() {
        let mut backlog = act.initial_backlog;
        for t in 0..nt {
            backlog += p.volume[a][t] - hours[a][t] * p.rate(a, t);
            if backlog < -tolerance(backlog) {
                bad(
                    "flow",
                    format!("{} in {}: more items processed than there were ({backlog:.3})", act.code, s.periods[t]),
                );
            }
            match stated.get(&(act.code.as_str(), s.periods[t].as_str())) {
                Some(&b) if (b - backlog).abs() <= tolerance(backlog) * 10.0 => {}
                Some(&b) => bad(
                    "flow",
                    format!("{} in {}: backlog stated {b:.3}, its hours give {backlog:.3}", act.code, s.periods[t]),
                ),
                None => bad("flow", format!("{} in {}: no backlog stated", act.code, s.periods[t])),
            }
            let b = backlog.max(0.0);
            cost += act.priority * s.penalties.over_normal_per_item * (b - act.backlog_normal_max).max(0.0);
            cost += act.priority * s.penalties.over_critical_per_item * (b - act.backlog_critical_max).max(0.0);
            if act.min_fte > 0.0 {
                let missing = (act.min_fte * hpf - present[a][t]).max(0.0);
                cost += s.penalties.under_min_presence_per_hour * missing;
                let stated = plan
                    .activities
                    .iter()
                    .find(|r| r.activity == act.code && r.period == s.periods[t])
                    .map_or(0.0, |r| r.presence_shortfall_hours);
                if stated < missing - tolerance(missing) * 10.0 {
                    bad(
                        "min_presence",
                        format!(
                            "{} in {}: agents work {:.3} h, {:.3} h short of the minimum presence, stated {stated:.3}",
                            act.code, s.periods[t], present[a][t], missing
                        ),
                    );
                }
            }
        }
    }
    // The breakdown, when the plan has one, must be the plan's own costs.
    if !plan.objective_breakdown.is_empty() {
        let stated = crate::breakdown::total(&plan.objective_breakdown);
        if (stated - cost).abs() > tolerance(cost) * 10.0 {
            bad("objective_breakdown", format!("the parts add up to {stated:.3}, the plan's costs to {cost:.3}"));
        }
    }
    Recomputed { objective: cost, violations: v }
}

/// Checks the hire pools' rows (arrivals from the lead time on, within the cap, the recruits
/// present, their hours within their ramp and on the pool's activities), adds their hours to
/// `hours`, and returns their cost: each arrival paid from its month to the horizon's end.
fn hires(p: &Prepared, plan: &Plan, hours: &mut [Vec<f64>], bad: &mut impl FnMut(&'static str, String)) -> f64 {
    let s = p.scenario;
    let (nt, hpf) = (p.periods(), s.hours_per_fte);
    let mut cost = 0.0;
    for (k, def) in s.pools.hires.iter().enumerate() {
        let rows: Vec<_> = plan.pools.iter().filter(|r| r.kind == PoolKind::Hire && r.pool == def.code).collect();
        let mut arrivals = vec![0i64; nt];
        for row in &rows {
            match s.periods.iter().position(|x| *x == row.period) {
                Some(t) => arrivals[t] += row.arrivals.unwrap_or(0),
                None => bad("reference", format!("unknown period {}", row.period)),
            }
        }
        let total: i64 = arrivals.iter().sum();
        if total > def.max_heads {
            bad("hire_heads", format!("{} recruits {total} over the horizon, allowed {}", def.code, def.max_heads));
        }
        let mut present = 0;
        for t in 0..nt {
            if arrivals[t] < 0 || (arrivals[t] > 0 && (t as i64) < def.lead_months) {
                bad(
                    "hire_lead",
                    format!(
                        "{} has {} arrival(s) in {}, lead time {} months",
                        def.code, arrivals[t], s.periods[t], def.lead_months
                    ),
                );
            }
            present += arrivals[t];
            cost += arrivals[t] as f64 * def.cost_per_head_month * (nt - t) as f64;
            let capacity: f64 = (0..=t).map(|a| hpf * p.ramp(k, t - a) * arrivals[a] as f64).sum();
            let Some(row) = rows.iter().find(|r| r.period == s.periods[t]) else { continue };
            if row.heads != Some(present) {
                bad(
                    "hire_heads",
                    format!(
                        "{} states {:?} recruits present in {}, its arrivals give {present}",
                        def.code, row.heads, row.period
                    ),
                );
            }
            let worked: f64 = row.hours_by_activity.values().sum();
            if worked > capacity + tolerance(capacity) {
                bad(
                    "hire_hours",
                    format!("{} works {worked:.3} h in {} with capacity {capacity:.3} h", def.code, row.period),
                );
            }
            for (code, &h) in &row.hours_by_activity {
                match s.activities.iter().position(|x| x.code == *code) {
                    Some(a) if p.hire_activities[k].contains(&a) => hours[a][t] += h,
                    _ => bad("hire_activities", format!("{} works on {code}, outside its activities", def.code)),
                }
            }
        }
    }
    for row in plan.pools.iter().filter(|r| r.kind == PoolKind::Hire) {
        if !s.pools.hires.iter().any(|d| d.code == row.pool) {
            bad("reference", format!("unknown hire pool {}", row.pool));
        }
    }
    cost
}
