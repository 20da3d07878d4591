//! `gpec plan solve | check | generate`: the planning model on JSON files, without a database.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;
use gpec_planning::{Options, Plan, Scenario, Status};

#[derive(Subcommand)]
pub enum PlanCmd {
    /// Solve a scenario to its exact optimum and print the plan as JSON. Exit 0 when optimal,
    /// 2 when the time limit ended the search (the best plan found is printed), 1 on bad input
    Solve {
        /// The scenario file; `-` reads standard input
        scenario: std::path::PathBuf,
        /// Seconds before the search stops with the best plan found
        #[arg(long, default_value_t = 60.0)]
        time_limit: f64,
    },
    /// Re-check a plan against every constraint without the solver, and recompute its objective
    Check {
        /// The scenario file; `-` reads standard input
        scenario: std::path::PathBuf,
        /// The plan file; `-` reads standard input
        result: std::path::PathBuf,
    },
    /// Print a realistic random scenario
    Generate {
        #[arg(long)]
        agents: usize,
        #[arg(long)]
        activities: usize,
        #[arg(long, default_value_t = 12)]
        months: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How competency levels are drawn: around each job's typical levels, or uniformly at
        /// random (many small groups of agents: the hard cases of docs/benchmarks.md)
        #[arg(long, value_enum, default_value_t = LevelsArg::Jobs)]
        levels: LevelsArg,
        /// Add the version 2 rules: teams with home activities, productivity and ramp-up, a
        /// standard time that drops, minimum presence, priorities, mobility limit, hire pool
        #[arg(long)]
        v2: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LevelsArg {
    Jobs,
    Uniform,
}

/// A JSON file, or standard input for `-`.
pub(super) fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, String> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin().lock()).map_err(|e| format!("reading standard input: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
    };
    serde_json::from_str(&text).map_err(|e| format!("{} is not a valid {what}: {e}", path.display()))
}

pub(super) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    // Standard output flushes at every line; a plan of 15,000 agents has millions of lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| e.to_string())?;
    writeln!(out).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

fn invalid(errors: Vec<gpec_planning::FieldError>) -> String {
    invalid_fields("scenario", errors.into_iter().map(|e| (e.field, e.message)).collect())
}

/// "the `what` is invalid", then one line per field and its problem.
pub(super) fn invalid_fields(what: &str, errors: Vec<(String, String)>) -> String {
    let lines: Vec<String> = errors.iter().map(|(field, message)| format!("  {field}: {message}")).collect();
    format!("the {what} is invalid ({} problem(s)):\n{}", errors.len(), lines.join("\n"))
}

/// `Ok(true)` when the plan is optimal.
pub fn run(cmd: PlanCmd, output: super::Output) -> Result<bool, String> {
    match cmd {
        PlanCmd::Solve { scenario, time_limit } => {
            if !(time_limit.is_finite() && time_limit > 0.0) {
                return Err("--time-limit: must be a positive number of seconds".into());
            }
            let scenario: Scenario = read_json(&scenario, "scenario")?;
            let prepared = gpec_planning::validate(&scenario).map_err(invalid)?;
            let progress = super::progress::Progress::start(format!("solving (time limit {time_limit} s)"));
            let plan = gpec_planning::solve(&prepared, Options { time_limit }).map_err(|e| e.to_string())?;
            drop(progress);
            print_json(&plan)?;
            if plan.status == Status::TimeLimit {
                eprintln!("gpec: time limit reached; the best plan found has a relative gap of {:.2e}", plan.mip_gap);
            }
            Ok(plan.status == Status::Optimal)
        }
        PlanCmd::Check { scenario, result } => {
            let scenario: Scenario = read_json(&scenario, "scenario")?;
            let prepared = gpec_planning::validate(&scenario).map_err(invalid)?;
            let plan: Plan = read_json(&result, "plan")?;
            let recomputed = gpec_planning::check(&prepared, &plan);
            let drift = (recomputed.objective - plan.objective).abs();
            let objective_ok = drift <= 1e-6 * recomputed.objective.abs().max(1.0);
            if output == super::Output::Json {
                let violations: Vec<_> = recomputed
                    .violations
                    .iter()
                    .map(|v| serde_json::json!({"constraint": v.constraint, "message": v.message}))
                    .collect();
                super::referential::print_json(&serde_json::json!({
                    "objective_stated": plan.objective,
                    "objective_recomputed": recomputed.objective,
                    "objective_matches": objective_ok,
                    "violations": violations,
                }))?;
            } else {
                for v in &recomputed.violations {
                    println!("violation [{}]: {}", v.constraint, v.message);
                }
                println!("objective: stated {:.6}, recomputed {:.6}", plan.objective, recomputed.objective);
                if !objective_ok {
                    println!("violation [objective]: the stated objective differs from the plan's own cost");
                }
            }
            if recomputed.violations.is_empty() && objective_ok {
                if output == super::Output::Text {
                    println!("the plan satisfies every constraint");
                }
                Ok(true)
            } else {
                Err(format!(
                    "the plan breaks {} constraint(s)",
                    recomputed.violations.len() + usize::from(!objective_ok)
                ))
            }
        }
        PlanCmd::Generate { agents, activities, months, seed, levels, v2 } => {
            if !(1..=36).contains(&months) || activities == 0 {
                return Err("--months must be 1 to 36 and --activities at least 1".into());
            }
            use gpec_planning::generate::{Levels, Shape, generate};
            let levels = match levels {
                LevelsArg::Jobs => Levels::Jobs,
                LevelsArg::Uniform => Levels::Uniform,
            };
            print_json(&generate(&Shape { agents, activities, months, seed, levels, v2 }))?;
            Ok(true)
        }
    }
}
