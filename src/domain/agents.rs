//! Agents: each belongs to one organisation, where its matricule is unique. An agent who leaves
//! gets an end date and keeps their history; agents are never deleted.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Principal;
use super::agent_projection::{self as projection, Contract, DepartureReason};
use super::audit::{self, Change};
use super::competencies::stale;
use super::paging::{Page, PageAsk};
use super::types::{Fte, Role, name_problem};
use crate::db::schema::{agents as a, job_profiles as jp, organisations as o};
use crate::db::{Backend, DbConnection};
use crate::error::{ApiError, Detail};

/// What a client sends to create or change an agent.
/// Unknown fields are ignored in an edit, so that a client can send back what it read; a new
/// agent refuses them (see `NewAgent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgentInput {
    /// 1 to 40 characters.
    #[schema(max_length = 40, pattern = "^ *[!-~]([ -~]{0,38}[!-~])? *$")]
    pub matricule: String,
    #[schema(max_length = 200)]
    pub last_name: String,
    /// May be empty; one line.
    #[serde(default)]
    #[schema(max_length = 200, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub first_name: String,
    /// Unit or team.
    #[schema(max_length = 200)]
    pub unit: String,
    /// The manager's matricule, in the same organisation.
    #[serde(default)]
    pub manager_matricule: Option<String>,
    /// Current job profile code, e.g. CSU.
    #[serde(default)]
    pub job_profile: Option<String>,
    /// Quotité de travail, in (0, 1].
    pub fte: Fte,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Items processed per hour relative to the activities' standard times, in (0, 2]
    /// (default 1): what a plan counts their hours for.
    #[serde(default = "full_productivity")]
    #[schema(exclusive_minimum = 0, maximum = 2)]
    pub productivity: f64,
    /// A newcomer whose productivity grows from their start date, along the planning settings'
    /// `ramp_up` (default: from 40 % to 100 % over 18 months).
    #[serde(default)]
    pub ramp_up: bool,
    /// Personal data: only `hr` and `admin` of the agent's organisation read it; left out of the
    /// agent for everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub contract: Contract,
    /// A departure already known (retirement, mobility, end of contract…): its date and reason,
    /// both or neither.
    #[serde(default)]
    pub departure_date: Option<NaiveDate>,
    #[serde(default)]
    pub departure_reason: Option<DepartureReason>,
}

fn full_productivity() -> f64 {
    1.0
}

impl AgentInput {
    /// Trims texts and lists every problem by field.
    pub fn validated(mut self) -> Result<Self, ApiError> {
        let mut details = Vec::new();
        self.matricule = self.matricule.trim().to_owned();
        self.last_name = self.last_name.trim().to_owned();
        self.first_name = self.first_name.trim().to_owned();
        self.unit = self.unit.trim().to_owned();
        let blank = |o: Option<String>| o.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        self.manager_matricule = blank(self.manager_matricule);
        self.job_profile = blank(self.job_profile).map(|s| s.to_uppercase());
        if self.matricule.is_empty() || self.matricule.len() > 40 {
            details.push(Detail::field("matricule", "must be 1 to 40 characters"));
        }
        for (field, value) in [("last_name", &self.last_name), ("unit", &self.unit)] {
            if let Some(problem) = name_problem(value) {
                details.push(Detail::field(field, problem));
            }
        }
        if !self.first_name.is_empty()
            && let Some(problem) = name_problem(&self.first_name)
        {
            details.push(Detail::field("first_name", problem));
        }
        if let Some(problem) = crate::domain::bounds::PRODUCTIVITY.problem(self.productivity) {
            details.push(Detail::field("productivity", problem));
        }
        // The dates' order is the one refusal of well-formed values here (422); the rest breaks the
        // documented shape (400).
        let malformed = !details.is_empty();
        if self.end_date.is_some_and(|end| end < self.start_date) {
            details.push(Detail::field("end_date", "must not be before start_date"));
        }
        details.extend(projection::problems(
            self.birth_date,
            self.start_date,
            self.departure_date,
            self.departure_reason,
        ));
        match (details.first(), malformed) {
            (None, _) => Ok(self),
            (Some(first), true) => {
                let message = format!("{}: {}", first.field.clone().unwrap_or_default(), first.message);
                Err(ApiError::bad_request(message, details))
            }
            (Some(_), false) => Err(ApiError::unprocessable("the agent", details)),
        }
    }
}

