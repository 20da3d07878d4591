//! Actuals pasted from a spreadsheet: one line per activity and period, its cells separated by
//! tabs (as a spreadsheet copies them) or `;`: activity, period, entries, processed, stock, and
//! an optional adjustment. Numbers as spreadsheets write them (`1 234,5`).

use super::ActualRow;
use crate::domain::csv_io::spreadsheet_number;
use crate::error::Detail;

const COLUMNS: [&str; 6] = ["activity", "period", "entries", "processed", "stock", "adjustment"];

/// The rows of `block`, or every bad cell by line (from 1) and column.
pub fn parse(block: &str) -> Result<Vec<ActualRow>, Vec<Detail>> {
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for (k, line) in block.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = k as u64 + 1;
        let cells: Vec<&str> = line.split(['\t', ';']).map(str::trim).collect();
        if !(5..=6).contains(&cells.len()) {
            problems.push(Detail::line(
                line_no,
                "-",
                format!("{} cells; expected {} (the last optional)", cells.len(), COLUMNS.join(", ")),
            ));
            continue;
        }
        let mut number = |i: usize| {
            let raw = cells.get(i).copied().unwrap_or("");
            if i == 5 && raw.is_empty() {
                return Some(0.0);
            }
            let value = spreadsheet_number(raw);
            if value.is_none() {
                problems.push(Detail::line(line_no, COLUMNS[i], format!("{raw:?} is not a number")));
            }
            value
        };
        let figures = [number(2), number(3), number(4), number(5)];
        if let [Some(entries), Some(processed), Some(stock), Some(adjustment)] = figures {
            rows.push(ActualRow {
                activity: cells[0].to_owned(),
                period: cells[1].to_owned(),
                entries,
                processed,
                stock,
                adjustment,
            });
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

/// A row's problem (`rows[k].stock`) named by the line it was pasted on.
pub fn on_line(detail: Detail) -> Detail {
    let Some(field) = detail.field.as_deref() else { return detail };
    let parsed = field
        .strip_prefix("rows[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(k, column)| Some((k.parse::<u64>().ok()?, column)));
    match parsed {
        Some((k, column)) => Detail::line(k + 1, column, detail.message.clone()),
        None => detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_lines_become_rows_and_bad_cells_are_named_by_line() {
        let rows = parse("AL\t2027-W05\t1 200\t1 100,5\t300\nACC;2027-01;90;80;15;-2\n\n").unwrap();
        assert_eq!((rows[0].entries, rows[0].processed, rows[0].adjustment), (1200.0, 1100.5, 0.0));
        assert_eq!((rows[1].period.as_str(), rows[1].adjustment), ("2027-01", -2.0));
        let problems = parse("AL\t2027-01\tdouze\t1\t2\nAL\t2027-02\n").unwrap_err();
        let named: Vec<_> = problems.iter().map(|d| (d.line, d.column.clone())).collect();
        assert_eq!(named, [(Some(1), Some("entries".to_owned())), (Some(2), Some("-".to_owned()))]);
        let moved = on_line(Detail::field("rows[2].stock", "breaks the flow"));
        assert_eq!((moved.line, moved.column.as_deref()), (Some(3), Some("stock")));
    }
}
