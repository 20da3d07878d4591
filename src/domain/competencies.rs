//! The competency dictionary: entries with four level descriptors, aliases and an arc, and the
//! history of every edit (each one a new version whose snapshot stays readable).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::types::{Arc, Category, CompetencyCode, CompetencyStatus, Level, normalize};
use crate::db::DbConnection;
use crate::db::schema::{competencies as c, competency_aliases as ca, competency_versions as cv};
use crate::error::{ApiError, Detail};

/// The documented shape of an alias: not blank, without '|' (the CSV's separator of aliases).
pub struct Alias;

impl utoipa::PartialSchema for Alias {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[^|\\u0000-\\u001F\\u007F-\\u009F]*[^|\\s\\u0000-\\u001F\\u007F-\\u009F][^|\\u0000-\\u001F\\u007F-\\u009F]*$"))
            .into()
    }
}

impl ToSchema for Alias {}

/// What an edit changes: everything but the code, the status and the version bookkeeping.
/// Unknown fields are ignored, so that a client can send back what it read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CompetencyContent {
    #[schema(max_length = 200)]
    pub label: String,
    pub category: Category,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub is_new: bool,
    pub arc: Arc,
    /// Descriptors of levels 1 to 4, in order; empty strings for knowledge items.
    #[schema(min_items = 4, max_items = 4)]
    pub descriptors: Vec<String>,
    /// Other wordings of the same competency found in the documents: not blank, without '|'.
    #[serde(default)]
    #[schema(value_type = Vec<Alias>)]
    pub aliases: Vec<String>,
}

impl CompetencyContent {
    /// Trims every text and refuses what cannot be stored; names the field at fault.
    pub fn validated(mut self) -> Result<Self, ApiError> {
        self.label = self.label.trim().to_owned();
        self.definition = self.definition.trim().to_owned();
        if let Some(problem) = super::types::name_problem(&self.label) {
            return Err(ApiError::invalid("label", problem));
        }
        if self.descriptors.len() != 4 {
            return Err(ApiError::invalid("descriptors", "must hold exactly 4 entries, one per level"));
        }
        self.descriptors = self.descriptors.iter().map(|d| d.trim().to_owned()).collect();
        let mut aliases: Vec<String> = Vec::new();
        for alias in self.aliases.iter().map(|a| a.trim()) {
            if alias.is_empty() || alias.contains('|') {
                return Err(ApiError::invalid("aliases", "an alias must be non-empty and free of '|'"));
            }
            if !aliases.iter().any(|a| a == alias) {
                aliases.push(alias.to_owned());
            }
        }
        self.aliases = aliases;
        Ok(self)
    }
}

/// One competency as it stands now.
#[derive(Debug, Clone, Serialize)]
pub struct Competency {
    pub id: i32,
    pub code: String,
    pub content: CompetencyContent,
    pub status: CompetencyStatus,
    pub version: i32,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = c)]
struct Row {
    id: i32,
    code: String,
    label: String,
    category: String,
    definition: String,
    is_new: i32,
    arc: String,
    status: String,
    level_1: String,
    level_2: String,
    level_3: String,
    level_4: String,
    version: i32,
    updated_at: NaiveDateTime,
    updated_by: String,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = c)]
struct Write<'a> {
    label: &'a str,
    category: &'a str,
    definition: &'a str,
    is_new: i32,
    arc: &'a str,
    status: &'a str,
    level_1: &'a str,
    level_2: &'a str,
    level_3: &'a str,
    level_4: &'a str,
    version: i32,
    updated_at: NaiveDateTime,
    updated_by: &'a str,
}

fn write<'a>(content: &'a CompetencyContent, status: CompetencyStatus, version: i32, author: &'a str) -> Write<'a> {
    Write {
        label: &content.label,
        category: content.category.as_str(),
        definition: &content.definition,
        is_new: i32::from(content.is_new),
        arc: content.arc.as_str(),
        status: status.as_str(),
        level_1: &content.descriptors[0],
        level_2: &content.descriptors[1],
        level_3: &content.descriptors[2],
        level_4: &content.descriptors[3],
        version,
        updated_at: super::now(),
        updated_by: author,
    }
}

