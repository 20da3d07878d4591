//! The national trajectory of docs/benchmarks.md: `cargo bench -p gpec-trajectory --bench national
//! -- [ORGANISATIONS] [YEARS]` solves the generated case of seeds 1 to 5 and prints, for each, the
//! model's size, the build and solve times and the optimum.

use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (organisations, years) = (args.first().copied().unwrap_or(100), args.get(1).copied().unwrap_or(5));
    println!("organisations {organisations}, years {years}");
    println!("seed status   variables integers rows   build_ms solve_ms total_ms objective");
    for seed in 1..=5 {
        let started = Instant::now();
        let case = gpec_trajectory::generate::generate(organisations, years, seed);
        let p = gpec_trajectory::validate(&case).expect("a generated case is valid");
        let plan = gpec_trajectory::solve(&p, gpec_trajectory::Options::default()).expect("a plan");
        let total = started.elapsed().as_secs_f64() * 1000.0;
        let s = &plan.stats;
        println!(
            "{seed:<4} {:<8} {:>9} {:>8} {:>6} {:>8.1} {:>8.0} {:>8.0} {:.0}",
            format!("{:?}", plan.status),
            s.variables,
            s.integer_variables,
            s.constraints,
            s.build_ms,
            s.solve_ms,
            total,
            plan.costs.total
        );
    }
}
