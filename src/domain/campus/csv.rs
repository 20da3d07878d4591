//! Campus data as CSV: modules, trainers, engagements and sessions. Each line goes through the
//! same checks as the API; the import runs in the caller's transaction and returns every bad line
//! (with its column) instead of writing anything when one is bad.

use diesel::prelude::*;

use super::engagements::{self, EngagementInput};
use super::modules::{self, ModuleInput, TargetInput};
use super::sessions::{self, AgentRef, SessionInput, TrainerHours};
use super::trainers::{self, TrainerInput};
use crate::db::DbConnection;
use crate::db::schema::{agents as a, organisations as o, trainers as tr};
use crate::domain::agents_csv::Orgs;
use crate::domain::competencies::Resolver;
use crate::domain::csv_io::{self, Problems};
use crate::domain::referential_csv::ImportReport;
use crate::domain::types::OrgKind;
use crate::error::{ApiError, Detail};

pub const MODULE_COLUMNS: &[&str] = &["campus", "code", "title", "duration_hours", "competencies"];
pub const TRAINER_COLUMNS: &[&str] = &["campus", "organisation", "matricule", "modules", "adfo_date"];
pub const ENGAGEMENT_COLUMNS: &[&str] =
    &["campus", "organisation", "matricule", "start_date", "end_date", "hours_per_year", "status"];
pub const SESSION_COLUMNS: &[&str] =
    &["campus", "reference", "module", "start_date", "end_date", "trainers", "trainees"];

/// Puts an error of the shared checks on the line, under the column its field names.
fn on_line(problems: &mut Problems, line: u64, error: ApiError, column: &str) -> Result<(), ApiError> {
    match error {
        ApiError::Internal | ApiError::Unavailable => Err(error),
        other => {
            let details = other.details();
            if details.is_empty() {
                problems.add(line, column, other.to_string());
            }
            for d in details {
                add_detail(problems, line, d, column);
            }
            Ok(())
        }
    }
}

fn add_detail(problems: &mut Problems, line: u64, d: Detail, column: &str) {
    let field = d.field.unwrap_or_default();
    let named = field.split(['[', '.']).next().filter(|f| !f.is_empty()).unwrap_or(column).to_owned();
    problems.add(line, &named, d.message);
}

/// `ORG:MATRICULE`, as the session columns name agents.
fn agent_ref(raw: &str) -> Result<AgentRef, String> {
    let (organisation, matricule) =
        raw.split_once(':').ok_or_else(|| format!("{raw:?} is not ORGANISATION:MATRICULE"))?;
    Ok(AgentRef { organisation: organisation.trim().to_uppercase(), matricule: matricule.trim().to_owned() })
}

fn finish(problems: Problems, what: &str, report: ImportReport) -> Result<ImportReport, ApiError> {
    problems.into_result(what)?;
    Ok(report)
}

pub fn import_modules(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, MODULE_COLUMNS, "modules")?;
    let campuses = Orgs::campuses(conn, scope)?;
    let resolver = Resolver::load(conn)?;
    let mut problems = Problems::default();
    let mut report = ImportReport { rows: table.rows.len(), ..Default::default() };
    for row in &table.rows {
        let campus = campuses.check(&table, row, &mut problems);
        let duration = table.number(row, "duration_hours", &mut problems);
        let targets =
            csv_io::code_levels(table.get(row, "competencies")).map_err(|m| problems.add(row.line, "competencies", m));
        let Ok(targets) = targets else { continue };
        let competencies =
            targets.into_iter().map(|(competency, target_level)| TargetInput { competency, target_level }).collect();
        // A bad duration is reported above; the rest of the line is still checked.
        let input = ModuleInput {
            code: table.get(row, "code").to_owned(),
            title: table.get(row, "title").to_owned(),
            duration_hours: duration.unwrap_or(1.0),
            competencies,
        };
        let valid = match modules::check(&resolver, &input) {
            Ok(v) => v,
            Err(details) => {
                details.into_iter().for_each(|d| add_detail(&mut problems, row.line, d, "code"));
                continue;
            }
        };
        let (Some(campus), Some(_)) = (campus, duration) else { continue };
        let outcome = match modules::find(conn, campus, &valid.code)? {
            None => modules::create(conn, campus, &valid, author).map(|_| report.created += 1),
            Some(current) if modules::same(&current, &valid) => {
                report.unchanged += 1;
                Ok(())
            }
            Some(current) => {
                modules::update(conn, &current, current.version, &valid, author).map(|_| report.updated += 1)
            }
        };
        if let Err(e) = outcome {
            on_line(&mut problems, row.line, e, "code")?;
        }
    }
    finish(problems, "modules", report)
}