/// An agent as stored, with its organisation and job profile codes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agent {
    pub id: i32,
    pub organisation: String,
    #[serde(skip)]
    pub organisation_id: i32,
    #[serde(flatten)]
    pub input: AgentInput,
    #[serde(skip)]
    pub job_profile_id: Option<i32>,
    pub version: i32,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = a)]
struct Row {
    id: i32,
    organisation_id: i32,
    matricule: String,
    last_name: String,
    first_name: String,
    unit: String,
    manager_matricule: Option<String>,
    job_profile_id: Option<i32>,
    fte: f64,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    version: i32,
    updated_at: NaiveDateTime,
    productivity: f64,
    ramp_up: i32,
    birth_date: Option<NaiveDate>,
    contract: String,
    departure_date: Option<NaiveDate>,
    departure_reason: Option<String>,
}

/// Codes of the organisations and job profiles, to name what rows refer to by id.
pub struct Codes {
    organisations: HashMap<i32, String>,
    profiles: HashMap<i32, String>,
}

impl Codes {
    pub fn load(conn: &mut DbConnection) -> Result<Self, ApiError> {
        Ok(Self {
            organisations: o::table.select((o::id, o::code)).load::<(i32, String)>(conn)?.into_iter().collect(),
            profiles: jp::table.select((jp::id, jp::code)).load::<(i32, String)>(conn)?.into_iter().collect(),
        })
    }

    /// The id of a job profile code, if it exists.
    pub fn profile_id(&self, code: &str) -> Option<i32> {
        self.profiles.iter().find(|(_, c)| c.as_str() == code).map(|(id, _)| *id)
    }

    fn agent(&self, r: Row) -> Result<Agent, ApiError> {
        Ok(Agent {
            id: r.id,
            organisation: self.organisations.get(&r.organisation_id).cloned().unwrap_or_default(),
            organisation_id: r.organisation_id,
            input: AgentInput {
                matricule: r.matricule,
                last_name: r.last_name,
                first_name: r.first_name,
                unit: r.unit,
                manager_matricule: r.manager_matricule,
                job_profile: r.job_profile_id.and_then(|id| self.profiles.get(&id).cloned()),
                fte: Fte::new(r.fte).map_err(|e| ApiError::internal("stored fte", e))?,
                start_date: r.start_date,
                end_date: r.end_date,
                productivity: r.productivity,
                ramp_up: r.ramp_up != 0,
                birth_date: r.birth_date,
                contract: Contract::parse(&r.contract).unwrap_or_default(),
                departure_date: r.departure_date,
                departure_reason: r.departure_reason.as_deref().and_then(DepartureReason::parse),
            },
            job_profile_id: r.job_profile_id,
            version: r.version,
            updated_at: r.updated_at,
        })
    }
}

impl Agent {
    /// The agent as `who` may read it: without the birth date unless they are `hr` or `admin`
    /// of the agent's organisation.
    pub fn for_reader(mut self, who: &Principal) -> Self {
        if !projection::may_read_birth_date(who, self.organisation_id) {
            self.input.birth_date = None;
        }
        self
    }

    /// The agent as the audit trail records it: whether a birth date is set, not which.
    fn audited(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(date) = value.get_mut("birth_date") {
            *date = serde_json::Value::from("(renseignée)");
        }
        value
    }
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<Agent, ApiError> {
    let row = a::table.find(id).select(Row::as_select()).first(conn).optional()?;
    let row = row.ok_or_else(|| ApiError::not_found("agent not found"))?;
    Codes::load(conn)?.agent(row)
}

/// The agent with `matricule` in an organisation, if any.
pub fn find(conn: &mut DbConnection, organisation_id: i32, matricule: &str) -> Result<Option<Agent>, ApiError> {
    let row = a::table
        .filter(a::organisation_id.eq(organisation_id))
        .filter(a::matricule.eq(matricule))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| Codes::load(conn)?.agent(r)).transpose()
}

