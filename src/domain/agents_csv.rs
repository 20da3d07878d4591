//! Agents and assessments as CSV. An import is checked whole first: every bad line is reported
//! (unknown matricule or competency, level outside 1–4, bad date, duplicate, wrong
//! organisation) and nothing is written unless the file is clean.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::agent_projection::{Contract, DepartureReason};
use super::agents::{self, AgentInput, Codes, Selection};
use super::assessments::{self, NewAssessment};
use super::competencies::Resolver;
use super::csv_io::{self, Problems, Row, Table};
use super::levels::{self, Scope};
use super::referential_csv::ImportReport;
use super::types::{AssessmentSource, Fte, Level, OrgKind};
use crate::db::DbConnection;
use crate::db::schema::{agents as a, assessments as s, competencies as c, organisations as o};
use crate::error::ApiError;

pub const AGENT_COLUMNS: &[&str] = &[
    "organisation",
    "matricule",
    "last_name",
    "first_name",
    "unit",
    "manager_matricule",
    "job_profile",
    "fte",
    "start_date",
    "end_date",
    "productivity",
    "ramp_up",
    "contract",
    "departure_date",
    "departure_reason",
    // Personal data: written only for readers who may read it (`agent_projection`).
    "birth_date",
];
pub const ASSESSMENT_COLUMNS: &[&str] = &[
    "organisation",
    "matricule",
    "competency",
    "level",
    "assessed_on",
    "assessor",
    "source",
    "comment",
    "evidence_ref",
    "valid_until",
];

/// Organisation ids by code, and the one organisation a non-national caller may write to, for
/// the column of a file that names them (`organisation`, or `campus` for campus files).
pub(crate) struct Orgs {
    by_code: HashMap<String, i32>,
    scope: Option<i32>,
    column: &'static str,
}

impl Orgs {
    pub(crate) fn load(conn: &mut DbConnection, scope: Option<i32>) -> Result<Self, ApiError> {
        let by_code = o::table.select((o::code, o::id)).load::<(String, i32)>(conn)?.into_iter().collect();
        Ok(Self { by_code, scope, column: "organisation" })
    }