fn assemble(row: Row, aliases: Vec<String>) -> Result<Competency, ApiError> {
    Ok(Competency {
        id: row.id,
        code: row.code,
        content: CompetencyContent {
            label: row.label,
            category: Category::parse("category", &row.category)?,
            definition: row.definition,
            is_new: row.is_new != 0,
            arc: Arc::parse("arc", &row.arc)?,
            descriptors: vec![row.level_1, row.level_2, row.level_3, row.level_4],
            aliases,
        },
        status: CompetencyStatus::parse("status", &row.status)?,
        version: row.version,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
    })
}

/// Code and label of every competency in dictionary order: what a list to choose from needs.
pub fn choices(conn: &mut DbConnection) -> Result<Vec<(String, String)>, ApiError> {
    Ok(c::table.select((c::code, c::label)).order(c::id).load(conn)?)
}

/// Every competency, in dictionary order (the order they were created in).
pub fn all(conn: &mut DbConnection) -> Result<Vec<Competency>, ApiError> {
    let rows: Vec<Row> = c::table.select(Row::as_select()).order(c::id).load(conn)?;
    let mut aliases: HashMap<i32, Vec<String>> = HashMap::new();
    for (id, alias) in
        ca::table
            .select((ca::competency_id, ca::alias))
            .order((ca::competency_id, ca::alias))
            .load::<(i32, String)>(conn)?
    {
        aliases.entry(id).or_default().push(alias);
    }
    rows.into_iter()
        .map(|r| {
            let a = aliases.remove(&r.id).unwrap_or_default();
            assemble(r, a)
        })
        .collect()
}

/// What to find in the dictionary.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Search {
    pub category: Option<Category>,
    pub arc: Option<Arc>,
    /// Only the competencies marked NEW (true) or only the others (false).
    pub is_new: Option<bool>,
    /// `active` by default.
    pub status: Option<CompetencyStatus>,
    /// Words to find in the code, label, aliases or definition (case and accents ignored).
    pub q: Option<String>,
}

impl Search {
    pub fn matches(&self, c: &Competency) -> bool {
        let text = |q: &str| {
            let q = normalize(q);
            [&c.code, &c.content.label, &c.content.definition]
                .into_iter()
                .chain(&c.content.aliases)
                .any(|t| normalize(t).contains(&q))
        };
        self.category.is_none_or(|x| x == c.content.category)
            && self.arc.is_none_or(|x| x == c.content.arc)
            && self.is_new.is_none_or(|x| x == c.content.is_new)
            && self.status.unwrap_or(CompetencyStatus::Active) == c.status
            && self.q.as_deref().is_none_or(text)
    }
}

