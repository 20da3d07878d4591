//! The audit trail: who changed what, when, and from which request.
//!
//! Every write use case records one [`Change`] inside its own transaction, so that a change and
//! its record land together or not at all. An import records one change with its counts, not one
//! per row. Only the fields that changed are kept, before and after; personal data and secrets
//! are masked. The database itself refuses to update or delete a record (triggers in the
//! migration), so nothing in the product can rewrite the trail.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::access::Principal;
use super::organisations;
use super::paging::Page;
use super::types::Role;
use crate::db::schema::audit_records as ar;
use crate::db::{Backend, DbConnection};
use crate::error::ApiError;

/// Where a write came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Api,
    Cli,
    Web,
    /// gpec itself: first start, the national seed, a directory sign-in.
    System,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Cli => "cli",
            Self::Web => "web",
            Self::System => "system",
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "api" => Self::Api,
            "cli" => Self::Cli,
            "web" => Self::Web,
            _ => Self::System,
        }
    }
}

/// The request a principal acts through: its channel and id (the `X-Request-Id` of an API call,
/// a fresh id per CLI command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub channel: Channel,
    pub request_id: String,
}

impl Origin {
    pub fn new(channel: Channel, request_id: impl Into<String>) -> Self {
        Self { channel, request_id: request_id.into() }
    }

    /// A fresh id, for work that no HTTP request carries (a CLI command, start-up).
    pub fn fresh(channel: Channel) -> Self {
        use rand::Rng;
        Self { channel, request_id: format!("{}-{:016x}", channel.as_str(), rand::rng().random::<u64>()) }
    }
}

/// Field names whose values are never written to the trail: secrets, and personal data that
/// admins reading the trail need not see.
const MASKED: [&str; 6] =
    ["password", "password_hash", "current_password", "new_password", "one_time_password", "birth_date"];
const MASK: &str = "***";
/// Bookkeeping that changes with every write and says nothing of what changed.
const IGNORED: [&str; 1] = ["updated_at"];

/// One write, as the trail keeps it.
#[derive(Debug, Clone)]
pub struct Change {
    organisation_id: Option<i32>,
    entity: &'static str,
    key: String,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
    counts: Option<Value>,
}

impl Change {
    /// `action` on the `entity` named by `key` (a code, a matricule, a username, an id), in the
    /// organisation it belongs to (`None` for the branch-wide referential).
    pub fn new(organisation_id: Option<i32>, entity: &'static str, key: impl ToString, action: &'static str) -> Self {
        Self { organisation_id, entity, key: key.to_string(), action, before: None, after: None, counts: None }
    }

    /// Something new: every field of it, after.
    pub fn created(mut self, after: &impl Serialize) -> Self {
        self.after = Some(masked(to_value(after)));
        self
    }

    /// Something gone: every field of it, before.
    pub fn removed(mut self, before: &impl Serialize) -> Self {
        self.before = Some(masked(to_value(before)));
        self
    }

    /// Something changed: only the fields that differ, before and after.
    pub fn changed(mut self, before: &impl Serialize, after: &impl Serialize) -> Self {
        // Compared before masking, so that a masked field that changed shows as changed.
        let (before, after) = diff(to_value(before), to_value(after));
        self.before = Some(masked(before));
        self.after = Some(masked(after));
        self
    }

    /// The totals of an import or another many-row write.
    pub fn counts(mut self, counts: &impl Serialize) -> Self {
        self.counts = Some(masked(to_value(counts)));
        self
    }
}

fn to_value(value: &impl Serialize) -> Value {
    // Our own types always serialise; a failure would leave the record without its fields.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `value` with every masked field, at any depth, replaced by `***`.
fn masked(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !IGNORED.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = if MASKED.contains(&k.as_str()) && !v.is_null() { Value::from(MASK) } else { masked(v) };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(masked).collect()),
        other => other,
    }
}

/// The fields of two objects that differ, as (before, after). Anything but two objects is kept
/// whole when it differs.
fn diff(before: Value, after: Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(mut old), Value::Object(new)) => {
            let (mut was, mut is) = (Map::new(), Map::new());
            for (key, value) in new {
                let previous = old.remove(&key).unwrap_or(Value::Null);
                if previous != value {
                    was.insert(key.clone(), previous);
                    is.insert(key, value);
                }
            }
            for (key, previous) in old {
                is.insert(key.clone(), Value::Null);
                was.insert(key, previous);
            }
            (Value::Object(was), Value::Object(is))
        }
        (old, new) if old == new => (Value::Object(Map::new()), Value::Object(Map::new())),
        (old, new) => (old, new),
    }
}

