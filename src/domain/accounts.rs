//! Running accounts: one's own password; and, for an organisation's administrators (national
//! ones over all), password resets, roles, deactivation, unlocking and deletion. Every front end
//! (API, CLI, pages) calls these functions. The last active administrator of `NATIONAL` cannot be
//! removed, demoted or deactivated: nobody could then run the accounts.

use diesel::prelude::*;

use super::access::Principal;
use super::audit::{self, Change};
use super::organisations;
use super::password;
use super::sign_in;
use super::types::{OrgKind, Password, Role};
use super::users::{self, User};
use crate::db::DbConnection;
use crate::db::schema::{organisations as o, user_roles, users as u};
use crate::error::ApiError;

/// A user an administrator may act on: of their organisation, or any for national ones. Another
/// organisation's user answers 404, like one that does not exist.
pub fn target(conn: &mut DbConnection, who: &Principal, username: &str) -> Result<User, ApiError> {
    let user = users::find_by_username(conn, username)?
        .filter(|user| who.can_access(user.organisation_id))
        .ok_or_else(|| ApiError::not_found(format!("user {username} not found")))?;
    who.require_any(&[Role::Admin])?;
    Ok(user)
}

/// What the trail keeps of an account: never its password.
fn snapshot(user: &User) -> serde_json::Value {
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    serde_json::json!({
        "organisation": user.organisation_code,
        "roles": roles,
        "active": user.active,
        "must_change_password": user.must_change_password,
    })
}

fn change(user: &User, action: &'static str) -> Change {
    Change::new(Some(user.organisation_id), "user", &user.username, action)
}

/// The user `id` as now stored.
fn reload(conn: &mut DbConnection, id: i32) -> Result<User, ApiError> {
    users::find_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("user not found"))
}

/// Changes one's own password, given the current one. Every earlier token stops working; the
/// caller gets the user as now stored, to issue a new one.
pub fn change_own_password(
    conn: &mut DbConnection,
    who: &Principal,
    current: &str,
    new: &str,
) -> Result<User, ApiError> {
    let user_id = who.user_id;
    let user = reload(conn, user_id)?;
    if user.directory {
        return Err(ApiError::conflict("a directory account's password is changed in the directory"));
    }
    if !users::password_matches(conn, user_id, current)? {
        return Err(ApiError::forbidden("current_password: is not your current password"));
    }
    if current == new {
        return Err(ApiError::invalid("new_password", "must differ from the current password"));
    }
    let new = Password::new_checked("new_password", new, &[&user.username, &user.organisation_code])?;
    let hash = password::hash(&new)?;
    crate::db::transaction(conn, |conn| {
        let after = set_password(conn, user_id, &hash, false)?;
        audit::record(conn, who, change(&user, "password_change").changed(&snapshot(&user), &snapshot(&after)))?;
        Ok(after)
    })
}

/// Gives `username` a one-time password, returned once, to be changed at the next sign-in. Their
/// tokens stop working and a sign-in lock is lifted.
pub fn reset_password(conn: &mut DbConnection, who: &Principal, username: &str) -> Result<(User, String), ApiError> {
    let user = target(conn, who, username)?;
    if user.id == who.user_id {
        // A reset would end the session that asked for it: one's own password changes with the
        // current one (`POST /me/password`).
        return Err(ApiError::conflict("change your own password with your current one, not by a reset"));
    }
    if user.directory {
        return Err(ApiError::conflict(format!("{username} signs in with the directory: reset the password there")));
    }
    let one_time = password::generate();
    let hash = password::hash(&Password::parse("password", &one_time)?)?;
    crate::db::transaction(conn, |conn| {
        let after = set_password(conn, user.id, &hash, true)?;
        sign_in::unlock_account(conn, &after.username)?;
        audit::record(conn, who, change(&user, "password_reset").changed(&snapshot(&user), &snapshot(&after)))?;
        Ok((after, one_time))
    })
}

fn set_password(conn: &mut DbConnection, user_id: i32, hash: &str, one_time: bool) -> Result<User, ApiError> {
    diesel::update(u::table.find(user_id))
        .set((
            u::password_hash.eq(hash),
            u::must_change_password.eq(i32::from(one_time)),
            u::token_epoch.eq(u::token_epoch + 1),
        ))
        .execute(conn)?;
    reload(conn, user_id)
}

