//! Forecasting a history file (`activity,period,volume`) into a forecast file
//! (`activity,period,forecast,lo80,hi80,lo95,hi95`), without a database: `gpec forecast`.

use gpec_forecast::{Forecast, ForecastError, HistoryError, Month, Row};

use crate::domain::csv_io::{self, Problems};
use crate::error::{ApiError, Detail};

pub const HISTORY_COLUMNS: [&str; 3] = ["activity", "period", "volume"];
pub const FORECAST_COLUMNS: [&str; 7] = ["activity", "period", "forecast", "lo80", "hi80", "lo95", "hi95"];

/// The forecasts of a file: those made, and the activities refused (too short a history) with why.
pub struct FileForecast {
    pub forecasts: Vec<Forecast>,
    pub refused: Vec<ForecastError>,
}

/// Forecasts every activity of the history file `bytes` for `horizon` months. A bad line refuses
/// the whole file (every problem named by line and column); an activity with too short a history
/// is refused alone.
pub fn forecast(bytes: &[u8], horizon: usize) -> Result<FileForecast, ApiError> {
    if !(1..=gpec_forecast::MAX_HORIZON).contains(&horizon) {
        return Err(ApiError::bad_request(
            format!("horizon: {horizon} months; between 1 and {}", gpec_forecast::MAX_HORIZON),
            vec![Detail::field("horizon", "between 1 and 18")],
        ));
    }
    let series = gpec_forecast::series_of(&rows(bytes)?).map_err(history_refused)?;
    let (mut forecasts, mut refused) = (vec![], vec![]);
    for result in gpec_forecast::forecast_all(&series, horizon) {
        match result {
            Ok(forecast) => forecasts.push(forecast),
            Err(error) => refused.push(error),
        }
    }
    Ok(FileForecast { forecasts, refused })
}

/// The rows of the file, every malformed cell reported.
fn rows(bytes: &[u8]) -> Result<Vec<Row>, ApiError> {
    let table = csv_io::read(bytes, &HISTORY_COLUMNS, "history")?;
    let mut problems = Problems::default();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let activity = table.get(row, "activity");
        if activity.is_empty() {
            problems.add(row.line, "activity", "empty");
        }
        let month = Month::parse(table.get(row, "period")).map_err(|e| problems.add(row.line, "period", e)).ok();
        let volume = table.number(row, "volume", &mut problems);
        if let Some(v) = volume.filter(|v| *v < 0.0) {
            problems.add(row.line, "volume", format!("{v} is negative"));
        }
        if let (Some(month), Some(volume)) = (month, volume) {
            rows.push(Row { line: row.line as usize, activity: activity.to_owned(), month, volume });
        }
    }
    problems.into_result("history")?;
    Ok(rows)
}

fn history_refused(error: HistoryError) -> ApiError {
    let detail = match &error {
        HistoryError::Volume { line, .. } => Detail::line(*line as u64, "volume", error.to_string()),
        HistoryError::NoActivity { line } => Detail::line(*line as u64, "activity", error.to_string()),
        HistoryError::Twice { line, .. } => Detail::line(*line as u64, "period", error.to_string()),
        HistoryError::Gap { .. } => Detail::field("period", error.to_string()),
    };
    ApiError::bad_request(format!("the history file cannot be forecast: {error}"), vec![detail])
}

/// The forecast file: one line per activity and month, volumes to one decimal.
pub fn to_csv(forecasts: &[Forecast]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_io::writer(&FORECAST_COLUMNS)?;
    for forecast in forecasts {
        for p in &forecast.points {
            let numbers = [p.forecast, p.lo80, p.hi80, p.lo95, p.hi95].map(|v| format!("{v:.1}"));
            let fields =
                [forecast.activity.as_str(), p.period.as_str()].into_iter().chain(numbers.iter().map(String::as_str));
            csv_io::write_row(&mut w, fields)?;
        }
    }
    csv_io::finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(months: usize, activities: &[&str]) -> String {
        let mut text = String::from("activity,period,volume\n");
        for activity in activities {
            for t in 0..months {
                let month = Month::new(2022, 1).unwrap().plus(t as i32);
                text.push_str(&format!("{activity},{month},{}\n", 1000 + 10 * t as i64 + [0, 50, -30][t % 3]));
            }
        }
        text
    }

    #[test]
    fn a_history_becomes_a_forecast_file_and_a_short_activity_is_refused_by_name() {
        let mut text = history(36, &["AL", "RSA"]);
        text.push_str(&history(20, &["NEUF"])["activity,period,volume\n".len()..]);
        let result = forecast(text.as_bytes(), 3).unwrap();
        assert_eq!(result.forecasts.len(), 2);
        assert_eq!(
            result.refused.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["NEUF: 20 months of history; a forecast needs at least 24 (two seasons)"]
        );
        let csv = String::from_utf8(to_csv(&result.forecasts).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "activity,period,forecast,lo80,hi80,lo95,hi95");
        assert_eq!(lines.len(), 1 + 2 * 3);
        assert!(lines[1].starts_with("AL,2025-01,"), "{}", lines[1]);
    }

    #[test]
    fn bad_lines_are_named_and_nothing_is_forecast() {
        let text = "activity,period,volume\nAL,2022-01,10\nAL,2022-13,10\nAL,2022-03,douze\nAL,2022-01,3\n";
        let error = forecast(text.as_bytes(), 3).err().unwrap();
        let details = error.details();
        let named: Vec<_> = details.iter().map(|d| (d.line, d.column.as_deref())).collect();
        assert_eq!(named, [(Some(3), Some("period")), (Some(4), Some("volume"))]);
        let twice = forecast("activity,period,volume\nAL,2022-01,10\nAL,2022-01,3\n".as_bytes(), 3).err().unwrap();
        assert_eq!(twice.details()[0].line, Some(3));
        assert!(forecast(history(30, &["AL"]).as_bytes(), 19).is_err());
    }
}
