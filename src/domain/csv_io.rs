//! Reading and writing CSV files. Reading checks the whole file first and reports every bad line
//! and column; callers write nothing unless it is clean.
//!
//! Files come as people have them: gpec's own (`,`, UTF-8, `2026-12-03`, `0.8`) or saved by a
//! French Excel (`;`, Windows-1252 or UTF-8 with a BOM, `03/12/2026`, `0,8`, `1 234,5`). The
//! delimiter and the encoding are found from the file. Exports are gpec's own dialect, or French
//! Excel's on request ([`Dialect`]). A text cell that a spreadsheet would run as a formula is
//! written with a leading `'` and read back without it (OWASP "CSV injection").

use std::borrow::Cow;
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
    /// Whether the file has `column` (a later column may be missing).
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns.get(column).and_then(|&i| row.field(i)).map(str::trim).unwrap_or("")
    }

    /// A number as spreadsheets write it ([`spreadsheet_number`]), or the problem with it.
    pub fn number(&self, row: &Row, column: &str, problems: &mut Problems) -> Option<f64> {
        let raw = self.get(row, column);
        spreadsheet_number(raw).or_else(|| {
            problems.add(row.line, column, format!("{raw:?} is not a number"));
            None
        })
    }

    /// A number, or `default` for an empty cell (a column older files do not have).
    pub fn number_or(&self, row: &Row, column: &str, default: f64, problems: &mut Problems) -> Option<f64> {
        if self.get(row, column).is_empty() { Some(default) } else { self.number(row, column, problems) }
    }

    /// A yes/no cell (`true`, `1`, `yes`, `oui` or their opposites; empty is no), or the problem.
    pub fn flag(&self, row: &Row, column: &str, problems: &mut Problems) -> Option<bool> {
        match self.get(row, column).to_lowercase().as_str() {
            "true" | "1" | "yes" | "oui" => Some(true),
            "false" | "0" | "no" | "non" | "" => Some(false),
            other => {
                problems.add(row.line, column, format!("{other:?} is not true or false"));
                None
            }
        }
    }

    /// A date `YYYY-MM-DD` or `DD/MM/YYYY`, or the problem with it.
    pub fn date(&self, row: &Row, column: &str, problems: &mut Problems) -> Result<NaiveDate, Reported> {
        spreadsheet_date(column, self.get(row, column)).map_err(|e| {
            problems.from_error(row.line, column, e);
            Reported
        })
    }

    /// An optional date (`Ok(None)` when the cell is empty), or the problem with it.
    pub fn optional_date(
        &self,
        row: &Row,
        column: &str,
        problems: &mut Problems,
    ) -> Result<Option<NaiveDate>, Reported> {
        match self.get(row, column) {
            "" => Ok(None),
            raw => spreadsheet_date(column, raw).map(Some).map_err(|e| {
                problems.from_error(row.line, column, e);
                Reported
            }),
        }
    }
}

/// A number as gpec or a French spreadsheet writes it: `1234.5`, `1234,5`, `1 234,5` (with a
/// space or the no-break spaces Excel uses between thousands).
pub fn spreadsheet_number(raw: &str) -> Option<f64> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    digits.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A date as gpec (`2026-12-03`) or a French spreadsheet (`03/12/2026`) writes it.
pub fn spreadsheet_date(field: &str, raw: &str) -> Result<NaiveDate, ApiError> {
    let raw = raw.trim();
    if raw.contains('/') {
        return NaiveDate::parse_from_str(raw, "%d/%m/%Y")
            .map_err(|_| ApiError::invalid(field, format!("{raw:?} is not a date DD/MM/YYYY or YYYY-MM-DD")));
    }
    parse_date(field, raw)
}

/// The first characters by which a spreadsheet runs a cell as a formula (OWASP).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// Put before such a cell on export, so that a spreadsheet shows it as text.
const TEXT_MARK: char = '\'';