pub fn import_trainers(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, TRAINER_COLUMNS, "trainers")?;
    let campuses = Orgs::campuses(conn, scope)?;
    let mut problems = Problems::default();
    let mut report = ImportReport { rows: table.rows.len(), ..Default::default() };
    for row in &table.rows {
        let campus = campuses.check(&table, row, &mut problems);
        let adfo = table.optional_date(row, "adfo_date", &mut problems);
        let (Some(campus), Ok(adfo_date)) = (campus, adfo) else { continue };
        let input = TrainerInput {
            organisation: table.get(row, "organisation").to_owned(),
            matricule: table.get(row, "matricule").to_owned(),
            modules: csv_io::list(table.get(row, "modules")).into_iter().map(str::to_owned).collect(),
            adfo_date,
        };
        let existing = match super::agent_id(conn, &input.organisation, &input.matricule)? {
            Some(agent) => tr::table
                .filter(tr::campus_id.eq(campus))
                .filter(tr::agent_id.eq(agent))
                .select(tr::id)
                .first::<i32>(conn)
                .optional()?,
            None => None,
        };
        let outcome = match existing {
            None => trainers::register(conn, campus, &input, author).map(|_| report.created += 1),
            Some(id) => trainers::update(conn, id, campus, &input.modules, adfo_date).map(|_| report.updated += 1),
        };
        if let Err(e) = outcome {
            on_line(&mut problems, row.line, e, "matricule")?;
        }
    }
    finish(problems, "trainers", report)
}

/// The trainer id of an agent in a campus.
fn trainer_of(
    conn: &mut DbConnection,
    campus: i32,
    organisation: &str,
    matricule: &str,
) -> Result<Option<i32>, ApiError> {
    Ok(tr::table
        .inner_join(a::table.inner_join(o::table))
        .filter(tr::campus_id.eq(campus))
        .filter(o::code.eq(organisation.trim().to_uppercase()))
        .filter(a::matricule.eq(matricule.trim()))
        .select(tr::id)
        .first::<i32>(conn)
        .optional()?)
}

/// Proposes the file's engagements; a line equal to a stored engagement (same trainer and start)
/// is left as it is. Status changes go through the API, where the agreements are recorded.
pub fn import_engagements(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, ENGAGEMENT_COLUMNS, "engagements")?;
    let campuses = Orgs::campuses(conn, scope)?;
    let mut problems = Problems::default();
    let mut report = ImportReport { rows: table.rows.len(), ..Default::default() };
    let in_scope: Vec<i32> = campuses_in(conn, scope)?.into_iter().map(|(id, _)| id).collect();
    let stored = engagements::of_campuses(conn, &in_scope)?;
    for row in &table.rows {
        let campus = campuses.check(&table, row, &mut problems);
        let start = table.date(row, "start_date", &mut problems);
        let end = table.optional_date(row, "end_date", &mut problems);
        let hours = table.number(row, "hours_per_year", &mut problems);
        let status = table.get(row, "status");
        // A new engagement is proposed; an exported one comes back in whatever state it is.
        let proposes = status.is_empty() || status == "proposed";
        let (Some(campus), Ok(start_date), Ok(end_date), Some(hours_per_year)) = (campus, start, end, hours) else {
            continue;
        };
        let Some(trainer) = trainer_of(conn, campus, table.get(row, "organisation"), table.get(row, "matricule"))?
        else {
            problems.add(row.line, "matricule", "this agent is not a trainer of the campus: list them first");
            continue;
        };
        if let Some(g) = stored.iter().find(|g| g.trainer == trainer && g.start_date == start_date) {
            let same = g.hours_per_year == hours_per_year
                && end_date.is_none_or(|e| e == g.end_date)
                && (status.is_empty() || status == g.status.as_str());
            if same {
                report.unchanged += 1;
            } else {
                problems.add(
                    row.line,
                    "start_date",
                    format!("engagement {} already starts on that day with other terms", g.id),
                );
            }
            continue;
        }
        if !proposes {
            problems.add(
                row.line,
                "status",
                "an import proposes engagements; activation and renewal go through the API",
            );
            continue;
        }
        let input = EngagementInput { trainer, start_date, end_date, hours_per_year, reserve_in_plans: false };
        match engagements::create(conn, campus, &input, author) {
            Ok(_) => report.created += 1,
            Err(e) => on_line(&mut problems, row.line, e, "start_date")?,
        }
    }
    finish(problems, "engagements", report)
}

