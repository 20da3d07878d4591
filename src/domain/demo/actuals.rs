//! The demo's actuals: the last twelve closed months of each activity (entries close to the load,
//! processing close to the entries, stocks that follow the flow), the weeks of the current month
//! begun, and a forecast made from that history, so that the forecast and variance screens
//! have something real to show.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::Rng;
use rand::rngs::StdRng;

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::csv_io;
use crate::domain::forecasting::sets::{self, ForecastRequest};
use crate::domain::planning::csv::ACTUAL_COLUMNS;
use crate::domain::planning::forecasts;
use crate::domain::referential_csv::{self, Entity};
use crate::domain::types::{OrgCode, Period};
use crate::error::ApiError;

/// Closed months given actuals.
const MONTHS: i32 = 12;

/// Records the actuals of `org` and makes a forecast of the next twelve months from them; returns
/// the rows recorded and the forecast's id.
pub fn fill(
    conn: &mut DbConnection,
    who: &Principal,
    org: &OrgCode,
    organisation_id: i32,
    today: NaiveDate,
    rng: &mut StdRng,
) -> Result<(usize, i32), ApiError> {
    let now = Period::of_date(today);
    let loads = forecasts::loads(conn, organisation_id, Some(now.plus(-MONTHS)), Some(now))?;
    let mut w = csv_io::writer(ACTUAL_COLUMNS)?;
    let mut rows = 0;
    let mut activities: Vec<&str> = loads.iter().map(|l| l.activity.as_str()).collect();
    activities.dedup();
    for activity in activities {
        let volume = |p: Period| {
            loads.iter().find(|l| l.activity == activity && l.period == p.to_string()).map_or(0.0, |l| l.volume)
        };
        let mut stock = (volume(now.plus(-MONTHS)) * 0.3).round();
        for back in (1..=MONTHS).rev() {
            let month = now.plus(-back);
            let entries = (volume(month) * rng.random_range(0.95..1.06)).round();
            let processed = (entries * rng.random_range(0.96..1.03)).round().min(stock + entries);
            stock += entries - processed;
            let numbers = [entries, processed, stock, 0.0].map(|v| v.to_string());
            csv_io::write_row(
                &mut w,
                [org.as_str(), activity, &month.to_string()].into_iter().chain(numbers.iter().map(String::as_str)),
            )?;
            rows += 1;
        }
        // The weeks of this month already over, entries running a little above the load.
        let week_volume = volume(now) / 4.3;
        let mut week_stock = stock;
        for monday in weeks_over(today) {
            let entries = (week_volume * rng.random_range(1.05..1.25)).round();
            let processed = (entries * rng.random_range(0.9..1.0)).round();
            week_stock += entries - processed;
            let period = monday.format("%G-W%V").to_string();
            let numbers = [entries, processed, week_stock, 0.0].map(|v| v.to_string());
            csv_io::write_row(
                &mut w,
                [org.as_str(), activity, &period].into_iter().chain(numbers.iter().map(String::as_str)),
            )?;
            rows += 1;
        }
    }
    referential_csv::import(conn, who, Entity::Actuals, &csv_io::finish(w)?, Some(organisation_id))?;
    let request = ForecastRequest {
        organisation: Some(org.as_str().to_owned()),
        name: "Prévision des douze prochains mois".into(),
        horizon: 12,
    };
    let forecast = sets::create(conn, who, &request, today)?;
    Ok((rows, forecast.summary.id))
}

/// The Mondays of the weeks of `today`'s month (their Thursday in it) begun by today: the week
/// in progress counts with its figures to date.
fn weeks_over(today: NaiveDate) -> Vec<NaiveDate> {
    let first = today.with_day(1).expect("day 1");
    (0..31)
        .filter_map(|d| first.checked_add_days(Days::new(d)))
        .filter(|d| d.month() == first.month() && d.weekday() == Weekday::Thu)
        .map(|thursday| thursday - Days::new(3))
        .filter(|monday| *monday <= today)
        .collect()
}
