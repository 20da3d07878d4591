//! `trajectory generate`: a realistic national case for benchmarks. Organisations of 120 to
//! 1,500 agents hold eight job sheets; today's jobs (GCA, CSU) shrink and the new ones
//! (accompagnement, expertise, risk management, data) grow, as seed 002 describes. Known
//! departures come from an age pyramid like a CAF's (about a quarter of agents over 55) through
//! the default retirement table, plus a few planned departures. Training hours are limited in
//! each organisation and, a little more tightly, for the branch. The same seed gives the same case.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::case::{Case, Job, Organisation, Path, Penalties, Sheet, default_hours_per_etp, default_ramp};
use crate::departures::{Person, Reason, default_retirement_ages, per_year};

/// Sheet, label, share of today's heads, yearly trend of the target.
const SHEETS: &[(&str, &str, f64, f64)] = &[
    ("GCA", "Gestionnaire conseil allocataires", 0.35, -0.06),
    ("CSU", "Conseiller service à l'usager", 0.25, -0.03),
    ("ACCOMPAGNEMENT", "Chargé d'accompagnement", 0.12, 0.09),
    ("EXPERTISE", "Métier d'expertise", 0.10, 0.05),
    ("GESTIONNAIRE-RISQUES", "Gestionnaire des risques", 0.05, 0.08),
    ("CONSEILLER-SI", "Conseiller du SI", 0.04, 0.02),
    ("DATA-ANALYST", "Data-analyst", 0.01, 0.15),
    ("MANAGER", "Manager opérationnel", 0.08, 0.0),
];

/// Moves the branch allows, with the training hours one needs.
const PATHS: &[(&str, &str, f64)] = &[
    ("GCA", "ACCOMPAGNEMENT", 140.0),
    ("GCA", "EXPERTISE", 210.0),
    ("GCA", "GESTIONNAIRE-RISQUES", 280.0),
    ("GCA", "CONSEILLER-SI", 245.0),
    ("CSU", "ACCOMPAGNEMENT", 210.0),
    ("CSU", "GCA", 140.0),
    ("EXPERTISE", "GESTIONNAIRE-RISQUES", 105.0),
    ("EXPERTISE", "CONSEILLER-SI", 140.0),
    ("EXPERTISE", "MANAGER", 175.0),
    ("ACCOMPAGNEMENT", "MANAGER", 175.0),
    ("CONSEILLER-SI", "DATA-ANALYST", 350.0),
];

/// A birth date drawn from a CAF-like pyramid: few under 30, most between 45 and 60.
fn birth(rng: &mut StdRng, today: i32) -> (i32, u32) {
    const BANDS: &[(i32, i32, f64)] =
        &[(22, 29, 0.08), (30, 39, 0.18), (40, 49, 0.27), (50, 54, 0.2), (55, 59, 0.19), (60, 64, 0.08)];
    let mut draw = rng.random_range(0.0..1.0);
    let (low, high) = BANDS
        .iter()
        .find(|(_, _, w)| {
            draw -= w;
            draw < 0.0
        })
        .map_or((40, 49), |&(l, h, _)| (l, h));
    let age = rng.random_range(low..=high);
    (today - 1 - age, rng.random_range(1..=12))
}

pub fn generate(organisations: usize, years: usize, seed: u64) -> Case {
    let mut rng = StdRng::seed_from_u64(seed);
    let first_year = 2027;
    let table = default_retirement_ages();
    let mut orgs = Vec::with_capacity(organisations);
    let mut branch_hours = vec![0.0; years];
    for o in 0..organisations {
        let size = (120.0 * (1500.0f64 / 120.0).powf(rng.random_range(0.0..1.0))).round() as u32;
        let mut jobs = Vec::new();
        for &(sheet, _, share, trend) in SHEETS {
            let heads = ((size as f64 * share * rng.random_range(0.8..1.2)).round() as u32).max(1);
            let people: Vec<Person> = (0..heads)
                .map(|_| {
                    let planned = rng.random_bool(0.03).then(|| {
                        let reason = [Reason::Mobility, Reason::EndOfContract, Reason::Other][rng.random_range(0..3)];
                        ((first_year + rng.random_range(0..years as i32), rng.random_range(1..=12)), reason)
                    });
                    Person { birth: Some(birth(&mut rng, first_year)), departure: planned }
                })
                .collect();
            let departures = per_year(&table, &people, first_year, years);
            let known: u32 = departures.iter().sum();
            let etp = (heads as f64 * rng.random_range(0.88..0.97) * 10.0).round() / 10.0;
            let target =
                (1..=years).map(|y| Some((etp * (1.0 + trend).powi(y as i32) * 10.0).round() / 10.0)).collect();
            jobs.push(Job {
                sheet: sheet.to_string(),
                heads,
                etp,
                departures,
                movable: heads - known,
                exit_rate: rng.random_range(0.015..0.045),
                hire_cost: rng.random_range(6_000.0f64..12_000.0).round(),
                hire_lead_months: rng.random_range(3..=9),
                hire_cap: Some((heads as f64 * 0.15).ceil().max(2.0) as u32),
                move_out_share: 0.1,
                target,
                min_etp: Vec::new(),
            });
        }
        let hours = vec![(6.0 * size as f64).round(); years];
        for (b, h) in branch_hours.iter_mut().zip(&hours) {
            *b += h;
        }
        orgs.push(Organisation { code: format!("CAF-{:03}", o + 1), training_hours: Some(hours), jobs });
    }
    Case {
        first_year,
        years,
        hours_per_etp: default_hours_per_etp(),
        ramp: default_ramp(),
        training_cost_per_hour: 45.0,
        penalties: Penalties::default(),
        sheets: SHEETS.iter().map(|&(code, label, ..)| Sheet { code: code.into(), label: label.into() }).collect(),
        paths: PATHS
            .iter()
            .map(|&(from, to, hours)| Path { from: from.into(), to: to.into(), training_hours: hours })
            .collect(),
        // The campus cannot train every organisation at its own limit in the same year.
        national_training_hours: Some(branch_hours.iter().map(|h| (h * 0.7).round()).collect()),
        organisations: orgs,
    }
}
