//! Ages, contracts and known departures of the demo's agents, for the workforce trajectory: an
//! age pyramid like a CAF's (few under 30, about a quarter over 55), mostly CDI, some CDD and
//! apprentices whose contracts end, a few mobilities and declared retirements.

use chrono::{Datelike, Months, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;

pub struct Life {
    pub birth_date: String,
    pub contract: &'static str,
    pub departure_date: String,
    pub departure_reason: &'static str,
}

/// Age bands and their shares.
const PYRAMID: &[(i32, i32, f64)] =
    &[(22, 29, 0.08), (30, 39, 0.18), (40, 49, 0.27), (50, 54, 0.2), (55, 59, 0.19), (60, 64, 0.08)];

fn age(rng: &mut StdRng, newcomer: bool) -> i32 {
    if newcomer {
        return rng.random_range(22..=35);
    }
    let mut draw = rng.random_range(0.0..1.0);
    for &(low, high, share) in PYRAMID {
        draw -= share;
        if draw < 0.0 {
            return rng.random_range(low..=high);
        }
    }
    rng.random_range(40..=49)
}

/// Draws one agent's life; moves `start` (`YYYY-MM-DD`) later when it came before their 19th year.
pub fn draw(rng: &mut StdRng, today: NaiveDate, start: &mut String, newcomer: bool) -> Life {
    let age = age(rng, newcomer);
    let birth = NaiveDate::from_ymd_opt(today.year() - age, rng.random_range(1..=12), rng.random_range(1..=28))
        .unwrap_or(today);
    let earliest = birth.year() + 19;
    if let Ok(date) = NaiveDate::parse_from_str(start, "%Y-%m-%d")
        && date.year() < earliest
    {
        let year = (earliest + rng.random_range(0..4)).min(today.year());
        *start = format!("{year}-{:02}-01", date.month().min(today.month()));
    }
    let months_ahead = |rng: &mut StdRng, low: u32, high: u32| {
        let date = today.checked_add_months(Months::new(rng.random_range(low..=high))).unwrap_or(today);
        date.with_day(1).unwrap_or(date).to_string()
    };
    let roll = rng.random_range(0..100);
    let (contract, departure) = if (newcomer && roll < 30) || (!newcomer && roll < 4) {
        ("cdd", Some((months_ahead(rng, 6, 18), "end_of_contract")))
    } else if age < 27 && roll < 12 {
        ("alternance", Some((months_ahead(rng, 12, 24), "end_of_contract")))
    } else if age >= 62 && roll < 50 {
        ("cdi", Some((months_ahead(rng, 4, 16), "retirement")))
    } else if roll >= 97 {
        ("cdi", Some((months_ahead(rng, 3, 30), if roll == 99 { "other" } else { "mobility" })))
    } else {
        ("cdi", None)
    };
    let (departure_date, departure_reason) = departure.unwrap_or_default();
    Life { birth_date: birth.to_string(), contract, departure_date, departure_reason }
}
