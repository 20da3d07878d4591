//! Sessions of the web application: opened by signing in, ended by signing out, by idleness, or
//! by a password change or deactivation of the account.
//!
//! The browser holds a random secret in a cookie; the database keeps only its SHA-256, with the
//! session's CSRF token, so that every instance sharing the database knows every session and a
//! copy of the database opens none.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::users::{self, User};
use crate::db::DbConnection;
use crate::db::schema::web_sessions as ws;
use crate::error::ApiError;

/// A session just opened: the secret for the cookie, shown once, and its CSRF token.
pub struct Opened {
    pub secret: String,
    pub csrf: String,
}

/// A live session: whose it is, and the CSRF token its forms must carry.
pub struct Resumed {
    pub user: User,
    pub csrf: String,
}

/// How long a session may stay without a request.
#[derive(Debug, Clone, Copy)]
pub struct Idle(pub Duration);

impl Idle {
    fn since(self, now: NaiveDateTime) -> NaiveDateTime {
        now - chrono::Duration::from_std(self.0).unwrap_or(chrono::Duration::MAX)
    }
}

/// A session's last request is written again only after this long, so that a page's many
/// requests do not each write to the database.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// A fresh random token (256 bits, hex), for a form or a cookie.
pub fn new_token() -> String {
    random_hex()
}

fn random_hex() -> String {
    format!("{:032x}{:032x}", rand::rng().random::<u128>(), rand::rng().random::<u128>())
}

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens a session for `user`, and ends the sessions that have been idle too long.
pub fn open(conn: &mut DbConnection, user: &User, idle: Idle) -> Result<Opened, ApiError> {
    let now = super::now();
    diesel::delete(ws::table.filter(ws::last_seen_at.lt(idle.since(now)))).execute(conn)?;
    let opened = Opened { secret: random_hex(), csrf: random_hex() };
    diesel::insert_into(ws::table)
        .values((
            ws::secret_hash.eq(digest(&opened.secret)),
            ws::user_id.eq(user.id),
            ws::token_epoch.eq(user.token_epoch),
            ws::csrf_token.eq(&opened.csrf),
            ws::created_at.eq(now),
            ws::last_seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(opened)
}

/// The session a cookie's secret names, if it is still live: not idle too long, its user still
/// active, with the same password. A session found dead is deleted.
pub fn resume(conn: &mut DbConnection, secret: &str, idle: Idle) -> Result<Option<Resumed>, ApiError> {
    let now = super::now();
    let found: Option<(i32, i32, i32, String, NaiveDateTime)> = ws::table
        .filter(ws::secret_hash.eq(digest(secret)))
        .select((ws::id, ws::user_id, ws::token_epoch, ws::csrf_token, ws::last_seen_at))
        .first(conn)
        .optional()?;
    let Some((id, user_id, epoch, csrf, last_seen)) = found else {
        return Ok(None);
    };
    let user = users::find_by_id(conn, user_id)?;
    let live = last_seen >= idle.since(now);
    match user {
        Some(user) if live && user.active && user.token_epoch == epoch && !user.must_change_password => {
            if now - last_seen >= TOUCH_EVERY {
                diesel::update(ws::table.find(id)).set(ws::last_seen_at.eq(now)).execute(conn)?;
            }
            Ok(Some(Resumed { user, csrf }))
        }
        _ => {
            diesel::delete(ws::table.find(id)).execute(conn)?;
            Ok(None)
        }
    }
}

/// Ends the session a cookie's secret names (nothing when there is none).
pub fn close(conn: &mut DbConnection, secret: &str) -> Result<(), ApiError> {
    diesel::delete(ws::table.filter(ws::secret_hash.eq(digest(secret)))).execute(conn)?;
    Ok(())
}

/// Whether a submitted CSRF token is the session's, compared in constant time.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    expected.len() == submitted.len() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_stored_only_as_their_digest() {
        let (a, b) = (random_hex(), random_hex());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_csrf_token_must_match_exactly() {
        assert!(csrf_matches("0123abcd", "0123abcd"));
        assert!(!csrf_matches("0123abcd", "0123abce"));
        assert!(!csrf_matches("0123abcd", "0123abc"));
        assert!(!csrf_matches("0123abcd", ""));
    }

    #[test]
    fn idleness_counts_back_from_now() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let since = Idle(Duration::from_secs(30 * 60)).since(now);
        assert_eq!(since, now - chrono::Duration::minutes(30));
    }
}
