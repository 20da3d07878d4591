//! Monthly series built from dated rows: one per activity, contiguous, checked.

use std::collections::BTreeMap;

use crate::month::Month;

/// The volumes of one activity, month after month from `start`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub activity: String,
    pub start: Month,
    pub values: Vec<f64>,
}

impl Series {
    /// The month after the last one: the first forecast month.
    pub fn next_month(&self) -> Month {
        self.start.plus(self.values.len() as i32)
    }
}

/// One row of a history: the line it came from (for messages), the activity, month and volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub activity: String,
    pub month: Month,
    pub volume: f64,
}

/// Why a history cannot be read as series.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HistoryError {
    #[error("line {line}: volume: {volume} is not a number of items (0 or more)")]
    Volume { line: usize, volume: f64 },
    #[error("line {line}: activity: empty")]
    NoActivity { line: usize },
    #[error("line {line}: period: {activity} {month} is already given on line {first}")]
    Twice { line: usize, first: usize, activity: String, month: Month },
    #[error("{activity}: no volume for {month}, between months that have one: a history has no gaps")]
    Gap { activity: String, month: Month },
}

/// Groups `rows` into one series per activity (in the order of their names), refusing the first
/// bad row, a month given twice, or a gap.
pub fn series_of(rows: &[Row]) -> Result<Vec<Series>, HistoryError> {
    let mut by_activity: BTreeMap<&str, BTreeMap<Month, (usize, f64)>> = BTreeMap::new();
    for row in rows {
        if row.activity.trim().is_empty() {
            return Err(HistoryError::NoActivity { line: row.line });
        }
        if !row.volume.is_finite() || row.volume < 0.0 {
            return Err(HistoryError::Volume { line: row.line, volume: row.volume });
        }
        let months = by_activity.entry(row.activity.trim()).or_default();
        if let Some(&(first, _)) = months.get(&row.month) {
            let (activity, month) = (row.activity.trim().to_owned(), row.month);
            return Err(HistoryError::Twice { line: row.line, first, activity, month });
        }
        months.insert(row.month, (row.line, row.volume));
    }
    by_activity
        .into_iter()
        .map(|(activity, months)| {
            let start = *months.keys().next().expect("an activity has at least one row");
            let mut values = Vec::with_capacity(months.len());
            for (month, (_, volume)) in months {
                let expected = start.plus(values.len() as i32);
                if month != expected {
                    return Err(HistoryError::Gap { activity: activity.to_owned(), month: expected });
                }
                values.push(volume);
            }
            Ok(Series { activity: activity.to_owned(), start, values })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, activity: &str, month: &str, volume: f64) -> Row {
        Row { line, activity: activity.into(), month: Month::parse(month).unwrap(), volume }
    }

    #[test]
    fn rows_in_any_order_become_one_contiguous_series_per_activity() {
        let rows = [row(2, "B", "2026-02", 5.0), row(3, "A", "2026-01", 1.0), row(4, "B", "2026-01", 4.0)];
        let series = series_of(&rows).unwrap();
        assert_eq!(series.len(), 2);
        assert_eq!((series[1].activity.as_str(), series[1].values.clone()), ("B", vec![4.0, 5.0]));
        assert_eq!(series[1].next_month().to_string(), "2026-03");
    }

    #[test]
    fn a_month_given_twice_names_both_lines_and_a_gap_names_the_month() {
        let twice = [row(2, "A", "2026-01", 1.0), row(3, "A", "2026-01", 2.0)];
        assert_eq!(series_of(&twice).unwrap_err().to_string(), "line 3: period: A 2026-01 is already given on line 2");
        let gap = [row(2, "A", "2026-01", 1.0), row(3, "A", "2026-03", 2.0)];
        assert!(series_of(&gap).unwrap_err().to_string().starts_with("A: no volume for 2026-02"));
        let negative = [row(7, "A", "2026-01", -1.0)];
        assert!(series_of(&negative).unwrap_err().to_string().starts_with("line 7: volume"));
    }
}