pub fn import_sessions(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, SESSION_COLUMNS, "sessions")?;
    let campuses = Orgs::campuses(conn, scope)?;
    let mut problems = Problems::default();
    let mut report = ImportReport { rows: table.rows.len(), ..Default::default() };
    for row in &table.rows {
        let campus = campuses.check(&table, row, &mut problems);
        let start = table.date(row, "start_date", &mut problems);
        let end = table.date(row, "end_date", &mut problems);
        let (Some(campus), Ok(start_date), Ok(end_date)) = (campus, start, end) else { continue };
        let mut trainers = Vec::new();
        for part in csv_io::list(table.get(row, "trainers")) {
            let parsed = part
                .rsplit_once(':')
                .and_then(|(who, h)| Some((agent_ref(who).ok()?, h.trim().replace(',', ".").parse::<f64>().ok()?)));
            match parsed {
                None => problems.add(row.line, "trainers", format!("{part:?} is not ORGANISATION:MATRICULE:HOURS")),
                Some((who, hours)) => match trainer_of(conn, campus, &who.organisation, &who.matricule)? {
                    Some(trainer) => trainers.push(TrainerHours { trainer, hours }),
                    None => problems.add(
                        row.line,
                        "trainers",
                        format!("{}:{} is not a trainer of the campus", who.organisation, who.matricule),
                    ),
                },
            }
        }
        let trainees: Result<Vec<AgentRef>, String> =
            csv_io::list(table.get(row, "trainees")).into_iter().map(agent_ref).collect();
        let Ok(trainees) = trainees.map_err(|m| problems.add(row.line, "trainees", m)) else { continue };
        let input = SessionInput {
            reference: table.get(row, "reference").to_owned(),
            module: table.get(row, "module").to_owned(),
            start_date,
            end_date,
            trainers,
            trainees,
        };
        match sessions::check(conn, campus, &input) {
            Err(details) => details.into_iter().for_each(|d| add_detail(&mut problems, row.line, d, "reference")),
            Ok(checked) => match sessions::create(conn, campus, &input, checked, author) {
                Ok(_) => report.created += 1,
                Err(e) => on_line(&mut problems, row.line, e, "reference")?,
            },
        }
    }
    finish(problems, "sessions", report)
}

fn campuses_in(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<(i32, String)>, ApiError> {
    Ok(crate::domain::organisations::list(conn, scope)?
        .into_iter()
        .filter(|o| o.kind() == OrgKind::Campus)
        .map(|o| (o.id, o.code))
        .collect())
}

pub fn export_modules(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(MODULE_COLUMNS)?;
    for (id, code) in campuses_in(conn, scope)? {
        for m in modules::list(conn, id)? {
            let targets: Vec<String> =
                m.competencies.iter().map(|t| format!("{}:{}", t.competency, t.target_level.get())).collect();
            csv_io::write_row(
                &mut w,
                [code.clone(), m.code, m.title, m.duration_hours.to_string(), targets.join(";")],
            )?;
        }
    }
    csv_io::finish(w)
}

pub fn export_trainers(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(TRAINER_COLUMNS)?;
    let today = chrono::Utc::now().date_naive();
    for (id, code) in campuses_in(conn, scope)? {
        for t in trainers::list(conn, id, None, today)? {
            let modules: Vec<String> = t.modules.iter().map(|m| m.module.clone()).collect();
            let adfo = t.adfo_date.map(|d| d.to_string()).unwrap_or_default();
            csv_io::write_row(&mut w, [code.clone(), t.organisation, t.matricule, modules.join(";"), adfo])?;
        }
    }
    csv_io::finish(w)
}

pub fn export_engagements(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(ENGAGEMENT_COLUMNS)?;
    let campuses: Vec<i32> = campuses_in(conn, scope)?.into_iter().map(|(id, _)| id).collect();
    for g in engagements::of_campuses(conn, &campuses)? {
        let row = [
            g.campus,
            g.employer,
            g.matricule,
            g.start_date.to_string(),
            g.end_date.to_string(),
            g.hours_per_year.to_string(),
            g.status.as_str().to_owned(),
        ];
        csv_io::write_row(&mut w, row)?;
    }
    csv_io::finish(w)
}

pub fn export_sessions(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(SESSION_COLUMNS)?;
    for (id, code) in campuses_in(conn, scope)? {
        for s in sessions::list(conn, id)? {
            let trainers: Vec<String> =
                s.trainers.iter().map(|t| format!("{}:{}:{}", t.organisation, t.matricule, t.hours)).collect();
            let trainees: Vec<String> =
                s.trainees.iter().map(|t| format!("{}:{}", t.organisation, t.matricule)).collect();
            csv_io::write_row(
                &mut w,
                [
                    code.clone(),
                    s.reference,
                    s.module,
                    s.start_date.to_string(),
                    s.end_date.to_string(),
                    trainers.join(";"),
                    trainees.join(";"),
                ],
            )?;
        }
    }
    csv_io::finish(w)
}