/// Which agents a listing or an analytic covers.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only this organisation (always set for users outside NATIONAL).
    pub organisation_id: Option<i32>,
    pub unit: Option<String>,
    pub job_profile_id: Option<i32>,
    /// Words found in the matricule or the names.
    pub text: Option<String>,
    /// Agents whose end date has passed are left out unless asked for.
    pub include_departed: bool,
}

diesel::define_sql_function! {
    /// SQL `lower`, the same on both databases for ASCII and, on PostgreSQL, for accented letters.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The agents of `selection`, as a query.
fn selected(selection: &Selection, today: NaiveDate) -> a::BoxedQuery<'static, Backend> {
    let mut query = a::table.into_boxed();
    if let Some(org) = selection.organisation_id {
        query = query.filter(a::organisation_id.eq(org));
    }
    if let Some(unit) = &selection.unit {
        query = query.filter(a::unit.eq(unit.clone()));
    }
    if let Some(profile) = selection.job_profile_id {
        query = query.filter(a::job_profile_id.eq(profile));
    }
    if let Some(text) = selection.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Lower-cased on both sides: LIKE ignores case on SQLite, not on PostgreSQL.
        let pattern = format!("%{}%", text.replace(['%', '_'], "").to_lowercase());
        query = query.filter(
            lower(a::matricule)
                .like(pattern.clone())
                .or(lower(a::last_name).like(pattern.clone()))
                .or(lower(a::first_name).like(pattern)),
        );
    }
    if !selection.include_departed {
        query = query.filter(a::end_date.is_null().or(a::end_date.ge(today)));
    }
    query
}

/// The agents of `selection`, ordered by organisation, unit and matricule.
pub fn select(conn: &mut DbConnection, selection: &Selection, today: NaiveDate) -> Result<Vec<Agent>, ApiError> {
    let rows: Vec<Row> = selected(selection, today)
        .select(Row::as_select())
        .order((a::organisation_id, a::unit, a::matricule))
        .load(conn)?;
    let codes = Codes::load(conn)?;
    rows.into_iter().map(|r| codes.agent(r)).collect()
}

/// One page of the agents of `selection`, in the same order, cut in SQL.
pub fn select_page(
    conn: &mut DbConnection,
    selection: &Selection,
    today: NaiveDate,
    ask: PageAsk,
) -> Result<Page<Agent>, ApiError> {
    let total: i64 = selected(selection, today).count().get_result(conn)?;
    let rows: Vec<Row> = selected(selection, today)
        .select(Row::as_select())
        .order((a::organisation_id, a::unit, a::matricule))
        .limit(ask.limit())
        .offset(ask.offset())
        .load(conn)?;
    let codes = Codes::load(conn)?;
    let items = rows.into_iter().map(|r| codes.agent(r)).collect::<Result<_, _>>()?;
    Ok(ask.answer(items, total))
}

/// Which agents a list asks for, as a request names them.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Organisation code (national users; others see their own whatever they name).
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Job profile code.
    pub job_profile: Option<String>,
    /// Words in the matricule or the names.
    pub text: Option<String>,
    pub include_departed: bool,
}

impl Filter {
    /// The selection `filter` names within `who`'s reach: an organisation out of reach is 404,
    /// like one that does not exist; an unknown job profile 422.
    pub fn selection(&self, conn: &mut DbConnection, who: &Principal) -> Result<Selection, ApiError> {
        let organisation_id = super::organisations::scope(conn, who, self.organisation.as_deref())?;
        Ok(Selection {
            organisation_id,
            unit: self.unit.clone(),
            job_profile_id: self.job_profile.as_deref().map(|p| profile_id(conn, "job_profile", p)).transpose()?,
            text: self.text.clone(),
            include_departed: self.include_departed,
        })
    }
}

/// The units of the agents within `who`'s reach (in `organisation` for national users who name
/// one), in order: what a filter offers.
pub fn units(conn: &mut DbConnection, who: &Principal, organisation: Option<&str>) -> Result<Vec<String>, ApiError> {
    let filter = Filter { organisation: organisation.map(str::to_owned), ..Filter::default() };
    let selection = filter.selection(conn, who)?;
    let mut query = a::table.select(a::unit).distinct().order(a::unit).into_boxed();
    if let Some(org) = selection.organisation_id {
        query = query.filter(a::organisation_id.eq(org));
    }
    Ok(query.load(conn)?)
}

