//! Facilitation training of trainers (seed 000, principle 3: occasional trainers regularly
//! attend facilitation training). The campus records each course a trainer attends, and sets
//! how long a trainer may go without one before being flagged (24 months by default).

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{campus, require_manager};
use crate::db::schema::{campus_settings as cs, facilitation_trainings as ft};
use crate::db::{DbConnection, transaction};
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::error::ApiError;

/// How long a trainer may go without facilitation training, unless the campus sets otherwise.
pub const DEFAULT_MONTHS: i32 = 24;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilitationInput {
    /// The course's name (1 to 200 characters).
    pub course: String,
    pub taken_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FacilitationTraining {
    pub course: String,
    pub taken_on: NaiveDate,
}

/// Where a trainer stands on facilitation training.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Facilitation {
    /// Newest first.
    pub trainings: Vec<FacilitationTraining>,
    /// No training within the campus's period: the trainer is flagged.
    pub due: bool,
    /// The period, in months.
    pub within_months: i32,
}

/// Whether a trainer whose last training was `last` is due as of `today`, with `months` allowed.
pub fn is_due(last: Option<NaiveDate>, months: i32, today: NaiveDate) -> bool {
    let since = today.checked_sub_months(Months::new(months.max(0) as u32)).unwrap_or(NaiveDate::MIN);
    last.is_none_or(|d| d < since)
}

/// The campus's period, in months.
pub fn months_of(conn: &mut DbConnection, campus_id: i32) -> Result<i32, ApiError> {
    let set = cs::table.find(campus_id).select(cs::facilitation_months).first::<i32>(conn).optional()?;
    Ok(set.unwrap_or(DEFAULT_MONTHS))
}

/// Each of `trainers`' standing, as of `today`.
pub fn of_trainers(
    conn: &mut DbConnection,
    campus_id: i32,
    trainers: &[i32],
    today: NaiveDate,
) -> Result<HashMap<i32, Facilitation>, ApiError> {
    let months = months_of(conn, campus_id)?;
    let rows = ft::table
        .filter(ft::trainer_id.eq_any(trainers))
        .order((ft::trainer_id, ft::taken_on.desc(), ft::id.desc()))
        .select((ft::trainer_id, ft::course, ft::taken_on))
        .load::<(i32, String, NaiveDate)>(conn)?;
    let mut out: HashMap<i32, Vec<FacilitationTraining>> = HashMap::new();
    for (trainer, course, taken_on) in rows {
        out.entry(trainer).or_default().push(FacilitationTraining { course, taken_on });
    }
    Ok(trainers
        .iter()
        .map(|t| {
            let trainings = out.remove(t).unwrap_or_default();
            let due = is_due(trainings.first().map(|x| x.taken_on), months, today);
            (*t, Facilitation { trainings, due, within_months: months })
        })
        .collect())
}

/// Records a facilitation training of trainer `id` (the campus's managers).
pub fn record(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    input: &FacilitationInput,
    today: NaiveDate,
) -> Result<(), ApiError> {
    let course = input.course.trim();
    if course.is_empty() || course.chars().count() > 200 {
        return Err(ApiError::invalid("course", "must be 1 to 200 characters"));
    }
    if input.taken_on > today {
        return Err(ApiError::invalid("taken_on", "must not be in the future"));
    }
    transaction(conn, |conn| {
        let campus_id = super::writes::visible_trainer(conn, who, id)?;
        require_manager(who, campus_id)?;
        diesel::insert_into(ft::table)
            .values((
                ft::trainer_id.eq(id),
                ft::course.eq(course),
                ft::taken_on.eq(input.taken_on),
                ft::recorded_at.eq(crate::domain::now()),
                ft::recorded_by.eq(&who.username),
            ))
            .execute(conn)?;
        audit::record(conn, who, Change::new(Some(campus_id), "trainer", id, "facilitation_training").created(input))
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampusSettings {
    /// Months a trainer may go without facilitation training before being flagged (1 to 120).
    #[schema(minimum = 1, maximum = 120)]
    pub facilitation_months: i32,
}

/// The named campus's settings (or the caller's).
pub fn settings(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<CampusSettings, ApiError> {
    let c = campus(conn, who, code)?;
    Ok(CampusSettings { facilitation_months: months_of(conn, c.id)? })
}

/// Sets the named campus's settings (the campus's managers).
pub fn set_settings(
    conn: &mut DbConnection,
    who: &Principal,
    code: Option<&str>,
    input: &CampusSettings,
) -> Result<CampusSettings, ApiError> {
    if !(1..=120).contains(&input.facilitation_months) {
        return Err(ApiError::invalid("facilitation_months", "must be 1 to 120 months"));
    }
    transaction(conn, |conn| {
        let c = campus(conn, who, code)?;
        require_manager(who, c.id)?;
        let before = CampusSettings { facilitation_months: months_of(conn, c.id)? };
        diesel::delete(cs::table.find(c.id)).execute(conn)?;
        diesel::insert_into(cs::table)
            .values((cs::campus_id.eq(c.id), cs::facilitation_months.eq(input.facilitation_months)))
            .execute(conn)?;
        audit::record(
            conn,
            who,
            Change::new(Some(c.id), "campus_settings", &c.code, "update").changed(&before, input),
        )?;
        Ok(input.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_trainer_is_due_without_a_training_within_the_period() {
        let today = day(2026, 12, 4);
        assert!(is_due(None, 24, today), "never trained");
        assert!(!is_due(Some(day(2025, 1, 10)), 24, today));
        assert!(!is_due(Some(day(2024, 12, 4)), 24, today), "exactly 24 months ago still counts");
        assert!(is_due(Some(day(2024, 12, 3)), 24, today));
        assert!(is_due(Some(day(2025, 1, 10)), 12, today), "a shorter period set by the campus");
    }
}
