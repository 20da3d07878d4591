//! Assessments: the append-only history of agents' assessed levels. Nothing here updates or
//! deletes one; a new assessment supersedes older ones through the current-level rule.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Principal;
use super::audit::{self, Change};
use super::competencies::Resolver;
use super::levels::{self, Scope};
use super::types::{AssessmentSource, Level, Role};
use crate::db::DbConnection;
use crate::db::schema::{assessments as s, competencies as c};
use crate::error::ApiError;

/// A new assessment as a client sends it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// Competency code, label or alias.
    pub competency: String,
    pub level: Level,
    pub assessed_on: NaiveDate,
    #[serde(default)]
    pub assessor: String,
    pub source: AssessmentSource,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub evidence_ref: String,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

/// A row ready to insert, its competency resolved.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = s)]
pub struct NewAssessment {
    pub agent_id: i32,
    pub competency_id: i32,
    pub level: i32,
    pub assessed_on: NaiveDate,
    pub assessor: String,
    pub source: String,
    pub comment: String,
    pub evidence_ref: String,
    pub valid_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

impl NewAssessment {
    pub fn new(agent_id: i32, competency_id: i32, input: AssessmentInput, created_by: &str) -> Result<Self, ApiError> {
        if input.valid_until.is_some_and(|v| v < input.assessed_on) {
            return Err(ApiError::unusable("valid_until", "must not be before assessed_on"));
        }
        Ok(Self {
            agent_id,
            competency_id,
            level: input.level.get(),
            assessed_on: input.assessed_on,
            assessor: input.assessor.trim().to_owned(),
            source: input.source.as_str().to_owned(),
            comment: input.comment.trim().to_owned(),
            evidence_ref: input.evidence_ref.trim().to_owned(),
            valid_until: input.valid_until,
            created_at: super::now(),
            created_by: created_by.to_owned(),
        })
    }
}

/// Records one assessment and updates the agent's current level for that competency.
pub fn add(conn: &mut DbConnection, row: NewAssessment) -> Result<i32, ApiError> {
    crate::db::transaction(conn, |conn| {
        let (agent_id, competency_id) = (row.agent_id, row.competency_id);
        levels::lock_agents(conn, &[agent_id])?;
        let id: i32 = diesel::insert_into(s::table).values(&row).returning(s::id).get_result(conn)?;
        levels::refresh(conn, Scope::Pair { agent_id, competency_id })?;
        Ok(id)
    })
}

/// Records an assessment of an agent `who` may see (roles `hr`, `admin`); the competency may be
/// named by code, label or alias.
pub fn record(
    conn: &mut DbConnection,
    who: &Principal,
    agent_id: i32,
    input: AssessmentInput,
) -> Result<i32, ApiError> {
    crate::db::transaction(conn, |conn| {
        let agent = super::agents::visible(conn, who, agent_id)?;
        who.require_any(&[Role::Hr])?;
        let (competency_id, _) = Resolver::load(conn)?
            .resolve(&input.competency)
            .cloned()
            .ok_or_else(|| ApiError::unusable("competency", format!("unknown competency {:?}", input.competency)))?;
        let id = add(conn, NewAssessment::new(agent_id, competency_id, input.clone(), &who.username)?)?;
        let change = Change::new(Some(agent.organisation_id), "assessment", id, "create")
            .created(&serde_json::json!({"agent": agent.input.matricule, "assessment": input}));
        audit::record(conn, who, change)?;
        Ok(id)
    })
}

/// Rows inserted per statement: a row binds 11 values; SQLite allows 32,766 per statement and
/// PostgreSQL 65,535.
const BATCH: usize = 2900;

/// Inserts many rows, one multi-row statement per batch. diesel's multi-row insert does not
/// compile on the two-backend connection type, so each backend is reached directly.
pub fn insert_many(conn: &mut DbConnection, rows: &[NewAssessment]) -> Result<(), ApiError> {
    for batch in rows.chunks(BATCH) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(s::table).values(batch).execute(c)?,
            DbConnection::Pg(c) => diesel::insert_into(s::table).values(batch).execute(c)?,
        };
    }
    Ok(())
}

/// One assessment as read back.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: i32,
    pub competency: String,
    pub competency_label: String,
    pub level: i32,
    pub assessed_on: NaiveDate,
    pub assessor: String,
    pub source: AssessmentSource,
    pub comment: String,
    pub evidence_ref: String,
    pub valid_until: Option<NaiveDate>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

type HistoryRow =
    (i32, String, String, i32, NaiveDate, String, String, String, String, Option<NaiveDate>, NaiveDateTime, String);

/// An agent's assessments, newest first.
/// The assessment history of agent `agent_id`, if `who` may see the agent (else 404).
pub fn agent_history(conn: &mut DbConnection, who: &Principal, agent_id: i32) -> Result<Vec<AssessmentView>, ApiError> {
    super::agents::visible(conn, who, agent_id)?;
    history(conn, agent_id)
}

pub fn history(conn: &mut DbConnection, agent_id: i32) -> Result<Vec<AssessmentView>, ApiError> {
    let rows: Vec<HistoryRow> = s::table
        .inner_join(c::table)
        .filter(s::agent_id.eq(agent_id))
        .select((
            s::id,
            c::code,
            c::label,
            s::level,
            s::assessed_on,
            s::assessor,
            s::source,
            s::comment,
            s::evidence_ref,
            s::valid_until,
            s::created_at,
            s::created_by,
        ))
        .order((s::assessed_on.desc(), s::id.desc()))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(AssessmentView {
                id: r.0,
                competency: r.1,
                competency_label: r.2,
                level: r.3,
                assessed_on: r.4,
                assessor: r.5,
                source: AssessmentSource::parse("source", &r.6)?,
                comment: r.7,
                evidence_ref: r.8,
                valid_until: r.9,
                created_at: r.10,
                created_by: r.11,
            })
        })
        .collect()
}
