//! Signing in with a password, slowed and locked after repeated failures.
//!
//! Failures are counted per account name (whether the account exists or not, so that a lock
//! tells nothing of who exists) and per client address, in the database, so that every instance
//! sees them. After `max_failures` failures within the lock time an account name is locked for
//! that time; an address after five times as many, since one office may share an address. A
//! success clears the account's count, not the address's. An administrator can lift an account's
//! lock at once. Each lock is logged with the account or address, never with a password.
//!
//! With a directory set (`GPEC_LDAP_URL`), directory accounts and names gpec does not know are
//! checked by the directory, and their account follows their groups at each sign-in.

use std::net::IpAddr;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::Principal;
use super::audit::Origin;
use super::directory::{Checked, Directory, Grant, GroupRule, grant};
use super::organisations;
use super::types::{Password, Username};
use super::users::{self, User};
use crate::db::schema::sign_in_failures as f;
use crate::db::{Db, DbConnection};
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

/// What a sign-in led to.
pub enum Outcome {
    SignedIn(User),
    /// Wrong name or password; the count of recent failures of the account name, to slow the
    /// answer down with.
    Refused {
        failures: i32,
    },
    /// The directory knows the password but grants no access to gpec: why, for the user.
    NoAccess(String),
}

/// One sign-in attempt. Its password never reaches a log.
#[derive(Clone)]
pub struct Attempt {
    pub username: String,
    pub password: String,
    /// The client's address, to count failures per address too.
    pub from: Option<IpAddr>,
}

fn account(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

fn address(ip: IpAddr) -> String {
    format!("address:{ip}")
}

/// Where an attempt's password is checked, once the lock check let it through.
enum First {
    /// Checked against the local password: this is the outcome.
    Done(Outcome),
    /// A directory account, or a name gpec does not know while a directory is set.
    Directory,
}

/// Signs in: a local account with its gpec password; a directory account, or an unknown name
/// when a directory is set, with the directory's. A locked account name or address is refused
/// first (429), whichever checks the password, so the directory cannot be guessed at through
/// gpec either. The directory is asked without holding a database connection.
pub async fn sign_in<D: Directory>(
    db: &Db,
    directory: Option<&D>,
    attempt: Attempt,
    throttle: Throttle,
    origin: Origin,
) -> Result<Outcome, ApiError> {
    let (first_attempt, directory_on) = (attempt.clone(), directory.is_some());
    let first = db.run(move |conn| first_check(conn, &first_attempt, throttle, directory_on)).await?;
    let directory = match (first, directory) {
        (First::Done(outcome), _) => return Ok(outcome),
        (First::Directory, Some(directory)) => directory,
        // `first_check` sends nobody to a directory that is not set.
        (First::Directory, None) => return Ok(Outcome::Refused { failures: 0 }),
    };
    let checked = directory.check(attempt.username.trim(), &attempt.password).await?;
    let rules = directory.rules().to_vec();
    db.run(move |conn| settle(conn, &attempt, checked, &rules, throttle, origin)).await
}

fn first_check(
    conn: &mut DbConnection,
    attempt: &Attempt,
    throttle: Throttle,
    directory_on: bool,
) -> Result<First, ApiError> {
    let now = crate::domain::now();
    let names: Vec<String> = subjects(attempt, throttle).into_iter().map(|(s, _)| s).collect();
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
    // Refused before any hashing or directory call: neither should work on whatever a client sends.
    if attempt.password.chars().count() > Password::MAX_LEN {
        return Err(ApiError::invalid("password", format!("must be at most {} characters", Password::MAX_LEN)));
    }
    // Only with a directory is there a choice to make; without one every name is local.
    if directory_on && users::find_by_username(conn, attempt.username.trim())?.is_none_or(|u| u.directory) {
        return Ok(First::Directory);
    }
    if let Some(user) = users::authenticate(conn, &attempt.username, &attempt.password)? {
        clear_account(conn, &attempt.username)?;
        return Ok(First::Done(Outcome::SignedIn(user)));
    }
    Ok(First::Done(Outcome::Refused { failures: count_failure(conn, attempt, throttle)? }))
}

/// What the directory's answer leads to: the account created or brought up to date from the
/// group rules, or no access (and the roles of an account whose groups no longer grant any are
/// taken away, its tokens revoked).
fn settle(
    conn: &mut DbConnection,
    attempt: &Attempt,
    checked: Checked,
    rules: &[GroupRule],
    throttle: Throttle,
    origin: Origin,
) -> Result<Outcome, ApiError> {
    let Checked::Valid { dn, groups } = checked else {
        return Ok(Outcome::Refused { failures: count_failure(conn, attempt, throttle)? });
    };
    clear_account(conn, &attempt.username)?;
    // Directories compare names without case: one account per person, whatever they type.
    let username = attempt.username.trim().to_lowercase();
    let Ok(name) = Username::parse("username", &username) else {
        return Ok(Outcome::NoAccess(format!("the directory name {username:?} cannot be a gpec username")));
    };
    let system = Principal { origin, ..Principal::system() };
    let refusal = match grant(rules, &groups) {
        Grant::Access { organisation, roles } => {
            let Some(org) = organisations::find_by_code(conn, &organisation)? else {
                tracing::error!(organisation, "a directory group rule names an organisation gpec does not have");
                return Ok(Outcome::NoAccess(format!(
                    "your directory groups give access to organisation {organisation}, which gpec does not have; \
                     tell an administrator"
                )));
            };
            let user = users::sync_directory_account(conn, &system, &name, &org, &roles)?;
            if !user.active {
                return Ok(Outcome::Refused { failures: count_failure(conn, attempt, throttle)? });
            }
            tracing::info!(user = %user.username, dn, "directory sign-in");
            return Ok(Outcome::SignedIn(user));
        }
        Grant::Nothing => "none of your directory groups gives access to gpec".to_owned(),
        Grant::Ambiguous(organisations) => format!(
            "your directory groups give access to several organisations ({}), and an account belongs to one",
            organisations.join(", ")
        ),
    };
    users::revoke_directory_account(conn, &system, &name)?;
    tracing::info!(user = %username, dn, "directory sign-in refused: no access from the group rules");
    Ok(Outcome::NoAccess(refusal))
}

/// The subjects an attempt's failures count against, with their limits.
fn subjects(attempt: &Attempt, throttle: Throttle) -> Vec<(String, i32)> {
    let mut subjects = vec![(account(&attempt.username), throttle.max_failures)];
    if let Some(ip) = attempt.from {
        subjects.push((address(ip), throttle.max_failures * ADDRESS_FACTOR));
    }
    subjects
}

fn clear_account(conn: &mut DbConnection, username: &str) -> Result<(), ApiError> {
    diesel::delete(f::table.filter(f::subject.eq(account(username)))).execute(conn)?;
    Ok(())
}

/// Counts a failure of the attempt's account name and address; the account's count.
fn count_failure(conn: &mut DbConnection, attempt: &Attempt, throttle: Throttle) -> Result<i32, ApiError> {
    let now = crate::domain::now();
    let mut failures = 0;
    for (subject, limit) in subjects(attempt, throttle) {
        let count = record_failure(conn, &subject, limit, throttle, now)?;
        if subject.starts_with("account:") {
            failures = count;
        }
    }
    Ok(failures)
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
