//! Instants as the API writes them: stored as UTC without an offset (both backends give back
//! exactly what was written), shown as RFC 3339 with `Z` so that no client has to guess the zone.
//! Use with `#[serde(with = "crate::domain::utc")]`, or `utc::optional` for an `Option`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&text(at))
}

/// Reads RFC 3339 with any offset (converted to UTC), or a plain UTC instant.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
    parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

/// `2026-12-03T13:22:45.023945Z`.
pub fn text(at: &NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse(raw: &str) -> Result<NaiveDateTime, String> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.naive_utc())
        .or_else(|_| raw.parse::<NaiveDateTime>())
        .map_err(|_| format!("{raw:?} is not an RFC 3339 instant"))
}

pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|raw| parse(&raw).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_is_written_with_its_zone_and_read_back_from_any_offset() {
        let at = NaiveDateTime::parse_from_str("2026-12-03 13:22:45.023945", "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(text(&at), "2026-12-03T13:22:45.023945Z");
        assert_eq!(parse("2026-12-03T13:22:45.023945Z").unwrap(), at);
        assert_eq!(parse("2026-12-03T14:22:45.023945+01:00").unwrap(), at);
        assert_eq!(parse("2026-12-03T13:22:45.023945").unwrap(), at);
        assert!(parse("03/12/2026").is_err());
    }
}
