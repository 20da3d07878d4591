//! Exact plans on generated scenarios: model size, build and solve times, MIP nodes, and the
//! check. `cargo bench -p gpec-planning --bench solve` (release build); `-- 600` or `-- 15000`
//! runs one size only, `v1` or `v2` one version only. Figures go to docs/benchmarks.md; nothing
//! here asserts a time.

use std::time::Instant;

use gpec_planning::generate::{Levels, Shape, generate};
use gpec_planning::{Options, Status, check, solve, validate};

fn run(shape: Shape) {
    let Shape { agents, activities, months, seed, levels, v2 } = shape;
    let scenario = generate(&shape);
    let started = Instant::now();
    let prepared = validate(&scenario).expect("a generated scenario is valid");
    let plan = solve(&prepared, Options::default()).expect("solved");
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let recomputed = check(&prepared, &plan);
    let drift = (recomputed.objective - plan.objective).abs() / plan.objective.abs().max(1.0);
    let s = &plan.stats;
    println!(
        "{agents:>6} x {activities} x {months} {levels:?}{v2} seed {seed}: {status:?}, objective {o:.6}, groups {g}, variables {v} \
         ({i} integer), constraints {c}, build {b:.1} ms, solve {so:.1} ms, total {total_ms:.1} ms, nodes {n}, \
         check: {viol} violation(s), objective drift {drift:.1e}",
        v2 = if v2 { " v2" } else { "" },
        status = plan.status,
        o = plan.objective,
        g = s.agent_groups,
        v = s.variables,
        i = s.integer_variables,
        c = s.constraints,
        b = s.build_ms,
        so = s.solve_ms,
        n = s.mip_nodes,
        viol = recomputed.violations.len(),
    );
    assert_eq!(plan.status, Status::Optimal);
    assert!(recomputed.violations.is_empty());
}

fn main() {
    let only: Option<usize> = std::env::args().skip(1).find_map(|a| a.parse().ok());
    let version = std::env::args().skip(1).find(|a| a == "v1" || a == "v2");
    for (agents, activities, seeds) in [(600, 20, 1..=5), (15_000, 30, 1..=2)] {
        if only.is_some_and(|o| o != agents) {
            continue;
        }
        for (levels, v2) in
            [(Levels::Jobs, false), (Levels::Uniform, false), (Levels::Jobs, true), (Levels::Uniform, true)]
        {
            if version.as_deref().is_some_and(|v| (v == "v2") != v2) {
                continue;
            }
            for seed in seeds.clone() {
                run(Shape { agents, activities, months: 12, seed, levels, v2 });
            }
        }
    }
}