/// `cell` as exported: a text a spreadsheet would run as a formula gets a leading `'`, and so
/// does one already starting with `'`, so that reading it back takes exactly one away. Numbers,
/// negative ones included, are left as they are: they cannot run.
fn neutralised(cell: &[u8]) -> Cow<'_, [u8]> {
    let Ok(text) = std::str::from_utf8(cell) else { return Cow::Borrowed(cell) };
    match text.chars().next() {
        Some(c) if (FORMULA_STARTS.contains(&c) && !is_plain_number(text)) || c == TEXT_MARK => {
            let mut marked = Vec::with_capacity(cell.len() + 1);
            marked.push(TEXT_MARK as u8);
            marked.extend_from_slice(cell);
            Cow::Owned(marked)
        }
        _ => Cow::Borrowed(cell),
    }
}

/// A number as gpec writes it (`-12.5`), nothing else: `+33 1 23` is not one, and would run.
fn is_plain_number(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.')) && text.parse::<f64>().is_ok()
}

/// `cell` as imported: the mark [`neutralised`] added is taken away.
pub(crate) fn unmarked(cell: &str) -> &str {
    match cell.strip_prefix(TEXT_MARK) {
        Some(rest) if rest.starts_with(|c| FORMULA_STARTS.contains(&c) || c == TEXT_MARK) => rest,
        _ => cell,
    }
}

/// A file's text as UTF-8: as it is when it is UTF-8 (a BOM taken away), else read as
/// Windows-1252, the encoding a French Excel saves "CSV (séparateur: point-virgule)" in. Every
/// byte sequence is some Windows-1252 text, so nothing is refused here.
fn decoded(bytes: &[u8]) -> Cow<'_, [u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_ok() {
        return Cow::Borrowed(bytes);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    Cow::Owned(text.into_owned().into_bytes())
}

/// `;` when the header line holds more semicolons than commas (a French Excel), else `,`.
fn delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    if count(b';') > count(b',') { b';' } else { b',' }
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
        self.push(Detail::line(line, column, message));
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
    let text = decoded(bytes);
    let bytes: &[u8] = &text;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).delimiter(delimiter(bytes)).from_reader(bytes);
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
        if !index.contains_key(*column) && !LATER_COLUMNS.contains(column) {
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
            Ok(true) => record.position().map_or((0, 0), |p| at(bytes, p)),
            Err(e) => {
                let Some(p) = e.position() else {
                    problems.add(0, "-", format!("unreadable record: {e}"));
                    continue;
                };
                let position = at(bytes, p);
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
            // The whole text is UTF-8 once decoded, and fields split at ASCII delimiters, so
            // this borrows and never replaces anything.
            let field = String::from_utf8_lossy(raw);
            if let Some(c) = field.chars().find(|&c| is_forbidden_control(c)) {
                problems.add(position.0, &header[i], format!("holds the control character U+{:04X}", c as u32));
            }
            text.push_str(unmarked(field.trim_start()));
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

/// The (line, byte offset) where a record starts. After a `\r\n` line end the reader puts the
/// next record at the `\n` and counts it on the line before; a Windows file's lines would all be
/// named one too early.
fn at(bytes: &[u8], p: &csv::Position) -> (u64, u64) {
    let after_crlf = bytes.get(p.byte() as usize) == Some(&b'\n');
    (p.line() + u64::from(after_crlf), p.byte())
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

/// Writes one row, each text cell a spreadsheet would run as a formula marked as text.
pub fn write_row<I, T>(w: &mut csv::Writer<Vec<u8>>, fields: I) -> Result<(), ApiError>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let fields: Vec<T> = fields.into_iter().collect();
    w.write_record(fields.iter().map(|f| neutralised(f.as_ref()))).map_err(|e| ApiError::internal("csv row", e))
}

pub fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    w.into_inner().map_err(|e| ApiError::internal("csv flush", e))
}

/// How an export is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// gpec's own: `,`, UTF-8, dates `2026-12-03`, decimal points.
    #[default]
    Standard,
    /// What a French Excel opens in columns: `;`, UTF-8 with a BOM, dates `03/12/2026`, decimal
    /// commas, Windows line ends.
    ExcelFr,
}