/// Replaces the roles of `username`.
pub fn set_roles(conn: &mut DbConnection, who: &Principal, username: &str, roles: &[Role]) -> Result<User, ApiError> {
    crate::db::transaction(conn, |conn| {
        let user = target(conn, who, username)?;
        if !roles.contains(&Role::Admin) {
            keep_a_national_admin(conn, &user, "lose the admin role")?;
            if user.id == who.user_id {
                // As with deactivation: another administrator takes the role away, so that no one
                // locks themselves out by mistake.
                return Err(ApiError::conflict("you cannot take away your own admin role"));
            }
        }
        if user.directory {
            return Err(ApiError::conflict(format!(
                "{username}'s roles come from their directory groups; change the groups instead"
            )));
        }
        users::replace_roles(conn, user.id, roles)?;
        let after = reload(conn, user.id)?;
        audit::record(conn, who, change(&user, "roles").changed(&snapshot(&user), &snapshot(&after)))?;
        Ok(after)
    })
}

/// Deactivates or reactivates `username`. A deactivated account's tokens stop working at once and
/// stay dead after a reactivation.
pub fn set_active(conn: &mut DbConnection, who: &Principal, username: &str, active: bool) -> Result<User, ApiError> {
    crate::db::transaction(conn, |conn| {
        let user = target(conn, who, username)?;
        if !active {
            if user.id == who.user_id {
                return Err(ApiError::conflict("you cannot deactivate your own account"));
            }
            keep_a_national_admin(conn, &user, "be deactivated")?;
        }
        if user.active != active {
            let epoch = if active { user.token_epoch } else { user.token_epoch + 1 };
            diesel::update(u::table.find(user.id))
                .set((u::active.eq(i32::from(active)), u::token_epoch.eq(epoch)))
                .execute(conn)?;
        }
        let after = reload(conn, user.id)?;
        let action = if active { "reactivate" } else { "deactivate" };
        audit::record(conn, who, change(&user, action).changed(&snapshot(&user), &snapshot(&after)))?;
        Ok(after)
    })
}

/// Lifts a sign-in lock of `username` before its time.
pub fn unlock(conn: &mut DbConnection, who: &Principal, username: &str) -> Result<User, ApiError> {
    crate::db::transaction(conn, |conn| {
        let user = target(conn, who, username)?;
        sign_in::unlock_account(conn, &user.username)?;
        audit::record(conn, who, change(&user, "unlock"))?;
        Ok(user)
    })
}

/// Deletes `username`; their tokens stop working at once.
pub fn delete(conn: &mut DbConnection, who: &Principal, username: &str) -> Result<(), ApiError> {
    crate::db::transaction(conn, |conn| {
        let user = target(conn, who, username)?;
        if user.id == who.user_id {
            return Err(ApiError::conflict("you cannot delete your own account"));
        }
        keep_a_national_admin(conn, &user, "be deleted")?;
        users::delete(conn, user.id)?;
        audit::record(conn, who, change(&user, "delete").removed(&snapshot(&user)))
    })
}

/// Refuses a change that would leave `NATIONAL` without an active administrator. Changes of
/// national administrators wait for one another ([`organisations::lock`]), so two cannot remove
/// each other at once.
fn keep_a_national_admin(conn: &mut DbConnection, user: &User, change: &str) -> Result<(), ApiError> {
    if !(user.national && user.active && user.roles.contains(&Role::Admin)) {
        return Ok(());
    }
    organisations::lock(conn, user.organisation_id)?;
    let others: i64 = u::table
        .inner_join(o::table)
        .inner_join(user_roles::table)
        .filter(o::kind.eq(OrgKind::National.as_str()))
        .filter(user_roles::role.eq(Role::Admin.as_str()))
        .filter(u::active.eq(1))
        .filter(u::id.ne(user.id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(ApiError::conflict(format!(
            "{} is the last active administrator of NATIONAL and cannot {change}",
            user.username
        )));
    }
    Ok(())
}
