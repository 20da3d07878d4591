//! What the workforce trajectory needs of an agent: the contract, a departure already known
//! (date and reason), and the birth date. A birth date is personal data: only `hr` and `admin` of
//! the agent's own organisation read it; everyone else gets the agent without it, in the API,
//! the pages and the exports, and the audit trail records only that it changed.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Principal;
use super::types::Role;
use crate::error::Detail;

pub use gpec_trajectory::departures::Reason as DepartureReason;

/// The agent's contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    #[default]
    Cdi,
    Cdd,
    Alternance,
}

impl Contract {
    pub const ALL: [Contract; 3] = [Contract::Cdi, Contract::Cdd, Contract::Alternance];

    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Cdi => "cdi",
            Contract::Cdd => "cdd",
            Contract::Alternance => "alternance",
        }
    }

    pub fn parse(text: &str) -> Option<Contract> {
        Contract::ALL.into_iter().find(|c| c.as_str() == text.trim().to_lowercase())
    }
}

/// Whether `who` may read the birth dates of organisation `organisation_id`'s agents: `hr` and
/// `admin` of that organisation, and the operator of the `gpec` command, who holds the database.
pub fn may_read_birth_date(who: &Principal, organisation_id: i32) -> bool {
    who.speaks_for(organisation_id, &[Role::Hr]) || (who.user_id == 0 && who.has(Role::Admin))
}

/// The problems of the projection fields, by field.
pub fn problems(
    birth_date: Option<NaiveDate>,
    start_date: NaiveDate,
    departure_date: Option<NaiveDate>,
    departure_reason: Option<DepartureReason>,
) -> Vec<Detail> {
    let mut details = Vec::new();
    if let Some(birth) = birth_date {
        // Someone starts work at 14 at the earliest (apprentices), and is not older than 80.
        let age = start_date.year() - birth.year();
        if !(14..=80).contains(&age) {
            details
                .push(Detail::field("birth_date", format!("gives an age of {age} at start_date; expected 14 to 80")));
        }
    }
    match (departure_date, departure_reason) {
        (Some(_), None) => details.push(Detail::field("departure_reason", "required with departure_date")),
        (None, Some(_)) => details.push(Detail::field("departure_date", "required with departure_reason")),
        (Some(date), Some(_)) if date < start_date => {
            details.push(Detail::field("departure_date", "must not be before start_date"))
        }
        _ => {}
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_departure_needs_its_date_and_reason_after_the_start() {
        let start = day(2020, 1, 1);
        let fields = |d: Vec<Detail>| d.into_iter().filter_map(|d| d.field).collect::<Vec<_>>();
        assert!(
            problems(Some(day(1980, 5, 1)), start, Some(day(2028, 1, 1)), Some(DepartureReason::Mobility)).is_empty()
        );
        assert_eq!(fields(problems(None, start, Some(day(2028, 1, 1)), None)), ["departure_reason"]);
        assert_eq!(fields(problems(None, start, None, Some(DepartureReason::Other))), ["departure_date"]);
        assert_eq!(
            fields(problems(None, start, Some(day(2019, 1, 1)), Some(DepartureReason::Other))),
            ["departure_date"]
        );
        assert_eq!(fields(problems(Some(day(2015, 1, 1)), start, None, None)), ["birth_date"]);
    }

    #[test]
    fn contracts_read_in_any_case() {
        assert_eq!(Contract::parse(" CDD "), Some(Contract::Cdd));
        assert_eq!(Contract::parse("interim"), None);
    }
}
