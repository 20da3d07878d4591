//! `gpec forecast HISTORY.csv --horizon 12`: a history file forecast to standard output, without
//! a database.

use std::io::Write;
use std::path::Path;

use crate::domain::forecasting::file;

/// Prints the forecast file (or, with `--output json`, every forecast with its backtest) and, on
/// stderr, each activity's backtest and each refused activity. `Ok(false)` when some were refused.
pub fn run(history: &Path, horizon: usize, output: super::Output) -> Result<bool, String> {
    let bytes = super::read_input(history)?;
    let result = file::forecast(&bytes, horizon).map_err(|e| super::referential::describe(&e))?;
    if output == super::Output::Json {
        super::referential::print_json(&result.forecasts)?;
    } else {
        let csv = file::to_csv(&result.forecasts).map_err(|e| e.to_string())?;
        std::io::stdout().write_all(&csv).map_err(|e| format!("writing the forecast: {e}"))?;
    }
    for f in &result.forecasts {
        let b = &f.backtest;
        let mase = |m: Option<f64>| m.map_or("-".to_owned(), |m| format!("{m:.2}"));
        let smape = |m: Option<f64>| m.map_or("-".to_owned(), |m| format!("{m:.1} %"));
        eprintln!(
            "{}: {} months of history; backtest over {} origins: MASE {} (same month last year {}), sMAPE {} ({})",
            f.activity,
            f.history_months,
            b.origins,
            mase(b.mase),
            mase(b.naive_mase),
            smape(b.smape),
            smape(b.naive_smape)
        );
    }
    for refused in &result.refused {
        eprintln!("gpec: refused: {refused}");
    }
    Ok(result.refused.is_empty())
}