/// Columns that hold a date, and columns that hold a number, in every entity's files: the only
/// cells a dialect or a workbook writes differently, so that a text that looks like a date stays
/// as it is.
const DATE_COLUMNS: [&str; 7] =
    ["start_date", "end_date", "adfo_date", "assessed_on", "valid_until", "birth_date", "departure_date"];
/// Columns added after their files were first exchanged: a file without them is read with their
/// defaults (an empty cell), so that files written before keep importing.
const LATER_COLUMNS: [&str; 9] = [
    "priority",
    "min_fte",
    "standard_changes",
    "productivity",
    "ramp_up",
    "birth_date",
    "contract",
    "departure_date",
    "departure_reason",
];

const NUMBER_COLUMNS: [&str; 12] = [
    "priority",
    "min_fte",
    "productivity",
    "fte",
    "minutes_per_item",
    "backlog_normal_max",
    "backlog_critical_max",
    "volume",
    "opening_backlog",
    "hours",
    "duration_hours",
    "hours_per_year",
];

/// A cell of an export in gpec's dialect, read by its column.
pub(crate) enum Typed<'a> {
    Date(NaiveDate),
    Number(f64),
    Text(&'a str),
}

/// `cell` of `column` as its type: a date or a number only in a column that holds them.
pub(crate) fn typed<'a>(column: &str, cell: &'a str) -> Typed<'a> {
    let date = DATE_COLUMNS.contains(&column).then(|| NaiveDate::parse_from_str(cell, "%Y-%m-%d").ok()).flatten();
    let number = NUMBER_COLUMNS.contains(&column).then(|| cell.parse::<f64>().ok().filter(|n| n.is_finite())).flatten();
    match (date, number) {
        (Some(day), _) => Typed::Date(day),
        (None, Some(n)) => Typed::Number(n),
        _ => Typed::Text(cell),
    }
}