#[derive(Insertable)]
#[diesel(table_name = ar)]
struct NewRecord<'a> {
    at: NaiveDateTime,
    organisation_id: Option<i32>,
    actor_user_id: Option<i32>,
    actor: &'a str,
    channel: &'a str,
    request_id: &'a str,
    entity: &'a str,
    entity_key: &'a str,
    action: &'a str,
    before: Option<String>,
    after: Option<String>,
    counts: Option<String>,
}

/// Writes `change` as done by `who`. Call it inside the write's transaction. An action whose
/// fields did not change (a password reset, an unlock) is recorded all the same.
pub fn record(conn: &mut DbConnection, who: &Principal, change: Change) -> Result<(), ApiError> {
    let text = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    diesel::insert_into(ar::table)
        .values(NewRecord {
            at: super::now(),
            organisation_id: change.organisation_id,
            actor_user_id: (who.user_id > 0).then_some(who.user_id),
            actor: &who.username,
            channel: who.origin.channel.as_str(),
            request_id: &who.origin.request_id,
            entity: change.entity,
            entity_key: &change.key,
            action: change.action,
            before: text(&change.before),
            after: text(&change.after),
            counts: text(&change.counts),
        })
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ar)]
struct Row {
    id: i32,
    at: NaiveDateTime,
    organisation_id: Option<i32>,
    actor_user_id: Option<i32>,
    actor: String,
    channel: String,
    request_id: String,
    entity: String,
    entity_key: String,
    action: String,
    before: Option<String>,
    after: Option<String>,
    counts: Option<String>,
}

/// One record of the trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRecord {
    pub id: i32,
    /// UTC.
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
    /// The organisation of what changed; none for the branch-wide referential.
    pub organisation: Option<String>,
    /// The username at the time (`cli:<login>` for the server's operator, `system` for gpec).
    pub actor: String,
    pub actor_user_id: Option<i32>,
    pub channel: Channel,
    pub request_id: String,
    /// e.g. `agent`, `user`, `load`, `competency`.
    pub entity: String,
    /// The code, matricule, username or id that names it.
    pub key: String,
    /// e.g. `create`, `update`, `import`, `roles`, `deactivate`.
    pub action: String,
    /// The fields that changed, as they were (every field for a removal).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The fields that changed, as they are (every field for a creation).
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    /// An import's totals.
    #[schema(value_type = Option<Object>)]
    pub counts: Option<Value>,
}

crate::paged_query! {
/// What to read of the trail.
#[derive(Debug, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Organisation code (national administrators; others read their own).
    pub organisation: Option<String>,
    /// Entity kind, e.g. `agent`.
    pub entity: Option<String>,
    /// The entity's key, with `entity`.
    pub key: Option<String>,
    /// Username of who acted.
    pub user: Option<String>,
    /// From this instant or day (UTC, `2026-12-03` or `2026-12-03T08:00:00`), included.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Up to this instant (excluded) or day (included); a day or an instant, as `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
}
}

/// An instant of a `from`/`to` bound; a day is its start, or for an upper bound the next day's.
fn instant(field: &str, raw: &str, upper: bool) -> Result<NaiveDateTime, ApiError> {
    let raw = raw.trim();
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let day = if upper { day.succ_opt().unwrap_or(day) } else { day };
        return Ok(day.and_time(chrono::NaiveTime::MIN));
    }
    raw.trim_end_matches('Z')
        .parse::<NaiveDateTime>()
        .map_err(|_| ApiError::invalid(field, "expected a date (2026-12-03) or a UTC time (2026-12-03T08:00:00)"))
}

struct Filter {
    organisation_id: Option<i32>,
    entity: Option<String>,
    key: Option<String>,
    user: Option<String>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
}

fn filtered(f: &Filter) -> ar::BoxedQuery<'static, Backend> {
    let mut query = ar::table.into_boxed();
    if let Some(org) = f.organisation_id {
        query = query.filter(ar::organisation_id.eq(org));
    }
    if let Some(entity) = &f.entity {
        query = query.filter(ar::entity.eq(entity.clone()));
    }
    if let Some(key) = &f.key {
        query = query.filter(ar::entity_key.eq(key.clone()));
    }
    if let Some(user) = &f.user {
        query = query.filter(ar::actor.eq(user.clone()));
    }
    if let Some(from) = f.from {
        query = query.filter(ar::at.ge(from));
    }
    if let Some(to) = f.to {
        query = query.filter(ar::at.lt(to));
    }
    query
}

