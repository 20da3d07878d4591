//! The rolling-origin backtest: the model refitted at each of the last twelve months, its
//! forecasts compared with what followed, and the same for the seasonal-naive forecast.

use serde::{Deserialize, Serialize};

use crate::model::{self, MIN_HISTORY, SEASON};

/// How the model did over the backtest, and how the seasonal-naive forecast did on the same
/// origins and steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = forecast::Backtest))]
pub struct Backtest {
    /// Forecast origins (the history cut at each of the last months, at most 12).
    pub origins: usize,
    /// Forecasts compared with an actual (origin × step).
    pub forecasts: usize,
    /// Mean absolute error over the in-sample seasonal-naive one (none when that is 0).
    pub mase: Option<f64>,
    /// Symmetric mean absolute percentage error, 0 to 200 (none without a backtest forecast).
    pub smape: Option<f64>,
    pub naive_mase: Option<f64>,
    pub naive_smape: Option<f64>,
}

/// One backtest forecast: how many months ahead, and the error (actual − forecast).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Miss {
    pub step: usize,
    pub error: f64,
}

/// The backtest of `values`, for steps up to `horizon`, and the model's misses (for the
/// intervals). Origins need [`MIN_HISTORY`] months before them, so a short history has fewer.
pub fn run(values: &[f64], horizon: usize) -> Result<(Backtest, Vec<Miss>), String> {
    let n = values.len();
    let first = MIN_HISTORY.max(n.saturating_sub(SEASON));
    let (mut misses, mut naive_errors, mut smapes, mut naive_smapes) = (vec![], vec![], vec![], vec![]);
    for origin in first..n {
        let steps = horizon.min(n - origin);
        let points = model::mstl(&values[..origin], steps)?;
        for (i, point) in points.into_iter().enumerate() {
            let (step, actual) = (i + 1, values[origin + i]);
            let point = point.max(0.0);
            let naive = model::seasonal_naive(&values[..origin], step);
            misses.push(Miss { step, error: actual - point });
            naive_errors.push(actual - naive);
            smapes.push(smape(actual, point));
            naive_smapes.push(smape(actual, naive));
        }
    }
    let scale = in_sample_scale(values);
    let model_errors: Vec<f64> = misses.iter().map(|m| m.error).collect();
    let backtest = Backtest {
        origins: n - first,
        forecasts: misses.len(),
        mase: mase(&model_errors, scale),
        smape: (!smapes.is_empty()).then(|| mean(&smapes)),
        naive_mase: mase(&naive_errors, scale),
        naive_smape: (!naive_smapes.is_empty()).then(|| mean(&naive_smapes)),
    };
    Ok((backtest, misses))
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// The in-sample mean absolute error of the seasonal-naive forecast: MASE's denominator, so
/// that a MASE under 1 beats "same month last year" fitted on the whole history.
fn in_sample_scale(values: &[f64]) -> f64 {
    let diffs: Vec<f64> = values.windows(SEASON + 1).map(|w| (w[SEASON] - w[0]).abs()).collect();
    mean(&diffs)
}

fn mase(errors: &[f64], scale: f64) -> Option<f64> {
    (scale > 0.0 && !errors.is_empty()).then(|| mean(&errors.iter().map(|e| e.abs()).collect::<Vec<_>>()) / scale)
}

/// 200 |F − A| / (|A| + |F|), 0 when both are 0.
fn smape(actual: f64, forecast: f64) -> f64 {
    let denominator = actual.abs() + forecast.abs();
    if denominator == 0.0 { 0.0 } else { 200.0 * (forecast - actual).abs() / denominator }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smape_is_symmetric_and_bounded() {
        assert_eq!(smape(100.0, 100.0), 0.0);
        assert_eq!(smape(0.0, 0.0), 0.0);
        assert_eq!(smape(0.0, 5.0), 200.0);
        assert!((smape(100.0, 50.0) - smape(50.0, 100.0)).abs() < 1e-12);
    }

    #[test]
    fn the_backtest_uses_the_last_twelve_months_or_what_a_short_history_allows() {
        let values: Vec<f64> = (0..60).map(|t| 100.0 + (t % 12) as f64 * 10.0 + t as f64).collect();
        let (long, misses) = run(&values, 3).unwrap();
        assert_eq!((long.origins, long.forecasts), (12, 3 * 10 + 2 + 1));
        assert_eq!(misses.iter().filter(|m| m.step == 3).count(), 10);
        let (short, _) = run(&values[..27], 3).unwrap();
        assert_eq!(short.origins, 3);
        let (none, _) = run(&values[..24], 3).unwrap();
        assert_eq!((none.origins, none.mase), (0, None));
    }
}
