//! Planning data as CSV: activities (requirements in one column, `competency:level;…`), monthly
//! loads and agents' unavailability. Imports are checked whole, every bad line is listed, and
//! nothing is written unless the file is clean.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::activities::{self, ActivityInput, Checker, RequirementInput};
use super::actuals::{self, ActualChecker, ActualRow};
use super::forecasts::{self, LoadChecker, LoadRow, RowProblem, UnavailabilityChecker, UnavailabilityRow};
use crate::db::DbConnection;
use crate::domain::agents_csv::Orgs;
use crate::domain::csv_io::{self, Problems, Row, Table};
use crate::domain::organisations;
use crate::domain::referential_csv::ImportReport;
use crate::domain::types::UnavailabilityKind;
use crate::error::ApiError;

pub const ACTIVITY_COLUMNS: &[&str] = &[
    "organisation",
    "code",
    "label",
    "minutes_per_item",
    "backlog_normal_max",
    "backlog_critical_max",
    "temp_eligible",
    "branch_activity",
    "requirements",
    "priority",
    "min_fte",
    "standard_changes",
];
pub const LOAD_COLUMNS: &[&str] = &["organisation", "activity", "period", "volume", "opening_backlog"];
pub const ACTUAL_COLUMNS: &[&str] =
    &["organisation", "activity", "period", "entries", "processed", "stock", "adjustment"];
pub const UNAVAILABILITY_COLUMNS: &[&str] = &["organisation", "matricule", "period", "kind", "hours"];

fn report_row(problems: &mut Problems, line: u64, found: Vec<RowProblem>) {
    for problem in found {
        problems.add(line, problem.column, problem.message);
    }
}

