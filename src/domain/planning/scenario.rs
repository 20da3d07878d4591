//! Builds the planning model's scenario for an organisation and a horizon from what is stored:
//! its activities and forecasts, its agents' ETP, current levels and unavailability, and its
//! pools and penalties.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use gpec_planning::Scenario;
use gpec_planning::scenario::{Activity, Agent, Load, Requirement};

use super::{activities, forecasts, settings};
use crate::db::DbConnection;
use crate::db::schema::agents as a;
use crate::domain::campus::capacity;
use crate::domain::levels;
use crate::domain::types::Period;
use crate::error::{ApiError, Detail};

/// The scenario of `organisation_id` over `from..=to`, as of `today` (expired levels do not count).
///
/// An agent counts from the month of their start date to the month of their end date; in the
/// months outside, all their hours are unavailable. Unavailability of every kind is summed; the
/// hours they give a campus (their sessions' hours, spread over the sessions' days, and the
/// unscheduled rest of engagements reserved in plans: see [`capacity`]) are given apart, as
/// `campus_hours`.
pub fn build(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Period,
    to: Period,
    today: NaiveDate,
) -> Result<Scenario, ApiError> {
    let months = Period::horizon(from, to)?;
    let periods: Vec<String> = months.iter().map(|p| p.to_string()).collect();
    let stored = activities::list(conn, organisation_id)?;
    if stored.is_empty() {
        return Err(ApiError::Unprocessable {
            message: "the organisation has no activity to plan: create its activities first".into(),
            details: vec![Detail::field("organisation", "no activities")],
        });
    }
    let settings = settings::get(conn, organisation_id)?.settings;
    let hours_per_fte = settings.hours_per_fte;

    let stored_loads = forecasts::loads(conn, organisation_id, Some(from), Some(to))?;
    let first = from.to_string();
    let opening: HashMap<&str, f64> = stored_loads
        .iter()
        .filter(|l| l.period == first)
        .filter_map(|l| Some((l.activity.as_str(), l.opening_backlog?)))
        .collect();
    let activities: Vec<Activity> = stored
        .iter()
        .map(|act| Activity {
            code: act.code.clone(),
            minutes_per_item: act.minutes_per_item,
            initial_backlog: opening.get(act.code.as_str()).copied().unwrap_or(0.0),
            backlog_normal_max: act.backlog_normal_max,
            backlog_critical_max: act.backlog_critical_max,
            temp_eligible: act.temp_eligible,
            requirements: act
                .requirements
                .iter()
                .map(|r| Requirement { competency: r.competency.clone(), min_level: i64::from(r.min_level.get()) })
                .collect(),
            priority: act.priority,
            // The standard of each month where a change is in force.
            minutes_per_item_by_period: periods
                .iter()
                .map(|p| (p.clone(), act.minutes_in(p)))
                .filter(|(_, m)| *m != act.minutes_per_item)
                .collect(),
            min_fte: act.min_fte,
        })
        .collect();
    let codes_of: BTreeSet<&str> = stored.iter().map(|a| a.code.as_str()).collect();
    let home_of = |unit: &str| -> Option<Vec<String>> {
        let home: Vec<String> =
            settings.units.get(unit)?.iter().filter(|c| codes_of.contains(c.as_str())).cloned().collect();
        (!home.is_empty()).then_some(home)
    };
    let loads = stored_loads
        .iter()
        .filter(|l| l.volume > 0.0)
        .cloned()
        .map(|l| Load { activity: l.activity, period: l.period, volume: l.volume })
        .collect();

    // Only the competencies some activity requires matter to the model.
    let codes: HashMap<i32, String> = stored
        .iter()
        .flat_map(|act| act.requirements.iter().map(|r| (r.competency_id, r.competency.clone())))
        .collect();
    let ids: Vec<i32> = codes.keys().copied().collect();
    let book = levels::load_organisation(conn, organisation_id, Some(&ids), today)?;
    let mut away = forecasts::hours_away(conn, organisation_id, from, to)?;
    let mut campus = capacity::campus_hours(conn, organisation_id, from, to)?;
    let rows = a::table
        .filter(a::organisation_id.eq(organisation_id))
        .filter(a::start_date.le(to.last_day()))
        .filter(a::end_date.is_null().or(a::end_date.ge(from.first_day())))
        .order(a::matricule)
        .select((a::id, a::matricule, a::fte, a::start_date, a::end_date, a::unit, a::productivity, a::ramp_up))
        .load::<(i32, String, f64, NaiveDate, Option<NaiveDate>, String, f64, i32)>(conn)?;
    let agents = rows
        .into_iter()
        .map(|(id, matricule, fte, start, end, unit, productivity, ramp_up)| {
            let levels: BTreeMap<String, i64> = book
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|(cid, level)| Some((codes.get(cid)?.clone(), i64::from(level.usable()?.get()))))
                .collect();
            let mut unavailable_hours = away.remove(&id).unwrap_or_default();
            for month in &months {
                let present = Period::of_date(start) <= *month && end.is_none_or(|e| *month <= Period::of_date(e));
                if !present {
                    unavailable_hours.insert(month.to_string(), fte * hours_per_fte);
                }
            }
            unavailable_hours.retain(|_, h| *h > 0.0);
            let campus_hours = campus.remove(&id).unwrap_or_default();
            // A newcomer's months of ramp-up within the horizon, counted from their start month.
            let productivity_by_period = if ramp_up != 0 {
                let first = Period::of_date(start);
                months
                    .iter()
                    .filter_map(|m| {
                        let share = settings.ramp_up.share(m.months_since(first))?;
                        Some((m.to_string(), (productivity * share).min(2.0)))
                    })
                    .collect()
            } else {
                BTreeMap::new()
            };
            Agent {
                id: matricule,
                fte,
                levels,
                unavailable_hours,
                campus_hours,
                productivity,
                productivity_by_period,
                home_activities: home_of(&unit),
            }
        })
        .collect();

    let mut pools = settings.pools.clone();
    for team in &mut pools.flying_teams {
        team.hours_per_period.retain(|p, _| periods.contains(p));
    }
    Ok(Scenario { periods, hours_per_fte, activities, loads, agents, pools, penalties: settings.penalties.clone() })
}

/// The model's refusals of a built scenario (e.g. a flying team naming a deleted activity), as a
/// 422 naming each field.
pub fn refused(errors: Vec<gpec_planning::FieldError>) -> ApiError {
    let details: Vec<Detail> = errors.into_iter().map(|e| Detail::field(e.field, e.message)).collect();
    ApiError::unprocessable("the stored planning data", details)
}
