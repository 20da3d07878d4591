//! Monthly volume forecasts with honest intervals and their own backtest: a pure crate that knows
//! nothing of HTTP or SQL. The service forecasts stored history with it, and `gpec forecast`
//! forecasts a file.

pub mod backtest;
pub mod calibrate;
pub mod model;
pub mod month;
pub mod series;

use serde::Serialize;

pub use backtest::Backtest;
pub use calibrate::Calibration;
pub use month::Month;
pub use series::{HistoryError, Row, Series, series_of};

/// The longest horizon: past a year and a half, a monthly forecast is a guess.
pub const MAX_HORIZON: usize = 18;

/// One forecast month: the point forecast (the median, P50), the cautious loads P80 and P95 (an
/// 80 % or 95 % chance that the month stays under them), and the two-sided 80 % and 95 %
/// intervals; all 0 or more.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = forecast::Point))]
pub struct Point {
    /// `YYYY-MM`.
    pub period: String,
    pub forecast: f64,
    pub p80: f64,
    pub p95: f64,
    pub lo80: f64,
    pub hi80: f64,
    pub lo95: f64,
    pub hi95: f64,
}

/// The forecast of one activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = forecast::Forecast))]
pub struct Forecast {
    pub activity: String,
    /// Months of history used.
    pub history_months: usize,
    pub points: Vec<Point>,
    pub backtest: Backtest,
    pub calibration: Calibration,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    #[error("horizon: {0} months; between 1 and 18")]
    Horizon(usize),
    #[error("{activity}: {months} months of history; a forecast needs at least 24 (two seasons)")]
    TooShort { activity: String, months: usize },
    #[error("{activity}: the model could not be fitted ({reason})")]
    Model { activity: String, reason: String },
}

/// The forecast of `series` for the `horizon` months after it.
pub fn forecast(series: &Series, horizon: usize) -> Result<Forecast, ForecastError> {
    if !(1..=MAX_HORIZON).contains(&horizon) {
        return Err(ForecastError::Horizon(horizon));
    }
    let values = &series.values;
    if values.len() < model::MIN_HISTORY {
        return Err(ForecastError::TooShort { activity: series.activity.clone(), months: values.len() });
    }
    let failed = |reason| ForecastError::Model { activity: series.activity.clone(), reason };
    let points = model::mstl(values, horizon).map_err(failed)?;
    let (backtest, misses) = backtest::run(values, horizon).map_err(failed)?;
    let calibration = Calibration::fit(&misses, backtest.origins, values);
    let points = points
        .into_iter()
        .enumerate()
        .map(|(i, point)| {
            let (w80, w95) = calibration.half_widths(i + 1);
            let (u80, u95) = calibration.upper_quantiles(i + 1);
            Point {
                period: series.next_month().plus(i as i32).to_string(),
                forecast: point.max(0.0),
                p80: (point + u80).max(0.0),
                p95: (point + u95).max(0.0),
                lo80: (point - w80).max(0.0),
                hi80: (point + w80).max(0.0),
                lo95: (point - w95).max(0.0),
                hi95: (point + w95).max(0.0),
            }
        })
        .collect();
    Ok(Forecast { activity: series.activity.clone(), history_months: values.len(), points, backtest, calibration })
}

/// The forecasts of every series, in order, spread over the machine's cores (each series is
/// independent, so the result does not depend on how they are spread).
pub fn forecast_all(series: &[Series], horizon: usize) -> Vec<Result<Forecast, ForecastError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(series.len().max(1));
    let chunk = series.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = series
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|s| forecast(s, horizon)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a forecast thread panicked")).collect()
    })
}
