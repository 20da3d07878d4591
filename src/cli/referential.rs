//! `gpec seed`, `gpec import ENTITY FILE`, `gpec export ENTITY`, `gpec demo generate`.

use std::io::Write;

use super::Output;
use super::progress::Progress;
use crate::config::Config;
use crate::db::DbConnection;
use crate::domain::csv_io::Dialect;
use crate::domain::referential_csv::{self, Entity, seed};
use crate::domain::xlsx::FileFormat;
use crate::error::ApiError;
use crate::http::server::{open_db, prepare};

fn connect(config: &Config) -> Result<crate::db::PooledConn, String> {
    let db = open_db(config).map_err(|e| e.to_string())?;
    prepare(&db, config).map_err(|e| e.to_string())?;
    db.conn().map_err(|e| e.to_string())
}

/// `report` as one line of JSON on standard output.
pub fn print_json(report: &impl serde::Serialize) -> Result<(), String> {
    println!("{}", serde_json::to_string(report).map_err(|e| e.to_string())?);
    Ok(())
}

pub fn run_seed(config: &Config, output: Output) -> Result<(), String> {
    // Seeded here, not by the start-up preparation, so that the report says what this did.
    let mut conn = connect(&Config { seed_on_start: false, ..config.clone() })?;
    let operator = super::admin::operator(&mut conn)?;
    let report = seed::run(&mut conn, &operator).map_err(|e| e.to_string())?;
    if output == Output::Json {
        return print_json(&report);
    }
    if report.is_empty() {
        println!("the referential is already seeded: nothing to add");
    } else {
        println!(
            "seeded {} competencies, {} branch activities, {} job profiles",
            report.competencies_created, report.activities_created, report.job_profiles_created
        );
    }
    Ok(())
}

pub fn export(config: &Config, entity: Entity, format: FileFormat, dialect: Dialect) -> Result<(), String> {
    let mut conn = connect(config)?;
    let (bytes, _) =
        referential_csv::export_file(&mut conn, entity, None, true, format, dialect).map_err(|e| e.to_string())?;
    std::io::stdout().write_all(&bytes).map_err(|e| format!("writing the export: {e}"))
}

/// Every bad line on its own line of stderr, after the summary.
pub fn describe(error: &ApiError) -> String {
    let mut text = error.to_string();
    if let ApiError::BadRequest { details, .. } = error {
        for d in details {
            let line = d.line.map_or(String::new(), |l| format!("line {l}"));
            let column = d.column.as_deref().or(d.field.as_deref()).unwrap_or("-");
            text.push_str(&format!("\n  {line}, column {column}: {}", d.message));
        }
    }
    text
}

pub fn import(config: &Config, entity: Entity, file: &std::path::Path, output: Output) -> Result<(), String> {
    let bytes = super::read_input(file)?;
    let mut conn = connect(config)?;
    let conn: &mut DbConnection = &mut conn;
    let operator = super::admin::operator(conn)?;
    let progress = Progress::start(format!("import of {}", entity.name()));
    let report = crate::db::transaction(conn, |conn| referential_csv::import(conn, &operator, entity, &bytes, None))
        .map_err(|e| describe(&e))?;
    drop(progress);
    if output == Output::Json {
        return print_json(&report);
    }
    println!(
        "imported {} {} rows: {} created, {} updated, {} unchanged",
        report.rows,
        entity.name(),
        report.created,
        report.updated,
        report.unchanged
    );
    Ok(())
}

pub fn demo(
    config: &Config,
    organisation: &str,
    agents: usize,
    seed: u64,
    password: Option<String>,
    output: Output,
) -> Result<(), String> {
    use crate::domain::types::Password;
    // Checked before any work: a weak password given for the demo's users is refused.
    let generated = password.is_none();
    let password = password.unwrap_or_else(crate::domain::password::generate);
    let password = Password::new_checked("GPEC_DEMO_PASSWORD", &password, &[]).map_err(|e| describe(&e))?;
    let mut conn = connect(config)?;
    let started = std::time::Instant::now();
    let operator = super::admin::operator(&mut conn)?;
    let progress = Progress::start(format!("demonstration data for {organisation}: {agents} agents"));
    let report = crate::domain::demo::generate(
        &mut conn,
        &operator,
        organisation,
        agents,
        seed,
        chrono::Utc::now().date_naive(),
    )
    .map_err(|e| describe(&e))?;
    let users = crate::domain::demo::users(&mut conn, &operator, organisation, &password).map_err(|e| describe(&e))?;
    drop(progress);
    let names: Vec<String> = users.iter().map(|(name, role)| format!("{name} ({})", role.as_str())).collect();
    if output == Output::Json {
        let password = generated.then(|| password.expose().to_owned());
        return print_json(&serde_json::json!({ "report": report, "users": names, "generated_password": password }));
    }
    println!(
        "organisation {}: {} units, {} agents, {} assessments; {} activities with {} months of loads, {} absences",
        report.organisation,
        report.units,
        report.agents,
        report.assessments,
        report.production.activities,
        report.production.months,
        report.production.unavailability,
    );
    if let Some(c) = &report.campus {
        println!(
            "campus {}: {} modules, {} trainers, {} engagements, {} sessions",
            c.campus, c.modules, c.trainers, c.engagements, c.sessions
        );
    }
    if let Some(sheet) = &report.draft_sheet {
        println!("job sheet {sheet}: a new draft version to validate");
    }
    println!(
        "trajectory: {} targets (ETP per job sheet and year), a three-year plan queued (trajectory plan {})",
        report.trajectory.targets, report.trajectory.plan
    );
    println!("({:.1} s)", started.elapsed().as_secs_f64());
    println!("sign in at http://{}/ as {}", config.bind, names.join(", "));
    if generated {
        // Shown once, on the terminal only: it is never logged.
        println!("with the generated password {} (keep it now: it will not be shown again)", password.expose());
    }
    Ok(())
}
