//! `gpec trajectory solve | project | generate`: the workforce trajectory on JSON files, without a
//! database.

use clap::Subcommand;
use gpec_trajectory::{Case, Options, SolveError, Status};

use super::plan::{invalid_fields, print_json, read_json};

#[derive(Subcommand)]
pub enum TrajectoryCmd {
    /// Plan hires, moves and training at least cost (docs/trajectory.md) and print the
    /// trajectory as JSON. Exit 0 when optimal, 2 when the time limit ended the search (the best
    /// plan found is printed), 1 on bad input or when no plan keeps every minimum (each is named)
    Solve {
        /// The case file; `-` reads standard input
        case: std::path::PathBuf,
        /// Seconds before the search stops with the best plan found
        #[arg(long, default_value_t = 60.0)]
        time_limit: f64,
    },
    /// Print the trajectory without action: departures only, no hire, no move
    Project {
        /// The case file; `-` reads standard input
        case: std::path::PathBuf,
    },
    /// Print a realistic national case: organisations of 120 to 1,500 agents, eight job sheets
    Generate {
        #[arg(long, default_value_t = 100)]
        organisations: usize,
        #[arg(long, default_value_t = 5)]
        years: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn invalid(errors: Vec<gpec_trajectory::FieldError>) -> String {
    invalid_fields("case", errors.into_iter().map(|e| (e.field, e.message)).collect())
}

/// `Ok(true)` when the trajectory is optimal (or a projection).
pub fn run(cmd: TrajectoryCmd) -> Result<bool, String> {
    match cmd {
        TrajectoryCmd::Solve { case, time_limit } => {
            if !(time_limit.is_finite() && time_limit > 0.0) {
                return Err("--time-limit: must be a positive number of seconds".into());
            }
            let case: Case = read_json(&case, "trajectory case")?;
            let prepared = gpec_trajectory::validate(&case).map_err(invalid)?;
            let progress = super::progress::Progress::start(format!("solving (time limit {time_limit} s)"));
            let solved = gpec_trajectory::solve(&prepared, Options { time_limit, ..Options::default() });
            drop(progress);
            let trajectory = solved.map_err(|e| match e {
                SolveError::Infeasible(shortfalls) => {
                    let lines: Vec<String> = shortfalls
                        .iter()
                        .map(|s| {
                            format!(
                                "  {} {} {}: minimum {} ETP at work, at most {:.2} within the limits",
                                s.organisation, s.sheet, s.year, s.min_etp, s.reachable_etp
                            )
                        })
                        .collect();
                    format!("no plan keeps every minimum:\n{}", lines.join("\n"))
                }
                other => other.to_string(),
            })?;
            print_json(&trajectory)?;
            if trajectory.status == Status::TimeLimit {
                eprintln!("gpec: time limit reached; the plan printed is the best found, not proven optimal");
            }
            Ok(trajectory.status == Status::Optimal)
        }
        TrajectoryCmd::Project { case } => {
            let case: Case = read_json(&case, "trajectory case")?;
            let prepared = gpec_trajectory::validate(&case).map_err(invalid)?;
            print_json(&gpec_trajectory::project::project(&prepared))?;
            Ok(true)
        }
        TrajectoryCmd::Generate { organisations, years, seed } => {
            if organisations == 0 || !(1..=5).contains(&years) {
                return Err("--organisations must be at least 1 and --years 1 to 5".into());
            }
            print_json(&gpec_trajectory::generate::generate(organisations, years, seed))?;
            Ok(true)
        }
    }
}
