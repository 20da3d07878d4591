//! Excel workbooks for every entity that has a CSV file: written from the CSV export, and read
//! into CSV for the same all-or-nothing import, so each entity's rules stay in one place.
//!
//! A workbook written here has one sheet, its header bold and frozen, columns sized to their
//! text, numbers as numbers and dates as dates. A workbook read here is its first sheet; a bad
//! cell is named by sheet, row and column letter (`Agents!C14`).

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::csv_io::{self, Typed, typed};
use crate::error::{ApiError, Detail};

/// How an export is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    #[default]
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The media type of a workbook.
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Whether `bytes` are a workbook (a zip archive) rather than text.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn written(e: XlsxError) -> ApiError {
    ApiError::internal("writing a workbook", e)
}

/// A workbook of one sheet named `sheet` from an export in gpec's CSV dialect.
pub fn from_csv(standard: &[u8], sheet: &str) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let page = workbook.add_worksheet().set_name(sheet).map_err(written)?;
    let (bold, date) = (Format::new().set_bold(), Format::new().set_num_format("dd/mm/yyyy"));
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(standard);
    let mut header: Vec<String> = Vec::new();
    let mut widths: Vec<usize> = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ApiError::internal("reading an export", e))?;
        let row = u32::try_from(r).map_err(|e| ApiError::internal("too many rows for a sheet", e))?;
        for (c, cell) in record.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| ApiError::internal("too many columns for a sheet", e))?;
            if widths.len() <= c {
                widths.push(0);
            }
            widths[c] = widths[c].max(cell.chars().count());
            if r == 0 {
                header.push(cell.to_owned());
                page.write_string_with_format(row, col, cell, &bold).map_err(written)?;
                continue;
            }
            match typed(header.get(c).map_or("", String::as_str), cell) {
                Typed::Date(day) => match excel_date(day) {
                    Some(at) => {
                        page.write_datetime_with_format(row, col, at, &date).map_err(written)?;
                    }
                    // Excel counts days from 1900 to 9999: another year stays the ISO text, which
                    // an import reads back as the same date.
                    None => {
                        page.write_string(row, col, cell).map_err(written)?;
                    }
                },
                Typed::Number(number) => {
                    page.write_number(row, col, number).map_err(written)?;
                }
                // A workbook cell written as text never runs, so the CSV's formula mark goes.
                Typed::Text(text) if !text.is_empty() => {
                    page.write_string(row, col, csv_io::unmarked(text)).map_err(written)?;
                }
                Typed::Text(_) => {}
            }
        }
    }
    page.set_freeze_panes(1, 0).map_err(written)?;
    for (c, width) in widths.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        page.set_column_width(col, (*width).clamp(8, 60) as f64 + 2.0).map_err(written)?;
    }
    workbook.save_to_buffer().map_err(written)
}

/// `day` as an Excel date, when Excel has one for it (years 1900 to 9999).
fn excel_date(day: chrono::NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(day.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
}

/// A workbook's first sheet as gpec's CSV, and where each CSV line came from.
pub struct Converted {
    pub csv: Vec<u8>,
    sheet: String,
    /// Sheet row (from 1) of each CSV line that starts a record.
    rows: HashMap<u64, u32>,
    /// The header's column names, in sheet order from its first used column.
    columns: Vec<String>,
    first_column: u32,
}

/// `A` for 0, `Z` for 25, `AA` for 26.
fn column_letter(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell's value as the CSV importers read it.
fn text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(at) => match at.as_datetime() {
            Some(at) => at.date().format("%Y-%m-%d").to_string(),
            None => return Err(format!("{at} is not a date")),
        },
        Data::Error(e) => return Err(format!("holds the Excel error {e}")),
    })
}

/// Reads a workbook's first sheet into gpec's CSV; unreadable cells are refused by name.
pub fn to_csv(bytes: &[u8], what: &str) -> Result<Converted, ApiError> {
    let unreadable =
        |e: calamine::XlsxError| ApiError::bad_request(format!("the {what} workbook cannot be read: {e}"), vec![]);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = book.sheet_names().first().cloned().unwrap_or_default();
    let range = match book.worksheet_range_at(0) {
        Some(range) => range.map_err(unreadable)?,
        None => return Err(ApiError::bad_request(format!("the {what} workbook has no sheet"), vec![])),
    };
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let (mut rows, mut columns, mut problems) = (HashMap::new(), Vec::new(), Vec::new());
    let mut line: u64 = 1;
    for (i, cells) in range.rows().enumerate() {
        let row = first_row + i as u32 + 1;
        let mut fields = Vec::with_capacity(cells.len());
        for (k, cell) in cells.iter().enumerate() {
            match text(cell) {
                Ok(value) => fields.push(value),
                Err(message) => {
                    let at = format!("{sheet}!{}{row}", column_letter(first_column + k as u32));
                    problems.push(Detail { field: Some(at), line: Some(u64::from(row)), column: None, message });
                    fields.push(String::new());
                }
            }
        }
        if i == 0 {
            columns = fields.iter().map(|f| f.trim().to_owned()).collect();
        }
        rows.insert(line, row);
        line += 1 + fields.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
        csv_io::write_row(&mut w, &fields)?;
    }
    if !problems.is_empty() {
        return Err(ApiError::problems(&format!("the {what} workbook"), problems));
    }
    let csv = csv_io::finish(w)?;
    Ok(Converted { csv, sheet, rows, columns, first_column })
}

impl Converted {
    /// `error` of the import of [`Converted::csv`], its problems named by their cells.
    pub fn name_cells(&self, error: ApiError) -> ApiError {
        let ApiError::BadRequest { details, .. } = error else { return error };
        let named: Vec<Detail> = details
            .into_iter()
            .map(|mut d| {
                let row = d.line.and_then(|l| self.rows.get(&l)).copied();
                let col = d.column.as_deref().and_then(|c| self.columns.iter().position(|name| name == c));
                if let (Some(row), Some(col)) = (row, col) {
                    d.field = Some(format!("{}!{}{row}", self.sheet, column_letter(self.first_column + col as u32)));
                }
                if let Some(row) = row {
                    d.line = Some(u64::from(row));
                }
                d
            })
            .collect();
        ApiError::problems(&format!("the sheet {}", self.sheet), named)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        let letters: Vec<String> = [0, 2, 25, 26, 27, 51, 52, 701, 702].map(column_letter).to_vec();
        assert_eq!(letters, ["A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn a_workbook_written_from_an_export_reads_back_to_the_same_csv() {
        let mut w = csv_io::writer(&["matricule", "last_name", "fte", "start_date", "end_date"]).unwrap();
        csv_io::write_row(&mut w, ["A1", "=Martin", "0.8", "2015-09-01", ""]).unwrap();
        csv_io::write_row(&mut w, ["007", "Deux\nlignes", "1", "2020-02-29", "2030-12-31"]).unwrap();
        // Years Excel has no date for stay text, and read back the same.
        csv_io::write_row(&mut w, ["X9", "Hors", "1", "0001-01-01", "+10000-01-01"]).unwrap();
        let standard = csv_io::finish(w).unwrap();
        let book = from_csv(&standard, "Agents").unwrap();
        assert!(is_xlsx(&book));
        let back = to_csv(&book, "agents").unwrap();
        assert_eq!(String::from_utf8(back.csv).unwrap(), String::from_utf8(standard).unwrap());
        assert_eq!(back.rows.get(&2), Some(&2));
        assert_eq!(back.rows.get(&3), Some(&3));
    }
}