/// The organisations in the caller's reach, for an export.
fn organisations_in(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<(i32, String)>, ApiError> {
    Ok(organisations::list(conn, scope)?.into_iter().map(|o| (o.id, o.code)).collect())
}

pub fn export_activities(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(ACTIVITY_COLUMNS)?;
    for (org, code) in organisations_in(conn, scope)? {
        for a in activities::list(conn, org)? {
            let reqs: Vec<String> =
                a.requirements.iter().map(|r| format!("{}:{}", r.competency, r.min_level.get())).collect();
            let changes: Vec<String> =
                a.standard_changes.iter().map(|c| format!("{}:{}", c.from, c.minutes_per_item)).collect();
            csv_io::write_row(
                &mut w,
                [
                    code.clone(),
                    a.code,
                    a.label,
                    a.minutes_per_item.to_string(),
                    a.backlog_normal_max.to_string(),
                    a.backlog_critical_max.to_string(),
                    a.temp_eligible.to_string(),
                    a.branch_activity.unwrap_or_default(),
                    reqs.join(";"),
                    a.priority.to_string(),
                    a.min_fte.to_string(),
                    changes.join(";"),
                ],
            )?;
        }
    }
    csv_io::finish(w)
}

pub fn export_loads(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(LOAD_COLUMNS)?;
    for (org, code) in organisations_in(conn, scope)? {
        for l in forecasts::loads(conn, org, None, None)? {
            let backlog = l.opening_backlog.map(|b| b.to_string()).unwrap_or_default();
            csv_io::write_row(&mut w, [code.clone(), l.activity, l.period, l.volume.to_string(), backlog])?;
        }
    }
    csv_io::finish(w)
}

pub fn export_unavailability(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(UNAVAILABILITY_COLUMNS)?;
    for (org, code) in organisations_in(conn, scope)? {
        for u in forecasts::unavailability(conn, org, None, None)? {
            let row = [code.clone(), u.matricule, u.period, u.kind.as_str().to_owned(), u.hours.to_string()];
            csv_io::write_row(&mut w, row)?;
        }
    }
    csv_io::finish(w)
}

/// Creates new activities and changes those whose line differs.
pub fn import_activities(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, ACTIVITY_COLUMNS, "activities")?;
    let orgs = Orgs::load(conn, scope)?;
    let checker = Checker::load(conn)?;
    let mut problems = Problems::default();
    let mut seen = HashSet::new();
    let mut valid = Vec::new();
    for row in &table.rows {
        let org = orgs.check(&table, row, &mut problems);
        let minutes = table.number(row, "minutes_per_item", &mut problems);
        let normal = table.number(row, "backlog_normal_max", &mut problems);
        let critical = table.number(row, "backlog_critical_max", &mut problems);
        let temp = table.flag(row, "temp_eligible", &mut problems);
        let reqs = csv_io::code_levels(table.get(row, "requirements"))
            .map(|pairs| {
                pairs.into_iter().map(|(competency, min_level)| RequirementInput { competency, min_level }).collect()
            })
            .map_err(|m| problems.add(row.line, "requirements", m));
        let priority = table.number_or(row, "priority", 1.0, &mut problems);
        let min_fte = table.number_or(row, "min_fte", 0.0, &mut problems);
        let changes = activities::changes_from_text(table.get(row, "standard_changes"))
            .map_err(|m| problems.add(row.line, "standard_changes", m));
        let (
            Some(org),
            Some(minutes),
            Some(normal),
            Some(critical),
            Some(temp),
            Ok(reqs),
            Some(priority),
            Some(min_fte),
            Ok(changes),
        ) = (org, minutes, normal, critical, temp, reqs, priority, min_fte, changes)
        else {
            continue;
        };
        let branch = table.get(row, "branch_activity");
        let input = ActivityInput {
            code: table.get(row, "code").to_owned(),
            label: table.get(row, "label").to_owned(),
            minutes_per_item: minutes,
            backlog_normal_max: normal,
            backlog_critical_max: critical,
            temp_eligible: temp,
            branch_activity: (!branch.is_empty()).then(|| branch.to_owned()),
            requirements: reqs,
            priority,
            min_fte,
            standard_changes: changes,
        };
        match checker.check(&input) {
            Ok(v) if !seen.insert((org, v.code.clone())) => {
                problems.add(row.line, "code", format!("activity {} appears twice in this file", v.code))
            }
            Ok(v) => valid.push((org, v)),
            Err((details, _)) => {
                for d in details {
                    let field = d.field.unwrap_or_default();
                    let column = field.split(['[', '.']).next().unwrap_or("-").to_owned();
                    problems.add(row.line, &column, d.message);
                }
            }
        }
    }
    problems.into_result("activities")?;
    let mut report = ImportReport { rows: valid.len(), ..Default::default() };
    for (org, v) in valid {
        match activities::find(conn, org, &v.code)? {
            None => {
                activities::create(conn, org, &v, author)?;
                report.created += 1;
            }
            Some(current) if activities::same(&current, &v) => report.unchanged += 1,
            Some(current) => {
                activities::update(conn, &current, current.version, &v, author)?;
                report.updated += 1;
            }
        }
    }
    Ok(report)
}

/// Checks every line with the checker of its organisation, then writes them all.
fn import_rows<C, R, V>(
    conn: &mut DbConnection,
    table: &Table,
    scope: Option<i32>,
    what: &str,
    mut checker: impl FnMut(&mut DbConnection, i32) -> Result<C, ApiError>,
    mut parse: impl FnMut(&Table, &Row, &mut Problems) -> Option<R>,
    mut check: impl FnMut(&mut C, &R) -> Result<V, Vec<RowProblem>>,
) -> Result<Vec<V>, ApiError> {
    let orgs = Orgs::load(conn, scope)?;
    let mut checkers: HashMap<i32, C> = HashMap::new();
    let mut problems = Problems::default();
    let mut valid = Vec::new();
    for row in &table.rows {
        let org = orgs.check(table, row, &mut problems);
        let (Some(org), Some(parsed)) = (org, parse(table, row, &mut problems)) else { continue };
        if let Entry::Vacant(slot) = checkers.entry(org) {
            slot.insert(checker(conn, org)?);
        }
        match check(checkers.get_mut(&org).expect("inserted above"), &parsed) {
            Ok(v) => valid.push(v),
            Err(found) => report_row(&mut problems, row.line, found),
        }
    }
    problems.into_result(what)?;
    Ok(valid)
}

