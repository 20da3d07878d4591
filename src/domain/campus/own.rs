//! What a trainer sees of their own campus work, through their `trainer` account: their
//! engagements, the sessions they teach, the means of their evaluations, and their hours
//! delivered against planned with the share of their work time this is. Trainees' individual
//! answers never show: a mean is given only over at least [`MIN_ANSWERS`] answers.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::engagements::{self, Engagement};
use super::reports::{self, HOURS_PER_FTE_YEAR, HoursDelivered, TrainersOf};
use crate::db::DbConnection;
use crate::db::schema::{
    agents as a, organisations as o, session_trainees as se, session_trainers as st, trainer_evaluations as ev,
    trainers as tr, training_modules as tm, training_sessions as ts,
};
use crate::domain::access::Principal;
use crate::error::ApiError;

/// Fewer answers than this and a mean would give a trainee's answer away.
pub const MIN_ANSWERS: usize = 3;

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainerOverview {
    pub organisation: String,
    pub matricule: String,
    pub last_name: String,
    pub first_name: String,
    pub fte: f64,
    pub engagements: Vec<Engagement>,
    pub sessions: Vec<OwnSession>,
    /// Trainees' mean score per module (1–5).
    pub satisfaction: Vec<OwnSatisfaction>,
    pub year: i32,
    /// Per campus, hours planned by the engagements and delivered in sessions in `year`.
    pub hours: Vec<HoursDelivered>,
    /// Hours delivered in `year` over the trainer's work time (`fte × 1607 h`).
    pub work_share: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnSession {
    pub id: i32,
    pub campus: String,
    pub reference: String,
    pub module: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// The trainer's own hours in it.
    pub hours: f64,
    pub trainees: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnSatisfaction {
    pub module: String,
    pub evaluations: usize,
    /// None under three answers, which would give a trainee's answer away.
    pub mean: Option<f64>,
}

/// The signed-in trainer's overview for `year`; 403 for an account that is no trainer's.
pub fn overview(conn: &mut DbConnection, who: &Principal, year: i32) -> Result<TrainerOverview, ApiError> {
    let agent = who.trainer_agent().ok_or_else(|| ApiError::forbidden("this is a trainer's own account's view"))?;
    let (organisation, matricule, last_name, first_name, fte) = a::table
        .inner_join(o::table)
        .filter(a::id.eq(agent))
        .select((o::code, a::matricule, a::last_name, a::first_name, a::fte))
        .first::<(String, String, String, String, f64)>(conn)?;
    let listings: Vec<i32> = tr::table.filter(tr::agent_id.eq(agent)).select(tr::id).load(conn)?;
    let sessions = st::table
        .inner_join(ts::table.inner_join(tm::table).inner_join(o::table.on(o::id.eq(ts::campus_id))))
        .filter(st::trainer_id.eq_any(&listings))
        .order((ts::start_date, ts::id))
        .select((ts::id, o::code, ts::reference, tm::code, ts::start_date, ts::end_date, st::hours))
        .load::<(i32, String, String, String, NaiveDate, NaiveDate, f64)>(conn)?;
    let ids: Vec<i32> = sessions.iter().map(|s| s.0).collect();
    let counts: BTreeMap<i32, i64> = se::table
        .filter(se::session_id.eq_any(&ids))
        .group_by(se::session_id)
        .select((se::session_id, diesel::dsl::count_star()))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    let mut scores: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    for (module, score) in ev::table
        .inner_join(ts::table.inner_join(tm::table))
        .filter(ev::trainer_id.eq_any(&listings))
        .filter(ev::evaluator.eq("trainee"))
        .select((tm::code, ev::score))
        .load::<(String, i32)>(conn)?
    {
        scores.entry(module).or_default().push(score);
    }
    let hours = reports::hours(conn, TrainersOf::Agent(agent), year)?;
    let delivered: f64 = hours.iter().map(|h| h.delivered).sum();
    Ok(TrainerOverview {
        organisation,
        matricule,
        last_name,
        first_name,
        fte,
        engagements: engagements::of_trainers(conn, &listings)?,
        sessions: sessions
            .into_iter()
            .map(|s| OwnSession {
                trainees: counts.get(&s.0).copied().unwrap_or(0),
                id: s.0,
                campus: s.1,
                reference: s.2,
                module: s.3,
                start_date: s.4,
                end_date: s.5,
                hours: s.6,
            })
            .collect(),
        satisfaction: scores
            .into_iter()
            .map(|(module, s)| OwnSatisfaction {
                evaluations: s.len(),
                mean: (s.len() >= MIN_ANSWERS).then(|| f64::from(s.iter().sum::<i32>()) / s.len() as f64),
                module,
            })
            .collect(),
        year,
        hours,
        work_share: if fte > 0.0 { delivered / (fte * HOURS_PER_FTE_YEAR) } else { 0.0 },
    })
}