/// An export written by [`writer`] (gpec's dialect), in `dialect`.
pub fn in_dialect(standard: Vec<u8>, dialect: Dialect) -> Result<Vec<u8>, ApiError> {
    if dialect == Dialect::Standard {
        return Ok(standard);
    }
    let broken = |e: csv::Error| ApiError::internal("csv dialect", e);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(standard.as_slice());
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let mut header: Vec<String> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(broken)?;
            if i == 0 {
                header = record.iter().map(str::to_owned).collect();
                w.write_record(&record).map_err(broken)?;
                continue;
            }
            let cells = record.iter().enumerate().map(|(k, cell)| {
                match typed(header.get(k).map_or("", String::as_str), cell) {
                    Typed::Date(day) => day.format("%d/%m/%Y").to_string(),
                    Typed::Number(_) => cell.replace('.', ","),
                    Typed::Text(text) => text.to_owned(),
                }
            });
            w.write_record(cells).map_err(broken)?;
        }
        w.flush().map_err(|e| ApiError::internal("csv dialect", e))?;
    }
    Ok(out)
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
    fn a_french_excel_file_is_read_whatever_its_delimiter_and_encoding() {
        // `;`, Windows-1252, a quoted list cell, a decimal comma and a French date.
        let file = b"code;label;level\r\nA;P\xe9dagogie;\"1,5\"\r\nB;\"un;deux\";03/12/2026\r\n";
        let table = read(file, &COLUMNS, "test").unwrap();
        let (a, b) = (&table.rows[0], &table.rows[1]);
        assert_eq!(table.get(a, "label"), "Pédagogie");
        assert_eq!(table.number(a, "level", &mut Problems::default()), Some(1.5));
        assert_eq!(table.get(b, "label"), "un;deux");
        let date = table.date(b, "level", &mut Problems::default()).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        let utf8_bom = "\u{feff}code;label;level\nA;Écoute;2\n";
        assert_eq!(read(utf8_bom.as_bytes(), &COLUMNS, "test").unwrap().get(&table.rows[0], "code"), "A");
    }

    #[test]
    fn lines_are_named_alike_whatever_the_line_ends() {
        let lines = |file: &[u8]| -> Vec<u64> {
            let table = read(file, &COLUMNS, "test").unwrap();
            table.rows.iter().map(|r| r.line).collect()
        };
        assert_eq!(lines(b"code,label,level\nA,x,1\nB,y,2\n"), [2, 3]);
        assert_eq!(lines(b"code,label,level\r\nA,x,1\r\nB,y,2\r\n"), [2, 3]);
        assert_eq!(lines(b"code,label,level\r\nA,\"two\r\nlines\",1\r\nB,y,2\r\n"), [2, 4]);
    }

    #[test]
    fn numbers_are_read_with_a_comma_and_thousands_spaces() {
        assert_eq!(spreadsheet_number("1 234,5"), Some(1234.5));
        assert_eq!(spreadsheet_number("1\u{a0}234,5"), Some(1234.5));
        assert_eq!(spreadsheet_number("-0.25"), Some(-0.25));
        assert_eq!(spreadsheet_number("1,2,3"), None);
        assert_eq!(spreadsheet_number("NaN"), None);
        assert!(spreadsheet_date("d", "31/02/2026").is_err());
    }

    #[test]
    fn a_formula_is_exported_as_text_and_read_back_unchanged() {
        let cells = ["=1+1", "+33 1 23", "-x", "@SUM(A1)", "'quoted", "''twice", "-12.5", "plain", "a=b"];
        let mut w = writer(&COLUMNS).unwrap();
        for cell in cells {
            write_row(&mut w, [cell, "x", "1"]).unwrap();
        }
        let bytes = finish(w).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        for line in text.lines().skip(1) {
            let first = line.split(',').next().unwrap();
            assert!(!first.starts_with(['=', '+', '@']), "{line}");
            assert!(!first.starts_with('-') || first == "-12.5", "{line}");
        }
        let table = read(&bytes, &COLUMNS, "test").unwrap();
        let back: Vec<&str> = table.rows.iter().map(|r| table.get(r, "code")).collect();
        assert_eq!(back, cells);
    }

    #[test]
    fn the_french_dialect_changes_only_date_and_number_columns_and_reads_back_the_same() {
        let columns = ["matricule", "label", "fte", "start_date"];
        let mut w = writer(&columns).unwrap();
        write_row(&mut w, ["A1", "2026-01-01 et 0.5", "0.8", "2026-12-03"]).unwrap();
        write_row(&mut w, ["A2", "=danger", "1", "2020-02-29"]).unwrap();
        let standard = finish(w).unwrap();
        let french = in_dialect(standard.clone(), Dialect::ExcelFr).unwrap();
        let text = String::from_utf8(french.clone()).unwrap();
        assert_eq!(
            text,
            "\u{feff}matricule;label;fte;start_date\r\nA1;2026-01-01 et 0.5;0,8;03/12/2026\r\nA2;'=danger;1;29/02/2020\r\n"
        );
        let (a, b) = (read(&standard, &columns, "t").unwrap(), read(&french, &columns, "t").unwrap());
        for (x, y) in a.rows.iter().zip(&b.rows) {
            for c in ["matricule", "label"] {
                assert_eq!(a.get(x, c), b.get(y, c));
            }
            assert_eq!(a.number(x, "fte", &mut Problems::default()), b.number(y, "fte", &mut Problems::default()));
            assert_eq!(
                a.date(x, "start_date", &mut Problems::default()).ok(),
                b.date(y, "start_date", &mut Problems::default()).ok()
            );
        }
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
