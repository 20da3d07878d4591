//! Forecasting 30 activities × 60 months of history for 12 months, with the backtest:
//! `cargo bench -p gpec-forecast`. Prints the best and median of 10 runs.

use std::time::Instant;

use gpec_forecast::{Month, Series, forecast_all};

fn main() {
    let pattern = [1.05, 1.0, 1.08, 1.0, 0.95, 0.9, 0.7, 0.75, 1.25, 1.15, 1.05, 1.1];
    let series: Vec<Series> = (0..30)
        .map(|a| {
            let values = (0..60)
                .map(|t| {
                    let wobble = ((t * 7 + a * 13) % 11) as f64 / 11.0 - 0.5;
                    (1000.0 + 40.0 * a as f64) * (1.0 + 0.004 * t as f64) * pattern[t % 12] * (1.0 + 0.06 * wobble)
                })
                .collect();
            Series { activity: format!("A{a:02}"), start: Month::new(2021, 1).unwrap(), values }
        })
        .collect();
    let mut times = vec![];
    for _ in 0..10 {
        let start = Instant::now();
        let results = forecast_all(&series, 12);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(results.iter().all(|r| r.as_ref().is_ok_and(|f| f.backtest.origins == 12)));
    }
    times.sort_by(f64::total_cmp);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("30 activities × 60 months, horizon 12, backtest 12 origins, {threads} threads:");
    println!("  best {:.0} ms, median {:.0} ms", times[0], times[times.len() / 2]);
}
