//! What a campus may see and write of another organisation's agents. A campus proposes; the
//! agent's employer (its `hr`, or the trainer themselves for their own listing) accepts:
//! - a campus may list any agent as a trainer, but sees their levels (technicité, pédagogie)
//!   only once the listing is accepted;
//! - a trainee is enrolled by their employer's `hr`, or proposed by the campus and accepted by
//!   the employer; only an accepted enrolment lets a validation become an assessment.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::sessions::{self, AgentRef};
use crate::db::schema::{
    agents as a, organisations as o, session_trainees as se, trainers as tr, training_modules as tm,
    training_sessions as ts,
};
use crate::db::{DbConnection, transaction};
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::types::Role;
use crate::error::ApiError;

/// Accepts campus listing `trainer_id` of an agent: the agent's employer (`hr`) or the trainer
/// with their own account. Whoever else may not see the listing gets 404.
pub fn accept_listing(conn: &mut DbConnection, who: &Principal, trainer_id: i32) -> Result<(), ApiError> {
    transaction(conn, |conn| {
        let (campus_id, agent_id, employer_id, accepted) = tr::table
            .inner_join(a::table)
            .filter(tr::id.eq(trainer_id))
            .select((tr::campus_id, tr::agent_id, a::organisation_id, tr::accepted_at))
            .first::<(i32, i32, i32, Option<NaiveDateTime>)>(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found(format!("trainer {trainer_id} not found")))?;
        let own = who.trainer_agent() == Some(agent_id);
        let employer = who.trainer_agent().is_none() && who.speaks_for(employer_id, &[Role::Hr]);
        if !(own || employer) {
            return Err(if who.can_access(campus_id) || who.can_access(employer_id) {
                ApiError::forbidden("a listing is accepted by the agent's employer (role hr) or the trainer themselves")
            } else {
                ApiError::not_found(format!("trainer {trainer_id} not found"))
            });
        }
        if accepted.is_some() {
            return Err(ApiError::conflict(format!("the listing of trainer {trainer_id} is already accepted")));
        }
        diesel::update(tr::table.find(trainer_id))
            .set((tr::accepted_at.eq(crate::domain::now()), tr::accepted_by.eq(&who.username)))
            .execute(conn)?;
        let change = Change::new(Some(employer_id), "trainer", trainer_id, "accept_listing")
            .created(&serde_json::json!({"campus_id": campus_id, "agent_id": agent_id}));
        audit::record(conn, who, change)
    })
}

/// Where an enrolment now stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Enrolment {
    /// Proposed by the campus, awaiting the employer.
    Proposed,
    /// Enrolled by the employer, or accepted by it.
    Accepted,
}

/// Enrols agent `r` in session `session_id`. The session's campus proposes (the employer then
/// accepts); the agent's employer (`hr`) enrols at once, or accepts the campus's proposal.
pub fn enrol(conn: &mut DbConnection, who: &Principal, session_id: i32, r: &AgentRef) -> Result<Enrolment, ApiError> {
    transaction(conn, |conn| {
        let session = sessions::get(conn, session_id)?;
        let agent = super::agent_id(conn, &r.organisation, &r.matricule)?;
        let employer = match agent {
            Some(id) => Some(a::table.find(id).select(a::organisation_id).first::<i32>(conn)?),
            None => None,
        };
        let campus = who.trainer_agent().is_none() && who.speaks_for(session.campus_id, &[Role::Campus]);
        let is_employer = employer.is_some_and(|e| who.trainer_agent().is_none() && who.speaks_for(e, &[Role::Hr]));
        if !campus && !is_employer {
            return Err(if who.can_access(session.campus_id) {
                ApiError::forbidden(
                    "trainees are proposed by the campus (role campus) or enrolled by their employer's hr",
                )
            } else {
                ApiError::not_found(format!("session {session_id} not found"))
            });
        }
        let (Some(agent), Some(employer)) = (agent, employer) else {
            return Err(ApiError::invalid("matricule", format!("no agent {} in {}", r.matricule, r.organisation)));
        };
        let existing = se::table
            .filter(se::session_id.eq(session_id))
            .filter(se::agent_id.eq(agent))
            .select(se::accepted_at)
            .first::<Option<NaiveDateTime>>(conn)
            .optional()?;
        let outcome = match (existing, is_employer) {
            (Some(Some(_)), _) => return Err(ApiError::conflict("this agent is already enrolled in this session")),
            (Some(None), false) => return Err(ApiError::conflict("this agent is already proposed for this session")),
            (Some(None), true) => {
                diesel::update(se::table.filter(se::session_id.eq(session_id)).filter(se::agent_id.eq(agent)))
                    .set((se::accepted_at.eq(crate::domain::now()), se::accepted_by.eq(&who.username)))
                    .execute(conn)?;
                Enrolment::Accepted
            }
            (None, employer_side) => {
                let now = crate::domain::now();
                diesel::insert_into(se::table)
                    .values((
                        se::session_id.eq(session_id),
                        se::agent_id.eq(agent),
                        se::proposed_by.eq(&who.username),
                        se::accepted_at.eq(employer_side.then_some(now)),
                        se::accepted_by.eq(employer_side.then_some(who.username.as_str())),
                    ))
                    .execute(conn)?;
                if employer_side { Enrolment::Accepted } else { Enrolment::Proposed }
            }
        };
        let change = Change::new(Some(employer), "session", session_id, "enrol").created(
            &serde_json::json!({"organisation": r.organisation, "matricule": r.matricule, "enrolment": outcome}),
        );
        audit::record(conn, who, change)?;
        Ok(outcome)
    })
}

