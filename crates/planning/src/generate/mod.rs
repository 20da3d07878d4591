//! `plan generate`: a realistic random scenario for demos and benchmarks. Loads follow the
//! branches' seasons (a September peak, a quieter summer) and come to about the capacity of the
//! agents, so that peaks need the pools. The same arguments give the same scenario.
//!
//! Two options: `Levels::Uniform` draws every competency level at random, as the first generator
//! did (many small groups of agents: the hard cases of docs/benchmarks.md), and `v2` adds the
//! version 2 rules (`v2.rs`).

mod v2;

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::scenario::{
    Activity, Agent, FlyingTeam, Load, Overtime, Penalties, Pools, Requirement, Scenario, TemporaryStaff,
};

const COMPETENCIES: &[&str] = &[
    "connaissance-prestations",
    "maitrise-applicatifs-metiers",
    "ecoute",
    "conseil-assistance",
    "capacite-investiguer",
    "gestion-situations-difficiles",
    "legislation-reglementation-partenaires",
    "analyse-diagnostic",
];
/// Typical levels on `COMPETENCIES` of the jobs agents hold: CSU, chargé d'accompagnement,
/// expertise, risk management, SI adviser.
const JOBS: &[[i64; 8]] = &[
    [2, 2, 3, 2, 2, 3, 2, 1],
    [4, 3, 3, 3, 2, 2, 2, 2],
    [4, 3, 2, 4, 3, 1, 1, 3],
    [4, 3, 2, 2, 3, 1, 2, 3],
    [4, 4, 2, 2, 3, 1, 2, 3],
];
/// Monthly load factor, January to December: the September housing-aid peak, a quiet August.
const SEASON: [f64; 12] = [1.05, 1.0, 1.0, 0.95, 0.95, 1.0, 0.9, 0.8, 1.35, 1.15, 1.0, 0.95];

/// How agents' competency levels are drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Levels {
    /// Around the typical levels of the jobs agents hold, as in a CAF.
    #[default]
    Jobs,
    /// Each level drawn uniformly in 0..=4, as the first generator did.
    Uniform,
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub agents: usize,
    pub activities: usize,
    pub months: usize,
    pub seed: u64,
    pub levels: Levels,
    /// Add the version 2 rules: teams, productivity and ramp-up, a standard that drops, minimum
    /// presence, priorities, internal mobility and a hire pool.
    pub v2: bool,
}

/// A version 1 scenario with levels clustered by job.
pub fn scenario(agents: usize, activities: usize, months: usize, seed: u64) -> Scenario {
    generate(&Shape { agents, activities, months, seed, levels: Levels::Jobs, v2: false })
}