/// A page of the agents `filter` names within `who`'s reach; an organisation out of reach is
/// 404, an unknown job profile 422.
pub fn find_page(
    conn: &mut DbConnection,
    who: &Principal,
    filter: &Filter,
    today: NaiveDate,
    ask: PageAsk,
) -> Result<Page<Agent>, ApiError> {
    let selection = filter.selection(conn, who)?;
    let page = select_page(conn, &selection, today, ask)?;
    Ok(page.map(|agent| agent.for_reader(who)))
}

/// The job profile id of a code, or a 422 naming `field`.
pub fn profile_id(conn: &mut DbConnection, field: &str, code: &str) -> Result<i32, ApiError> {
    Codes::load(conn)?
        .profile_id(&code.trim().to_uppercase())
        .ok_or_else(|| ApiError::unusable(field, format!("unknown job profile {code}")))
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = a, treat_none_as_null = true)]
pub struct Write<'a> {
    pub matricule: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub unit: &'a str,
    pub manager_matricule: Option<&'a str>,
    pub job_profile_id: Option<i32>,
    pub fte: f64,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
    pub productivity: f64,
    pub ramp_up: i32,
    pub birth_date: Option<NaiveDate>,
    pub contract: &'static str,
    pub departure_date: Option<NaiveDate>,
    pub departure_reason: Option<&'static str>,
}

impl<'a> Write<'a> {
    pub fn new(input: &'a AgentInput, job_profile_id: Option<i32>) -> Self {
        Self {
            matricule: &input.matricule,
            last_name: &input.last_name,
            first_name: &input.first_name,
            unit: &input.unit,
            manager_matricule: input.manager_matricule.as_deref(),
            job_profile_id,
            fte: input.fte.get(),
            start_date: input.start_date,
            end_date: input.end_date,
            updated_at: super::now(),
            productivity: input.productivity,
            ramp_up: i32::from(input.ramp_up),
            birth_date: input.birth_date,
            contract: input.contract.as_str(),
            departure_date: input.departure_date,
            departure_reason: input.departure_reason.map(DepartureReason::as_str),
        }
    }
}

fn resolve_profile(conn: &mut DbConnection, input: &AgentInput) -> Result<Option<i32>, ApiError> {
    input.job_profile.as_deref().map(|code| profile_id(conn, "job_profile", code)).transpose()
}