/// What awaits an employer's acceptance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pending {
    pub listings: Vec<PendingListing>,
    pub enrolments: Vec<PendingEnrolment>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingListing {
    /// The trainer's id, to accept with.
    pub trainer: i32,
    pub campus: String,
    pub matricule: String,
    pub last_name: String,
    pub listed_by: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingEnrolment {
    pub session: i32,
    pub campus: String,
    pub reference: String,
    pub module: String,
    pub start_date: chrono::NaiveDate,
    pub matricule: String,
    pub last_name: String,
    pub proposed_by: String,
}

/// Listings and enrolments of the caller's organisation's agents that await its acceptance
/// (role `hr`), or of the trainer themselves (their own listings).
pub fn pending(conn: &mut DbConnection, who: &Principal) -> Result<Pending, ApiError> {
    let mut listings = tr::table
        .inner_join(a::table)
        .inner_join(o::table.on(o::id.eq(tr::campus_id)))
        .filter(tr::accepted_at.is_null())
        .order((o::code, a::matricule))
        .select((tr::id, o::code, a::matricule, a::last_name, tr::listed_by))
        .into_boxed();
    if let Some(agent) = who.trainer_agent() {
        listings = listings.filter(tr::agent_id.eq(agent));
        let listings = listings.load::<(i32, String, String, String, String)>(conn)?;
        return Ok(Pending { listings: listings.into_iter().map(listing).collect(), enrolments: vec![] });
    }
    if !who.speaks_for(who.organisation_id, &[Role::Hr]) {
        return Err(ApiError::forbidden("what awaits the employer's acceptance is the role hr's"));
    }
    let listings = listings
        .filter(a::organisation_id.eq(who.organisation_id))
        .load::<(i32, String, String, String, String)>(conn)?
        .into_iter()
        .map(listing)
        .collect();
    let enrolments = se::table
        .inner_join(a::table)
        .inner_join(ts::table.inner_join(tm::table).inner_join(o::table.on(o::id.eq(ts::campus_id))))
        .filter(se::accepted_at.is_null())
        .filter(a::organisation_id.eq(who.organisation_id))
        .order((ts::start_date, ts::id, a::matricule))
        .select((ts::id, o::code, ts::reference, tm::code, ts::start_date, a::matricule, a::last_name, se::proposed_by))
        .load::<(i32, String, String, String, chrono::NaiveDate, String, String, String)>(conn)?
        .into_iter()
        .map(|r| PendingEnrolment {
            session: r.0,
            campus: r.1,
            reference: r.2,
            module: r.3,
            start_date: r.4,
            matricule: r.5,
            last_name: r.6,
            proposed_by: r.7,
        })
        .collect();
    Ok(Pending { listings, enrolments })
}

fn listing(r: (i32, String, String, String, String)) -> PendingListing {
    PendingListing { trainer: r.0, campus: r.1, matricule: r.2, last_name: r.3, listed_by: r.4 }
}

/// Accepts, as the employers, every listing of a campus: for seeded data (the demo), where the
/// operator acts for every organisation.
pub fn accept_every_listing(conn: &mut DbConnection, campus_id: i32, by: &str) -> Result<(), ApiError> {
    diesel::update(tr::table.filter(tr::campus_id.eq(campus_id)).filter(tr::accepted_at.is_null()))
        .set((tr::accepted_at.eq(crate::domain::now()), tr::accepted_by.eq(by)))
        .execute(conn)?;
    Ok(())
}

/// Accepts, as the employers, every enrolment proposed in a campus's sessions (seeded data).
pub fn accept_every_enrolment(conn: &mut DbConnection, campus_id: i32, by: &str) -> Result<(), ApiError> {
    let sessions = ts::table.filter(ts::campus_id.eq(campus_id)).select(ts::id);
    diesel::update(se::table.filter(se::session_id.eq_any(sessions)).filter(se::accepted_at.is_null()))
        .set((se::accepted_at.eq(crate::domain::now()), se::accepted_by.eq(by)))
        .execute(conn)?;
    Ok(())
}
