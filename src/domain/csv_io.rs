//! Reading and writing CSV files. Reading checks the whole file first and reports every bad line
//! and column; callers write nothing unless it is clean.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::types::parse_date;
use crate::error::{ApiError, Detail};

/// Problems listed in one answer at most; past that, reading stops and the message says so.
const MAX_DETAILS: usize = 1000;

/// A cell's problem was recorded in the file's [`Problems`].
#[derive(Debug)]
pub struct Reported;

/// A parsed CSV file: its rows, each with its line number in the file (the header is line 1).
pub struct Table {
    columns: HashMap<String, usize>,
    pub rows: Vec<Row>,
}

/// One record. A whole file is held while it is checked, so a row keeps its fields in one text
/// with the end of each, two allocations per row instead of one per cell: a 57 MB file of
/// 2,000,000 short lines took 11 times its size in memory with a `String` per cell.
pub struct Row {
    pub line: u64,
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Row {
    fn field(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

impl Table {
    /// The value of `column` in `row` (every required column exists once the table is read).
    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns.get(column).and_then(|&i| row.field(i)).map(str::trim).unwrap_or("")
    }

    /// A number as spreadsheets write it (a decimal comma is accepted), or the problem with it.
    pub fn number(&self, row: &Row, column: &str, problems: &mut Problems) -> Option<f64> {
        let raw = self.get(row, column);
        raw.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite()).or_else(|| {
            problems.add(row.line, column, format!("{raw:?} is not a number"));
            None
        })
    }

    /// A date `YYYY-MM-DD`, or the problem with it.
    pub fn date(&self, row: &Row, column: &str, problems: &mut Problems) -> Result<NaiveDate, Reported> {
        parse_date(column, self.get(row, column)).map_err(|e| {
            problems.from_error(row.line, column, e);
            Reported
        })
    }

    /// An optional date `YYYY-MM-DD` (`Ok(None)` when the cell is empty), or the problem with it.
    pub fn optional_date(
        &self,
        row: &Row,
        column: &str,
        problems: &mut Problems,
    ) -> Result<Option<NaiveDate>, Reported> {
        match self.get(row, column) {
            "" => Ok(None),
            raw => parse_date(column, raw).map(Some).map_err(|e| {
                problems.from_error(row.line, column, e);
                Reported
            }),
        }
    }
}

/// The items of a `a;b;c` cell, trimmed, empty ones left out.
pub fn list(raw: &str) -> Vec<&str> {
    raw.split(';').map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// A `code:level;code:level` cell (competencies with a level), as pairs.
pub fn code_levels(raw: &str) -> Result<Vec<(String, i64)>, String> {
    list(raw)
        .into_iter()
        .map(|part| {
            let (code, level) = part.rsplit_once(':').ok_or_else(|| format!("{part:?} is not competency:level"))?;
            let level = level.trim().parse().map_err(|_| format!("{part:?}: {level:?} is not a level"))?;
            Ok((code.trim().to_owned(), level))
        })
        .collect()
}

/// Problems found in a file, each at a line and column. At most [`MAX_DETAILS`] are kept; past
/// that they are only counted, so that a hostile file costs time linear in its size.
#[derive(Default)]
pub struct Problems {
    details: Vec<Detail>,
    /// Problems beyond [`MAX_DETAILS`], counted but not kept.
    dropped: usize,
    /// Where each line's whole-record problem sits in `details`.
    record_problems: HashMap<u64, usize>,
    /// Steps of work spent reading the file: records read, bytes scanned for quotes and stored
    /// problems examined. Tests bound it, since seconds on a shared machine prove nothing.
    steps: u64,
}

impl Problems {
    pub fn add(&mut self, line: u64, column: &str, message: impl Into<String>) {
        self.push(Detail { field: None, line: Some(line), column: Some(column.to_owned()), message: message.into() });
    }

    fn push(&mut self, detail: Detail) {
        if self.is_full() {
            self.dropped += 1;
        } else {
            self.details.push(detail);
        }
    }

    /// No more problems are kept: reading on could not change the answer, only its count.
    pub fn is_full(&self) -> bool {
        self.details.len() >= MAX_DETAILS
    }

    /// Records a problem of a whole record, replacing a less precise one on the same line.
    fn set_record_problem(&mut self, line: u64, message: &str) {
        self.steps += 1;
        match self.record_problems.get(&line) {
            Some(&i) => self.details[i].message = message.to_owned(),
            None => {
                if !self.is_full() {
                    self.record_problems.insert(line, self.details.len());
                }
                self.add(line, "-", message);
            }
        }
    }

    /// Records the error of a value that failed to parse, under its column.
    pub fn from_error(&mut self, line: u64, column: &str, error: ApiError) {
        let message = match error {
            ApiError::BadRequest { details, message } => {
                details.into_iter().next().map(|d| d.message).unwrap_or(message)
            }
            other => other.to_string(),
        };
        self.add(line, column, message);
    }

    pub fn is_empty(&self) -> bool {
        self.details.is_empty()
    }

    /// `Ok` when there is nothing to report, else the 400 that lists every problem kept.
    pub fn into_result(mut self, what: &str) -> Result<(), ApiError> {
        if self.details.is_empty() {
            return Ok(());
        }
        self.details.sort_by_key(|d| d.line);
        let first = &self.details[0];
        let count = if self.dropped > 0 {
            format!("more than {} problems (the first {} are listed)", self.details.len(), self.details.len())
        } else {
            format!("{} problem(s)", self.details.len())
        };
        let message = format!(
            "the {what} file has {count}, nothing was written; first: line {}, column {}: {}",
            first.line.unwrap_or(0),
            first.column.as_deref().unwrap_or("-"),
            first.message
        );
        Err(ApiError::bad_request(message, self.details))
    }
}

/// Parses `bytes` as a CSV file with a header line holding exactly `columns` (in any order).
pub fn read(bytes: &[u8], columns: &[&str], what: &str) -> Result<Table, ApiError> {
    let mut problems = Problems::default();
    let table = read_into(bytes, columns, what, &mut problems)?;
    problems.into_result(what)?;
    Ok(table)
}

/// Reads the file, recording its problems; stops early once no more problems would be kept.
fn read_into(bytes: &[u8], columns: &[&str], what: &str, problems: &mut Problems) -> Result<Table, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // a BOM, as spreadsheets write
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header: Vec<String> = match reader.byte_headers() {
        Ok(h) => h.iter().map(|f| String::from_utf8_lossy(f).trim().to_owned()).collect(),
        Err(e) => return Err(ApiError::bad_request(format!("the {what} file cannot be read: {e}"), vec![])),
    };
    if header.iter().all(|h| h.is_empty()) {
        problems.add(1, "-", format!("the file is empty; expected the header {}", columns.join(",")));
        std::mem::take(problems).into_result(what)?;
    }
    let mut index = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        if !columns.contains(&name.as_str()) {
            problems.add(1, name, format!("unknown column; expected {}", columns.join(",")));
        } else if index.insert(name.clone(), i).is_some() {
            problems.add(1, name, "the column appears twice");
        }
    }
    for column in columns {
        if !index.contains_key(*column) {
            problems.add(1, column, "missing column");
        }
    }
    std::mem::take(problems).into_result(what)?;

    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    // (line, byte offset) of the record read before this one, whose quotes are checked once the
    // next record shows where it ends.
    let mut previous: Option<(u64, u64)> = None;
    while !problems.is_full() {
        problems.steps += 1;
        let position = match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => record.position().map_or((0, 0), |p| (p.line(), p.byte())),
            Err(e) => {
                let Some(p) = e.position() else {
                    problems.add(0, "-", format!("unreadable record: {e}"));
                    continue;
                };
                let position = (p.line(), p.byte());
                check_quotes(bytes, previous.replace(position), position.1, problems);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len} (check the quoting)")
                    }
                    _ => format!("unreadable record: {e}"),
                };
                problems.set_record_problem(position.0, &message);
                continue;
            }
        };
        check_quotes(bytes, previous.replace(position), position.1, problems);
        let mut text = String::with_capacity(record.as_slice().len());
        let mut ends = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(field) => {
                    if let Some(c) = field.chars().find(|&c| is_forbidden_control(c)) {
                        problems.add(position.0, &header[i], format!("holds the control character U+{:04X}", c as u32));
                    }
                    text.push_str(field);
                }
                Err(_) => problems.add(position.0, &header[i], "not valid UTF-8 (save the file as UTF-8)"),
            }
            // A file is at most the raw body limit (64 MiB), far below u32::MAX.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        if text.trim().is_empty() {
            continue; // a blank line
        }
        rows.push(Row { line: position.0, text: text.into_boxed_str(), ends: ends.into_boxed_slice() });
    }
    if !problems.is_full() {
        check_quotes(bytes, previous, bytes.len() as u64, problems);
    } else if !matches!(reader.read_byte_record(&mut record), Ok(false)) {
        problems.dropped += 1; // reading stopped with records left: there may be more problems
    }
    Ok(Table { columns: index, rows })
}

