//! Departures known in advance, worked out from people: a planned departure with its date and
//! reason, or retirement at the legal age of the person's birth cohort. The age table is a
//! setting because the law moves; `default_retirement_ages` is the schedule of the 2023 reform
//! (loi n° 2023-270), to be edited when the law changes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::Reason))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Retirement,
    Mobility,
    EndOfContract,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 4] = [Reason::Retirement, Reason::Mobility, Reason::EndOfContract, Reason::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Retirement => "retirement",
            Reason::Mobility => "mobility",
            Reason::EndOfContract => "end_of_contract",
            Reason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A year and month, as `(year, month)`: birth dates and departures are read at the month.
pub type Month = (i32, u32);

/// The legal retirement age of people born from `born_from` (until the next row's cohort).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = trajectory::RetirementAge))]
#[serde(deny_unknown_fields)]
pub struct RetirementAge {
    /// First birth month of the cohort, `YYYY-MM`.
    pub born_from: String,
    pub years: u32,
    #[serde(default)]
    pub months: u32,
}

/// The 2023 reform's schedule: 62 years for people born before September 1961, then three more
/// months per cohort up to 64 years for people born from 1968.
pub fn default_retirement_ages() -> Vec<RetirementAge> {
    let row = |born_from: &str, years, months| RetirementAge { born_from: born_from.to_string(), years, months };
    vec![
        row("1900-01", 62, 0),
        row("1961-09", 62, 3),
        row("1962-01", 62, 6),
        row("1963-01", 62, 9),
        row("1964-01", 63, 0),
        row("1965-01", 63, 3),
        row("1966-01", 63, 6),
        row("1967-01", 63, 9),
        row("1968-01", 64, 0),
    ]
}

/// Reads `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<Month> {
    let (y, m) = text.split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (y > 0 && (1..=12).contains(&m) && text.len() == 7).then_some((y, m))
}

/// Checks a table: months as `YYYY-MM`, in increasing order, ages between 50 and 75 years.
pub fn check_table(table: &[RetirementAge]) -> Result<(), String> {
    let mut previous = None;
    for (i, row) in table.iter().enumerate() {
        let Some(from) = parse_month(&row.born_from) else {
            return Err(format!("retirement_ages[{i}].born_from: expected YYYY-MM, got {}", row.born_from));
        };
        if previous.is_some_and(|p| p >= from) {
            return Err(format!("retirement_ages[{i}].born_from: cohorts must come in increasing order"));
        }
        if !(50..=75).contains(&row.years) || row.months > 11 {
            return Err(format!("retirement_ages[{i}]: an age of 50 to 75 years and 0 to 11 months"));
        }
        previous = Some(from);
    }
    if table.is_empty() { Err("retirement_ages: at least one cohort".to_string()) } else { Ok(()) }
}

/// The month someone born in `birth` reaches the legal age of their cohort (the first row when
/// they were born before every cohort).
pub fn retirement_month(table: &[RetirementAge], birth: Month) -> Option<Month> {
    let row =
        table.iter().rev().find(|r| parse_month(&r.born_from).is_some_and(|from| from <= birth)).or(table.first())?;
    let months = birth.0 * 12 + birth.1 as i32 - 1 + row.years as i32 * 12 + row.months as i32;
    Some((months.div_euclid(12), months.rem_euclid(12) as u32 + 1))
}

/// Someone as the projection sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub birth: Option<Month>,
    /// A planned departure: its month and reason.
    pub departure: Option<(Month, Reason)>,
}

/// When and why someone leaves, as far as is known: the earlier of a planned departure and
/// retirement. A date already past counts in `first_year` (still here today, leaving soon).
pub fn exit(table: &[RetirementAge], person: &Person, first_year: i32) -> Option<(i32, Reason)> {
    let retirement = person.birth.and_then(|b| retirement_month(table, b)).map(|m| (m, Reason::Retirement));
    let known = match (person.departure, retirement) {
        (Some(d), Some(r)) => Some(if d.0 <= r.0 { d } else { r }),
        (d, r) => d.or(r),
    }?;
    Some((known.0.0.max(first_year), known.1))
}

/// Known departures per year of the horizon, from `exit`.
pub fn per_year<'a>(
    table: &[RetirementAge],
    people: impl IntoIterator<Item = &'a Person>,
    first_year: i32,
    years: usize,
) -> Vec<u32> {
    let mut out = vec![0; years];
    for person in people {
        if let Some((year, _)) = exit(table, person, first_year)
            && let Some(slot) = out.get_mut((year - first_year) as usize)
        {
            *slot += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legal_age_follows_the_birth_cohort() {
        let t = default_retirement_ages();
        assert_eq!(retirement_month(&t, (1961, 8)), Some((2023, 8)));
        assert_eq!(retirement_month(&t, (1961, 9)), Some((2023, 12)));
        assert_eq!(retirement_month(&t, (1964, 5)), Some((2027, 5)));
        assert_eq!(retirement_month(&t, (1967, 11)), Some((2031, 8)));
        assert_eq!(retirement_month(&t, (1990, 2)), Some((2054, 2)));
        assert_eq!(retirement_month(&t, (1950, 3)), Some((2012, 3)));
    }

    #[test]
    fn a_planned_departure_before_retirement_wins_and_a_past_date_counts_in_the_first_year() {
        let t = default_retirement_ages();
        let mobile = Person { birth: Some((1980, 1)), departure: Some(((2028, 3), Reason::Mobility)) };
        assert_eq!(exit(&t, &mobile, 2027), Some((2028, Reason::Mobility)));
        let late = Person { birth: Some((1964, 5)), departure: Some(((2029, 1), Reason::Other)) };
        assert_eq!(exit(&t, &late, 2027), Some((2027, Reason::Retirement)));
        let past_age = Person { birth: Some((1959, 1)), departure: None };
        assert_eq!(exit(&t, &past_age, 2027), Some((2027, Reason::Retirement)));
        assert_eq!(exit(&t, &Person { birth: None, departure: None }, 2027), None);
        let people = [mobile, late, past_age, Person { birth: Some((1966, 1)), departure: None }];
        assert_eq!(per_year(&t, &people, 2027, 3), vec![2, 1, 1]);
    }

    #[test]
    fn a_table_out_of_order_or_with_a_bad_month_is_refused() {
        let mut t = default_retirement_ages();
        assert!(check_table(&t).is_ok());
        t[2].born_from = "1961-01".into();
        assert!(check_table(&t).unwrap_err().contains("retirement_ages[2].born_from"));
        t[2].born_from = "1962-13".into();
        assert!(check_table(&t).unwrap_err().contains("YYYY-MM"));
    }
}