    /// The campuses, named in a `campus` column.
    pub(crate) fn campuses(conn: &mut DbConnection, scope: Option<i32>) -> Result<Self, ApiError> {
        let by_code = o::table
            .filter(o::kind.eq(OrgKind::Campus.as_str()))
            .select((o::code, o::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        Ok(Self { by_code, scope, column: "campus" })
    }

    /// The organisation of a line, or the problem with it.
    pub(crate) fn check(&self, table: &Table, row: &Row, problems: &mut Problems) -> Option<i32> {
        let column = self.column;
        let code = table.get(row, column).to_uppercase();
        match self.by_code.get(&code) {
            Some(&id) if self.scope.is_none_or(|s| s == id) => Some(id),
            // Outside the caller's reach an unknown code and another one read the same.
            _ if self.scope.is_some() => {
                problems.add(row.line, column, format!("wrong {column} {code}: you may import only into your own"));
                None
            }
            _ => {
                problems.add(row.line, column, format!("unknown {column} {code:?}"));
                None
            }
        }
    }
}

fn optional(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Creates new agents and changes the ones whose line differs; `scope` limits the organisation.
/// Birth dates are set only in the organisations `birth_dates` allows; a file without the column
/// keeps the stored ones.
pub fn import_agents(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    birth_dates: &dyn Fn(i32) -> bool,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, AGENT_COLUMNS, "agents")?;
    let orgs = Orgs::load(conn, scope)?;
    let codes = Codes::load(conn)?;
    let mut problems = Problems::default();
    let mut seen = HashSet::new();
    let mut parsed = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let org = orgs.check(&table, row, &mut problems);
        let matricule = table.get(row, "matricule");
        let fte = table
            .get(row, "fte")
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| format!("{:?} is not a number", table.get(row, "fte")))
            .and_then(Fte::new)
            .map_err(|m| problems.add(row.line, "fte", m));
        let start = table.date(row, "start_date", &mut problems);
        let end = table.optional_date(row, "end_date", &mut problems);
        let profile = optional(&table.get(row, "job_profile").to_uppercase());
        if let Some(p) = &profile
            && codes.profile_id(p).is_none()
        {
            problems.add(row.line, "job_profile", format!("unknown job profile {p}"));
        }
        let productivity = table.number_or(row, "productivity", 1.0, &mut problems);
        let ramp_up = table.flag(row, "ramp_up", &mut problems);
        let birth_date = table.optional_date(row, "birth_date", &mut problems);
        let departure_date = table.optional_date(row, "departure_date", &mut problems);
        let contract = match table.get(row, "contract") {
            "" => Some(Contract::default()),
            text => Contract::parse(text).or_else(|| {
                problems.add(row.line, "contract", format!("unknown contract {text:?}: cdi, cdd or alternance"));
                None
            }),
        };
        let departure_reason = match table.get(row, "departure_reason") {
            "" => Some(None),
            text => DepartureReason::parse(text).map(Some).or_else(|| {
                let known = "retirement, mobility, end_of_contract or other";
                problems.add(row.line, "departure_reason", format!("unknown reason {text:?}: {known}"));
                None
            }),
        };
        if let (Some(org), Ok(Some(_))) = (org, &birth_date)
            && !birth_dates(org)
        {
            problems.add(row.line, "birth_date", "only hr and admin of the agent's organisation may set it");
        }
        let (
            Some(org),
            Ok(fte),
            Ok(start_date),
            Ok(end_date),
            Some(productivity),
            Some(ramp_up),
            Ok(birth_date),
            Ok(departure_date),
            Some(contract),
            Some(departure_reason),
        ) = (org, fte, start, end, productivity, ramp_up, birth_date, departure_date, contract, departure_reason)
        else {
            continue;
        };
        if !seen.insert((org, matricule.to_owned())) {
            problems.add(row.line, "matricule", format!("duplicate matricule {matricule} in this file"));
            continue;
        }
        let input = AgentInput {
            matricule: matricule.to_owned(),
            last_name: table.get(row, "last_name").to_owned(),
            first_name: table.get(row, "first_name").to_owned(),
            unit: table.get(row, "unit").to_owned(),
            manager_matricule: optional(table.get(row, "manager_matricule")),
            job_profile: profile,
            fte,
            start_date,
            end_date,
            productivity,
            ramp_up,
            birth_date,
            contract,
            departure_date,
            departure_reason,
        };
        match input.validated() {
            Ok(input) => parsed.push((org, input)),
            Err(ApiError::BadRequest { details, .. }) => {
                for d in details {
                    problems.add(row.line, d.field.as_deref().unwrap_or("-"), d.message);
                }
            }
            Err(other) => return Err(other),
        }
    }
    problems.into_result("agents")?;
    let mut report = ImportReport { rows: parsed.len(), ..Default::default() };
    let mut existing: HashMap<(i32, String), agents::Agent> = HashMap::new();
    for org in parsed.iter().map(|(org, _)| *org).collect::<HashSet<_>>() {
        let selection = Selection { organisation_id: Some(org), include_departed: true, ..Default::default() };
        for agent in agents::select(conn, &selection, chrono::Utc::now().date_naive())? {
            existing.insert((org, agent.input.matricule.clone()), agent);
        }
    }
    let mut new_rows = Vec::new();
    let keep_birth_dates = !table.has("birth_date");
    for (org, mut input) in parsed {
        let current = existing.get(&(org, input.matricule.clone()));
        if keep_birth_dates {
            input.birth_date = current.and_then(|c| c.input.birth_date);
        }
        match current {
            None => {
                let profile = input.job_profile.as_deref().and_then(|p| codes.profile_id(p));
                new_rows.push(agents::NewAgentRow::new(org, input, profile));
                report.created += 1;
            }
            Some(current) if current.input == input => report.unchanged += 1,
            Some(current) => {
                agents::update(conn, current.id, current.version, input)?;
                report.updated += 1;
            }
        }
    }
    agents::insert_many(conn, &new_rows)?;
    Ok(report)
}

