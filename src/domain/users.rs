//! Users: argon2 password hashes, one organisation, one or more roles.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::Principal;
use super::audit::{self, Change, Origin};
use super::organisations::{self, Organisation};
use super::paging::{Page, PageAsk};
use super::password;
use super::types::{OrgKind, Password, Role, Username};
use crate::db::schema::{organisations as orgs, user_agents, user_roles, users};
use crate::db::{Backend, DbConnection};
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i32,
    username: String,
    password_hash: String,
    organisation_id: i32,
    created_at: NaiveDateTime,
    active: i32,
    must_change_password: i32,
    token_epoch: i32,
    directory: i32,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser<'a> {
    username: &'a str,
    password_hash: &'a str,
    organisation_id: i32,
    created_at: NaiveDateTime,
}

/// A user as the rest of the code sees it: never with the password hash.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub organisation_id: i32,
    pub organisation_code: String,
    pub national: bool,
    pub roles: Vec<Role>,
    pub created_at: NaiveDateTime,
    /// A deactivated account signs in no more, and its tokens stop working at once.
    pub active: bool,
    /// Signed in with a one-time password: only changing it is allowed.
    pub must_change_password: bool,
    /// Tokens carry the epoch they were issued in; raising it revokes them all.
    pub token_epoch: i32,
    /// Signs in with the directory's password; gpec keeps none.
    pub directory: bool,
    /// The agent a `trainer` account belongs to.
    pub agent_id: Option<i32>,
}

impl User {
    pub fn principal(&self, origin: Origin) -> Principal {
        Principal {
            user_id: self.id,
            username: self.username.clone(),
            organisation_id: self.organisation_id,
            organisation_code: self.organisation_code.clone(),
            national: self.national,
            roles: self.roles.clone(),
            agent_id: self.agent_id,
            origin,
        }
    }
}

fn roles_of(conn: &mut DbConnection, user_id: i32) -> Result<Vec<Role>, ApiError> {
    let raw: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .select(user_roles::role)
        .order(user_roles::role)
        .load(conn)?;
    raw.iter().map(|r| Role::parse("role", r)).collect()
}

fn assemble(conn: &mut DbConnection, row: UserRow, org: Organisation) -> Result<User, ApiError> {
    let agent_id = user_agents::table.find(row.id).select(user_agents::agent_id).first::<i32>(conn).optional()?;
    Ok(User {
        agent_id,
        roles: roles_of(conn, row.id)?,
        id: row.id,
        username: row.username,
        organisation_id: org.id,
        national: org.kind() == OrgKind::National,
        organisation_code: org.code,
        created_at: row.created_at,
        active: row.active != 0,
        must_change_password: row.must_change_password != 0,
        token_epoch: row.token_epoch,
        directory: row.directory != 0,
    })
}

/// How a single user is looked up.
enum Key<'a> {
    Id(i32),
    Username(&'a str),
}

fn load(conn: &mut DbConnection, key: Key<'_>) -> Result<Option<(UserRow, Organisation)>, ApiError> {
    let query = users::table.select(UserRow::as_select()).into_boxed();
    let query = match key {
        Key::Id(id) => query.filter(users::id.eq(id)),
        Key::Username(name) => query.filter(users::username.eq(name.to_owned())),
    };
    let Some(row) = query.first(conn).optional()? else {
        return Ok(None);
    };
    let org = organisations::find_by_id(conn, row.organisation_id)?;
    Ok(Some((row, org)))
}

fn find(conn: &mut DbConnection, key: Key<'_>) -> Result<Option<User>, ApiError> {
    match load(conn, key)? {
        Some((row, org)) => Ok(Some(assemble(conn, row, org)?)),
        None => Ok(None),
    }
}

