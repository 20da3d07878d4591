//! The month × activity grid of loads as the pages edit it: a block pasted from a spreadsheet
//! (tab-separated, a header row of activity codes, a first column of months) or one cell typed
//! in place. Each cell is a volume or an opening backlog; all cells land or none, and a refusal
//! names every bad cell by its line and column in the block, with the activity and the month.

use std::collections::HashMap;

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::csv_io::spreadsheet_number;
use crate::domain::types::Period;
use crate::error::{ApiError, Detail};

use super::forecasts::{self, LoadRow};
use super::writes;

/// What the cells of a block hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Volume,
    OpeningBacklog,
}

impl Measure {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        match raw {
            "volume" => Ok(Self::Volume),
            "stock" => Ok(Self::OpeningBacklog),
            _ => Err(ApiError::invalid("measure", "volume or stock")),
        }
    }
}

/// One cell: its place in the block (line and column, from 1), what it sets, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub line: u64,
    pub column: u64,
    pub activity: String,
    pub period: String,
    pub value: f64,
}

fn at(line: u64, column: u64, place: &str, message: impl Into<String>) -> Detail {
    Detail {
        field: Some(place.to_owned()),
        line: Some(line),
        column: Some(column.to_string()),
        message: message.into(),
    }
}

/// The cells of a pasted block; every bad cell is reported. Empty cells are left out.
pub fn parse_block(block: &str) -> Result<Vec<Cell>, Vec<Detail>> {
    let mut lines = block.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(vec![at(
            1,
            1,
            "bloc",
            "the block is empty: paste a header row of activity codes, then one row per month",
        )]);
    };
    let activities: Vec<String> = header.split('\t').skip(1).map(|c| c.trim().to_uppercase()).collect();
    let mut problems = Vec::new();
    let mut cells = Vec::new();
    if activities.is_empty() || activities.iter().any(String::is_empty) {
        problems.push(at(1, 2, "bloc", "the first row names the activities, one per column after the months"));
    }
    for (k, line) in lines {
        let line_no = k as u64 + 1;
        let mut fields = line.split('\t');
        let month = fields.next().unwrap_or("").trim().to_owned();
        let period = match Period::parse("period", &month) {
            Ok(p) => p.to_string(),
            Err(_) => {
                problems.push(at(line_no, 1, &month, format!("{month:?} is not a month (AAAA-MM)")));
                continue;
            }
        };
        for (j, raw) in fields.enumerate() {
            let column = j as u64 + 2;
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let Some(activity) = activities.get(j) else {
                problems.push(at(line_no, column, &period, "this column has no activity in the first row"));
                continue;
            };
            match spreadsheet_number(raw) {
                Some(value) if value >= 0.0 => cells.push(Cell {
                    line: line_no,
                    column,
                    activity: activity.clone(),
                    period: period.clone(),
                    value,
                }),
                _ => problems.push(at(
                    line_no,
                    column,
                    &format!("{activity} {period}"),
                    format!("{raw:?} is not a number of items (0 or more)"),
                )),
            }
        }
    }
    if problems.is_empty() { Ok(cells) } else { Err(problems) }
}

/// Writes `cells` as `measure` into the caller's organisation's loads, keeping the other measure
/// of each month as stored; all or nothing, every refusal named by its cell.
pub fn put_cells(
    conn: &mut DbConnection,
    who: &Principal,
    cells: &[Cell],
    measure: Measure,
) -> Result<forecasts::WriteReport, ApiError> {
    crate::db::transaction(conn, |conn| put_cells_in(conn, who, cells, measure))
}

fn put_cells_in(
    conn: &mut DbConnection,
    who: &Principal,
    cells: &[Cell],
    measure: Measure,
) -> Result<forecasts::WriteReport, ApiError> {
    let org = super::organisation_id(conn, who, None)?;
    let stored: HashMap<(String, String), LoadRow> = forecasts::loads(conn, org, None, None)?
        .into_iter()
        .map(|r| ((r.activity.clone(), r.period.clone()), r))
        .collect();
    let rows: Vec<LoadRow> = cells
        .iter()
        .map(|c| {
            let mut row = stored.get(&(c.activity.clone(), c.period.clone())).cloned().unwrap_or(LoadRow {
                activity: c.activity.clone(),
                period: c.period.clone(),
                volume: 0.0,
                opening_backlog: None,
            });
            match measure {
                Measure::Volume => row.volume = c.value,
                Measure::OpeningBacklog => row.opening_backlog = Some(c.value),
            }
            row
        })
        .collect();
    writes::put_loads(conn, who, None, &rows).map_err(|e| by_cell(e, cells))
}

/// Turns the rows' `rows[k].field` problems back into the cells they came from.
fn by_cell(e: ApiError, cells: &[Cell]) -> ApiError {
    let rename = |details: Vec<Detail>| -> Vec<Detail> {
        details
            .into_iter()
            .map(|d| {
                let k = d
                    .field
                    .as_deref()
                    .and_then(|f| f.strip_prefix("rows["))
                    .and_then(|f| f.split(']').next())
                    .and_then(|k| k.parse::<usize>().ok());
                match k.and_then(|k| cells.get(k)) {
                    Some(c) => at(c.line, c.column, &format!("{} {}", c.activity, c.period), d.message),
                    None => d,
                }
            })
            .collect()
    };
    match e {
        ApiError::BadRequest { details, .. } => ApiError::problems("the block", rename(details)),
        ApiError::Unprocessable { details, .. } => ApiError::unprocessable("the block", rename(details)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_block_gives_one_cell_per_filled_value_and_names_every_bad_one() {
        let cells = parse_block("mois\tAL\tRSA\n2027-01\t1 200,5\t\n2027-02\t900\t40\n").unwrap();
        assert_eq!(cells.len(), 3, "the empty cell is left out");
        assert_eq!((cells[0].activity.as_str(), cells[0].period.as_str(), cells[0].value), ("AL", "2027-01", 1200.5));
        assert_eq!((cells[2].line, cells[2].column), (3, 3));
        let problems = parse_block("mois\tAL\tRSA\n2027-13\t1\t2\n2027-02\tabc\t-4\n2027-03\t1\t2\t3\n").unwrap_err();
        let places: Vec<(u64, String)> =
            problems.iter().map(|d| (d.line.unwrap(), d.column.clone().unwrap())).collect();
        assert_eq!(places, [(2, "1".into()), (3, "2".into()), (3, "3".into()), (4, "4".into())]);
        assert!(parse_block("  \n").is_err());
    }
}