/// Appends the file's assessments; a line equal to a recorded assessment (same agent,
/// competency, date and source) is a duplicate.
pub fn import_assessments(
    conn: &mut DbConnection,
    bytes: &[u8],
    scope: Option<i32>,
    author: &str,
) -> Result<ImportReport, ApiError> {
    let table = csv_io::read(bytes, ASSESSMENT_COLUMNS, "assessments")?;
    let orgs = Orgs::load(conn, scope)?;
    let resolver = Resolver::load(conn)?;
    let mut agent_ids: HashMap<(i32, String), i32> = HashMap::new();
    let mut query = a::table.select((a::organisation_id, a::matricule, a::id)).into_boxed();
    if let Some(org) = scope {
        query = query.filter(a::organisation_id.eq(org));
    }
    for (org, matricule, id) in query.load::<(i32, String, i32)>(conn)? {
        agent_ids.insert((org, matricule), id);
    }
    let mut keys: HashSet<(i32, i32, NaiveDate, String)> = HashSet::new();

    let mut problems = Problems::default();
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut lines = Vec::with_capacity(table.rows.len());
    let now = super::now();
    for row in &table.rows {
        let org = orgs.check(&table, row, &mut problems);
        let matricule = table.get(row, "matricule");
        let agent = org.and_then(|org| match agent_ids.get(&(org, matricule.to_owned())) {
            Some(&id) => Some((org, id)),
            None => {
                problems.add(row.line, "matricule", format!("unknown matricule {matricule:?}"));
                None
            }
        });
        let competency = resolver.resolve(table.get(row, "competency")).map(|(id, _)| *id);
        if competency.is_none() {
            problems.add(row.line, "competency", format!("unknown competency {:?}", table.get(row, "competency")));
        }
        let level =
            Level::parse("level", table.get(row, "level")).map_err(|e| problems.from_error(row.line, "level", e));
        let assessed_on = table.date(row, "assessed_on", &mut problems);
        let source = AssessmentSource::parse("source", table.get(row, "source"))
            .map_err(|e| problems.from_error(row.line, "source", e));
        let valid_until = table.optional_date(row, "valid_until", &mut problems);
        let (Some((_, agent_id)), Some(competency_id), Ok(level), Ok(assessed_on), Ok(source), Ok(valid_until)) =
            (agent, competency, level, assessed_on, source, valid_until)
        else {
            continue;
        };
        if valid_until.is_some_and(|v| v < assessed_on) {
            problems.add(row.line, "valid_until", "must not be before assessed_on");
            continue;
        }
        let key = (agent_id, competency_id, assessed_on, source.as_str().to_owned());
        if !keys.insert(key.clone()) {
            problems.add(row.line, "-", "duplicate of an earlier line (same agent, competency, date and source)");
            continue;
        }
        lines.push((row.line, key));
        rows.push(NewAssessment {
            agent_id,
            competency_id,
            level: level.get(),
            assessed_on,
            assessor: table.get(row, "assessor").to_owned(),
            source: source.as_str().to_owned(),
            comment: table.get(row, "comment").to_owned(),
            evidence_ref: table.get(row, "evidence_ref").to_owned(),
            valid_until,
            created_at: now,
            created_by: author.to_owned(),
        });
    }
    // A line equal to a recorded assessment is a duplicate: read the keys of the file's agents only.
    let mut agents: Vec<i32> = lines.iter().map(|(_, k)| k.0).collect::<HashSet<_>>().into_iter().collect();
    agents.sort_unstable();
    levels::lock_agents(conn, &agents)?;
    let mut stored = HashSet::new();
    for chunk in agents.chunks(5000) {
        let found: Vec<(i32, i32, NaiveDate, String)> = s::table
            .filter(s::agent_id.eq_any(chunk))
            .select((s::agent_id, s::competency_id, s::assessed_on, s::source))
            .load(conn)?;
        stored.extend(found);
    }
    for (line, key) in &lines {
        if stored.contains(key) {
            problems.add(*line, "-", "duplicate: this assessment is already recorded");
        }
    }
    problems.into_result("assessments")?;
    // Ids only grow, so the rows above the largest one before the insert are this import's:
    // only the (agent, competency) pairs they touch need their current level rebuilt.
    let before: Option<i32> = s::table.select(diesel::dsl::max(s::id)).first(conn)?;
    assessments::insert_many(conn, &rows)?;
    if !rows.is_empty() {
        levels::refresh(conn, Scope::AddedAfter { after: before.unwrap_or(0), agents: &agents })?;
    }
    Ok(ImportReport { rows: rows.len(), created: rows.len(), ..Default::default() })
}

/// The agents of `scope` (every organisation when `None`), with their birth dates only when
/// `birth_dates`: the column is left out otherwise.
pub fn export_agents(conn: &mut DbConnection, scope: Option<i32>, birth_dates: bool) -> Result<Vec<u8>, ApiError> {
    let selection = Selection { organisation_id: scope, include_departed: true, ..Default::default() };
    let columns = if birth_dates { AGENT_COLUMNS } else { &AGENT_COLUMNS[..AGENT_COLUMNS.len() - 1] };
    let mut w = csv_io::writer(columns)?;
    for agent in agents::select(conn, &selection, chrono::Utc::now().date_naive())? {
        let i = &agent.input;
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut cells = vec![
            agent.organisation.clone(),
            i.matricule.clone(),
            i.last_name.clone(),
            i.first_name.clone(),
            i.unit.clone(),
            i.manager_matricule.clone().unwrap_or_default(),
            i.job_profile.clone().unwrap_or_default(),
            i.fte.get().to_string(),
            i.start_date.to_string(),
            date(i.end_date),
            i.productivity.to_string(),
            i.ramp_up.to_string(),
            i.contract.as_str().to_owned(),
            date(i.departure_date),
            i.departure_reason.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        ];
        if birth_dates {
            cells.push(date(i.birth_date));
        }
        csv_io::write_row(&mut w, cells)?;
    }
    csv_io::finish(w)
}

type ExportRow = (String, String, String, i32, NaiveDate, String, String, String, String, Option<NaiveDate>);

pub fn export_assessments(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<u8>, ApiError> {
    let mut query = s::table
        .inner_join(a::table.inner_join(o::table))
        .inner_join(c::table)
        .select((
            o::code,
            a::matricule,
            c::code,
            s::level,
            s::assessed_on,
            s::assessor,
            s::source,
            s::comment,
            s::evidence_ref,
            s::valid_until,
        ))
        .into_boxed();
    if let Some(org) = scope {
        query = query.filter(a::organisation_id.eq(org));
    }
    let rows: Vec<ExportRow> = query.order(s::id).load(conn)?;
    let mut w = csv_io::writer(ASSESSMENT_COLUMNS)?;
    for r in rows {
        let valid = r.9.map(|d| d.to_string()).unwrap_or_default();
        csv_io::write_row(&mut w, [r.0, r.1, r.2, r.3.to_string(), r.4.to_string(), r.5, r.6, r.7, r.8, valid])?;
    }
    csv_io::finish(w)
}