/// The competencies `search` finds, in dictionary order.
pub fn search(conn: &mut DbConnection, search: &Search) -> Result<Vec<Competency>, ApiError> {
    Ok(all(conn)?.into_iter().filter(|c| search.matches(c)).collect())
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<Option<Competency>, ApiError> {
    let Some(row) = c::table.filter(c::code.eq(code)).select(Row::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    let aliases = ca::table.filter(ca::competency_id.eq(row.id)).select(ca::alias).order(ca::alias).load(conn)?;
    Ok(Some(assemble(row, aliases)?))
}

pub fn get(conn: &mut DbConnection, code: &str) -> Result<Competency, ApiError> {
    find(conn, code)?.ok_or_else(|| ApiError::not_found(format!("competency {code} not found")))
}

/// What a version row keeps: the content and the status at that version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub content: CompetencyContent,
    pub status: CompetencyStatus,
}

fn record_version(conn: &mut DbConnection, competency: &Competency) -> Result<(), ApiError> {
    let snapshot = Snapshot { content: competency.content.clone(), status: competency.status };
    let json = serde_json::to_string(&snapshot).map_err(|e| ApiError::internal("snapshot", e))?;
    diesel::insert_into(cv::table)
        .values((
            cv::competency_id.eq(competency.id),
            cv::version.eq(competency.version),
            cv::author.eq(&competency.updated_by),
            cv::created_at.eq(competency.updated_at),
            cv::snapshot.eq(json),
        ))
        .execute(conn)?;
    Ok(())
}

fn replace_aliases(conn: &mut DbConnection, id: i32, aliases: &[String]) -> Result<(), ApiError> {
    diesel::delete(ca::table.filter(ca::competency_id.eq(id))).execute(conn)?;
    for alias in aliases {
        diesel::insert_into(ca::table).values((ca::competency_id.eq(id), ca::alias.eq(alias))).execute(conn)?;
    }
    Ok(())
}

/// Creates a competency at version 1.
pub fn create(
    conn: &mut DbConnection,
    code: &CompetencyCode,
    content: CompetencyContent,
    author: &str,
) -> Result<Competency, ApiError> {
    let content = content.validated()?;
    crate::db::transaction(conn, |conn| {
        if find(conn, code.as_str())?.is_some() {
            return Err(ApiError::conflict(format!("competency {} already exists", code.as_str())));
        }
        let id: i32 = diesel::insert_into(c::table)
            .values((c::code.eq(code.as_str()), write(&content, CompetencyStatus::Active, 1, author)))
            .returning(c::id)
            .get_result(conn)?;
        replace_aliases(conn, id, &content.aliases)?;
        let created = get(conn, code.as_str())?;
        record_version(conn, &created)?;
        Ok(created)
    })
}

/// Writes a new version if `expected_version` is still the current one (409 otherwise).
/// An edit that changes nothing writes nothing and returns the competency as it is.
pub fn update(
    conn: &mut DbConnection,
    code: &str,
    expected_version: i32,
    content: CompetencyContent,
    status: Option<CompetencyStatus>,
    author: &str,
) -> Result<Competency, ApiError> {
    let content = content.validated()?;
    crate::db::transaction(conn, |conn| {
        let current = get(conn, code)?;
        if current.version != expected_version {
            return Err(stale("competency", code, expected_version, current.version));
        }
        let status = status.unwrap_or(current.status);
        if current.content == content && current.status == status {
            return Ok(current);
        }
        // The version in the WHERE clause makes a concurrent edit lose here rather than overwrite.
        let changed = diesel::update(c::table.filter(c::id.eq(current.id)).filter(c::version.eq(expected_version)))
            .set(write(&content, status, expected_version + 1, author))
            .execute(conn)?;
        if changed != 1 {
            return Err(stale("competency", code, expected_version, expected_version + 1));
        }
        replace_aliases(conn, current.id, &content.aliases)?;
        let updated = get(conn, code)?;
        record_version(conn, &updated)?;
        Ok(updated)
    })
}

/// The 409 of an edit made against a version that is no longer the current one.
pub fn stale(what: &str, code: &str, expected: i32, current: i32) -> ApiError {
    ApiError::Stale {
        message: format!("{what} {code} is at version {current}, not {expected}: reload it and apply the change again"),
        current,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: i32,
    pub author: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

pub fn versions(conn: &mut DbConnection, code: &str) -> Result<Vec<VersionInfo>, ApiError> {
    let id = get(conn, code)?.id;
    let rows: Vec<(i32, String, NaiveDateTime)> = cv::table
        .filter(cv::competency_id.eq(id))
        .select((cv::version, cv::author, cv::created_at))
        .order(cv::version)
        .load(conn)?;
    Ok(rows.into_iter().map(|(version, author, created_at)| VersionInfo { version, author, created_at }).collect())
}

pub fn version(conn: &mut DbConnection, code: &str, number: i32) -> Result<(VersionInfo, Snapshot), ApiError> {
    let id = get(conn, code)?.id;
    let (author, created_at, json): (String, NaiveDateTime, String) = cv::table
        .filter(cv::competency_id.eq(id))
        .filter(cv::version.eq(number))
        .select((cv::author, cv::created_at, cv::snapshot))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("competency {code} has no version {number}")))?;
    let snapshot = serde_json::from_str(&json).map_err(|e| ApiError::internal("competency snapshot", e))?;
    Ok((VersionInfo { version: number, author, created_at }, snapshot))
}

/// One field that differs between two versions of a competency.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub from: FieldValue,
    pub to: FieldValue,
}

