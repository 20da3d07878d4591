//! What campus work takes from the employer's capacity, as plans count it: the hours agents
//! teach in sessions, spread over each session's days month by month; and, for an engagement
//! whose hours are reserved in plans, the year's planned hours not yet scheduled, spread evenly
//! over the year's months the engagement covers. Scheduled hours count once: a reservation
//! only adds what the sessions of its year do not already take.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use super::engagements::{Engagement, is_active};
use crate::db::DbConnection;
use crate::db::schema::{
    agents as a, engagements as e, session_trainers as st, trainers as tr, training_sessions as ts,
};
use crate::domain::types::{EngagementStatus, Period};
use crate::error::ApiError;

/// Days of `start..=end` falling in each month.
fn days_by_month(start: NaiveDate, end: NaiveDate) -> BTreeMap<Period, i64> {
    let mut out = BTreeMap::new();
    let mut day = start;
    while day <= end {
        *out.entry(Period::of_date(day)).or_default() += 1;
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    out
}

/// The months of `year` that `start..=end` touches.
fn covered_months(start: NaiveDate, end: NaiveDate, year: i32) -> Vec<Period> {
    (1..=12)
        .filter_map(|m| NaiveDate::from_ymd_opt(year, m, 1))
        .map(Period::of_date)
        .filter(|p| p.first_day() <= end && p.last_day() >= start)
        .collect()
}

/// The hours a reserved engagement adds to month `months` of one year: its planned hours for
/// the months it covers (`hours_per_year × months / 12`) less those already `scheduled` that
/// year, spread evenly; nothing when the sessions take as much or more.
fn reserved_share(hours_per_year: f64, months: &[Period], scheduled: f64) -> f64 {
    if months.is_empty() {
        return 0.0;
    }
    let planned = hours_per_year * months.len() as f64 / 12.0;
    (planned - scheduled).max(0.0) / months.len() as f64
}

/// Hours the agents of `organisation_id` give to campuses, by agent id and month `YYYY-MM`,
/// within `from..=to`: sessions, plus the unscheduled rest of reserved engagements.
pub fn campus_hours(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Period,
    to: Period,
) -> Result<HashMap<i32, BTreeMap<String, f64>>, ApiError> {
    // Whole years, so that a reservation knows what its year's sessions already take.
    let (first, last) = (
        NaiveDate::from_ymd_opt(from.first_day().year(), 1, 1).unwrap_or(from.first_day()),
        NaiveDate::from_ymd_opt(to.first_day().year(), 12, 31).unwrap_or(to.last_day()),
    );
    let rows = st::table
        .inner_join(ts::table)
        .inner_join(tr::table.inner_join(a::table))
        .filter(a::organisation_id.eq(organisation_id))
        .filter(ts::end_date.ge(first))
        .filter(ts::start_date.le(last))
        .select((st::trainer_id, tr::agent_id, ts::start_date, ts::end_date, st::hours))
        .load::<(i32, i32, NaiveDate, NaiveDate, f64)>(conn)?;
    let mut hours: HashMap<i32, BTreeMap<Period, f64>> = HashMap::new();
    // Per trainer listing and year, the session hours scheduled.
    let mut scheduled: HashMap<(i32, i32), f64> = HashMap::new();
    for (trainer, agent, start, end, h) in rows {
        let days = days_by_month(start, end);
        let total: i64 = days.values().sum();
        for (month, n) in days {
            let share = h * n as f64 / total as f64;
            *hours.entry(agent).or_default().entry(month).or_default() += share;
            *scheduled.entry((trainer, month.first_day().year())).or_default() += share;
        }
    }
    for g in reserved(conn, organisation_id, first, last)? {
        for year in first.year()..=last.year() {
            let months = covered_months(g.start_date, g.end_date, year);
            let done = scheduled.get(&(g.trainer, year)).copied().unwrap_or(0.0);
            let share = reserved_share(g.hours_per_year, &months, done);
            if share > 0.0 {
                for month in months {
                    *hours.entry(g.agent_id).or_default().entry(month).or_default() += share;
                }
            }
        }
    }
    Ok(hours
        .into_iter()
        .map(|(agent, months)| {
            let within = months.into_iter().filter(|(m, _)| (from..=to).contains(m)).map(|(m, h)| (m.to_string(), h));
            (agent, within.collect())
        })
        .filter(|(_, months): &(i32, BTreeMap<String, f64>)| !months.is_empty())
        .collect())
}

/// The running engagements of `organisation_id`'s agents whose hours are reserved in plans and
/// whose current period touches `first..=last`.
fn reserved(
    conn: &mut DbConnection,
    organisation_id: i32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Engagement>, ApiError> {
    let ids: Vec<i32> = e::table
        .filter(e::employer_id.eq(organisation_id))
        .filter(e::reserve_in_plans.eq(1))
        .filter(e::status.ne(EngagementStatus::Proposed.as_str()))
        .filter(e::status.ne(EngagementStatus::Ended.as_str()))
        .filter(e::end_date.ge(first))
        .filter(e::start_date.le(last))
        .select(e::id)
        .load(conn)?;
    let mut out = Vec::new();
    for id in ids {
        let g = super::engagements::get(conn, id)?;
        if is_active(g.status) {
            out.push(g);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_reservation_covers_the_months_its_period_touches() {
        let months = covered_months(day(2027, 9, 15), day(2030, 9, 14), 2027);
        assert_eq!(months.first().map(|p| p.to_string()), Some("2027-09".into()));
        assert_eq!(months.len(), 4);
        assert_eq!(covered_months(day(2027, 1, 1), day(2029, 12, 31), 2028).len(), 12);
        assert!(covered_months(day(2027, 1, 1), day(2027, 6, 30), 2028).is_empty());
    }

    #[test]
    fn scheduled_hours_are_not_counted_twice() {
        let year: Vec<Period> = covered_months(day(2027, 1, 1), day(2029, 12, 31), 2027);
        assert_eq!(reserved_share(60.0, &year, 0.0), 5.0, "60 h a year, nothing scheduled: 5 h a month");
        assert_eq!(reserved_share(60.0, &year, 24.0), 3.0, "24 h scheduled: the other 36 h spread");
        assert_eq!(reserved_share(60.0, &year, 80.0), 0.0, "sessions took more than planned: nothing added");
        let autumn = covered_months(day(2027, 9, 1), day(2030, 8, 31), 2027);
        assert_eq!(reserved_share(60.0, &autumn, 0.0), 5.0, "four months of a 60 h year: 20 h, 5 a month");
    }
}