fn written(report: forecasts::WriteReport) -> ImportReport {
    ImportReport { rows: report.rows, created: report.created, updated: report.updated, unchanged: 0 }
}

pub fn import_loads(conn: &mut DbConnection, bytes: &[u8], scope: Option<i32>) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, LOAD_COLUMNS, "loads")?;
    let valid = import_rows(
        conn,
        &table,
        scope,
        "loads",
        LoadChecker::load,
        |table, row, problems| {
            let volume = table.number(row, "volume", problems);
            let opening_backlog = match table.get(row, "opening_backlog") {
                "" => Some(None),
                _ => table.number(row, "opening_backlog", problems).map(Some),
            };
            Some(LoadRow {
                activity: table.get(row, "activity").to_owned(),
                period: table.get(row, "period").to_owned(),
                volume: volume?,
                opening_backlog: opening_backlog?,
            })
        },
        |c, r| c.check(r),
    )?;
    Ok(written(forecasts::write_loads(conn, &valid)?))
}

pub fn import_unavailability(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, UNAVAILABILITY_COLUMNS, "unavailability")?;
    let valid = import_rows(
        conn,
        &table,
        scope,
        "unavailability",
        UnavailabilityChecker::load,
        |table, row, problems| {
            let hours = table.number(row, "hours", problems);
            let kind = UnavailabilityKind::parse("kind", table.get(row, "kind"))
                .map_err(|e| problems.from_error(row.line, "kind", e))
                .ok();
            Some(UnavailabilityRow {
                matricule: table.get(row, "matricule").to_owned(),
                period: table.get(row, "period").to_owned(),
                kind: kind?,
                hours: hours?,
            })
        },
        |c, r| c.check(r),
    )?;
    Ok(written(forecasts::write_unavailability(conn, &valid)?))
}

pub fn export_actuals(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(ACTUAL_COLUMNS)?;
    for (org, code) in organisations_in(conn, scope)? {
        for r in actuals::rows(&actuals::recorded(conn, org, None, None)?) {
            let numbers = [r.entries, r.processed, r.stock, r.adjustment].map(|v| v.to_string());
            csv_io::write_row(&mut w, [code.clone(), r.activity, r.period].into_iter().chain(numbers))?;
        }
    }
    csv_io::finish(w)
}

/// Writes the actuals of the file; a stock that breaks the flow refuses the file, naming its line.
pub fn import_actuals(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, ACTUAL_COLUMNS, "actuals")?;
    let valid = import_rows(
        conn,
        &table,
        scope,
        "actuals",
        ActualChecker::load,
        |table, row, problems| {
            let entries = table.number(row, "entries", problems);
            let processed = table.number(row, "processed", problems);
            let stock = table.number(row, "stock", problems);
            let adjustment = match table.get(row, "adjustment") {
                "" => Some(0.0),
                _ => table.number(row, "adjustment", problems),
            };
            let actual = ActualRow {
                activity: table.get(row, "activity").to_owned(),
                period: table.get(row, "period").to_owned(),
                entries: entries?,
                processed: processed?,
                stock: stock?,
                adjustment: adjustment?,
            };
            Some((row.line, actual))
        },
        |c, (line, r)| c.check(r).map(|v| (*line, v)),
    )?;
    let (lines, valid): (Vec<u64>, Vec<_>) = valid.into_iter().unzip();
    let (report, breaks) = actuals::write(conn, &valid, author)?;
    let mut problems = Problems::default();
    for b in breaks {
        problems.add(lines[b.row], "stock", b.message);
    }
    problems.into_result("actuals")?;
    Ok(written(report))
}
