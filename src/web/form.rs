//! Settings forms read field by field: every value typed in French (`12,5`, `3 200`), each bad
//! one named by its field, so that a refused form lists all its problems at once; and numbers
//! written back the way they are typed.

use std::collections::BTreeMap;

use crate::domain::csv_io::spreadsheet_number;
use crate::error::Detail;

/// Form fields by name, as typed or as stored.
pub type Fields = BTreeMap<String, String>;

/// A number as a French form shows it: at most four decimals, a decimal comma, no trailing zero.
pub fn number(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
}

/// A share (0.25) as the percentage a form shows (`25`).
pub fn percent(v: f64) -> String {
    number(v * 100.0)
}

/// Reads typed fields, naming each one that is not what it should be.
pub struct Reader<'a> {
    fields: &'a Fields,
    pub problems: Vec<Detail>,
}

impl<'a> Reader<'a> {
    pub fn new(fields: &'a Fields) -> Self {
        Self { fields, problems: Vec::new() }
    }

    pub fn text(&self, name: &str) -> &'a str {
        self.fields.get(name).map_or("", |v| v.trim())
    }

    /// `raw` as a number, or a problem named `field`.
    pub fn parse(&mut self, field: &str, raw: &str) -> Option<f64> {
        let parsed = spreadsheet_number(raw.trim());
        if parsed.is_none() {
            self.problems.push(Detail::field(field, format!("{raw:?} is not a number")));
        }
        parsed
    }

    /// `raw` as a whole number, or a problem named `field`.
    pub fn parse_whole(&mut self, field: &str, raw: &str) -> Option<u32> {
        let parsed = raw.trim().replace(['\u{a0}', '\u{202f}', ' '], "").parse::<u32>().ok();
        if parsed.is_none() {
            self.problems.push(Detail::field(field, format!("{raw:?} is not a whole number")));
        }
        parsed
    }

    pub fn optional(&mut self, name: &str) -> Option<f64> {
        let raw = self.text(name);
        if raw.is_empty() {
            return None;
        }
        self.parse(name, raw)
    }

    pub fn number(&mut self, name: &str) -> f64 {
        if self.text(name).is_empty() {
            self.problems.push(Detail::field(name, "is required"));
            return 0.0;
        }
        self.optional(name).unwrap_or(0.0)
    }

    /// A percentage typed, as a share.
    pub fn share(&mut self, name: &str) -> f64 {
        self.number(name) / 100.0
    }

    pub fn whole(&mut self, name: &str) -> Option<u32> {
        let raw = self.text(name);
        if raw.is_empty() {
            return None;
        }
        self.parse_whole(name, raw)
    }

    /// The non-empty lines of a text area, each with its index.
    pub fn lines(&self, name: &str) -> Vec<(usize, &'a str)> {
        self.text(name).lines().map(str::trim).filter(|l| !l.is_empty()).enumerate().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_read_and_write_back() {
        let fields: Fields =
            [("a", "12,5"), ("b", "3 200"), ("c", "douze"), ("d", "")].map(|(k, v)| (k.into(), v.into())).into();
        let mut r = Reader::new(&fields);
        assert_eq!(r.number("a"), 12.5);
        assert_eq!(r.optional("b"), Some(3200.0));
        assert_eq!(r.optional("c"), None);
        assert_eq!(r.optional("d"), None);
        assert_eq!(r.number("d"), 0.0);
        let named: Vec<_> = r.problems.iter().map(|p| p.field.clone().unwrap()).collect();
        assert_eq!(named, ["c", "d"]);
        assert_eq!(number(12.5), "12,5");
        assert_eq!(percent(0.6), "60");
        assert_eq!(number(3.0), "3");
    }
}
