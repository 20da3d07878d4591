//! The campus's write use cases, one function each, called by every front end: each checks who
//! may act, writes, and records the change in the audit trail, in one transaction.

use chrono::NaiveDate;

use super::engagements::{self, Action, Engagement, EngagementInput, PaperConsent, TransitionInput};
use super::modules::{self, Module, ModuleInput};
use super::sessions::{self, EvaluationInput, Session, SessionInput, ValidationInput};
use super::trainers::{self, Trainer, TrainerInput};
use super::{accounts, agreements};
use super::{campus, require_manager};
use crate::db::{DbConnection, transaction};
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::competencies::Resolver;
use crate::domain::types::{Party, Role};
use crate::error::ApiError;

/// One trainer of a campus, with their criteria as of `today`.
pub fn one_trainer(conn: &mut DbConnection, campus_id: i32, id: i32, today: NaiveDate) -> Result<Trainer, ApiError> {
    trainers::list(conn, campus_id, Some(id), today)?.pop().ok_or_else(|| ApiError::not_found("trainer not found"))
}

/// The campus of trainer `id` if `who` may see it, else 404.
pub fn visible_trainer(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<i32, ApiError> {
    let (campus_id, _) = trainers::get_row(conn, id)?;
    who.visible(campus_id, campus_id, "trainer")
}

/// Engagement `id` if `who` may see it (its campus or the trainer's employer), else 404.
pub fn visible_engagement(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<Engagement, ApiError> {
    let g = engagements::get(conn, id)?;
    if engagements::can_see(who, &g) { Ok(g) } else { Err(ApiError::not_found(format!("engagement {id} not found"))) }
}

/// Session `id` if `who` may see it, else 404.
pub fn visible_session(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<Session, ApiError> {
    let s = sessions::get(conn, id)?;
    who.visible(s.campus_id, s, "session")
}

/// Creates a module of the named campus (or the caller's).
pub fn create_module(
    conn: &mut DbConnection,
    who: &Principal,
    campus_code: Option<&str>,
    input: &ModuleInput,
) -> Result<Module, ApiError> {
    transaction(conn, |conn| {
        let c = campus(conn, who, campus_code)?;
        require_manager(who, c.id)?;
        let valid = modules::check(&Resolver::load(conn)?, input).map_err(modules::invalid)?;
        modules::create(conn, c.id, &valid, &who.username)?;
        let created = modules::get(conn, c.id, &valid.code)?;
        audit::record(conn, who, Change::new(Some(c.id), "module", &valid.code, "create").created(&created))?;
        Ok(created)
    })
}

/// Changes module `code` if `version` is still current (409 otherwise).
pub fn update_module(
    conn: &mut DbConnection,
    who: &Principal,
    campus_code: Option<&str>,
    code: &str,
    version: i32,
    input: &ModuleInput,
) -> Result<Module, ApiError> {
    transaction(conn, |conn| {
        let c = campus(conn, who, campus_code)?;
        require_manager(who, c.id)?;
        let current = modules::get(conn, c.id, code)?;
        let valid = modules::check(&Resolver::load(conn)?, input).map_err(modules::invalid)?;
        modules::update(conn, &current, version, &valid, &who.username)?;
        let updated = modules::get(conn, c.id, code)?;
        audit::record(conn, who, Change::new(Some(c.id), "module", code, "update").changed(&current, &updated))?;
        Ok(updated)
    })
}

/// Lists an agent of any organisation as a trainer of the campus.
pub fn add_trainer(
    conn: &mut DbConnection,
    who: &Principal,
    campus_code: Option<&str>,
    input: &TrainerInput,
    today: NaiveDate,
) -> Result<Trainer, ApiError> {
    transaction(conn, |conn| {
        let c = campus(conn, who, campus_code)?;
        require_manager(who, c.id)?;
        let id = trainers::register(conn, c.id, input, &who.username)?;
        let created = one_trainer(conn, c.id, id, today)?;
        audit::record(conn, who, Change::new(Some(c.id), "trainer", id, "create").created(&created))?;
        Ok(created)
    })
}

/// Changes trainer `id`'s modules and ADFO date.
pub fn update_trainer(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    modules: &[String],
    adfo_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Trainer, ApiError> {
    transaction(conn, |conn| {
        let campus_id = visible_trainer(conn, who, id)?;
        require_manager(who, campus_id)?;
        let before = one_trainer(conn, campus_id, id, today)?;
        trainers::update(conn, id, campus_id, modules, adfo_date)?;
        let after = one_trainer(conn, campus_id, id, today)?;
        audit::record(conn, who, Change::new(Some(campus_id), "trainer", id, "update").changed(&before, &after))?;
        Ok(after)
    })
}

/// Proposes an engagement of a trainer of the campus.
pub fn create_engagement(
    conn: &mut DbConnection,
    who: &Principal,
    campus_code: Option<&str>,
    input: &EngagementInput,
) -> Result<Engagement, ApiError> {
    transaction(conn, |conn| {
        let c = campus(conn, who, campus_code)?;
        require_manager(who, c.id)?;
        let id = engagements::create(conn, c.id, input, &who.username)?;
        let created = engagements::get(conn, id)?;
        audit::record(conn, who, Change::new(Some(c.id), "engagement", id, "create").created(&created))?;
        Ok(created)
    })
}

/// Records `party`'s agreement to engagement `id`, if `who` speaks for that party (see
/// [`agreements`]); `consent` is a trainer's signed paper consent, recorded by the employer's hr.
pub fn agree(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    party: Party,
    consent: Option<&PaperConsent>,
    today: NaiveDate,
) -> Result<Engagement, ApiError> {
    transaction(conn, |conn| {
        let before = visible_engagement(conn, who, id)?;
        let has_account = !accounts::with_account(conn, &[before.agent_id])?.is_empty();
        agreements::may_record(who, &before, party, consent, has_account)?;
        agreements::agree(conn, &before, party, consent, &who.username, today)?;
        let after = engagements::get(conn, id)?;
        let change = Change::new(Some(before.campus_id), "engagement", id, "agree").changed(&before, &after);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}

/// Turns on or off the reservation of engagement `id`'s planned hours in the employer's plans:
/// the campus's managers or the employer's hr.
pub fn set_reservation(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    reserve: bool,
    version: i32,
) -> Result<Engagement, ApiError> {
    transaction(conn, |conn| {
        let before = visible_engagement(conn, who, id)?;
        if !(who.speaks_for(before.campus_id, &[Role::Campus]) || who.speaks_for(before.employer_id, &[Role::Hr])) {
            return Err(ApiError::forbidden(
                "the reservation in plans is set by the campus (role campus) or the employer (role hr)",
            ));
        }
        engagements::set_reservation(conn, &before, reserve, version)?;
        let after = engagements::get(conn, id)?;
        let change = Change::new(Some(before.campus_id), "engagement", id, "reservation").changed(&before, &after);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}

/// Moves engagement `id` through its life: activate, request a renewal, renew, end.
pub fn transition(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    action: Action,
    version: i32,
    input: &TransitionInput,
) -> Result<Engagement, ApiError> {
    transaction(conn, |conn| {
        let before = visible_engagement(conn, who, id)?;
        require_manager(who, before.campus_id)?;
        engagements::transition(conn, &before, action, version, input, &who.username)?;
        let after = engagements::get(conn, id)?;
        let change = Change::new(Some(before.campus_id), "engagement", id, "transition").changed(&before, &after);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}

/// Plans a session of a module of the campus.
pub fn create_session(
    conn: &mut DbConnection,
    who: &Principal,
    campus_code: Option<&str>,
    input: &SessionInput,
) -> Result<Session, ApiError> {
    transaction(conn, |conn| {
        let c = campus(conn, who, campus_code)?;
        require_manager(who, c.id)?;
        let checked = sessions::check(conn, c.id, input).map_err(|d| ApiError::problems("the session", d))?;
        let id = sessions::create(conn, c.id, input, checked, &who.username)?;
        let created = sessions::get(conn, id)?;
        audit::record(conn, who, Change::new(Some(c.id), "session", id, "create").created(&created))?;
        Ok(created)
    })
}

/// Records an evaluation of a trainer of session `id`.
pub fn evaluate(conn: &mut DbConnection, who: &Principal, id: i32, input: &EvaluationInput) -> Result<(), ApiError> {
    transaction(conn, |conn| {
        let s = visible_session(conn, who, id)?;
        require_manager(who, s.campus_id)?;
        sessions::evaluate(conn, &s, input, &who.username)?;
        audit::record(conn, who, Change::new(Some(s.campus_id), "session", id, "evaluate").created(input))
    })
}

/// Validates a trainee's levels once session `id` has ended; the ids of the assessments made.
pub fn validate(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    input: &ValidationInput,
    today: NaiveDate,
) -> Result<Vec<i32>, ApiError> {
    transaction(conn, |conn| {
        let s = visible_session(conn, who, id)?;
        require_manager(who, s.campus_id)?;
        let assessments = sessions::validate(conn, &s, input, &who.username, today)?;
        let change = Change::new(Some(s.campus_id), "session", id, "validate")
            .created(input)
            .counts(&serde_json::json!({ "assessments": assessments }));
        audit::record(conn, who, change)?;
        Ok(assessments)
    })
}
