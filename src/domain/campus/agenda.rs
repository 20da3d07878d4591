//! A campus's sessions as its calendar shows them: each with its trainers' hours, its trainees
//! (enrolled or still proposed), its evaluations (count and trainees' mean) and the validations
//! recorded, for the sessions that touch a span of days.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::sessions::{self, Session};
use crate::db::DbConnection;
use crate::db::schema::{assessments as asm, trainer_evaluations as ev, training_sessions as ts};
use crate::error::ApiError;

#[derive(Debug, Serialize)]
pub struct AgendaLine {
    pub session: Session,
    pub trainee_scores: usize,
    pub trainee_mean: Option<f64>,
    /// Levels validated: assessments with source `training` that name this session.
    pub validations: i64,
}

/// The sessions of `campus_id` touching `from..=to`, by start date.
pub fn between(
    conn: &mut DbConnection,
    campus_id: i32,
    campus_code: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AgendaLine>, ApiError> {
    let ids: Vec<i32> = ts::table
        .filter(ts::campus_id.eq(campus_id))
        .filter(ts::end_date.ge(from))
        .filter(ts::start_date.le(to))
        .order((ts::start_date, ts::id))
        .select(ts::id)
        .load(conn)?;
    let mut scores: HashMap<i32, Vec<i32>> = HashMap::new();
    for (session, score) in ev::table
        .filter(ev::session_id.eq_any(&ids))
        .filter(ev::evaluator.eq("trainee"))
        .select((ev::session_id, ev::score))
        .load::<(i32, i32)>(conn)?
    {
        scores.entry(session).or_default().push(score);
    }
    let mut out = Vec::new();
    for id in ids {
        let session = sessions::get(conn, id)?;
        let validations: i64 = asm::table
            .filter(asm::source.eq("training"))
            .filter(asm::assessor.eq(campus_code))
            .filter(asm::evidence_ref.eq(format!("session {}", session.reference)))
            .count()
            .get_result(conn)?;
        let s = scores.remove(&id).unwrap_or_default();
        out.push(AgendaLine {
            trainee_scores: s.len(),
            trainee_mean: (!s.is_empty()).then(|| f64::from(s.iter().sum::<i32>()) / s.len() as f64),
            validations,
            session,
        });
    }
    Ok(out)
}
