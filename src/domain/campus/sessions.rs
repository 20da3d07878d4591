//! Sessions: a module taught at a campus on given dates by trainers (hours each) to trainee
//! agents. Trainees evaluate the trainers (1–5), the campus records its own evaluation, and at
//! the end the campus may validate trainees' levels on the module's competencies: an assessment
//! with source `training`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::modules;
use crate::db::DbConnection;
use crate::db::schema::{
    agents as a, organisations as o, session_trainees as se, session_trainers as st, trainer_evaluations as ev,
    trainers as tr, training_modules as tm, training_sessions as ts,
};
use crate::domain::assessments::{self, AssessmentInput, NewAssessment};
use crate::domain::paging::{Page, PageAsk};
use crate::domain::types::{AssessmentSource, Level};
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentRef {
    /// Organisation code.
    pub organisation: String,
    pub matricule: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// The campus's own reference, unique in the campus, e.g. `2027-REC-01`.
    pub reference: String,
    /// Module code.
    pub module: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub trainers: Vec<TrainerHours>,
    #[serde(default)]
    pub trainees: Vec<AgentRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainerHours {
    /// Trainer id in this campus.
    pub trainer: i32,
    /// Hours the trainer teaches in this session (on working time).
    #[schema(exclusive_minimum = 0, maximum = 744)]
    pub hours: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub id: i32,
    #[serde(skip)]
    pub campus_id: i32,
    pub campus: String,
    pub reference: String,
    pub module: String,
    #[serde(skip)]
    pub module_id: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub trainers: Vec<SessionTrainer>,
    pub trainees: Vec<Trainee>,
}

/// A trainee of a session and where their enrolment stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trainee {
    pub organisation: String,
    pub matricule: String,
    /// Enrolled by their employer's hr, or proposed by the campus and accepted by it: only then
    /// does a validation become an assessment.
    pub accepted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionTrainer {
    pub trainer: i32,
    pub organisation: String,
    pub matricule: String,
    pub hours: f64,
}

/// Every problem of a session, by field; the trainees resolved to agent ids.
pub fn check(conn: &mut DbConnection, campus_id: i32, input: &SessionInput) -> Result<(i32, Vec<i32>), Vec<Detail>> {
    let mut details = Vec::new();
    let mut fail = |field: String, message: String| details.push(Detail::field(field, message));
    let reference = input.reference.trim();
    if reference.is_empty() || reference.chars().count() > 60 {
        fail("reference".into(), "must be 1 to 60 characters".into());
    }
    if input.end_date < input.start_date {
        fail("end_date".into(), "must not be before start_date".into());
    }
    let module = modules::find(conn, campus_id, &input.module).ok().flatten();
    if module.is_none() {
        fail("module".into(), format!("unknown module {:?}", input.module));
    }
    if input.trainers.is_empty() {
        fail("trainers".into(), "a session has at least one trainer".into());
    }
    let mut seen = HashSet::new();
    for (k, t) in input.trainers.iter().enumerate() {
        if !(t.hours.is_finite() && t.hours > 0.0 && t.hours <= 744.0) {
            fail(format!("trainers[{k}].hours"), "must be a positive number of hours".into());
        }
        match super::trainers::get_row(conn, t.trainer) {
            Ok((campus, _)) if campus == campus_id => {
                if let Err(message) = super::engagements::covering(conn, t.trainer, input.start_date, input.end_date) {
                    fail(format!("trainers[{k}].trainer"), message);
                }
                let listed = super::trainers::module_ids_of(conn, t.trainer).unwrap_or_default();
                if let Some(m) = &module
                    && !listed.contains(&m.id)
                {
                    fail(
                        format!("trainers[{k}].trainer"),
                        format!("trainer {} is not listed for {}", t.trainer, m.code),
                    );
                }
            }
            _ => fail(format!("trainers[{k}].trainer"), format!("no trainer {} in this campus", t.trainer)),
        }
        if !seen.insert(t.trainer) {
            fail(format!("trainers[{k}].trainer"), "listed twice".into());
        }
    }
    let mut trainees = Vec::new();
    for (k, r) in input.trainees.iter().enumerate() {
        match super::agent_id(conn, &r.organisation, &r.matricule) {
            Ok(Some(id)) if trainees.contains(&id) => fail(format!("trainees[{k}]"), "listed twice".into()),
            Ok(Some(id)) => trainees.push(id),
            _ => fail(format!("trainees[{k}].matricule"), format!("no agent {} in {}", r.matricule, r.organisation)),
        }
    }
    match module {
        Some(m) if details.is_empty() => Ok((m.id, trainees)),
        _ => Err(details),
    }
}

/// Creates a checked session; 409 when its reference exists in the campus. Its trainees are
/// proposed by the campus: each is enrolled once their employer's hr accepts.
pub fn create(
    conn: &mut DbConnection,
    campus_id: i32,
    input: &SessionInput,
    (module_id, trainees): (i32, Vec<i32>),
    by: &str,
) -> Result<i32, ApiError> {
    let reference = input.reference.trim();
    let exists = ts::table
        .filter(ts::campus_id.eq(campus_id))
        .filter(ts::reference.eq(reference))
        .count()
        .get_result::<i64>(conn)?;
    if exists > 0 {
        return Err(ApiError::conflict(format!("session {reference} already exists")));
    }
    let id: i32 = diesel::insert_into(ts::table)
        .values((
            ts::campus_id.eq(campus_id),
            ts::reference.eq(reference),
            ts::module_id.eq(module_id),
            ts::start_date.eq(input.start_date),
            ts::end_date.eq(input.end_date),
            ts::created_at.eq(crate::domain::now()),
            ts::created_by.eq(by),
        ))
        .returning(ts::id)
        .get_result(conn)?;
    for t in &input.trainers {
        diesel::insert_into(st::table)
            .values((st::session_id.eq(id), st::trainer_id.eq(t.trainer), st::hours.eq(t.hours)))
            .execute(conn)?;
    }
    for agent in trainees {
        diesel::insert_into(se::table)
            .values((se::session_id.eq(id), se::agent_id.eq(agent), se::proposed_by.eq(by)))
            .execute(conn)?;
    }
    Ok(id)
}

/// The sessions of a campus, or the one of `id`, by start date; only the page asked for when one is.
fn load(
    conn: &mut DbConnection,
    campus_id: Option<i32>,
    id: Option<i32>,
    ask: Option<PageAsk>,
) -> Result<Vec<Session>, ApiError> {
    let mut query = ts::table
        .inner_join(tm::table)
        .inner_join(o::table.on(o::id.eq(ts::campus_id)))
        .order((ts::start_date, ts::id))
        .select((ts::id, ts::campus_id, o::code, ts::reference, tm::code, ts::module_id, ts::start_date, ts::end_date))
        .into_boxed();
    if let Some(c) = campus_id {
        query = query.filter(ts::campus_id.eq(c));
    }
    if let Some(i) = id {
        query = query.filter(ts::id.eq(i));
    }
    if let Some(ask) = ask {
        query = query.limit(ask.limit()).offset(ask.offset());
    }
    let rows = query.load::<(i32, i32, String, String, String, i32, NaiveDate, NaiveDate)>(conn)?;
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let mut trainers: HashMap<i32, Vec<SessionTrainer>> = HashMap::new();
    for (session, trainer, organisation, matricule, hours) in st::table
        .inner_join(tr::table.inner_join(a::table.inner_join(o::table)))
        .filter(st::session_id.eq_any(&ids))
        .order((st::session_id, st::trainer_id))
        .select((st::session_id, st::trainer_id, o::code, a::matricule, st::hours))
        .load::<(i32, i32, String, String, f64)>(conn)?
    {
        trainers.entry(session).or_default().push(SessionTrainer { trainer, organisation, matricule, hours });
    }
    let mut trainees: HashMap<i32, Vec<Trainee>> = HashMap::new();
    for (session, organisation, matricule, accepted_at) in se::table
        .inner_join(a::table.inner_join(o::table))
        .filter(se::session_id.eq_any(&ids))
        .order((se::session_id, o::code, a::matricule))
        .select((se::session_id, o::code, a::matricule, se::accepted_at))
        .load::<(i32, String, String, Option<chrono::NaiveDateTime>)>(conn)?
    {
        let accepted = accepted_at.is_some();
        trainees.entry(session).or_default().push(Trainee { organisation, matricule, accepted });
    }
    Ok(rows
        .into_iter()
        .map(|r| Session {
            trainers: trainers.remove(&r.0).unwrap_or_default(),
            trainees: trainees.remove(&r.0).unwrap_or_default(),
            id: r.0,
            campus_id: r.1,
            campus: r.2,
            reference: r.3,
            module: r.4,
            module_id: r.5,
            start_date: r.6,
            end_date: r.7,
        })
        .collect())
}

pub fn list(conn: &mut DbConnection, campus_id: i32) -> Result<Vec<Session>, ApiError> {
    load(conn, Some(campus_id), None, None)
}

/// A page of the sessions of a campus, by start date.
pub fn page(conn: &mut DbConnection, campus_id: i32, ask: PageAsk) -> Result<Page<Session>, ApiError> {
    let total: i64 = ts::table.filter(ts::campus_id.eq(campus_id)).count().get_result(conn)?;
    Ok(ask.answer(load(conn, Some(campus_id), None, Some(ask))?, total))
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<Session, ApiError> {
    load(conn, None, Some(id), None)?.pop().ok_or_else(|| ApiError::not_found(format!("session {id} not found")))
}

/// The session's trainee `r` names, with their agent id; a 400 on `trainee` when it names none.
fn trainee<'s>(conn: &mut DbConnection, s: &'s Session, r: &AgentRef) -> Result<(i32, &'s Trainee), ApiError> {
    let (organisation, matricule) = (r.organisation.trim().to_uppercase(), r.matricule.trim());
    let listed = s.trainees.iter().find(|t| t.organisation == organisation && t.matricule == matricule);
    let not_one = || ApiError::invalid("trainee", format!("{matricule} is not a trainee of this session"));
    let listed = listed.ok_or_else(not_one)?;
    let id = super::agent_id(conn, &organisation, matricule)?.ok_or_else(not_one)?;
    Ok((id, listed))
}

fn trainee_id(conn: &mut DbConnection, s: &Session, r: &AgentRef) -> Result<i32, ApiError> {
    Ok(trainee(conn, s, r)?.0)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// The trainer evaluated (a trainer of the session).
    pub trainer: i32,
    /// 1 to 5.
    pub score: i64,
    #[serde(default)]
    pub comment: String,
    /// The trainee who gives the score; none: the campus's own evaluation.
    #[serde(default)]
    pub trainee: Option<AgentRef>,
}

/// Records an evaluation: one per trainee and trainer, and one by the campus per trainer.
pub fn evaluate(conn: &mut DbConnection, s: &Session, input: &EvaluationInput, by: &str) -> Result<(), ApiError> {
    if !(1..=5).contains(&input.score) {
        return Err(ApiError::invalid("score", format!("must be 1 to 5, got {}", input.score)));
    }
    if !s.trainers.iter().any(|t| t.trainer == input.trainer) {
        return Err(ApiError::invalid("trainer", format!("trainer {} does not teach this session", input.trainer)));
    }
    let trainee = input.trainee.as_ref().map(|r| trainee_id(conn, s, r)).transpose()?;
    let mut existing = ev::table.filter(ev::session_id.eq(s.id)).filter(ev::trainer_id.eq(input.trainer)).into_boxed();
    existing = match trainee {
        Some(agent) => existing.filter(ev::trainee_agent_id.eq(agent)),
        None => existing.filter(ev::evaluator.eq("campus")),
    };
    if existing.count().get_result::<i64>(conn)? > 0 {
        return Err(ApiError::conflict("this evaluation of this trainer is already recorded for this session"));
    }
    diesel::insert_into(ev::table)
        .values((
            ev::session_id.eq(s.id),
            ev::trainer_id.eq(input.trainer),
            ev::evaluator.eq(if trainee.is_some() { "trainee" } else { "campus" }),
            ev::trainee_agent_id.eq(trainee),
            ev::score.eq(input.score as i32),
            ev::comment.eq(input.comment.trim()),
            ev::created_at.eq(crate::domain::now()),
            ev::created_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidationInput {
    pub trainee: AgentRef,
    /// Levels reached, on competencies the module develops.
    pub levels: Vec<ValidatedLevel>,
    /// Default: the session's last day.
    #[serde(default)]
    pub assessed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidatedLevel {
    /// Competency code.
    pub competency: String,
    pub level: Level,
}

/// Records the campus's validation of a trainee as assessments with source `training`; returns
/// their ids. Only once the session has ended (409 before).
pub fn validate(
    conn: &mut DbConnection,
    s: &Session,
    input: &ValidationInput,
    by: &str,
    today: NaiveDate,
) -> Result<Vec<i32>, ApiError> {
    if s.end_date > today {
        return Err(ApiError::conflict(format!("session {} ends on {}: validate after it", s.reference, s.end_date)));
    }
    let (agent, listed) = trainee(conn, s, &input.trainee)?;
    if !listed.accepted {
        return Err(ApiError::conflict(format!(
            "{}'s enrolment awaits their employer's acceptance: a validation becomes an assessment only \
             for a trainee their employer's hr enrolled or accepted",
            listed.matricule
        )));
    }
    if input.levels.is_empty() {
        return Err(ApiError::invalid("levels", "at least one level"));
    }
    let module = modules::by_id(conn, s.module_id)?;
    let mut ids = Vec::new();
    for (k, l) in input.levels.iter().enumerate() {
        let target = module.competencies.iter().find(|t| t.competency == l.competency.trim()).ok_or_else(|| {
            ApiError::invalid(
                &format!("levels[{k}].competency"),
                format!("{} is not developed by module {}", l.competency, module.code),
            )
        })?;
        let row = NewAssessment::new(
            agent,
            target.competency_id,
            AssessmentInput {
                competency: target.competency.clone(),
                level: l.level,
                assessed_on: input.assessed_on.unwrap_or(s.end_date),
                assessor: s.campus.clone(),
                source: AssessmentSource::Training,
                comment: format!("module {}", module.code),
                evidence_ref: format!("session {}", s.reference),
                valid_until: None,
            },
            by,
        )?;
        ids.push(assessments::add(conn, row)?);
    }
    Ok(ids)
}
