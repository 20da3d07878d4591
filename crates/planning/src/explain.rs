//! Why a backlog stays above normal in a plan: what binds, each with the figure that shows it.

use crate::result::{Binding, PoolKind, PoolPeriod};
use crate::solve::Raw;
use crate::validate::Prepared;

/// The agents' hours of the period, summed once for every activity's explanation: by group, and
/// on each activity; each group's overtime; the groups qualified for each activity; and per
/// activity with a minimum presence, each group's hours on it.
pub(crate) struct Worked<'a> {
    pub by_group: &'a [f64],
    pub overtime: &'a [f64],
    pub on: &'a dyn Fn(usize) -> f64,
    pub qualified: &'a [Vec<usize>],
    pub on_presence: &'a [Option<Vec<f64>>],
}

/// What binds for activity `a` in period `t`, from the solved values.
pub(crate) fn explain(
    p: &Prepared,
    raw: &Raw,
    pools: &[PoolPeriod],
    (a, t): (usize, usize),
    hours_to_clear: f64,
    worked: Worked,
) -> Vec<Binding> {
    let full = |used: f64, limit: f64| used >= limit - 1e-6 * limit.max(1.0);
    let s = p.scenario;
    let period = &s.periods[t];
    let share = s.pools.overtime.as_ref().map_or(0.0, |o| o.max_share);
    let mobility = s.pools.internal_mobility.as_ref().map_or(1.0, |m| m.max_share);
    let groups = &raw.columns.groups[t];
    let mut binds = Vec::new();
    let mut spare = false; // capacity that could have worked on `a` was left unused
    let qualified = &worked.qualified[a];
    let (mut regular_full, mut overtime_full) = (!qualified.is_empty(), !qualified.is_empty());
    let (mut held_agents, mut held_hours) = (0, 0.0);
    let mut qualified_hours = 0.0;
    for &g in qualified {
        let group = &groups[g];
        let used = worked.by_group[g];
        let overtime = worked.overtime[g];
        let away = group.outside.contains(&a);
        // What the group gave its outside pool: an hour of it may land on its own home activity.
        let outside = || raw.x[t].outside[g];
        if away && full(outside(), mobility * group.cap) && !full(used, group.cap) {
            // This group had hours left but could give `a` no more: the mobility limit held them.
            held_agents += group.agents.len();
            held_hours += group.cap - used;
            qualified_hours += group.prod * mobility * group.cap;
            continue;
        }
        regular_full &= full(used, group.cap);
        overtime_full &= full(overtime, share * group.cap);
        spare |= !full(used, group.cap + overtime) || !full(overtime, share * group.cap);
        let reach = if away { mobility * group.cap } else { group.cap * (1.0 + share) };
        qualified_hours += group.prod * reach;
    }
    if regular_full && held_agents < qualified.iter().map(|&g| groups[g].agents.len()).sum() {
        binds.push(Binding::AgentsCapacityExhausted);
    }
    if held_agents > 0 {
        binds.push(Binding::MobilityLimit { agents: held_agents, held_hours });
    }
    if qualified_hours < hours_to_clear - 1e-6 {
        binds.push(Binding::TooFewQualifiedAgents { qualified_hours, hours_to_clear });
    }
    if regular_full {
        binds.extend(presence_took_hours(p, qualified, a, &worked));
    }
    if s.pools.overtime.is_some() && overtime_full && share > 0.0 {
        binds.push(Binding::PoolAtCap { pool: "overtime".into() });
    }
    let row =
        |code: &str, kind: PoolKind| pools.iter().find(|r| r.pool == code && r.kind == kind && r.period == *period);
    for pool in s.pools.temporary_staff.iter().filter(|_| s.activities[a].temp_eligible) {
        match row(&pool.code, PoolKind::TemporaryStaff).and_then(|r| r.heads) {
            Some(h) if h >= pool.max_heads => binds.push(Binding::PoolAtCap { pool: pool.code.clone() }),
            _ => spare |= pool.max_heads > 0,
        }
    }
    for (f, team) in s.pools.flying_teams.iter().enumerate() {
        let limit = p.flying_hours[f][t];
        if !p.flying_activities[f].contains(&a) || limit <= 0.0 {
            continue;
        }
        if full(row(&team.code, PoolKind::FlyingTeam).map_or(0.0, |r| r.hours), limit) {
            binds.push(Binding::PoolAtCap { pool: team.code.clone() });
        } else {
            spare = true;
        }
    }
    for (k, pool) in s.pools.hires.iter().enumerate() {
        if !p.hire_activities[k].contains(&a) || pool.max_heads <= 0 {
            continue;
        }
        let first = pool.lead_months.max(0) as usize;
        if t < first {
            let first_arrival = s.periods.get(first).cloned();
            binds.push(Binding::HiresTooLate { pool: pool.code.clone(), lead_months: pool.lead_months, first_arrival });
            continue;
        }
        let hired: i64 =
            pools.iter().filter(|r| r.pool == pool.code && r.kind == PoolKind::Hire).filter_map(|r| r.arrivals).sum();
        if hired >= pool.max_heads {
            binds.push(Binding::PoolAtCap { pool: pool.code.clone() });
        } else {
            spare = true;
        }
    }
    if spare {
        binds.push(Binding::ReinforcementDearerThanBacklog);
    }
    binds
}

/// The minimum presence on other activities that took the hours of `a`'s qualified agents, when
/// that presence is just met (or missed): those hours could not move to `a`.
fn presence_took_hours(p: &Prepared, qualified: &[usize], a: usize, worked: &Worked) -> Vec<Binding> {
    let s = p.scenario;
    let mut out = Vec::new();
    for (b, act) in s.activities.iter().enumerate() {
        let Some(by_group) = worked.on_presence[b].as_ref().filter(|_| b != a) else { continue };
        let present = (worked.on)(b);
        let required = act.min_fte * s.hours_per_fte;
        let hours: f64 = qualified.iter().map(|&g| by_group[g]).sum();
        if hours > 1e-6 && present <= required + 1e-6 * required.max(1.0) {
            out.push(Binding::MinPresence { activity: act.code.clone(), hours });
        }
    }
    out
}
