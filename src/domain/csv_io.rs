//! Reading and writing CSV files. Reading checks the whole file first and reports every bad line
//! and column; callers write nothing unless it is clean.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::types::parse_date;
use crate::error::{ApiError, Detail};

/// Bad lines listed in one answer at most; the message still counts them all.
const MAX_DETAILS: usize = 1000;

/// A cell's problem was recorded in the file's [`Problems`].
#[derive(Debug)]
pub struct Reported;

/// A parsed CSV file: its rows, each with its line number in the file (the header is line 1).
pub struct Table {
    columns: HashMap<String, usize>,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub line: u64,
    fields: Vec<String>,
}

impl Table {
    /// The value of `column` in `row` (every required column exists once the table is read).
    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns.get(column).and_then(|&i| row.fields.get(i)).map(|s| s.trim()).unwrap_or("")
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

/// Problems found in a file, each at a line and column.
#[derive(Default)]
pub struct Problems(Vec<Detail>);

impl Problems {
    pub fn add(&mut self, line: u64, column: &str, message: impl Into<String>) {
        self.0.push(Detail { field: None, line: Some(line), column: Some(column.to_owned()), message: message.into() });
    }

    /// Records a problem of a whole record, replacing a less precise one on the same line.
    fn set_record_problem(&mut self, line: u64, message: &str) {
        match self.0.iter_mut().find(|d| d.line == Some(line) && d.column.as_deref() == Some("-")) {
            Some(existing) => existing.message = message.to_owned(),
            None => self.add(line, "-", message),
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
        self.0.is_empty()
    }

    /// `Ok` when there is nothing to report, else the 400 that lists every problem.
    pub fn into_result(mut self, what: &str) -> Result<(), ApiError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let count = self.0.len();
        self.0.sort_by_key(|d| d.line);
        let first = &self.0[0];
        let message = format!(
            "the {what} file has {count} problem(s), nothing was written; first: line {}, column {}: {}",
            first.line.unwrap_or(0),
            first.column.as_deref().unwrap_or("-"),
            first.message
        );
        self.0.truncate(MAX_DETAILS);
        Err(ApiError::bad_request(message, self.0))
    }
}

/// Parses `bytes` as a CSV file with a header line holding exactly `columns` (in any order).
pub fn read(bytes: &[u8], columns: &[&str], what: &str) -> Result<Table, ApiError> {
    let mut problems = Problems::default();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // a BOM, as spreadsheets write
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header: Vec<String> = match reader.byte_headers() {
        Ok(h) => h.iter().map(|f| String::from_utf8_lossy(f).trim().to_owned()).collect(),
        Err(e) => return Err(ApiError::bad_request(format!("the {what} file cannot be read: {e}"), vec![])),
    };
    if header.iter().all(|h| h.is_empty()) {
        problems.add(1, "-", format!("the file is empty; expected the header {}", columns.join(",")));
        std::mem::take(&mut problems).into_result(what)?;
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
    std::mem::take(&mut problems).into_result(what)?;

    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut starts: Vec<(u64, u64)> = Vec::new(); // (line, byte offset) of each record
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                if let Some(p) = e.position() {
                    starts.push((p.line(), p.byte()));
                }
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len} (check the quoting)")
                    }
                    _ => format!("unreadable record: {e}"),
                };
                problems.add(line, "-", message);
                continue;
            }
        }
        let position = record.position().map_or((0, 0), |p| (p.line(), p.byte()));
        starts.push(position);
        let mut fields = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(text) => fields.push(text.to_owned()),
                Err(_) => {
                    problems.add(position.0, &header[i], "not valid UTF-8 (save the file as UTF-8)");
                    fields.push(String::new());
                }
            }
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue; // a blank line
        }
        rows.push(Row { line: position.0, fields });
    }
    check_quotes(bytes, &starts, &mut problems);
    problems.into_result(what)?;
    Ok(Table { columns: index, rows })
}

/// A well-formed record holds an even number of quote characters. The csv reader is lenient and
/// would let an unclosed quote swallow the rest of the file into one field; this names the line.
fn check_quotes(bytes: &[u8], starts: &[(u64, u64)], problems: &mut Problems) {
    for (i, &(line, start)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(bytes.len(), |&(_, b)| b as usize);
        let raw = &bytes[(start as usize).min(bytes.len())..end.min(bytes.len())];
        if raw.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            // The root cause of any field-count error the reader reported for this line.
            let message = "broken quoting: a quote is opened and never closed, or stands inside an unquoted field";
            problems.set_record_problem(line, message);
        }
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