pub fn find_by_id(conn: &mut DbConnection, id: i32) -> Result<Option<User>, ApiError> {
    find(conn, Key::Id(id))
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> Result<Option<User>, ApiError> {
    find(conn, Key::Username(username))
}

/// The user if `username` exists and `password` matches; `None` in every other case, after
/// the same amount of work, so the caller cannot tell which of the two was wrong.
///
/// A password longer than any that can be set is refused before anything is hashed: argon2
/// would otherwise spend its work on whatever a client sends.
pub fn authenticate(conn: &mut DbConnection, username: &str, password: &str) -> Result<Option<User>, ApiError> {
    if password.chars().count() > Password::MAX_LEN {
        return Err(ApiError::invalid("password", format!("must be at most {} characters", Password::MAX_LEN)));
    }
    if username.len() > 64 {
        return Err(ApiError::invalid("username", "must be at most 64 characters"));
    }
    match load(conn, Key::Username(username))? {
        // A deactivated account answers like a wrong password: nothing tells it exists.
        Some((row, org)) if row.directory == 0 && password::verify(password, &row.password_hash) && row.active != 0 => {
            Ok(Some(assemble(conn, row, org)?))
        }
        Some(_) => Ok(None),
        None => {
            password::verify_dummy(password);
            Ok(None)
        }
    }
}

/// Users of every organisation, or of `scope` only, ordered by username.
pub fn list(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<User>, ApiError> {
    let mut query =
        users::table.inner_join(orgs::table).select((UserRow::as_select(), Organisation::as_select())).into_boxed();
    if let Some(id) = scope {
        query = query.filter(users::organisation_id.eq(id));
    }
    let rows: Vec<(UserRow, Organisation)> = query.order(users::username).load(conn)?;
    rows.into_iter().map(|(row, org)| assemble(conn, row, org)).collect()
}

/// A page of the users `who` administers, by username: every organisation's for a national
/// administrator, else their own organisation's; `organisation` narrows to one (404 when it is
/// out of reach).
pub fn page(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    ask: PageAsk,
) -> Result<Page<User>, ApiError> {
    who.require_any(&[Role::Admin])?;
    let scope = match organisation {
        Some(code) => Some(organisations::reachable(conn, who, code)?.id),
        None => who.scope(),
    };
    let chosen = || {
        let query = users::table.inner_join(orgs::table).into_boxed::<Backend>();
        match scope {
            Some(id) => query.filter(users::organisation_id.eq(id)),
            None => query,
        }
    };
    let total: i64 = chosen().count().get_result(conn)?;
    let rows: Vec<(UserRow, Organisation)> = chosen()
        .select((UserRow::as_select(), Organisation::as_select()))
        .order(users::username)
        .limit(ask.limit())
        .offset(ask.offset())
        .load(conn)?;
    let items = rows.into_iter().map(|(row, org)| assemble(conn, row, org)).collect::<Result<_, _>>()?;
    Ok(ask.answer(items, total))
}

/// Creates a user in one transaction (the user row, its roles and its audit record land
/// together). `password_hash` comes from [`password::hash`], computed by the caller outside the
/// transaction.
pub fn create(
    conn: &mut DbConnection,
    who: &Principal,
    username: &Username,
    password_hash: &str,
    organisation: &Organisation,
    roles: &[Role],
) -> Result<User, ApiError> {
    insert(conn, who, username, password_hash, organisation, roles, None)
}

/// Creates the `trainer` account of agent `agent_id`, of the agent's organisation.
pub fn create_trainer(
    conn: &mut DbConnection,
    who: &Principal,
    username: &Username,
    password_hash: &str,
    organisation: &Organisation,
    agent_id: i32,
) -> Result<User, ApiError> {
    insert(conn, who, username, password_hash, organisation, &[Role::Trainer], Some(agent_id))
}

fn insert(
    conn: &mut DbConnection,
    who: &Principal,
    username: &Username,
    password_hash: &str,
    organisation: &Organisation,
    roles: &[Role],
    agent_id: Option<i32>,
) -> Result<User, ApiError> {
    crate::db::transaction(conn, |conn| {
        if find_by_username(conn, username.as_str())?.is_some() {
            return Err(ApiError::conflict(format!("user {} already exists", username.as_str())));
        }
        let id: i32 = diesel::insert_into(users::table)
            .values(NewUser {
                username: username.as_str(),
                password_hash,
                organisation_id: organisation.id,
                created_at: super::now(),
            })
            .returning(users::id)
            .get_result(conn)?;
        if let Some(agent) = agent_id {
            let taken: i64 = user_agents::table.filter(user_agents::agent_id.eq(agent)).count().get_result(conn)?;
            if taken > 0 {
                return Err(ApiError::conflict("this agent already has a trainer account"));
            }
            diesel::insert_into(user_agents::table)
                .values((user_agents::user_id.eq(id), user_agents::agent_id.eq(agent)))
                .execute(conn)?;
        }
        replace_roles(conn, id, roles)?;
        let user = find_by_id(conn, id)?.ok_or_else(|| ApiError::internal("user vanished", "after insert"))?;
        let change = Change::new(Some(user.organisation_id), "user", &user.username, "create")
            .created(&grant_of(&user.organisation_code, &user.roles));
        audit::record(conn, who, change)?;
        Ok(user)
    })
}

/// What the trail keeps of an account's grant.
fn grant_of(organisation: &str, roles: &[Role]) -> serde_json::Value {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    serde_json::json!({"organisation": organisation, "roles": roles})
}

/// Creates or brings up to date the directory account `username` from what its groups grant:
/// its organisation and roles. A local account of that name is left alone (409).
pub fn sync_directory_account(
    conn: &mut DbConnection,
    who: &Principal,
    username: &Username,
    organisation: &Organisation,
    roles: &[Role],
) -> Result<User, ApiError> {
    crate::db::transaction(conn, |conn| {
        let Some(user) = find_by_username(conn, username.as_str())? else {
            let user = create(conn, who, username, "", organisation, roles)?;
            diesel::update(users::table.find(user.id)).set(users::directory.eq(1)).execute(conn)?;
            return find_by_id(conn, user.id)?.ok_or_else(|| ApiError::internal("user vanished", "after insert"));
        };
        if !user.directory {
            return Err(ApiError::conflict(format!("{} is a local account", user.username)));
        }
        if user.organisation_id == organisation.id && user.roles == roles {
            return Ok(user);
        }
        diesel::update(users::table.find(user.id)).set(users::organisation_id.eq(organisation.id)).execute(conn)?;
        replace_roles(conn, user.id, roles)?;
        let change = Change::new(Some(organisation.id), "user", &user.username, "directory_sync")
            .changed(&grant_of(&user.organisation_code, &user.roles), &grant_of(organisation.code.as_str(), roles));
        audit::record(conn, who, change)?;
        find_by_id(conn, user.id)?.ok_or_else(|| ApiError::internal("user vanished", "after update"))
    })
}

/// Takes every role from the directory account `username`, whose groups no longer grant any, and
/// revokes its tokens. Nothing happens to an unknown name or a local account.
pub fn revoke_directory_account(conn: &mut DbConnection, who: &Principal, username: &Username) -> Result<(), ApiError> {
    crate::db::transaction(conn, |conn| {
        let Some(user) = find_by_username(conn, username.as_str())?.filter(|u| u.directory) else { return Ok(()) };
        if user.roles.is_empty() {
            return Ok(());
        }
        replace_roles(conn, user.id, &[])?;
        diesel::update(users::table.find(user.id)).set(users::token_epoch.eq(users::token_epoch + 1)).execute(conn)?;
        let change = Change::new(Some(user.organisation_id), "user", &user.username, "directory_revoke")
            .changed(&grant_of(&user.organisation_code, &user.roles), &grant_of(&user.organisation_code, &[]));
        audit::record(conn, who, change)
    })
}

/// Replaces the roles of user `id`. The role `trainer` belongs to the accounts linked to an
/// agent, and they hold it alone: such an account must not reach anything else of its
/// organisation, nor another account the trainer's own campus work.
pub fn replace_roles(conn: &mut DbConnection, id: i32, roles: &[Role]) -> Result<(), ApiError> {
    let linked = user_agents::table.find(id).count().get_result::<i64>(conn)? > 0;
    if linked && roles != [Role::Trainer] {
        return Err(ApiError::invalid("roles", "a trainer account holds the role trainer alone"));
    }
    if !linked && roles.contains(&Role::Trainer) {
        return Err(ApiError::invalid(
            "roles",
            "the role trainer is given by creating the agent's trainer account (POST /api/v1/agents/{id}/trainer-account)",
        ));
    }
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role.eq(role.as_str())))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a user in organisation `organisation` (by code), for an administrator who can reach
/// it (403 for anyone else; an organisation out of reach is 404, like one that does not exist).
/// Call it off the async workers: the password is hashed here.
pub fn create_in(
    conn: &mut DbConnection,
    who: &Principal,
    username: &Username,
    password: &Password,
    organisation: &str,
    roles: &[Role],
) -> Result<User, ApiError> {
    who.require_any(&[Role::Admin])?;
    let org = super::organisations::find_by_code(conn, organisation)?
        .filter(|o| who.can_access(o.id))
        .ok_or_else(|| ApiError::not_found(format!("organisation {organisation} not found")))?;
    create_with_password(conn, who, username, password, &org, roles)
}

/// Hashes and creates in one call, for the CLI and start-up.
pub fn create_with_password(
    conn: &mut DbConnection,
    who: &Principal,
    username: &Username,
    password: &Password,
    organisation: &Organisation,
    roles: &[Role],
) -> Result<User, ApiError> {
    let hash = password::hash(password)?;
    create(conn, who, username, &hash, organisation, roles)
}

/// Whether `candidate` is the stored password of user `id`.
pub fn password_matches(conn: &mut DbConnection, id: i32, candidate: &str) -> Result<bool, ApiError> {
    if candidate.chars().count() > Password::MAX_LEN {
        return Ok(false);
    }
    let hash: String = users::table.find(id).select(users::password_hash).first(conn)?;
    Ok(password::verify(candidate, &hash))
}

pub fn delete(conn: &mut DbConnection, id: i32) -> Result<(), ApiError> {
    crate::db::transaction(conn, |conn| {
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
        diesel::delete(user_agents::table.find(id)).execute(conn)?;
        diesel::delete(users::table.find(id)).execute(conn)?;
        Ok(())
    })
}

pub fn count(conn: &mut DbConnection) -> Result<i64, ApiError> {
    Ok(users::table.count().get_result(conn)?)
}
