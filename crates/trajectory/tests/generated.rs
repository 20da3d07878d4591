//! Generated national cases: the plan keeps every limit, its flows add up, its costs are the sum
//! of their parts, and it never costs more than doing nothing (which is always allowed).

use std::collections::HashMap;

use gpec_trajectory::generate::generate;
use gpec_trajectory::project::project;
use gpec_trajectory::{Options, Status, solve, validate};

#[test]
fn generated_plans_keep_every_limit_and_beat_the_projection() {
    for seed in [1, 2, 3] {
        let case = generate(6, 3, seed);
        let p = validate(&case).expect("a generated case is valid");
        let plan = solve(&p, Options::default()).unwrap();
        assert_eq!(plan.status, Status::Optimal);
        assert_eq!(plan.flows.len(), 6 * 8 * 3);
        for f in &plan.flows {
            let end = f.start - f.departures + f.hires + f.moves_in - f.moves_out;
            assert!((f.end - end).abs() < 1e-9 && f.end >= -1e-9, "{f:?}");
        }
        let c = &plan.costs;
        let parts = c.hiring + c.training + c.lost_capacity + c.under_target + c.over_target;
        assert!((c.total - parts).abs() < 1e-6);
        // The flows' arithmetic prices the plan as the model did.
        assert!((c.total - plan.stats.objective).abs() <= 1e-6 * c.total, "{} != {}", c.total, plan.stats.objective);
        let nothing = project(&p).costs.total;
        assert!(c.total <= nothing + 1e-6, "seed {seed}: {} > {nothing}", c.total);
        assert!(plan.flows.iter().any(|f| f.hires > 0.0) && !plan.moves.is_empty(), "seed {seed} plans nothing");

        let mut hours: HashMap<(&str, i32), f64> = HashMap::new();
        for m in &plan.moves {
            *hours.entry((m.organisation.as_str(), m.year)).or_default() += m.training_hours;
        }
        for (o, org) in case.organisations.iter().enumerate() {
            for (j, job) in org.jobs.iter().enumerate() {
                let flows: Vec<_> =
                    plan.flows.iter().filter(|f| f.organisation == org.code && f.sheet == job.sheet).collect();
                let out: f64 = flows.iter().map(|f| f.moves_out).sum();
                assert!(out <= job.movable as f64, "{o}/{j} moves {out} of {}", job.movable);
                for (y, f) in flows.iter().enumerate() {
                    assert!(f.hires <= job.hire_cap.unwrap() as f64);
                    assert!(f.moves_out <= job.move_out_share * f.start + 1e-6);
                    let cap = org.training_hours.as_ref().unwrap()[y];
                    assert!(hours.get(&(org.code.as_str(), f.year)).copied().unwrap_or(0.0) <= cap + 1e-6);
                }
            }
        }
        let national = case.national_training_hours.as_ref().unwrap();
        for (y, cap) in national.iter().enumerate() {
            let used: f64 =
                hours.iter().filter(|((_, year), _)| *year == case.first_year + y as i32).map(|(_, h)| h).sum();
            assert!(used <= cap + 1e-6);
        }
    }
}

#[test]
fn the_same_case_gives_the_same_plan() {
    let case = generate(4, 3, 7);
    let p = validate(&case).unwrap();
    let (a, b) = (solve(&p, Options::default()).unwrap(), solve(&p, Options::default()).unwrap());
    assert_eq!((a.flows, a.moves, a.costs), (b.flows, b.moves, b.costs));
}

#[test]
fn the_rounding_cuts_leave_the_optimum_unchanged() {
    for seed in 1..=4 {
        let case = generate(1, 2, seed);
        let p = validate(&case).unwrap();
        let with = solve(&p, Options::default()).unwrap();
        let without = solve(&p, Options { rounding_cuts: false, ..Options::default() }).unwrap();
        assert_eq!((with.status, without.status), (Status::Optimal, Status::Optimal));
        let (a, b) = (with.costs.total, without.costs.total);
        assert!((a - b).abs() <= 1e-6 * a, "seed {seed}: {a} with the cuts, {b} without");
    }
}
