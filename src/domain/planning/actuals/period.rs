//! The period of an actual: a month (`2027-01`) or an ISO week (`2027-W03`). A week belongs to
//! the month of its Thursday, as ISO 8601 gives a week to the year of its Thursday: so each week
//! falls in exactly one month, and a month has four or five weeks.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::types::Period;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActualPeriod {
    Month(Period),
    /// The Monday the week starts on.
    Week(NaiveDate),
}

impl ActualPeriod {
    /// `YYYY-MM` or `YYYY-Www` (surrounding spaces allowed), refused naming `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let raw = raw.trim();
        let Some((year, week)) = raw.split_once("-W") else {
            return Period::parse(field, raw).map(Self::Month);
        };
        let bad = || ApiError::invalid(field, format!("{raw:?} is not a month YYYY-MM nor an ISO week YYYY-Www"));
        if year.len() != 4 || week.len() != 2 {
            return Err(bad());
        }
        let (year, week): (i32, u32) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        if year < 1900 {
            return Err(bad());
        }
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(Self::Week).ok_or_else(bad)
    }

    /// The month it counts in: itself, or its Thursday's.
    pub fn month(self) -> Period {
        match self {
            Self::Month(month) => month,
            Self::Week(monday) => Period::of_date(monday + chrono::Days::new(3)),
        }
    }

    /// The period before, of the same kind: the one whose stock this one starts from.
    pub fn previous(self) -> Self {
        match self {
            Self::Month(month) => Self::Month(month.plus(-1)),
            Self::Week(monday) => Self::Week(monday - chrono::Days::new(7)),
        }
    }

    pub fn next(self) -> Self {
        match self {
            Self::Month(month) => Self::Month(month.plus(1)),
            Self::Week(monday) => Self::Week(monday + chrono::Days::new(7)),
        }
    }

    pub fn is_week(self) -> bool {
        matches!(self, Self::Week(_))
    }

    /// The weeks of `month`: those whose Thursday falls in it.
    pub fn weeks_of(month: Period) -> usize {
        let (first, last) = (month.first_day(), month.last_day());
        (first.day()..=last.day())
            .filter(|&d| first.with_day(d).is_some_and(|date| date.weekday() == Weekday::Thu))
            .count()
    }
}

/// By month, a month before its own weeks, then weeks in order: as a report lists them.
impl Ord for ActualPeriod {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |p: &Self| match *p {
            Self::Month(month) => (month, None),
            Self::Week(monday) => (p.month(), Some(monday)),
        };
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for ActualPeriod {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for ActualPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Month(month) => month.fmt(f),
            Self::Week(monday) => {
                let week = monday.iso_week();
                write!(f, "{:04}-W{:02}", week.year(), week.week())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(raw: &str) -> ActualPeriod {
        ActualPeriod::parse("period", raw).unwrap()
    }

    #[test]
    fn months_and_iso_weeks_parse_and_print_back() {
        for raw in ["2027-01", "2027-W03", "2026-W53", "2027-W01"] {
            assert_eq!(p(raw).to_string(), raw);
        }
        for raw in ["2027-W00", "2027-W54", "2027-W1", "2027-13", "27-W01", "2027-Wxx"] {
            assert!(ActualPeriod::parse("period", raw).is_err(), "{raw}");
        }
        // 2027 has 52 ISO weeks: its week 53 does not exist.
        assert!(ActualPeriod::parse("period", "2027-W53").is_err());
    }

    #[test]
    fn a_week_counts_in_the_month_of_its_thursday() {
        // 2026-W53 runs from Monday 28 December 2026 to Sunday 3 January 2027; its Thursday is
        // 31 December: it counts in December 2026.
        assert_eq!(p("2026-W53").month().to_string(), "2026-12");
        // 2027-W05 runs from Monday 1 to Sunday 7 February.
        assert_eq!(p("2027-W05").month().to_string(), "2027-02");
        // 2027-W09 runs from Monday 1 March; 2027-W13 from Monday 29 March to 4 April, Thursday 1 April.
        assert_eq!(p("2027-W13").month().to_string(), "2027-04");
        assert_eq!(p("2027-W01").previous(), p("2026-W53"));
        assert_eq!(p("2027-01").previous(), p("2026-12"));
        let mut sorted = [p("2027-W05"), p("2027-02"), p("2027-W04"), p("2027-01")];
        sorted.sort();
        assert_eq!(sorted.map(|p| p.to_string()), ["2027-01", "2027-W04", "2027-02", "2027-W05"]);
    }

    #[test]
    fn a_month_has_four_or_five_weeks() {
        let months = |raw: &str| ActualPeriod::weeks_of(Period::parse("m", raw).unwrap());
        assert_eq!(months("2027-02"), 4);
        assert_eq!(months("2027-04"), 5, "Thursdays 1, 8, 15, 22 and 29 April 2027");
        assert_eq!(months("2026-12"), 5, "Thursdays 3, 10, 17, 24 and 31 December 2026");
    }
}
