//! The monthly history of an organisation's activities, for forecasting: the actual entries of a
//! month where its actuals are whole, else the stored load, up to the month before `current`.

use std::collections::BTreeMap;

use gpec_forecast::{Month, Series};

use crate::db::DbConnection;
use crate::domain::planning::{actuals, forecasts};
use crate::domain::types::Period;
use crate::error::ApiError;

/// Where an activity's history came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sources {
    pub actual_months: usize,
    pub load_months: usize,
}

/// Each activity's contiguous run of months ending with the one before `current` (empty when
/// that month has no figure), with how many months came from actuals and from loads.
pub fn series(
    conn: &mut DbConnection,
    organisation_id: i32,
    activities: &[String],
    current: Period,
) -> Result<Vec<(Series, Sources)>, ApiError> {
    let last = current.plus(-1);
    let mut by: BTreeMap<&str, BTreeMap<Period, (f64, bool)>> = BTreeMap::new();
    for load in forecasts::loads(conn, organisation_id, None, Some(last))? {
        if let Some(code) = activities.iter().find(|a| **a == load.activity) {
            by.entry(code).or_default().insert(Period::parse("period", &load.period)?, (load.volume, false));
        }
    }
    for month in actuals::months(&actuals::recorded(conn, organisation_id, None, Some(last))?) {
        if let Some(code) = activities.iter().find(|a| **a == month.activity)
            && month.complete
        {
            by.entry(code).or_default().insert(Period::parse("period", &month.period)?, (month.entries, true));
        }
    }
    Ok(activities
        .iter()
        .map(|code| {
            let months = by.get(code.as_str());
            let mut values = Vec::new();
            let mut sources = Sources::default();
            let mut month = last;
            while let Some(&(volume, actual)) = months.and_then(|m| m.get(&month)) {
                values.push(volume);
                if actual {
                    sources.actual_months += 1
                } else {
                    sources.load_months += 1
                }
                month = month.plus(-1);
            }
            values.reverse();
            let start = to_month(month.plus(1));
            (Series { activity: code.clone(), start, values }, sources)
        })
        .collect())
}

/// The forecast crate's month of a period.
pub fn to_month(period: Period) -> Month {
    Month::parse(&period.to_string()).expect("a period is a month")
}
