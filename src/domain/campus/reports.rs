//! Campus reports: engagements ending soon, hours delivered against planned, trainers'
//! satisfaction per module, and the hours each organisation's agents gave to campuses.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::engagements::{self, Engagement};
use crate::db::DbConnection;
use crate::db::schema::{
    agents as a, organisations as o, session_trainers as st, trainer_evaluations as ev, trainers as tr,
    training_modules as tm, training_sessions as ts,
};
use crate::domain::access::Principal;
use crate::domain::types::EngagementStatus;
use crate::error::ApiError;

/// Hours of a full-time year (1607 h), to express hours in ETP.
pub const HOURS_PER_FTE_YEAR: f64 = 1607.0;

#[derive(Debug, Serialize, ToSchema)]
pub struct Expiring {
    pub days: i64,
    pub until: NaiveDate,
    pub by_campus: BTreeMap<String, Vec<Engagement>>,
    pub by_employer: BTreeMap<String, Vec<Engagement>>,
}

/// Running engagements (active, renewed, renewal requested) whose period ends within `days`.
pub fn expiring(conn: &mut DbConnection, who: &Principal, days: i64, today: NaiveDate) -> Result<Expiring, ApiError> {
    let until = today + chrono::Duration::days(days);
    let mut report = Expiring { days, until, by_campus: BTreeMap::new(), by_employer: BTreeMap::new() };
    for g in engagements::visible(conn, who)? {
        let running = matches!(
            g.status,
            EngagementStatus::Active | EngagementStatus::Renewed | EngagementStatus::RenewalRequested
        );
        if running && g.end_date >= today && g.end_date <= until {
            report.by_employer.entry(g.employer.clone()).or_default().push(g.clone());
            report.by_campus.entry(g.campus.clone()).or_default().push(g);
        }
    }
    Ok(report)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HoursDelivered {
    pub trainer: i32,
    pub campus: String,
    pub organisation: String,
    pub matricule: String,
    /// Hours a year of the engagements running in the year, in proportion to the days covered.
    pub planned: f64,
    /// Hours taught in the year's sessions (by their start date).
    pub delivered: f64,
}

fn overlap_days(start: NaiveDate, end: NaiveDate, year: i32) -> i64 {
    let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
    let (lo, hi) = (start.max(first), end.min(last));
    if hi < lo { 0 } else { (hi - lo).num_days() + 1 }
}

/// Whose hours: a campus's trainers, or one agent's listings at every campus.
#[derive(Debug, Clone, Copy)]
pub enum TrainersOf {
    Campus(i32),
    Agent(i32),
}

/// Per trainer listing, hours delivered against planned in `year`.
pub fn hours(conn: &mut DbConnection, of: TrainersOf, year: i32) -> Result<Vec<HoursDelivered>, ApiError> {
    let query = tr::table
        .inner_join(a::table.inner_join(o::table))
        .order((o::code, a::matricule, tr::campus_id))
        .select((tr::id, tr::campus_id, o::code, a::matricule))
        .into_boxed();
    let query = match of {
        TrainersOf::Campus(id) => query.filter(tr::campus_id.eq(id)),
        TrainersOf::Agent(id) => query.filter(tr::agent_id.eq(id)),
    };
    let trainers = query.load::<(i32, i32, String, String)>(conn)?;
    let ids: Vec<i32> = trainers.iter().map(|t| t.0).collect();
    let campuses: BTreeMap<i32, String> = o::table
        .filter(o::id.eq_any(trainers.iter().map(|t| t.1).collect::<Vec<_>>()))
        .select((o::id, o::code))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let days_in_year =
        f64::from(if NaiveDate::from_ymd_opt(year, 12, 31).unwrap().ordinal() == 366 { 366 } else { 365 });
    let mut planned: BTreeMap<i32, f64> = BTreeMap::new();
    for g in engagements::of_trainers(conn, &ids)? {
        if g.status == EngagementStatus::Proposed {
            continue;
        }
        let days = overlap_days(g.start_date, g.end_date, year) as f64;
        *planned.entry(g.trainer).or_default() += g.hours_per_year * days / days_in_year;
    }
    let delivered: BTreeMap<i32, f64> = st::table
        .inner_join(ts::table)
        .filter(st::trainer_id.eq_any(&ids))
        .filter(ts::start_date.ge(NaiveDate::from_ymd_opt(year, 1, 1).unwrap()))
        .filter(ts::start_date.le(NaiveDate::from_ymd_opt(year, 12, 31).unwrap()))
        .select((st::trainer_id, st::hours))
        .load::<(i32, f64)>(conn)?
        .into_iter()
        .fold(BTreeMap::new(), |mut m, (t, h)| {
            *m.entry(t).or_default() += h;
            m
        });
    Ok(trainers
        .into_iter()
        .map(|(id, campus, organisation, matricule)| HoursDelivered {
            trainer: id,
            campus: campuses.get(&campus).cloned().unwrap_or_default(),
            organisation,
            matricule,
            planned: planned.get(&id).copied().unwrap_or(0.0),
            delivered: delivered.get(&id).copied().unwrap_or(0.0),
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleSatisfaction {
    pub module: String,
    pub trainer: i32,
    pub matricule: String,
    /// Mean of trainees' scores (1–5).
    pub mean: f64,
    pub evaluations: usize,
}

/// Trainers' mean trainee satisfaction per module of a campus.
pub fn satisfaction(conn: &mut DbConnection, campus_id: i32) -> Result<Vec<ModuleSatisfaction>, ApiError> {
    let rows = ev::table
        .inner_join(ts::table.inner_join(tm::table))
        .inner_join(tr::table.on(tr::id.eq(ev::trainer_id)))
        .inner_join(a::table.on(a::id.eq(tr::agent_id)))
        .filter(ts::campus_id.eq(campus_id))
        .filter(ev::evaluator.eq("trainee"))
        .select((tm::code, ev::trainer_id, a::matricule, ev::score))
        .load::<(String, i32, String, i32)>(conn)?;
    let mut groups: BTreeMap<(String, i32, String), Vec<i32>> = BTreeMap::new();
    for (module, trainer, matricule, score) in rows {
        groups.entry((module, trainer, matricule)).or_default().push(score);
    }
    Ok(groups
        .into_iter()
        .map(|((module, trainer, matricule), scores)| ModuleSatisfaction {
            module,
            trainer,
            matricule,
            mean: f64::from(scores.iter().sum::<i32>()) / scores.len() as f64,
            evaluations: scores.len(),
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Contribution {
    pub organisation: String,
    pub year: i32,
    /// Hours its agents taught, by campus.
    pub by_campus: BTreeMap<String, f64>,
    pub hours: f64,
    /// `hours / 1607`.
    pub fte: f64,
}

/// Hours an organisation's agents gave to campuses in `year` (sessions by their start date).
pub fn contribution(conn: &mut DbConnection, organisation_id: i32, year: i32) -> Result<Contribution, ApiError> {
    let organisation = crate::domain::organisations::find_by_id(conn, organisation_id)?.code;
    let rows = st::table
        .inner_join(ts::table.inner_join(o::table.on(o::id.eq(ts::campus_id))))
        .inner_join(tr::table.inner_join(a::table))
        .filter(a::organisation_id.eq(organisation_id))
        .filter(ts::start_date.ge(NaiveDate::from_ymd_opt(year, 1, 1).unwrap()))
        .filter(ts::start_date.le(NaiveDate::from_ymd_opt(year, 12, 31).unwrap()))
        .select((o::code, st::hours))
        .load::<(String, f64)>(conn)?;
    let mut by_campus: BTreeMap<String, f64> = BTreeMap::new();
    for (campus, h) in rows {
        *by_campus.entry(campus).or_default() += h;
    }
    let hours = by_campus.values().sum::<f64>();
    Ok(Contribution { organisation, year, by_campus, hours, fte: hours / HOURS_PER_FTE_YEAR })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationHours {
    pub organisation: String,
    /// Hours its agents taught at the campus in the year (sessions by their start date).
    pub hours: f64,
    /// `hours / 1607`.
    pub fte: f64,
}

/// Hours and ETP each organisation's agents gave to a campus in `year`, most first.
pub fn given_by_organisation(
    conn: &mut DbConnection,
    campus_id: i32,
    year: i32,
) -> Result<Vec<OrganisationHours>, ApiError> {
    let (first, last) = year_bounds(year)?;
    let rows = st::table
        .inner_join(ts::table)
        .inner_join(tr::table.inner_join(a::table.inner_join(o::table)))
        .filter(ts::campus_id.eq(campus_id))
        .filter(ts::start_date.ge(first))
        .filter(ts::start_date.le(last))
        .select((o::code, st::hours))
        .load::<(String, f64)>(conn)?;
    let mut by: BTreeMap<String, f64> = BTreeMap::new();
    for (organisation, h) in rows {
        *by.entry(organisation).or_default() += h;
    }
    let mut out: Vec<OrganisationHours> = by
        .into_iter()
        .map(|(organisation, hours)| OrganisationHours { organisation, hours, fte: hours / HOURS_PER_FTE_YEAR })
        .collect();
    out.sort_by(|x, y| y.hours.total_cmp(&x.hours));
    Ok(out)
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), ApiError> {
    match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(first), Some(last)) => Ok((first, last)),
        _ => Err(ApiError::invalid("year", format!("{year} is not a year"))),
    }
}
