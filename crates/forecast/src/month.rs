//! A calendar month, `YYYY-MM`: the step of every series here.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Months since year 0: adding and subtracting months is integer arithmetic.
    index: i32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then(|| Self { index: year * 12 + month as i32 - 1 })
    }

    /// `YYYY-MM` (surrounding spaces allowed), or why not.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let bad = || format!("'{raw}' is not a month: YYYY-MM, as 2027-01");
        let (year, month) = raw.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let (year, month) = (year.parse().map_err(|_| bad())?, month.parse().map_err(|_| bad())?);
        Self::new(year, month).ok_or_else(bad)
    }

    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }

    pub fn plus(self, months: i32) -> Self {
        Self { index: self.index + months }
    }

    /// Months from `earlier` to `self` (negative if `earlier` is later).
    pub fn since(self, earlier: Month) -> i32 {
        self.index - earlier.index
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_print_and_step_across_years() {
        let m = Month::parse(" 2026-11 ").unwrap();
        assert_eq!(m.plus(2).to_string(), "2027-01");
        assert_eq!(m.plus(-11).to_string(), "2025-12");
        assert_eq!(Month::parse("2027-01").unwrap().since(m), 2);
    }

    #[test]
    fn a_month_that_is_not_one_is_refused() {
        for raw in ["2026-13", "2026-00", "26-01", "2026/01", "2026-1", "abcd-01", ""] {
            assert!(Month::parse(raw).is_err(), "{raw}");
        }
    }
}
