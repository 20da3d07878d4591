//! Exact plans on generated scenarios: model size, build and solve times, and the check.
//! `cargo bench -p gpec-planning --bench solve` (release build). Figures go to
//! docs/benchmarks.md; nothing here asserts a time.

use std::time::Instant;

use gpec_planning::{Options, Status, check, generate, solve, validate};

fn run(agents: usize, activities: usize, seed: u64) {
    let scenario = generate::scenario(agents, activities, 12, seed);
    let started = Instant::now();
    let prepared = validate(&scenario).expect("a generated scenario is valid");
    let plan = solve(&prepared, Options::default()).expect("solved");
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let recomputed = check(&prepared, &plan);
    let drift = (recomputed.objective - plan.objective).abs() / plan.objective.abs().max(1.0);
    let s = &plan.stats;
    println!(
        "{agents:>6} x {activities} x 12 seed {seed}: {status:?}, groups {g}, variables {v} ({i} integer), \
         constraints {c}, build {b:.1} ms, solve {so:.1} ms, validate+build+solve+report {total_ms:.1} ms, \
         check: {viol} violation(s), objective drift {drift:.1e}",
        status = plan.status,
        g = s.agent_groups,
        v = s.variables,
        i = s.integer_variables,
        c = s.constraints,
        b = s.build_ms,
        so = s.solve_ms,
        viol = recomputed.violations.len(),
    );
    assert_eq!(plan.status, Status::Optimal);
}

fn main() {
    for seed in 1..=10 {
        run(600, 20, seed);
    }
    for seed in 1..=3 {
        run(15_000, 30, seed);
    }
}
