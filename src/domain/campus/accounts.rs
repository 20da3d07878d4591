//! Trainers as users: the `trainer` account of one agent, created by the agent's own
//! organisation (its `hr` or `admin`), never by the campus. The campus only learns that the
//! account exists, to know whether the trainer agrees for themselves.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{user_agents as ua, users as u};
use crate::domain::access::Principal;
use crate::domain::types::{Password, Role, Username};
use crate::domain::users::{self, User};
use crate::domain::{agents, organisations, password};
use crate::error::ApiError;

/// Creates agent `agent_id`'s `trainer` account. Another organisation's agent answers 404; the
/// agent's organisation without `hr` or `admin`, 403. The password is one-time: hr knows it, so
/// the trainer chooses their own at the first sign-in. Call it off the async workers: the
/// password is hashed here.
pub fn create(
    conn: &mut DbConnection,
    who: &Principal,
    agent_id: i32,
    username: &Username,
    password: &Password,
) -> Result<User, ApiError> {
    let agent = agents::get(conn, agent_id)?;
    let agent = who.visible(agent.organisation_id, agent, "agent")?;
    if !who.speaks_for(agent.organisation_id, &[Role::Hr]) {
        return Err(ApiError::forbidden(
            "a trainer's account is created by the role hr or admin of the agent's own organisation",
        ));
    }
    let organisation = organisations::find_by_id(conn, agent.organisation_id)?;
    let hash = password::hash(password)?;
    crate::db::transaction(conn, |conn| {
        let user = users::create_trainer(conn, who, username, &hash, &organisation, agent.id)?;
        diesel::update(u::table.find(user.id)).set(u::must_change_password.eq(1)).execute(conn)?;
        users::find_by_id(conn, user.id)?.ok_or_else(|| ApiError::internal("user vanished", "after insert"))
    })
}

/// Which of `agent_ids` have an active trainer account.
pub fn with_account(conn: &mut DbConnection, agent_ids: &[i32]) -> Result<HashSet<i32>, ApiError> {
    Ok(ua::table
        .inner_join(u::table)
        .filter(ua::agent_id.eq_any(agent_ids))
        .filter(u::active.eq(1))
        .select(ua::agent_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect())
}
