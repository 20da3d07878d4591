//! Versions over HTTP: a versioned resource answers with `ETag: "N"`, its version; an edit names
//! the version it was made from in its body (`"version": N`) or as `If-Match: "N"`. A stale one
//! is refused and nothing is written: 409 from the body, 412 under `If-Match` (RFC 9110).

use std::future::{Ready, ready};

use actix_web::http::header::{ETAG, IF_MATCH};
use actix_web::{FromRequest, HttpRequest, dev::Payload};

use crate::error::ApiError;

/// The `If-Match` of a request: one strong entity tag, `"N"`.
pub struct IfMatch(Option<i32>);

impl IfMatch {
    fn parse(raw: &str) -> Result<Option<i32>, ApiError> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(None); // any current version: the body's then decides
        }
        let refused =
            |why: &str| ApiError::invalid("If-Match", format!("{why}; expected the ETag of a GET, e.g. \"3\""));
        if raw.starts_with("W/") {
            return Err(refused("a weak tag never matches an edit"));
        }
        let version = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).ok_or_else(|| refused("not one tag"))?;
        version.parse().map(Some).map_err(|_| refused("not a version of gpec"))
    }

    /// The version the edit was made from, and whether `If-Match` named it. Without either, 400.
    pub fn expected(&self, body: Option<i32>) -> Result<(i32, bool), ApiError> {
        match (self.0, body) {
            (Some(tag), Some(version)) if tag != version => Err(ApiError::invalid(
                "version",
                format!("{version} contradicts If-Match \"{tag}\": send one, or the same in both"),
            )),
            (Some(tag), _) => Ok((tag, true)),
            (None, Some(version)) => Ok((version, false)),
            (None, None) => Err(ApiError::invalid("version", "required, in the body or as If-Match")),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.headers().get(IF_MATCH) {
            None => Ok(Self(None)),
            Some(value) => {
                value.to_str().map_err(|_| ApiError::invalid("If-Match", "not text")).and_then(Self::parse).map(Self)
            }
        })
    }
}

/// Runs an edit made from `expected`: under `If-Match`, a stale version answers 412.
pub fn edit<T>(expected: (i32, bool), write: impl FnOnce(i32) -> Result<T, ApiError>) -> Result<T, ApiError> {
    let (version, under_if_match) = expected;
    write(version).map_err(|e| if under_if_match { e.under_if_match() } else { e })
}

/// The `ETag` header of version `version`.
pub fn etag(version: i32) -> (actix_web::http::header::HeaderName, String) {
    (ETAG, format!("\"{version}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_one_strong_tag_and_must_agree_with_the_body() {
        assert_eq!(IfMatch::parse("\"3\"").unwrap(), Some(3));
        assert_eq!(IfMatch::parse("*").unwrap(), None);
        for bad in ["W/\"3\"", "3", "\"3\", \"4\"", "\"x\""] {
            assert!(IfMatch::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(IfMatch(Some(3)).expected(None).unwrap(), (3, true));
        assert_eq!(IfMatch(Some(3)).expected(Some(3)).unwrap(), (3, true));
        assert_eq!(IfMatch(None).expected(Some(2)).unwrap(), (2, false));
        assert!(IfMatch(Some(3)).expected(Some(2)).is_err());
        assert!(IfMatch(None).expected(None).is_err());
    }
}
