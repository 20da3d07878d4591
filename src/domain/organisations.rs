//! Organisations: the national fund, local CAF and Urssaf, training campuses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::Principal;
use super::audit::{self, Change};
use super::types::{OrgCode, OrgKind};
use crate::db::DbConnection;
use crate::db::schema::organisations;
use crate::error::ApiError;

pub const NATIONAL_CODE: &str = "NATIONAL";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
}

impl Organisation {
    pub fn kind(&self) -> OrgKind {
        // The column has a CHECK constraint, so a stored kind always parses.
        OrgKind::parse("kind", &self.kind).unwrap_or(OrgKind::Caf)
    }

    pub fn is_national(&self) -> bool {
        self.kind() == OrgKind::National
    }
}

#[derive(Insertable)]
#[diesel(table_name = organisations)]
struct NewOrganisation<'a> {
    code: &'a str,
    name: &'a str,
    kind: &'a str,
    created_at: NaiveDateTime,
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Organisation>, ApiError> {
    Ok(organisations::table
        .filter(organisations::code.eq(code.to_uppercase()))
        .select(Organisation::as_select())
        .first(conn)
        .optional()?)
}

/// The organisation `code` names if `who` may see it; otherwise 404, as if it did not exist.
pub fn reachable(conn: &mut DbConnection, who: &Principal, code: &str) -> Result<Organisation, ApiError> {
    find_by_code(conn, code.trim())?
        .filter(|o| who.can_access(o.id))
        .ok_or_else(|| ApiError::not_found(format!("organisation {code} not found")))
}

/// The organisations a request reaches: the one it names (404 when out of reach), or else the
/// caller's scope, where `None` means every organisation (national users). The rule of lists.
pub fn scope(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<Option<i32>, ApiError> {
    match code {
        None => Ok(who.scope()),
        Some(code) => Ok(Some(reachable(conn, who, code)?.id)),
    }
}

/// The one organisation a request is about: the one it names (404 when out of reach), or else
/// the caller's own. The rule of what belongs to one organisation (a plan, an agent created).
pub fn one(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<i32, ApiError> {
    match code {
        None => Ok(who.organisation_id),
        Some(code) => Ok(reachable(conn, who, code)?.id),
    }
}

/// Makes changes that count within one organisation (its plan quota, its administrators) wait
/// for one another until the end of the transaction: its row is locked on PostgreSQL, and SQLite
/// runs one writer at a time already.
pub fn lock(conn: &mut DbConnection, id: i32) -> Result<(), ApiError> {
    if let DbConnection::Pg(pg) = conn {
        organisations::table
            .filter(organisations::id.eq(id))
            .select(organisations::id)
            .for_no_key_update()
            .first::<i32>(pg)?;
    }
    Ok(())
}

pub fn find_by_id(conn: &mut DbConnection, id: i32) -> Result<Organisation, ApiError> {
    Ok(organisations::table.find(id).select(Organisation::as_select()).first(conn)?)
}

/// All organisations, or only `scope` when set, ordered by code.
pub fn list(conn: &mut DbConnection, scope: Option<i32>) -> Result<Vec<Organisation>, ApiError> {
    let mut query = organisations::table.select(Organisation::as_select()).into_boxed();
    if let Some(id) = scope {
        query = query.filter(organisations::id.eq(id));
    }
    Ok(query.order(organisations::code).load(conn)?)
}

pub fn create(
    conn: &mut DbConnection,
    who: &Principal,
    code: &OrgCode,
    name: &str,
    kind: OrgKind,
) -> Result<Organisation, ApiError> {
    let name = name.trim();
    if let Some(problem) = super::types::name_problem(name) {
        return Err(ApiError::invalid("name", problem));
    }
    crate::db::transaction(conn, |conn| {
        if find_by_code(conn, code.as_str())?.is_some() {
            return Err(ApiError::conflict(format!("organisation {} already exists", code.as_str())));
        }
        let id: i32 = diesel::insert_into(organisations::table)
            .values(NewOrganisation { code: code.as_str(), name, kind: kind.as_str(), created_at: super::now() })
            .returning(organisations::id)
            .get_result(conn)?;
        let org = find_by_id(conn, id)?;
        let fields = serde_json::json!({"code": org.code, "name": org.name, "kind": org.kind});
        audit::record(conn, who, Change::new(Some(id), "organisation", code.as_str(), "create").created(&fields))?;
        Ok(org)
    })
}

/// The code of organisation `id`.
pub fn code_of(conn: &mut DbConnection, id: i32) -> Result<String, ApiError> {
    Ok(organisations::table.find(id).select(organisations::code).first(conn)?)
}