/// The agent if `who` may see it, as they may read it; else 404.
pub fn visible(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<Agent, ApiError> {
    Ok(whole(conn, who, id)?.for_reader(who))
}

/// The agent if `who` may see it, birth date included: for the domain's own use.
fn whole(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<Agent, ApiError> {
    let agent = get(conn, id)?;
    who.visible(agent.organisation_id, agent, "agent")
}

/// 403 when `who` sets a birth date they may not read.
fn birth_date_writable(
    who: &Principal,
    organisation_id: i32,
    new: &AgentInput,
    old: Option<NaiveDate>,
) -> Result<(), ApiError> {
    if new.birth_date != old && !projection::may_read_birth_date(who, organisation_id) {
        return Err(ApiError::forbidden("only hr and admin of the agent's organisation may set a birth date"));
    }
    Ok(())
}

/// Creates an agent in organisation `organisation` (default: the caller's own), which must be
/// within their reach (roles `hr`, `admin`).
pub fn create(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    input: AgentInput,
) -> Result<Agent, ApiError> {
    who.require_any(&[Role::Hr])?;
    let organisation_id = super::organisations::one(conn, who, organisation)?;
    let input = input.validated()?;
    birth_date_writable(who, organisation_id, &input, None)?;
    crate::db::transaction(conn, |conn| {
        if find(conn, organisation_id, &input.matricule)?.is_some() {
            return Err(ApiError::conflict(format!("an agent with matricule {} already exists", input.matricule)));
        }
        let profile = resolve_profile(conn, &input)?;
        let id: i32 = diesel::insert_into(a::table)
            .values((a::organisation_id.eq(organisation_id), a::version.eq(1), Write::new(&input, profile)))
            .returning(a::id)
            .get_result(conn)?;
        let agent = get(conn, id)?;
        let change =
            Change::new(Some(organisation_id), "agent", &agent.input.matricule, "create").created(&agent.audited());
        audit::record(conn, who, change)?;
        Ok(agent.for_reader(who))
    })
}

/// Changes an agent `who` may see and edit (roles `hr`, `admin`), if `expected_version` is still
/// current; the fields that changed go to the audit trail.
pub fn edit(
    conn: &mut DbConnection,
    who: &Principal,
    id: i32,
    expected_version: i32,
    input: AgentInput,
) -> Result<Agent, ApiError> {
    crate::db::transaction(conn, |conn| {
        let before = whole(conn, who, id)?;
        who.require_any(&[Role::Hr])?;
        // Whoever may not read the birth date sends the agent back without it: it stays.
        let mut input = input;
        if input.birth_date.is_none() && !projection::may_read_birth_date(who, before.organisation_id) {
            input.birth_date = before.input.birth_date;
        }
        birth_date_writable(who, before.organisation_id, &input, before.input.birth_date)?;
        let after = update(conn, id, expected_version, input)?;
        if after.version != before.version {
            let change = Change::new(Some(after.organisation_id), "agent", &after.input.matricule, "update")
                .changed(&before.audited(), &after.audited());
            audit::record(conn, who, change)?;
        }
        Ok(after.for_reader(who))
    })
}

/// Changes an agent if `expected_version` is still current (409 otherwise). The organisation
/// and the matricule cannot change.
pub fn update(conn: &mut DbConnection, id: i32, expected_version: i32, input: AgentInput) -> Result<Agent, ApiError> {
    let input = input.validated()?;
    crate::db::transaction(conn, |conn| {
        let current = get(conn, id)?;
        if current.version != expected_version {
            return Err(stale("agent", &current.input.matricule, expected_version, current.version));
        }
        if input.matricule != current.input.matricule {
            return Err(ApiError::unusable("matricule", "cannot change; create a new agent instead"));
        }
        if input == current.input {
            return Ok(current);
        }
        let profile = resolve_profile(conn, &input)?;
        let changed = diesel::update(a::table.filter(a::id.eq(id)).filter(a::version.eq(expected_version)))
            .set((a::version.eq(expected_version + 1), Write::new(&input, profile)))
            .execute(conn)?;
        if changed != 1 {
            return Err(stale("agent", &input.matricule, expected_version, expected_version + 1));
        }
        get(conn, id)
    })
}

/// A new agent row, for batch inserts.
#[derive(Insertable)]
#[diesel(table_name = a)]
pub struct NewAgentRow {
    pub organisation_id: i32,
    pub matricule: String,
    pub last_name: String,
    pub first_name: String,
    pub unit: String,
    pub manager_matricule: Option<String>,
    pub job_profile_id: Option<i32>,
    pub fte: f64,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub version: i32,
    pub updated_at: NaiveDateTime,
    pub productivity: f64,
    pub ramp_up: i32,
    pub birth_date: Option<NaiveDate>,
    pub contract: &'static str,
    pub departure_date: Option<NaiveDate>,
    pub departure_reason: Option<&'static str>,
}

impl NewAgentRow {
    pub fn new(organisation_id: i32, input: AgentInput, job_profile_id: Option<i32>) -> Self {
        Self {
            organisation_id,
            matricule: input.matricule,
            last_name: input.last_name,
            first_name: input.first_name,
            unit: input.unit,
            manager_matricule: input.manager_matricule,
            job_profile_id,
            fte: input.fte.get(),
            start_date: input.start_date,
            end_date: input.end_date,
            version: 1,
            updated_at: super::now(),
            productivity: input.productivity,
            ramp_up: i32::from(input.ramp_up),
            birth_date: input.birth_date,
            contract: input.contract.as_str(),
            departure_date: input.departure_date,
            departure_reason: input.departure_reason.map(DepartureReason::as_str),
        }
    }
}

/// Inserts many agents, one multi-row statement per batch (each backend reached directly: the
/// two-backend connection type has no multi-row insert).
pub fn insert_many(conn: &mut DbConnection, rows: &[NewAgentRow]) -> Result<(), ApiError> {
    for batch in rows.chunks(1000) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(a::table).values(batch).execute(c)?,
            DbConnection::Pg(c) => diesel::insert_into(a::table).values(batch).execute(c)?,
        };
    }
    Ok(())
}
