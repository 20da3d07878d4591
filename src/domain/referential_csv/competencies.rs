//! `code,label,category,definition,is_new,arc,level_1,level_2,level_3,level_4,aliases`; aliases
//! are separated by `|`.

use std::collections::HashSet;

use super::ImportReport;
use crate::db::DbConnection;
use crate::domain::competencies::{self, CompetencyContent};
use crate::domain::csv_io::{self, Problems};
use crate::domain::types::{Arc, Category, CompetencyCode};
use crate::error::ApiError;

pub const COLUMNS: &[&str] = &[
    "code",
    "label",
    "category",
    "definition",
    "is_new",
    "arc",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "aliases",
];

pub fn export(conn: &mut DbConnection) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(COLUMNS)?;
    for comp in competencies::all(conn)? {
        let c = &comp.content;
        let is_new = if c.is_new { "true" } else { "false" };
        let aliases = c.aliases.join("|");
        let mut row = vec![comp.code.as_str(), &c.label, c.category.as_str(), &c.definition, is_new, c.arc.as_str()];
        row.extend(c.descriptors.iter().map(String::as_str));
        row.push(&aliases);
        csv_io::write_row(&mut w, row)?;
    }
    csv_io::finish(w)
}

fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "1" | "yes" | "oui" | "new" | "nouveau" => Ok(true),
        "false" | "0" | "no" | "non" | "" => Ok(false),
        other => Err(format!("{other:?} is not true or false")),
    }
}

/// Parses the file into (code, content) pairs, or the 400 listing every bad line.
pub fn parse(bytes: &[u8]) -> Result<Vec<(CompetencyCode, CompetencyContent)>, ApiError> {
    let table = csv_io::read(bytes, COLUMNS, "competencies")?;
    let mut problems = Problems::default();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let line = row.line;
        let code = CompetencyCode::parse("code", table.get(row, "code"));
        let category = Category::parse("category", table.get(row, "category"));
        let arc = Arc::parse("arc", table.get(row, "arc"));
        let is_new = parse_bool(table.get(row, "is_new"));
        let aliases: Vec<String> =
            table.get(row, "aliases").split('|').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
        let label = table.get(row, "label");
        if label.is_empty() {
            problems.add(line, "label", "must not be empty");
        }
        match (code, category, arc, is_new) {
            (Ok(code), Ok(category), Ok(arc), Ok(is_new)) => {
                if !seen.insert(code.clone()) {
                    problems.add(line, "code", format!("duplicate code {}", code.as_str()));
                }
                let descriptors = (1..=4).map(|l| table.get(row, &format!("level_{l}")).to_owned()).collect();
                let definition = table.get(row, "definition").to_owned();
                let content = CompetencyContent {
                    label: label.to_owned(),
                    category,
                    definition,
                    is_new,
                    arc,
                    descriptors,
                    aliases,
                };
                out.push((code, content));
            }
            (code, category, arc, is_new) => {
                if let Err(e) = code {
                    problems.from_error(line, "code", e);
                }
                if let Err(e) = category {
                    problems.from_error(line, "category", e);
                }
                if let Err(e) = arc {
                    problems.from_error(line, "arc", e);
                }
                if let Err(m) = is_new {
                    problems.add(line, "is_new", m);
                }
            }
        }
    }
    problems.into_result("competencies")?;
    Ok(out)
}

/// Creates the new codes and writes a new version of every competency whose content changed.
pub fn import(conn: &mut DbConnection, bytes: &[u8], author: &str) -> Result<ImportReport, ApiError> {
    let entries = parse(bytes)?;
    let mut report = ImportReport { rows: entries.len(), ..Default::default() };
    for (code, content) in entries {
        match competencies::find(conn, code.as_str())? {
            None => {
                competencies::create(conn, &code, content, author)?;
                report.created += 1;
            }
            Some(current) => {
                let updated = competencies::update(conn, code.as_str(), current.version, content, None, author)?;
                if updated.version == current.version { report.unchanged += 1 } else { report.updated += 1 }
            }
        }
    }
    Ok(report)
}
