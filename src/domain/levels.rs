//! Current levels. An agent's current level for a competency is their latest assessment (by date,
//! then by entry order) that is not a self-assessment. When that assessment's `valid_until` has
//! passed, the level is reported as expired and is not used.
//!
//! `current_levels` keeps that latest assessment per (agent, competency). It is derived from
//! `assessments` and rebuilt by [`refresh`] in the transaction of every write.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::types::Level;
use crate::db::DbConnection;
use crate::db::schema::current_levels as cl;
use crate::error::ApiError;

/// Which current levels to rebuild.
pub enum Scope<'a> {
    Pair {
        agent_id: i32,
        competency_id: i32,
    },
    /// The pairs of `agents` that have an assessment with an id above `after`: those an import
    /// just added. Limited to the import's agents, which it holds locked: on PostgreSQL, rows
    /// that other transactions committed meanwhile also have higher ids, and rebuilding their
    /// pairs would race with the writers that hold those agents.
    AddedAfter {
        after: i32,
        agents: &'a [i32],
    },
}

/// Makes the writers of these agents' current levels wait for one another, until the end of the
/// transaction. Call it before adding their assessments; `agent_ids` sorted, so that two writers
/// always lock in the same order.
///
/// On PostgreSQL, two transactions rebuilding one (agent, competency) pair would otherwise both
/// insert its row, and the second would fail on the unique key; and each would miss the other's
/// uncommitted assessment. Waiting on the agent's row fixes both: once the first commits, the
/// second's statements see its assessment. `FOR NO KEY UPDATE` does not conflict with the key
/// share that inserting an assessment takes on its agent. SQLite runs one writer at a time.
pub fn lock_agents(conn: &mut DbConnection, agent_ids: &[i32]) -> Result<(), ApiError> {
    use crate::db::schema::agents as a;
    if let DbConnection::Pg(pg) = conn {
        for chunk in agent_ids.chunks(CHUNK) {
            a::table.filter(a::id.eq_any(chunk)).order(a::id).select(a::id).for_no_key_update().load::<i32>(pg)?;
        }
    }
    Ok(())
}

/// Rebuilds `current_levels` for `scope` from the assessments.
pub fn refresh(conn: &mut DbConnection, scope: Scope) -> Result<(), ApiError> {
    // Only integers are inlined, so the same text serves both backends' placeholder styles.
    let (delete, filter) = match scope {
        Scope::Pair { agent_id, competency_id } => (
            format!("agent_id = {agent_id} AND competency_id = {competency_id}"),
            format!("a.agent_id = {agent_id} AND a.competency_id = {competency_id}"),
        ),
        Scope::AddedAfter { after, agents } => {
            let agents: Vec<String> = agents.iter().map(i32::to_string).collect();
            let added = format!(
                "SELECT agent_id, competency_id FROM assessments WHERE id > {after} AND agent_id IN ({})",
                agents.join(",")
            );
            (format!("(agent_id, competency_id) IN ({added})"), format!("(a.agent_id, a.competency_id) IN ({added})"))
        }
    };
    conn.batch_execute(&format!(
        "DELETE FROM current_levels WHERE {delete};
         INSERT INTO current_levels
             (agent_id, organisation_id, competency_id, assessment_id, level, assessed_on, valid_until)
         SELECT a.agent_id, g.organisation_id, a.competency_id, a.id, a.level, a.assessed_on, a.valid_until
         FROM assessments a JOIN agents g ON g.id = a.agent_id
         WHERE {filter} AND a.source <> 'self' AND NOT EXISTS (
             SELECT 1 FROM assessments b
             WHERE b.agent_id = a.agent_id AND b.competency_id = a.competency_id AND b.source <> 'self'
               AND (b.assessed_on > a.assessed_on OR (b.assessed_on = a.assessed_on AND b.id > a.id)));"
    ))?;
    Ok(())
}

/// A current level, and whether it has expired.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct CurrentLevel {
    pub level: Level,
    pub assessed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// The assessment's validity has passed: the level is shown but not used.
    pub expired: bool,
}

impl CurrentLevel {
    /// The level that counts: none when expired.
    pub fn usable(&self) -> Option<Level> {
        (!self.expired).then_some(self.level)
    }
}

/// Current levels by agent id, then by competency id.
pub type LevelBook = HashMap<i32, HashMap<i32, CurrentLevel>>;

fn add(
    book: &mut LevelBook,
    rows: Vec<(i32, i32, i32, NaiveDate, Option<NaiveDate>)>,
    today: NaiveDate,
) -> Result<(), ApiError> {
    for (agent, competency, level, assessed_on, valid_until) in rows {
        let level = Level::new(i64::from(level)).map_err(|e| ApiError::internal("stored level", e))?;
        let expired = valid_until.is_some_and(|v| v < today);
        book.entry(agent).or_default().insert(competency, CurrentLevel { level, assessed_on, valid_until, expired });
    }
    Ok(())
}

/// The current levels of every agent of an organisation (on `competency_ids` when given).
pub fn load_organisation(
    conn: &mut DbConnection,
    organisation_id: i32,
    competency_ids: Option<&[i32]>,
    today: NaiveDate,
) -> Result<LevelBook, ApiError> {
    let mut query = cl::table
        .filter(cl::organisation_id.eq(organisation_id))
        .select((cl::agent_id, cl::competency_id, cl::level, cl::assessed_on, cl::valid_until))
        .into_boxed();
    if let Some(ids) = competency_ids {
        query = query.filter(cl::competency_id.eq_any(ids));
    }
    let mut book = LevelBook::new();
    add(&mut book, query.load(conn)?, today)?;
    Ok(book)
}

/// Most ids bound in one query (SQLite's limit on variables is far above this).
const CHUNK: usize = 5000;

/// The current levels of `agent_ids`, restricted to `competency_ids` when given.
pub fn load(
    conn: &mut DbConnection,
    agent_ids: &[i32],
    competency_ids: Option<&[i32]>,
    today: NaiveDate,
) -> Result<LevelBook, ApiError> {
    let mut book: LevelBook = HashMap::with_capacity(agent_ids.len());
    for chunk in agent_ids.chunks(CHUNK) {
        let mut query = cl::table
            .filter(cl::agent_id.eq_any(chunk))
            .select((cl::agent_id, cl::competency_id, cl::level, cl::assessed_on, cl::valid_until))
            .into_boxed();
        if let Some(ids) = competency_ids {
            query = query.filter(cl::competency_id.eq_any(ids));
        }
        add(&mut book, query.load(conn)?, today)?;
    }
    Ok(book)
}

/// One competency's current level, named.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CurrentLevelDto)]
pub struct NamedLevel {
    pub competency: String,
    pub competency_label: String,
    #[serde(flatten)]
    pub level: CurrentLevel,
}

/// Agent `id`'s current levels, in dictionary order; 404 when `who` may not see the agent.
pub fn of_agent(
    conn: &mut DbConnection,
    who: &super::access::Principal,
    id: i32,
    today: NaiveDate,
) -> Result<Vec<NamedLevel>, ApiError> {
    super::agents::visible(conn, who, id)?;
    let book = load(conn, &[id], None, today)?;
    let Some(mine) = book.get(&id) else { return Ok(vec![]) };
    let dictionary: Vec<(i32, String, String)> = {
        use crate::db::schema::competencies as c;
        c::table.select((c::id, c::code, c::label)).order(c::id).load(conn)?
    };
    Ok(dictionary
        .into_iter()
        .filter_map(|(cid, competency, competency_label)| {
            Some(NamedLevel { competency, competency_label, level: *mine.get(&cid)? })
        })
        .collect())
}
