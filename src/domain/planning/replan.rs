//! Re-planning "from now": the months of the horizon already closed take their actuals, and the
//! plan optimises the rest from the actual stock at the end of the last closed month.

use std::collections::HashMap;

use chrono::NaiveDate;
use gpec_planning::Scenario;

use super::actuals::{self, flow::MonthActual};
use crate::db::DbConnection;
use crate::domain::types::Period;
use crate::error::{ApiError, Detail};

/// A horizon cut at the current month: the closed months' actuals, and the first month to plan.
pub struct Cut {
    pub closed: Vec<MonthActual>,
    pub first_open: Period,
    /// Each activity's stock at the end of the month before `first_open`.
    pub opening: HashMap<String, f64>,
}

/// Cuts `from..=to` at the month of `today`: the months before it are closed.
pub fn cut(conn: &mut DbConnection, org: i32, from: Period, to: Period, today: NaiveDate) -> Result<Cut, ApiError> {
    let current = Period::of_date(today);
    if from > current {
        return Err(ApiError::unusable(
            "from_now",
            format!("the horizon starts after this month ({current}): nothing is closed yet"),
        ));
    }
    if to < current {
        return Err(ApiError::unusable(
            "to",
            format!("every month of the horizon is closed (this month is {current})"),
        ));
    }
    let last_closed = current.plus(-1);
    let recorded = actuals::recorded(conn, org, Some(from.min(last_closed)), Some(last_closed))?;
    let months = actuals::months(&recorded);
    let last = last_closed.to_string();
    let opening = months.iter().filter(|m| m.period == last).map(|m| (m.activity.clone(), m.stock)).collect();
    let closed = months.into_iter().filter(|m| Period::parse("period", &m.period).is_ok_and(|p| p >= from)).collect();
    Ok(Cut { closed, first_open: current, opening })
}

/// Starts every activity of `s` from its actual stock; an activity without one is refused by
/// name, since planning it from 0 would hide its backlog.
pub fn start_from_actuals(s: &mut Scenario, cut: &Cut) -> Result<(), ApiError> {
    let month = cut.first_open.plus(-1);
    let mut missing = Vec::new();
    for activity in &mut s.activities {
        match cut.opening.get(&activity.code) {
            Some(stock) => activity.initial_backlog = *stock,
            None => missing.push(Detail::field(
                "from_now",
                format!(
                    "{}: no actual stock at the end of {month}; record it (PUT /actuals) to re-plan",
                    activity.code
                ),
            )),
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(ApiError::unprocessable("re-planning from now", missing)) }
}
