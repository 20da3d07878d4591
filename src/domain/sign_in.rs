//! Signing in with a password, slowed and locked after repeated failures.
//!
//! Failures are counted per account name (whether the account exists or not, so that a lock
//! tells nothing of who exists) and per client address, in the database, so that every instance
//! sees them. After `max_failures` failures within the lock time an account name is locked for
//! that time; an address after five times as many, since one office may share an address. A
//! success clears the account's count, not the address's. An administrator can lift an account's
//! lock at once. Each lock is logged with the account or address, never with a password.

use std::net::IpAddr;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::users::{self, User};
use crate::db::DbConnection;
use crate::db::schema::sign_in_failures as f;
use crate::error::ApiError;

/// How failures are limited.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// Failures of one account name before it is locked.
    pub max_failures: i32,
    /// How long a lock lasts, and how long a failure is remembered.
    pub lock: Duration,
}

/// Failures of one address, as a multiple of an account's.
const ADDRESS_FACTOR: i32 = 5;

/// What a password sign-in led to.
pub enum Outcome {
    SignedIn(User),
    /// Wrong name or password; the count of recent failures of the account name, to slow the
    /// answer down with.
    Refused {
        failures: i32,
    },
}

fn account(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

fn address(ip: IpAddr) -> String {
    format!("address:{ip}")
}

/// Checks the password of `username`, unless the name or the address is locked (429).
pub fn sign_in(
    conn: &mut DbConnection,
    username: &str,
    password: &str,
    from: Option<IpAddr>,
    throttle: Throttle,
) -> Result<Outcome, ApiError> {
    let now = crate::domain::now();
    let mut subjects = vec![(account(username), throttle.max_failures)];
    if let Some(ip) = from {
        subjects.push((address(ip), throttle.max_failures * ADDRESS_FACTOR));
    }
    let names: Vec<&str> = subjects.iter().map(|(s, _)| s.as_str()).collect();
    let lock_ends: Option<NaiveDateTime> = f::table
        .filter(f::subject.eq_any(&names))
        .filter(f::locked_until.gt(now))
        .select(diesel::dsl::max(f::locked_until))
        .first::<Option<NaiveDateTime>>(conn)?;
    if let Some(end) = lock_ends {
        let retry_after = (end - now).num_seconds().max(1) as u64;
        return Err(ApiError::TooManyRequests {
            message: format!("too many failed sign-ins: try again in {retry_after} seconds"),
            retry_after,
        });
    }
    if let Some(user) = users::authenticate(conn, username, password)? {
        diesel::delete(f::table.filter(f::subject.eq(account(username)))).execute(conn)?;
        return Ok(Outcome::SignedIn(user));
    }
    let mut failures = 0;
    for (subject, limit) in &subjects {
        let count = record_failure(conn, subject, *limit, throttle, now)?;
        if subject.starts_with("account:") {
            failures = count;
        }
    }
    Ok(Outcome::Refused { failures })
}

/// Counts one failure of `subject` (a failure older than the lock time starts the count again)
/// and locks it once the count reaches `limit`. Each statement is atomic on both backends, so
/// concurrent failures are all counted.
fn record_failure(
    conn: &mut DbConnection,
    subject: &str,
    limit: i32,
    throttle: Throttle,
    now: NaiveDateTime,
) -> Result<i32, ApiError> {
    let lock = chrono::Duration::from_std(throttle.lock).unwrap_or(chrono::Duration::minutes(15));
    let mine = || f::table.filter(f::subject.eq(subject));
    diesel::update(mine().filter(f::last_failure_at.lt(now - lock)))
        .set((f::failures.eq(0), f::locked_until.eq(None::<NaiveDateTime>)))
        .execute(conn)?;
    let counted =
        diesel::update(mine()).set((f::failures.eq(f::failures + 1), f::last_failure_at.eq(now))).execute(conn)?;
    if counted == 0 {
        let first = diesel::insert_into(f::table)
            .values((f::subject.eq(subject), f::failures.eq(1), f::last_failure_at.eq(now)))
            .execute(conn);
        match first {
            Ok(_) => {}
            // Another failure of the same subject inserted its row first: count on it.
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                diesel::update(mine()).set(f::failures.eq(f::failures + 1)).execute(conn)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let failures: i32 = mine().select(f::failures).first(conn)?;
    if failures >= limit {
        let locked = diesel::update(mine().filter(f::locked_until.is_null()))
            .set(f::locked_until.eq(now + lock))
            .execute(conn)?;
        if locked == 1 {
            tracing::warn!(subject, failures, lock_secs = lock.num_seconds(), "sign-in locked after repeated failures");
        }
    }
    Ok(failures)
}

/// Lifts the lock of an account name and forgets its failures.
pub fn unlock_account(conn: &mut DbConnection, username: &str) -> Result<(), ApiError> {
    let removed = diesel::delete(f::table.filter(f::subject.eq(account(username)))).execute(conn)?;
    if removed > 0 {
        tracing::info!(user = username, "sign-in lock lifted by an administrator");
    }
    Ok(())
}

/// How long to wait before answering a refused sign-in: a quarter second per recent failure, at
/// most two seconds. The wait happens off the database and off the worker threads.
pub fn delay(failures: i32) -> Duration {
    Duration::from_millis(250 * u64::try_from(failures.clamp(0, 8)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_waits_longer_with_each_failure_up_to_two_seconds() {
        assert_eq!(delay(0), Duration::ZERO);
        assert_eq!(delay(1), Duration::from_millis(250));
        assert_eq!(delay(4), Duration::from_secs(1));
        assert_eq!(delay(50), Duration::from_secs(2));
    }

    #[test]
    fn account_names_are_counted_whatever_their_case() {
        assert_eq!(account(" Admin "), account("admin"));
        assert_eq!(address("10.0.0.7".parse().unwrap()), "address:10.0.0.7");
    }
}
