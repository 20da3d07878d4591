//! Prediction intervals that hold what they claim. The model's own intervals were measured too
//! narrow (an 80 % interval held 66 % of actuals) and barely widened with the horizon, so the
//! spread is taken from the backtest instead: the squared errors, fitted as a variance that grows
//! linearly with the months ahead (as a drifting level's does), `sd(h)² = a + b (h − 1)`.

use serde::{Deserialize, Serialize};

use crate::backtest::Miss;
use crate::model::SEASON;

/// Under this many backtest errors the fit is too loose, and the year-on-year differences of the
/// history give the spread instead.
const MIN_MISSES: usize = 6;

/// Student's t quantiles of the two-sided 80 % and 95 % intervals (0.90 and 0.975) for 1 to 12
/// degrees of freedom, from the standard tables. The spread is estimated from few independent
/// pieces (the errors of one origin move together), so normal quantiles would claim too much:
/// on 150 synthetic series (four seeds) they held 74–79 % and 90–93 %, where these held 76–82 %
/// and 93–95 % (five seeds; `tests/synthetic.rs`).
const T80: [f64; 12] = [3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356];
const T95: [f64; 12] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179];
/// One-sided 0.80 and 0.95 quantiles, for the cautious loads P80 and P95 (P90 is `T80`'s bound).
const T_ONE80: [f64; 12] = [1.376, 1.061, 0.978, 0.941, 0.920, 0.906, 0.896, 0.889, 0.883, 0.879, 0.876, 0.873];
const T_ONE95: [f64; 12] = [6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782];

/// Where a forecast's spread comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = forecast::Calibration))]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Calibration {
    /// Fitted to the backtest's errors: the standard deviation one month ahead, and the variance
    /// added by each further month.
    /// One less than the backtest's origins.
    Backtest { sd_first_month: f64, variance_per_month: f64, degrees_of_freedom: usize },
    /// Too short a backtest: the spread of "same month last year" differences, at every horizon.
    SeasonalDifferences { sd: f64, degrees_of_freedom: usize },
}

impl Calibration {
    /// The spread of `misses`, the errors of a backtest over `origins` origins, or of `history`'s
    /// year-on-year differences when there are too few.
    pub fn fit(misses: &[Miss], origins: usize, history: &[f64]) -> Self {
        if misses.len() < MIN_MISSES || origins < 2 {
            let diffs: Vec<f64> = history.windows(SEASON + 1).map(|w| (w[SEASON] - w[0]).powi(2)).collect();
            let sd = (diffs.iter().sum::<f64>() / diffs.len() as f64).sqrt();
            return Self::SeasonalDifferences { sd, degrees_of_freedom: diffs.len() - 1 };
        }
        let points: Vec<(f64, f64)> = misses.iter().map(|m| ((m.step - 1) as f64, m.error * m.error)).collect();
        let (a, b) = nonnegative_line(&points);
        Self::Backtest { sd_first_month: a.sqrt(), variance_per_month: b, degrees_of_freedom: origins - 1 }
    }

    /// The half widths of the 80 % and 95 % intervals `step` months ahead.
    pub fn half_widths(&self, step: usize) -> (f64, f64) {
        let (row, sd) = (self.row(), self.sd(step));
        (T80[row] * sd, T95[row] * sd)
    }

    /// How far above the point forecast the 0.80 and 0.95 quantiles are, `step` months ahead.
    pub fn upper_quantiles(&self, step: usize) -> (f64, f64) {
        let (row, sd) = (self.row(), self.sd(step));
        (T_ONE80[row] * sd, T_ONE95[row] * sd)
    }

    /// The row of the t tables; past them, the last row: slightly wide, never narrow.
    fn row(&self) -> usize {
        let df = match *self {
            Self::Backtest { degrees_of_freedom, .. } | Self::SeasonalDifferences { degrees_of_freedom, .. } => {
                degrees_of_freedom
            }
        };
        df.clamp(1, T80.len()) - 1
    }

    /// The standard deviation of the error `step` months ahead (1-based).
    pub fn sd(&self, step: usize) -> f64 {
        match *self {
            Self::Backtest { sd_first_month, variance_per_month, .. } => {
                (sd_first_month * sd_first_month + variance_per_month * (step - 1) as f64).sqrt()
            }
            Self::SeasonalDifferences { sd, .. } => sd,
        }
    }
}

/// The least-squares line `y = a + b x` through `points`, with `a` and `b` kept at 0 or more.
fn nonnegative_line(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let b = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    if b <= 0.0 {
        return (my, 0.0);
    }
    let a = my - b * mx;
    if a >= 0.0 {
        return (a, b);
    }
    // Through the origin: the variance one month ahead is then 0.
    let (sx2, sxy0) = points.iter().fold((0.0, 0.0), |(s, t), p| (s + p.0 * p.0, t + p.0 * p.1));
    (0.0, sxy0 / sx2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn misses(errors: &[(usize, f64)]) -> Vec<Miss> {
        errors.iter().map(|&(step, error)| Miss { step, error }).collect()
    }

    #[test]
    fn errors_that_grow_with_the_horizon_widen_the_spread() {
        let grown = misses(&[(1, 1.0), (1, -1.0), (2, 2.0), (2, -2.0), (3, 3.0), (3, -3.0), (4, 4.0)]);
        let calibration = Calibration::fit(&grown, 4, &[]);
        assert!(calibration.sd(4) > 2.0 * calibration.sd(1));
    }

    #[test]
    fn errors_that_do_not_grow_give_a_constant_spread() {
        let flat = misses(&[(1, 2.0), (1, -2.0), (2, 2.0), (2, -2.0), (3, 2.0), (3, -2.0)]);
        let calibration = Calibration::fit(&flat, 3, &[]);
        let expected = Calibration::Backtest { sd_first_month: 2.0, variance_per_month: 0.0, degrees_of_freedom: 2 };
        assert_eq!(calibration, expected);
        assert_eq!(calibration.half_widths(1), (1.886 * 2.0, 4.303 * 2.0));
    }

    #[test]
    fn a_short_backtest_falls_back_to_year_on_year_differences() {
        let history: Vec<f64> = (0..24).map(|t| if t < 12 { 100.0 } else { 103.0 }).collect();
        let calibration = Calibration::fit(&misses(&[(1, 9.0)]), 1, &history);
        assert_eq!(calibration, Calibration::SeasonalDifferences { sd: 3.0, degrees_of_freedom: 11 });
    }
}