pub fn generate(shape: &Shape) -> Scenario {
    let &Shape { agents, activities, months, seed, levels: drawn, .. } = shape;
    let mut rng = StdRng::seed_from_u64(seed);
    let hours_per_fte = 1607.0 / 12.0;
    let periods: Vec<String> = (0..months).map(|m| format!("{}-{:02}", 2027 + m / 12, m % 12 + 1)).collect();
    let acts: Vec<Activity> = (0..activities)
        .map(|a| {
            let reqs = (0..rng.random_range(0..=2))
                .map(|_| Requirement {
                    competency: COMPETENCIES[rng.random_range(0..COMPETENCIES.len())].to_owned(),
                    min_level: rng.random_range(1..=3),
                })
                .fold(Vec::<Requirement>::new(), |mut list, r| {
                    if !list.iter().any(|x| x.competency == r.competency) {
                        list.push(r);
                    }
                    list
                });
            let normal = f64::from(rng.random_range(500..3000));
            Activity {
                code: format!("ACT{:02}", a + 1),
                minutes_per_item: f64::from(rng.random_range(5..=45)),
                initial_backlog: (normal * rng.random_range(0.3..1.2)).round(),
                backlog_normal_max: normal,
                backlog_critical_max: normal * 2.0,
                temp_eligible: rng.random_bool(0.6),
                requirements: reqs,
                priority: 1.0,
                minutes_per_item_by_period: BTreeMap::new(),
                min_fte: 0.0,
            }
        })
        .collect();
    let people: Vec<Agent> = (0..agents)
        .map(|i| {
            let fte = match rng.random_range(0..10) {
                0 => 0.5,
                1 | 2 => 0.8,
                _ => 1.0,
            };
            let levels = match drawn {
                Levels::Jobs => job_levels(&mut rng),
                Levels::Uniform => COMPETENCIES.iter().map(|c| ((*c).to_owned(), rng.random_range(0..=4))).collect(),
            };
            let mut unavailable = BTreeMap::new();
            for p in &periods {
                // Summer leave, and scattered absences or training days.
                let month: usize = p[5..7].parse().unwrap_or(1);
                let hours = if (7..=8).contains(&month) && rng.random_bool(0.5) {
                    f64::from(rng.random_range(35..=105))
                } else if rng.random_bool(0.15) {
                    f64::from(rng.random_range(7..=35))
                } else {
                    0.0
                };
                if hours > 0.0 {
                    unavailable.insert(p.clone(), hours);
                }
            }
            Agent {
                id: format!("A{:05}", i + 1),
                fte,
                levels,
                unavailable_hours: unavailable,
                campus_hours: Default::default(),
                productivity: 1.0,
                productivity_by_period: BTreeMap::new(),
                home_activities: None,
            }
        })
        .collect();
    // Loads: each activity's share of about the agents' capacity, shaped by the season.
    let capacity: f64 = people.iter().map(|a| a.fte * hours_per_fte).sum::<f64>() * 0.97;
    let weights: Vec<f64> = (0..activities).map(|_| rng.random_range(0.5..1.5)).collect();
    let total: f64 = weights.iter().sum();
    let mut loads = Vec::new();
    for (a, act) in acts.iter().enumerate() {
        let hours = capacity * weights[a] / total;
        for p in &periods {
            let month: usize = p[5..7].parse().unwrap_or(1);
            let noise = rng.random_range(0.9..1.1);
            let volume = (hours * SEASON[month - 1] * noise * 60.0 / act.minutes_per_item).round();
            loads.push(Load { activity: act.code.clone(), period: p.clone(), volume });
        }
    }
    let flying_hours = periods
        .iter()
        .map(|p| {
            let month: usize = p[5..7].parse().unwrap_or(1);
            (p.clone(), if (9..=10).contains(&month) { (agents as f64 * 2.0).round() } else { 0.0 })
        })
        .collect();
    let flying_activities = acts.iter().take(activities.div_ceil(2)).map(|a| a.code.clone()).collect();
    let mut scenario = Scenario {
        periods,
        hours_per_fte,
        activities: acts,
        loads,
        agents: people,
        pools: Pools {
            overtime: Some(Overtime { max_share: 0.1, cost_per_hour: 30.0 }),
            temporary_staff: vec![
                TemporaryStaff {
                    code: "CDD".into(),
                    cost_per_head_month: 3200.0,
                    max_heads: (agents / 20).max(1) as i64,
                    productivity: 0.7,
                },
                TemporaryStaff {
                    code: "INTERIM".into(),
                    cost_per_head_month: 3900.0,
                    max_heads: (agents / 40).max(1) as i64,
                    productivity: 0.6,
                },
            ],
            flying_teams: vec![FlyingTeam {
                code: "POLE-APPUI".into(),
                cost_per_hour: 45.0,
                activities: Some(flying_activities),
                hours_per_period: flying_hours,
            }],
            internal_mobility: None,
            hires: Vec::new(),
        },
        penalties: Penalties::default(),
    };
    if shape.v2 {
        v2::extend(&mut scenario, seed);
    }
    scenario
}

/// Levels clustered by job, as in a CAF: the job's typical level, one step off now and then.
fn job_levels(rng: &mut StdRng) -> BTreeMap<String, i64> {
    let job = JOBS[rng.random_range(0..JOBS.len())];
    COMPETENCIES
        .iter()
        .zip(job.iter())
        .map(|(c, &typical)| {
            let level = match rng.random_range(0..100) {
                0..12 => typical - 1,
                12..24 => typical + 1,
                _ => typical,
            };
            ((*c).to_owned(), level.clamp(0, 4))
        })
        .collect()
}
