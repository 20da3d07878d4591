//! The two forecasters compared: MSTL (a yearly seasonal component, and an automatically chosen
//! exponential-smoothing model of the rest, from augurs), and the seasonal-naive benchmark
//! ("same month last year").

use augurs::ets::AutoETS;
use augurs::mstl::MSTLModel;
use augurs::prelude::*;

/// Months in a season: the pattern repeats yearly.
pub const SEASON: usize = 12;

/// MSTL cannot separate a season from fewer than two of them.
pub const MIN_HISTORY: usize = 2 * SEASON;

/// The model's point forecasts for the `steps` months after `history` (at least
/// [`MIN_HISTORY`] values), or the fitting error.
pub fn mstl(history: &[f64], steps: usize) -> Result<Vec<f64>, String> {
    let model = MSTLModel::new(vec![SEASON], AutoETS::non_seasonal().into_trend_model());
    let fitted = model.fit(history).map_err(|e| e.to_string())?;
    let forecast = fitted.predict(steps, None).map_err(|e| e.to_string())?;
    if forecast.point.iter().any(|v| !v.is_finite()) {
        return Err("the model gave a value that is not a number".into());
    }
    Ok(forecast.point)
}

/// The seasonal-naive forecast `step` months (1-based) after `history`: the value of the same
/// month in the last season of the history.
pub fn seasonal_naive(history: &[f64], step: usize) -> f64 {
    history[history.len() - SEASON + (step - 1) % SEASON]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_naive_repeats_the_last_year() {
        let history: Vec<f64> = (0..24).map(f64::from).collect();
        assert_eq!(seasonal_naive(&history, 1), 12.0);
        assert_eq!(seasonal_naive(&history, 12), 23.0);
        assert_eq!(seasonal_naive(&history, 13), 12.0);
    }

    #[test]
    fn mstl_follows_a_clean_trend_and_season() {
        let series: Vec<f64> = (0..48).map(|t| 500.0 + 4.0 * t as f64 + [0.0, 60.0, -30.0][t % 3]).collect();
        let points = mstl(&series[..36], 12).unwrap();
        for (point, actual) in points.iter().zip(&series[36..]) {
            assert!((point - actual).abs() < 15.0, "{point} against {actual}");
        }
    }
}