/// A control character no text of gpec may hold (tab and line ends are text). PostgreSQL
/// cannot store NUL at all; the others are never typed and often hide an attack.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A well-formed record holds an even number of quote characters. The csv reader is lenient and
/// would let an unclosed quote swallow the rest of the file into one field; this names the line
/// of the record that starts at `record` and ends at byte `end`.
fn check_quotes(bytes: &[u8], record: Option<(u64, u64)>, end: u64, problems: &mut Problems) {
    let Some((line, start)) = record else { return };
    let raw = &bytes[(start as usize).min(bytes.len())..(end as usize).min(bytes.len())];
    problems.steps += raw.len() as u64;
    if raw.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        // The root cause of any field-count error the reader reported for this line.
        let message = "broken quoting: a quote is opened and never closed, or stands inside an unquoted field";
        problems.set_record_problem(line, message);
    }
}

/// A CSV writer into memory, with `\n` line ends and quotes only where needed.
pub fn writer(columns: &[&str]) -> Result<csv::Writer<Vec<u8>>, ApiError> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(columns).map_err(|e| ApiError::internal("csv header", e))?;
    Ok(w)
}

pub fn write_row<I, T>(w: &mut csv::Writer<Vec<u8>>, fields: I) -> Result<(), ApiError>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(fields).map_err(|e| ApiError::internal("csv row", e))
}