/// A page of the trail, newest first, for an administrator: national administrators read every
/// organisation's, others their own organisation's. An organisation out of reach answers 404.
pub fn list(conn: &mut DbConnection, who: &Principal, q: &AuditQuery) -> Result<Page<AuditRecord>, ApiError> {
    if !who.has(Role::Admin) {
        return Err(ApiError::forbidden("the audit trail is read by the role admin"));
    }
    let ask = q.ask()?;
    let organisation_id = match q.organisation.as_deref() {
        Some(code) => Some(organisations::reachable(conn, who, code)?.id),
        None => who.scope(),
    };
    let filter = Filter {
        organisation_id,
        entity: q.entity.clone(),
        key: q.key.clone(),
        user: q.user.clone(),
        from: q.from.as_deref().map(|raw| instant("from", raw, false)).transpose()?,
        to: q.to.as_deref().map(|raw| instant("to", raw, true)).transpose()?,
    };
    let total: i64 = filtered(&filter).count().get_result(conn)?;
    let rows: Vec<Row> = filtered(&filter)
        .select(Row::as_select())
        .order(ar::id.desc())
        .limit(ask.limit())
        .offset(ask.offset())
        .load(conn)?;
    let codes: HashMap<i32, String> =
        organisations::list(conn, None)?.into_iter().map(|o| (o.id, o.code.to_string())).collect();
    let json = |raw: Option<String>| raw.and_then(|t| serde_json::from_str(&t).ok());
    let items = rows
        .into_iter()
        .map(|r| AuditRecord {
            id: r.id,
            at: r.at,
            organisation: r.organisation_id.and_then(|id| codes.get(&id).cloned()),
            actor: r.actor,
            actor_user_id: r.actor_user_id,
            channel: Channel::parse(&r.channel),
            request_id: r.request_id,
            entity: r.entity,
            key: r.entity_key,
            action: r.action,
            before: json(r.before),
            after: json(r.after),
            counts: json(r.counts),
        })
        .collect();
    Ok(ask.answer(items, total))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_change_keeps_only_the_fields_that_differ() {
        let before = json!({"unit": "GCA", "fte": 1.0, "version": 1, "updated_at": "x"});
        let after = json!({"unit": "CSU", "fte": 1.0, "version": 2, "updated_at": "y"});
        let change = Change::new(Some(1), "agent", "A1", "update").changed(&before, &after);
        assert_eq!(change.before, Some(json!({"unit": "GCA", "version": 1})));
        assert_eq!(change.after, Some(json!({"unit": "CSU", "version": 2})));
    }

    #[test]
    fn a_field_that_appears_or_disappears_is_kept_with_null_on_the_other_side() {
        let (was, is) = diff(json!({"end_date": "2027-01-01"}), json!({"manager": "B2"}));
        assert_eq!(was, json!({"end_date": "2027-01-01", "manager": null}));
        assert_eq!(is, json!({"end_date": null, "manager": "B2"}));
    }

    #[test]
    fn secrets_and_birth_dates_are_masked_at_any_depth() {
        let value = json!({"agent": {"birth_date": "1970-05-01", "name": "Martin"}, "password": "s3cret",
                           "rows": [{"new_password": "x"}], "end_date": null});
        let masked = masked(value);
        assert_eq!(
            masked,
            json!({"agent": {"birth_date": "***", "name": "Martin"}, "password": "***",
                   "rows": [{"new_password": "***"}], "end_date": null})
        );
    }

    #[test]
    fn a_masked_field_that_changed_shows_that_it_changed_but_not_its_values() {
        let change = Change::new(None, "agent", "A1", "update")
            .changed(&json!({"birth_date": "1970-05-01"}), &json!({"birth_date": "1971-05-01"}));
        assert_eq!(change.before, Some(json!({"birth_date": "***"})));
        assert_eq!(change.after, Some(json!({"birth_date": "***"})));
        let change = Change::new(None, "agent", "A1", "update")
            .changed(&json!({"birth_date": null}), &json!({"birth_date": "1971-05-01"}));
        assert_eq!(change.after, Some(json!({"birth_date": "***"})));
    }

    #[test]
    fn bookkeeping_alone_is_no_change() {
        let change =
            Change::new(None, "x", "k", "update").changed(&json!({"updated_at": 1}), &json!({"updated_at": 2}));
        assert_eq!((change.before, change.after), (Some(json!({})), Some(json!({}))));
    }

    #[test]
    fn a_day_as_upper_bound_includes_the_whole_day() {
        let to = instant("to", "2026-12-03", true).unwrap();
        assert_eq!(to.to_string(), "2026-12-04 00:00:00");
        assert_eq!(instant("from", "2026-12-03T08:30:00Z", false).unwrap().to_string(), "2026-12-03 08:30:00");
        assert!(instant("from", "03/12/2026", false).is_err());
    }
}
