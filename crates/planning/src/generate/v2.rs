//! The version 2 rules on a generated scenario, as a CAF's production service has them: teams of
//! 12 to 15 agents each with 2 to 4 home activities they are trained for, a few newcomers ramping
//! up, individual productivity, a standard time that drops once automation takes the simple
//! files, minimum presence on the payment-validation activities, priorities, a mobility limit and
//! a pool of permanent hires. Draws come from their own generator, so that the version 1 part of
//! the scenario is the same as without `--v2`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::scenario::{HirePool, InternalMobility, Scenario};

/// A newcomer's productivity: 40 % on arrival, full after 18 months (seed 004: operational after
/// 18 to 36 months), in steps of 5 %.
fn ramp(months_in: usize) -> Option<f64> {
    (months_in < 18).then(|| ((0.4 + 0.6 * months_in as f64 / 18.0) * 20.0).round() / 20.0)
}

pub(super) fn extend(s: &mut Scenario, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7632_5f67_7065_6332);
    let (na, nt) = (s.activities.len(), s.periods.len());
    // Teams, their home activities rotating so that every activity is some team's.
    let mut home_fte = vec![0.0; na];
    let (mut first, mut team) = (0, 0);
    while first < s.agents.len() {
        let size = rng.random_range(12..=15).min(s.agents.len() - first);
        let count = rng.random_range(2..=4).min(na);
        let home: Vec<usize> = (0..count).map(|j| (team * 2 + j) % na).collect();
        for agent in &mut s.agents[first..first + size] {
            agent.home_activities = Some(home.iter().map(|&a| s.activities[a].code.clone()).collect());
            agent.productivity = match rng.random_range(0..10) {
                0 | 1 => 0.9,
                8 | 9 => 1.1,
                _ => 1.0,
            };
            let newcomer = rng.random_range(0..25) == 0;
            if newcomer {
                let months_in: usize = rng.random_range(0..12);
                for (t, period) in s.periods.iter().enumerate() {
                    if let Some(share) = ramp(months_in + t) {
                        agent.productivity_by_period.insert(period.clone(), share);
                    }
                }
            } else {
                // Trained to their team's activities.
                for &a in &home {
                    for r in &s.activities[a].requirements {
                        let level = agent.levels.entry(r.competency.clone()).or_insert(0);
                        *level = (*level).max(r.min_level);
                    }
                }
            }
            for &a in &home {
                home_fte[a] += agent.fte / count as f64;
            }
        }
        first += size;
        team += 1;
    }
    rebalance_loads(s, &home_fte);
    // Automation takes the simple files of the second activity from mid-horizon on.
    if na > 1 {
        let act = &mut s.activities[1];
        let lower = (act.minutes_per_item * 0.85 * 2.0).round() / 2.0;
        for period in &s.periods[nt / 2..] {
            act.minutes_per_item_by_period.insert(period.clone(), lower);
        }
    }
    // Payment validation: present every working day (seed 002), and first in tense months.
    for a in 0..na.min(if na >= 4 { 2 } else { 1 }) {
        s.activities[a].min_fte = (home_fte[a] * 0.6 * 2.0).floor() / 2.0;
        s.activities[a].priority = 3.0;
    }
    for a in (2..na).step_by(5) {
        s.activities[a].priority = 2.0;
    }
    s.pools.internal_mobility = Some(InternalMobility { max_share: 0.2 });
    s.pools.hires.push(HirePool {
        code: "CDI-GESTION".into(),
        cost_per_head_month: 3300.0,
        lead_months: 3,
        max_heads: (s.agents.len() / 60).max(1) as i64,
        ramp: vec![0.3, 0.5, 0.7],
        activities: s.activities.iter().take(na.div_ceil(2)).map(|a| a.code.clone()).collect(),
    });
}

/// Each activity's load follows the teams that have it at home, keeping its season and noise:
/// a team's capacity spread over its home activities.
fn rebalance_loads(s: &mut Scenario, home_fte: &[f64]) {
    let minutes: Vec<f64> = s.activities.iter().map(|a| a.minutes_per_item).collect();
    let index = |code: &str| s.activities.iter().position(|a| a.code == code);
    let mut hours = vec![0.0; home_fte.len()];
    let positions: Vec<Option<usize>> = s.loads.iter().map(|l| index(&l.activity)).collect();
    for (load, a) in s.loads.iter().zip(&positions) {
        if let Some(a) = *a {
            hours[a] += load.volume * minutes[a] / 60.0;
        }
    }
    let (all_hours, all_fte): (f64, f64) = (hours.iter().sum(), home_fte.iter().sum());
    for (load, a) in s.loads.iter_mut().zip(&positions) {
        if let Some(a) = *a
            && hours[a] > 0.0
            && all_fte > 0.0
        {
            let target = all_hours * home_fte[a] / all_fte;
            load.volume = (load.volume * target / hours[a]).round();
        }
    }
}
