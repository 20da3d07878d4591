//! The forecasts on synthetic series whose truth is known: the model against the seasonal-naive
//! forecast, and the intervals against what they claim.

use gpec_forecast::{ForecastError, Month, Series, forecast, forecast_all};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn series(activity: &str, values: Vec<f64>) -> Series {
    Series { activity: activity.into(), start: Month::new(2021, 1).unwrap(), values }
}

/// A standard normal draw (Box–Muller), so the test needs no distribution crate.
fn normal(rng: &mut StdRng) -> f64 {
    let (u, v): (f64, f64) = (rng.random_range(f64::EPSILON..1.0), rng.random());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A CAF-like monthly volume: a level, a drift, a yearly pattern (a summer dip, a September peak),
/// noise, and shocks to the level that carry on.
fn synthetic(rng: &mut StdRng, months: usize) -> Vec<f64> {
    let pattern = [1.05, 1.0, 1.08, 1.0, 0.95, 0.9, 0.7, 0.75, 1.25, 1.15, 1.05, 1.1];
    let (mut level, drift) = (rng.random_range(1000.0..5000.0), rng.random_range(-0.004..0.01));
    let (amplitude, noise, shock) =
        (rng.random_range(0.5..1.5), rng.random_range(0.02..0.08), rng.random_range(0.0..0.02));
    (0..months)
        .map(|t| {
            level *= 1.0 + drift + shock * normal(rng);
            let season = 1.0 + amplitude * (pattern[t % 12] - 1.0);
            (level * season * (1.0 + noise * normal(rng))).max(0.0)
        })
        .collect()
}

#[test]
fn a_trending_seasonal_series_is_forecast_better_than_same_month_last_year() {
    // A steady climb under a fixed yearly pattern: "same month last year" misses by a year of
    // growth every time, while a model of trend and season does not.
    let pattern = [0.0, 80.0, -40.0, 20.0, 0.0, -120.0, -300.0, -250.0, 260.0, 120.0, 60.0, 90.0];
    let values: Vec<f64> = (0..48).map(|t| 2000.0 + 25.0 * t as f64 + pattern[t % 12] + [3.0, -3.0][t % 2]).collect();
    let result = forecast(&series("AL", values), 12).unwrap();
    let (mase, naive) = (result.backtest.mase.unwrap(), result.backtest.naive_mase.unwrap());
    assert_eq!(result.backtest.origins, 12);
    assert!(mase < 0.5 * naive, "model MASE {mase} against seasonal-naive {naive}");
    assert!(result.backtest.smape.unwrap() < result.backtest.naive_smape.unwrap());
    assert_eq!(result.points[0].period, "2025-01");
    assert!((result.points[0].forecast - (2000.0 + 25.0 * 48.0 + 3.0)).abs() < 60.0);
}

#[test]
fn a_history_under_two_years_is_refused_naming_the_activity() {
    let error = forecast(&series("RECOUVREMENT", vec![100.0; 23]), 12).unwrap_err();
    assert_eq!(error, ForecastError::TooShort { activity: "RECOUVREMENT".into(), months: 23 });
    assert!(error.to_string().starts_with("RECOUVREMENT: 23 months"));
    assert!(matches!(forecast(&series("AL", vec![100.0; 30]), 19), Err(ForecastError::Horizon(19))));
}

#[test]
fn the_intervals_hold_about_what_they_claim_and_widen_with_the_horizon() {
    let mut rng = StdRng::seed_from_u64(17);
    let (horizon, runs) = (12, 150);
    let (mut in80, mut in95, mut under_p80, mut total) = (0, 0, 0, 0);
    let (mut first_width, mut last_width) = (0.0, 0.0);
    let all: Vec<(Vec<f64>, usize)> = (0..runs)
        .map(|_| {
            let months = rng.random_range(36..=60);
            (synthetic(&mut rng, months + horizon), months)
        })
        .collect();
    let histories: Vec<Series> = all.iter().map(|(v, m)| series("X", v[..*m].to_vec())).collect();
    for (result, (values, months)) in forecast_all(&histories, horizon).into_iter().zip(&all) {
        let result = result.unwrap();
        for (point, actual) in result.points.iter().zip(&values[*months..]) {
            in80 += usize::from(point.lo80 <= *actual && *actual <= point.hi80);
            in95 += usize::from(point.lo95 <= *actual && *actual <= point.hi95);
            under_p80 += usize::from(*actual <= point.p80);
            total += 1;
        }
        first_width += (result.points[0].hi80 - result.points[0].lo80) / result.points[0].forecast;
        last_width += (result.points[11].hi80 - result.points[11].lo80) / result.points[11].forecast;
    }
    let (c80, c95) = (in80 as f64 / total as f64, in95 as f64 / total as f64);
    let p80 = under_p80 as f64 / total as f64;
    println!(
        "coverage: 80 % interval {c80:.3}, 95 % interval {c95:.3}, under P80 {p80:.3}; widths {first_width:.1} → {last_width:.1}"
    );
    assert!((0.74..=0.88).contains(&c80), "the 80 % intervals held {c80:.3}");
    assert!((0.90..=0.98).contains(&c95), "the 95 % intervals held {c95:.3}");
    assert!((0.74..=0.88).contains(&p80), "the P80 load was above {p80:.3} of the actuals");
    assert!(last_width > 1.2 * first_width, "intervals twelve months ahead are not wider than one month ahead");
}