/// A competency field's value: a text, a flag (`is_new`) or a list (descriptors, aliases).
#[derive(Debug, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    Flag(bool),
    List(Vec<String>),
}

impl From<&serde_json::Value> for FieldValue {
    fn from(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::String(s) => Self::Text(s.clone()),
            serde_json::Value::Bool(b) => Self::Flag(*b),
            serde_json::Value::Array(items) => {
                Self::List(items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect())
            }
            serde_json::Value::Null => Self::Text(String::new()),
            other => Self::Text(other.to_string()),
        }
    }
}

/// The fields of `b` that differ from `a` (content and status), in a stable order.
/// The fields changed from version `from` of competency `code` to version `to` (default: the
/// current one).
pub fn diff_versions(
    conn: &mut DbConnection,
    code: &str,
    from: i32,
    to: Option<i32>,
) -> Result<Vec<FieldChange>, ApiError> {
    let to = match to {
        Some(n) => n,
        None => get(conn, code)?.version,
    };
    let (_, a) = version(conn, code, from)?;
    let (_, b) = version(conn, code, to)?;
    Ok(diff(&a, &b))
}

pub fn diff(a: &Snapshot, b: &Snapshot) -> Vec<FieldChange> {
    let as_map = |s: &Snapshot| {
        let mut map = match serde_json::to_value(&s.content) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        map.insert("status".to_owned(), serde_json::json!(s.status));
        map
    };
    let (old, new) = (as_map(a), as_map(b));
    let mut changes: Vec<FieldChange> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            from: old.get(k).unwrap_or(&serde_json::Value::Null).into(),
            to: v.into(),
        })
        .collect();
    changes.sort_by(|x, y| x.field.cmp(&y.field));
    changes
}

/// Finds competencies by code, label or alias, whatever the case, accents and punctuation.
pub struct Resolver {
    by_key: HashMap<String, (i32, String)>,
}

impl Resolver {
    pub fn new(all: &[Competency]) -> Self {
        let mut by_key = HashMap::new();
        // Labels and aliases first, codes last: a code always wins over a wording.
        for comp in all {
            for text in std::iter::once(&comp.content.label).chain(&comp.content.aliases) {
                by_key.insert(normalize(text), (comp.id, comp.code.clone()));
            }
        }
        for comp in all {
            by_key.insert(comp.code.clone(), (comp.id, comp.code.clone()));
        }
        Self { by_key }
    }

    pub fn load(conn: &mut DbConnection) -> Result<Self, ApiError> {
        Ok(Self::new(&all(conn)?))
    }

    /// Resolves a list of (competency, level) given under `list` in a body, where each entry's
    /// level is named `level_field` (e.g. `requirements[2].min_level`). Returns them by competency
    /// id with their code; unknown competencies, bad levels and repeats go to `details`.
    pub fn levels<'a>(
        &self,
        list: &str,
        level_field: &str,
        items: impl Iterator<Item = (&'a str, i64)>,
        details: &mut Vec<Detail>,
    ) -> BTreeMap<i32, (String, Level)> {
        let mut out = BTreeMap::new();
        for (k, (competency, level)) in items.enumerate() {
            let level = Level::new(level)
                .map_err(|m| details.push(Detail::field(format!("{list}[{k}].{level_field}"), m)))
                .ok();
            match self.resolve(competency) {
                None => details.push(Detail::field(
                    format!("{list}[{k}].competency"),
                    format!("unknown competency {competency:?}"),
                )),
                Some((id, code)) => {
                    if let Some(level) = level
                        && out.insert(*id, (code.clone(), level)).is_some()
                    {
                        details.push(Detail::field(format!("{list}[{k}].competency"), format!("{code} appears twice")));
                    }
                }
            }
        }
        out
    }

    /// The id and code of the competency `text` names, if any.
    pub fn resolve(&self, text: &str) -> Option<&(i32, String)> {
        self.by_key.get(text.trim()).or_else(|| self.by_key.get(&normalize(text)))
    }
}