pub fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    w.into_inner().map_err(|e| ApiError::internal("csv flush", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [&str; 3] = ["code", "label", "level"];

    fn file(lines: usize, row: &str) -> Vec<u8> {
        let mut text = String::from("code,label,level\n");
        for _ in 0..lines {
            text.push_str(row);
            text.push('\n');
        }
        text.into_bytes()
    }

    /// Reads `bytes` and returns the work it took, with the answer.
    fn steps(bytes: &[u8]) -> (u64, Result<Table, ApiError>) {
        let mut problems = Problems::default();
        let table = read_into(bytes, &COLUMNS, "test", &mut problems);
        let steps = problems.steps;
        (steps, table.and_then(|t| problems.into_result("test").map(|()| t)))
    }

    #[test]
    fn refusing_a_file_of_stray_quotes_stops_once_the_answer_is_full() {
        // The outside probe's file: 80,000 lines each holding a stray quote.
        let (small, _) = steps(&file(10_000, "a\"b,label,2"));
        let (large, answer) = steps(&file(80_000, "a\"b,label,2"));
        assert_eq!(small, large, "the work stops growing with the file once the answer is full");
        assert!(large < 40 * MAX_DETAILS as u64, "work {large} is bounded by the kept problems");
        let Err(ApiError::BadRequest { message, details }) = answer else { panic!("refused") };
        assert_eq!(details.len(), MAX_DETAILS);
        assert!(message.contains("more than 1000 problems"), "{message}");
        assert_eq!(details[0].line, Some(2));
        assert!(details[0].message.contains("broken quoting"), "{:?}", details[0]);
    }

    #[test]
    fn reading_a_clean_file_takes_work_linear_in_its_size() {
        let (small, a) = steps(&file(10_000, "AB-1,libellé,2"));
        let (large, b) = steps(&file(80_000, "AB-1,libellé,2"));
        assert_eq!(a.expect("clean").rows.len(), 10_000);
        assert_eq!(b.expect("clean").rows.len(), 80_000);
        // One step per record and per byte scanned, plus the read that finds the end.
        assert_eq!(large - 1, 8 * (small - 1), "eight times the lines, eight times the work");
    }

    #[test]
    fn many_problems_on_one_line_keep_one_record_problem() {
        let mut problems = Problems::default();
        for line in 2..80_002 {
            problems.set_record_problem(line, "3 fields where the header has 4");
            problems.set_record_problem(line, "broken quoting");
        }
        assert_eq!(problems.steps, 160_000, "one step per record problem, whatever was kept before");
        assert_eq!(problems.details.len(), MAX_DETAILS);
        assert!(problems.details.iter().all(|d| d.message == "broken quoting"));
    }

    #[test]
    fn cells_are_read_back_by_column_trimmed_and_empty_ones_empty() {
        let (_, table) = steps("code,label,level\n AB ,\"un, deux\",\nCD,,4\n\n".as_bytes());
        let table = table.expect("clean");
        assert_eq!(table.rows.len(), 2, "the blank line is skipped");
        let cells = |r: &Row| COLUMNS.map(|c| table.get(r, c).to_owned());
        assert_eq!(cells(&table.rows[0]), ["AB", "un, deux", ""]);
        assert_eq!(cells(&table.rows[1]), ["CD", "", "4"]);
        assert_eq!((table.rows[0].line, table.rows[1].line), (2, 3));
        assert_eq!(table.get(&table.rows[0], "missing"), "");
    }

    #[test]
    fn a_cell_holding_nul_is_refused_with_its_line_and_column() {
        let (_, answer) = steps(b"code,label,level\nAB,ok,1\nCD,bad\0name,2\n");
        let Err(ApiError::BadRequest { details, .. }) = answer else { panic!("refused") };
        assert_eq!(details.len(), 1);
        assert_eq!((details[0].line, details[0].column.as_deref()), (Some(3), Some("label")));
        assert!(details[0].message.contains("U+0000"), "{:?}", details[0]);
    }
}
