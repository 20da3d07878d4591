//! Engagements: a trainer × campus × employer organisation, for a period of years (3 by
//! default) with planned hours per year on working time. `proposed` → `active` →
//! `renewal_requested` → `renewed` (a new period), or `ended`. Activation and renewal need the
//! recorded agreement of the trainer, the employer and the campus for that period; every
//! transition is kept.

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{
    agents as a, engagement_agreements as ea, engagement_events as ee, engagements as e, organisations as o,
    trainers as tr,
};
use crate::db::{Backend, DbConnection};
use crate::domain::access::Principal;
use crate::domain::competencies::stale;
use crate::domain::paging::{Page, PageAsk};
use crate::domain::types::{EngagementStatus as Status, Party, Role};
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementInput {
    /// The trainer's id in this campus.
    pub trainer: i32,
    pub start_date: NaiveDate,
    /// Default: three years after the start.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Hours a year the trainer gives, on working time.
    #[schema(minimum = 0, maximum = 2000)]
    pub hours_per_year: f64,
    /// Reserve the planned hours in the employer's plans (default: no).
    #[serde(default)]
    pub reserve_in_plans: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Engagement {
    pub id: i32,
    pub trainer: i32,
    pub campus: String,
    #[serde(skip)]
    pub campus_id: i32,
    /// The trainer's organisation.
    pub employer: String,
    #[serde(skip)]
    pub employer_id: i32,
    /// The trainer's agent.
    #[serde(skip)]
    pub agent_id: i32,
    pub matricule: String,
    pub last_name: String,
    pub status: Status,
    /// 1 for the first period, then one more per renewal.
    pub period: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub hours_per_year: f64,
    /// Plans of the employer count the planned hours as campus hours, spread over the year's
    /// months, before sessions are scheduled; scheduled hours are not counted twice.
    pub reserve_in_plans: bool,
    /// The period a renewal request proposes.
    pub next: Option<NextPeriod>,
    /// Agreements recorded for the period awaiting them (the first, or the proposed renewal).
    pub agreements: Vec<Agreement>,
    /// Parties whose agreement that period still lacks.
    pub missing: Vec<Party>,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NextPeriod {
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub hours_per_year: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agreement {
    pub period: i32,
    pub party: Party,
    pub agreed_by: String,
    #[serde(with = "crate::domain::utc")]
    pub agreed_at: NaiveDateTime,
    /// The trainer's agreement recorded by the employer's hr from a signed paper consent.
    pub consent: Option<PaperConsent>,
}

/// A trainer's signed paper consent, for a trainer without an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperConsent {
    /// The signed document's reference (1 to 80 characters).
    pub reference: String,
    /// The day it was signed.
    pub signed_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// `transition` or `agreement`.
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub period: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub note: String,
    pub changed_by: String,
    #[serde(with = "crate::domain::utc")]
    pub changed_at: NaiveDateTime,
}

/// Three years after `start`, the recommended length.
pub fn default_end(start: NaiveDate) -> NaiveDate {
    start.checked_add_months(Months::new(36)).and_then(|d| d.pred_opt()).unwrap_or(start)
}

/// Whether `who` may see an engagement: the trainer's own account, the campus's users, the
/// employer's `hr` and `admin`, national users.
pub fn can_see(who: &Principal, g: &Engagement) -> bool {
    if let Some(agent) = who.trainer_agent() {
        return agent == g.agent_id;
    }
    who.national
        || who.organisation_id == g.campus_id
        || (who.organisation_id == g.employer_id && (who.has(Role::Hr) || who.has(Role::Admin)))
}

type Row = (
    i32,
    i32,
    i32,
    i32,
    String,
    i32,
    NaiveDate,
    NaiveDate,
    f64,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<f64>,
    i32,
    i32,
);

/// Which engagements to read.
pub enum Which<'a> {
    One(i32),
    /// Those of these campuses.
    Campuses(&'a [i32]),
    /// Those of these trainer listings.
    Trainers(&'a [i32]),
    /// Those the caller may see (see [`can_see`]).
    SeenBy(&'a Principal),
}

/// The engagements `which` names, as a query to count or read.
fn chosen<'a>(which: Which<'a>) -> e::BoxedQuery<'a, Backend> {
    let query = e::table.into_boxed();
    match which {
        Which::One(id) => query.filter(e::id.eq(id)),
        Which::Campuses(ids) => query.filter(e::campus_id.eq_any(ids)),
        Which::Trainers(ids) => query.filter(e::trainer_id.eq_any(ids)),
        Which::SeenBy(who) if who.has(Role::Trainer) => {
            let own = tr::table.filter(tr::agent_id.nullable().eq(who.trainer_agent())).select(tr::id);
            query.filter(e::trainer_id.eq_any(own))
        }
        Which::SeenBy(who) if who.national => query,
        Which::SeenBy(who) if who.has(Role::Hr) || who.has(Role::Admin) => {
            query.filter(e::campus_id.eq(who.organisation_id).or(e::employer_id.eq(who.organisation_id)))
        }
        Which::SeenBy(who) => query.filter(e::campus_id.eq(who.organisation_id)),
    }
}

/// The engagements `query` picks, by id, with their people and the agreements awaited.
fn load(conn: &mut DbConnection, query: e::BoxedQuery<'_, Backend>) -> Result<Vec<Engagement>, ApiError> {
    let rows: Vec<Row> = query
        .order(e::id)
        .select((
            e::id,
            e::trainer_id,
            e::campus_id,
            e::employer_id,
            e::status,
            e::period,
            e::start_date,
            e::end_date,
            e::hours_per_year,
            e::next_start_date,
            e::next_end_date,
            e::next_hours_per_year,
            e::version,
            e::reserve_in_plans,
        ))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let organisations: Vec<i32> = rows.iter().flat_map(|r| [r.2, r.3]).collect();
    let codes: std::collections::HashMap<i32, String> = o::table
        .filter(o::id.eq_any(&organisations))
        .select((o::id, o::code))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let people: std::collections::HashMap<i32, (i32, String, String)> = tr::table
        .inner_join(a::table)
        .filter(tr::id.eq_any(rows.iter().map(|r| r.1).collect::<Vec<_>>()))
        .select((tr::id, a::id, a::matricule, a::last_name))
        .load::<(i32, i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, agent, m, n)| (id, (agent, m, n)))
        .collect();
    type AgreementRow = (i32, i32, String, String, NaiveDateTime, Option<String>, Option<NaiveDate>);
    let agreements = ea::table
        .filter(ea::engagement_id.eq_any(&ids))
        .order((ea::engagement_id, ea::agreed_at))
        .select((
            ea::engagement_id,
            ea::period,
            ea::party,
            ea::agreed_by,
            ea::agreed_at,
            ea::consent_reference,
            ea::consent_date,
        ))
        .load::<AgreementRow>(conn)?;
    rows.into_iter()
        .map(|r| {
            let status = Status::parse("status", &r.4)?;
            let awaited = awaited_period(status, r.5);
            let agreements: Vec<Agreement> = agreements
                .iter()
                .filter(|g| g.0 == r.0 && Some(g.1) == awaited)
                .map(|g| {
                    Ok(Agreement {
                        period: g.1,
                        party: Party::parse("party", &g.2)?,
                        agreed_by: g.3.clone(),
                        agreed_at: g.4,
                        consent: match (&g.5, g.6) {
                            (Some(reference), Some(signed_on)) => {
                                Some(PaperConsent { reference: reference.clone(), signed_on })
                            }
                            _ => None,
                        },
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            let missing = if awaited.is_some() {
                Party::ALL.iter().copied().filter(|p| !agreements.iter().any(|g| g.party == *p)).collect()
            } else {
                vec![]
            };
            let next = match (r.9, r.10, r.11) {
                (Some(start_date), Some(end_date), Some(hours_per_year)) => {
                    Some(NextPeriod { start_date, end_date, hours_per_year })
                }
                _ => None,
            };
            let (agent_id, matricule, last_name) = people.get(&r.1).cloned().unwrap_or_default();
            Ok(Engagement {
                id: r.0,
                trainer: r.1,
                campus: codes.get(&r.2).cloned().unwrap_or_default(),
                campus_id: r.2,
                employer: codes.get(&r.3).cloned().unwrap_or_default(),
                employer_id: r.3,
                agent_id,
                matricule,
                last_name,
                status,
                period: r.5,
                start_date: r.6,
                end_date: r.7,
                hours_per_year: r.8,
                reserve_in_plans: r.13 != 0,
                next,
                agreements,
                missing,
                version: r.12,
            })
        })
        .collect()
}

/// The period awaiting agreements in a state: the first while proposed, the next while a
/// renewal is requested, none otherwise.
pub(super) fn awaited_period(status: Status, period: i32) -> Option<i32> {
    match status {
        Status::Proposed => Some(period),
        Status::RenewalRequested => Some(period + 1),
        _ => None,
    }
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<Engagement, ApiError> {
    load(conn, chosen(Which::One(id)))?.pop().ok_or_else(|| ApiError::not_found(format!("engagement {id} not found")))
}

/// The engagements of some campuses.
pub fn of_campuses(conn: &mut DbConnection, campuses: &[i32]) -> Result<Vec<Engagement>, ApiError> {
    load(conn, chosen(Which::Campuses(campuses)))
}

/// The engagements of some trainer listings.
pub fn of_trainers(conn: &mut DbConnection, trainers: &[i32]) -> Result<Vec<Engagement>, ApiError> {
    load(conn, chosen(Which::Trainers(trainers)))
}

/// Every engagement `who` may see.
pub fn visible(conn: &mut DbConnection, who: &Principal) -> Result<Vec<Engagement>, ApiError> {
    load(conn, chosen(Which::SeenBy(who)))
}

/// A page of the engagements `who` may see, oldest first.
pub fn visible_page(conn: &mut DbConnection, who: &Principal, ask: PageAsk) -> Result<Page<Engagement>, ApiError> {
    let total: i64 = chosen(Which::SeenBy(who)).count().get_result(conn)?;
    let items = load(conn, chosen(Which::SeenBy(who)).limit(ask.limit()).offset(ask.offset()))?;
    Ok(ask.answer(items, total))
}

pub fn history(conn: &mut DbConnection, id: i32) -> Result<Vec<Event>, ApiError> {
    let rows = ee::table
        .filter(ee::engagement_id.eq(id))
        .order(ee::id)
        .select((
            ee::kind,
            ee::from_status,
            ee::to_status,
            ee::period,
            ee::start_date,
            ee::end_date,
            ee::note,
            ee::changed_by,
            ee::changed_at,
        ))
        .load::<(String, Option<String>, String, i32, NaiveDate, NaiveDate, String, String, NaiveDateTime)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            kind: r.0,
            from_status: r.1,
            to_status: r.2,
            period: r.3,
            start_date: r.4,
            end_date: r.5,
            note: r.6,
            changed_by: r.7,
            changed_at: r.8,
        })
        .collect())
}

/// Whether the state lets its trainer teach in its current period.
pub fn is_active(status: Status) -> bool {
    matches!(status, Status::Active | Status::RenewalRequested | Status::Renewed)
}

/// `Ok` when trainer `trainer_id` (of a campus) has an engagement active over `start..=end`,
/// else why not, naming the engagement's state: sessions are taught under an engagement.
pub fn covering(conn: &mut DbConnection, trainer_id: i32, start: NaiveDate, end: NaiveDate) -> Result<(), String> {
    let rows = e::table
        .filter(e::trainer_id.eq(trainer_id))
        .order(e::id.desc())
        .select((e::id, e::status, e::start_date, e::end_date))
        .load::<(i32, String, NaiveDate, NaiveDate)>(conn)
        .map_err(|_| "its engagements could not be read".to_owned())?;
    let states: Vec<(i32, Status, NaiveDate, NaiveDate)> = rows
        .into_iter()
        .filter_map(|(id, status, from, to)| Status::parse("status", &status).ok().map(|s| (id, s, from, to)))
        .collect();
    if states.iter().any(|&(_, status, from, to)| is_active(status) && from <= start && end <= to) {
        return Ok(());
    }
    Err(match states.first() {
        None => format!(
            "trainer {trainer_id} has no engagement with this campus: a session is scheduled under an engagement              active for its dates"
        ),
        Some((id, status, from, to)) if is_active(*status) => format!(
            "engagement {id} of trainer {trainer_id} is {status} from {from} to {to}, which does not cover the              session's dates"
        ),
        Some((id, status, ..)) => format!(
            "engagement {id} of trainer {trainer_id} is {status}: a session is scheduled under an engagement active              for its dates"
        ),
    })
}

/// Records the engagement's state as it now stands, reached from `from`.
fn record(conn: &mut DbConnection, id: i32, from: Option<Status>, note: &str, by: &str) -> Result<(), ApiError> {
    record_event(conn, id, "transition", from, note, by)
}

/// Records an event of `kind` on the engagement as it now stands.
pub(super) fn record_event(
    conn: &mut DbConnection,
    id: i32,
    kind: &str,
    from: Option<Status>,
    note: &str,
    by: &str,
) -> Result<(), ApiError> {
    let (status, period, start_date, end_date): (String, i32, NaiveDate, NaiveDate) =
        e::table.find(id).select((e::status, e::period, e::start_date, e::end_date)).first(conn)?;
    diesel::insert_into(ee::table)
        .values((
            ee::engagement_id.eq(id),
            ee::kind.eq(kind),
            ee::from_status.eq(from.map(|s| s.as_str())),
            ee::to_status.eq(status),
            ee::period.eq(period),
            ee::start_date.eq(start_date),
            ee::end_date.eq(end_date),
            ee::note.eq(note),
            ee::changed_by.eq(by),
            ee::changed_at.eq(crate::domain::now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn hours(field: &str, value: f64) -> Result<f64, ApiError> {
    if value.is_finite() && (0.0..=2000.0).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(field, "must be 0 to 2000 hours a year"))
    }
}

/// Proposes an engagement of a campus's trainer; the employer is the trainer's organisation.
pub fn create(conn: &mut DbConnection, campus_id: i32, input: &EngagementInput, by: &str) -> Result<i32, ApiError> {
    let (trainer_campus, agent) = super::trainers::get_row(conn, input.trainer)
        .map_err(|_| ApiError::invalid("trainer", format!("no trainer {} in this campus", input.trainer)))?;
    if trainer_campus != campus_id {
        return Err(ApiError::invalid("trainer", format!("no trainer {} in this campus", input.trainer)));
    }
    let end = input.end_date.unwrap_or_else(|| default_end(input.start_date));
    if end <= input.start_date {
        return Err(ApiError::invalid("end_date", "must be after start_date"));
    }
    let employer: i32 = a::table.filter(a::id.eq(agent)).select(a::organisation_id).first(conn)?;
    let id: i32 = diesel::insert_into(e::table)
        .values((
            e::trainer_id.eq(input.trainer),
            e::campus_id.eq(campus_id),
            e::employer_id.eq(employer),
            e::status.eq(Status::Proposed.as_str()),
            e::period.eq(1),
            e::start_date.eq(input.start_date),
            e::end_date.eq(end),
            e::hours_per_year.eq(hours("hours_per_year", input.hours_per_year)?),
            e::reserve_in_plans.eq(i32::from(input.reserve_in_plans)),
            e::version.eq(1),
            e::created_at.eq(crate::domain::now()),
            e::created_by.eq(by),
        ))
        .returning(e::id)
        .get_result(conn)?;
    record(conn, id, None, "proposition", by)?;
    Ok(id)
}

/// Turns the reservation of the planned hours in plans on or off, if the engagement is still at
/// `version`.
pub fn set_reservation(conn: &mut DbConnection, g: &Engagement, reserve: bool, version: i32) -> Result<(), ApiError> {
    if g.version != version {
        return Err(stale("engagement", &g.id.to_string(), version, g.version));
    }
    let changed = diesel::update(e::table.filter(e::id.eq(g.id)).filter(e::version.eq(version)))
        .set((e::reserve_in_plans.eq(i32::from(reserve)), e::version.eq(version + 1)))
        .execute(conn)?;
    if changed != 1 {
        return Err(stale("engagement", &g.id.to_string(), version, version + 1));
    }
    Ok(())
}

/// A change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Activate,
    RequestRenewal,
    Renew,
    End,
}

impl Action {
    /// The history's words for a change made without a note of its own.
    pub fn words(self) -> &'static str {
        match self {
            Self::Activate => "activation",
            Self::RequestRenewal => "demande de renouvellement",
            Self::Renew => "renouvellement",
            Self::End => "fin de l'engagement",
        }
    }
}

/// What a transition may carry: the proposed next period (renewal request) and a note.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// The engagement's version the change was made from (409 when it changed since); may be
    /// left out when `If-Match` names it.
    #[serde(default)]
    #[schema(required = true, value_type = i32)]
    pub version: Option<i32>,
    /// Renewal request: the next period's start (default: the day after the current end).
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Renewal request: the next period's end (default: three years after its start).
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Renewal request: hours a year (default: the current ones).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2000)]
    pub hours_per_year: Option<f64>,
    #[serde(default)]
    pub note: String,
}

fn missing_agreements(g: &Engagement, what: &str) -> ApiError {
    let names: Vec<&str> = g.missing.iter().map(|p| p.as_str()).collect();
    ApiError::Conflict {
        message: format!("engagement {} cannot be {what}: the agreement of {} is missing", g.id, names.join(", ")),
        details: g.missing.iter().map(|p| Detail::field(format!("agreements.{p}"), "not recorded")).collect(),
    }
}

fn wrong_state(g: &Engagement, action: Action) -> ApiError {
    ApiError::conflict(format!("engagement {} is {}: {action:?} is not possible from there", g.id, g.status))
}

/// Applies `action` (by the campus's managers), if the engagement is still at `version`.
pub fn transition(
    conn: &mut DbConnection,
    g: &Engagement,
    action: Action,
    version: i32,
    input: &TransitionInput,
    by: &str,
) -> Result<(), ApiError> {
    if g.version != version {
        return Err(stale("engagement", &g.id.to_string(), version, g.version));
    }
    let key = e::table.filter(e::id.eq(g.id)).filter(e::version.eq(g.version));
    let next_version = e::version.eq(g.version + 1);
    let changed = match action {
        Action::Activate => {
            if g.status != Status::Proposed {
                return Err(wrong_state(g, action));
            }
            if !g.missing.is_empty() {
                return Err(missing_agreements(g, "activated"));
            }
            diesel::update(key).set((e::status.eq(Status::Active.as_str()), next_version)).execute(conn)?
        }
        Action::RequestRenewal => {
            if !matches!(g.status, Status::Active | Status::Renewed) {
                return Err(wrong_state(g, action));
            }
            let start = input.start_date.unwrap_or_else(|| g.end_date.succ_opt().unwrap_or(g.end_date));
            let end = input.end_date.unwrap_or_else(|| default_end(start));
            if end <= start {
                return Err(ApiError::invalid("end_date", "must be after start_date"));
            }
            let hours_per_year = hours("hours_per_year", input.hours_per_year.unwrap_or(g.hours_per_year))?;
            diesel::update(key)
                .set((
                    e::status.eq(Status::RenewalRequested.as_str()),
                    e::next_start_date.eq(start),
                    e::next_end_date.eq(end),
                    e::next_hours_per_year.eq(hours_per_year),
                    next_version,
                ))
                .execute(conn)?
        }
        Action::Renew => {
            if g.status != Status::RenewalRequested {
                return Err(wrong_state(g, action));
            }
            if !g.missing.is_empty() {
                return Err(missing_agreements(g, "renewed"));
            }
            let next = g.next.clone().ok_or_else(|| ApiError::internal("renewal", "no next period"))?;
            diesel::update(key)
                .set((
                    e::status.eq(Status::Renewed.as_str()),
                    e::period.eq(g.period + 1),
                    e::start_date.eq(next.start_date),
                    e::end_date.eq(next.end_date),
                    e::hours_per_year.eq(next.hours_per_year),
                    e::next_start_date.eq(None::<NaiveDate>),
                    e::next_end_date.eq(None::<NaiveDate>),
                    e::next_hours_per_year.eq(None::<f64>),
                    next_version,
                ))
                .execute(conn)?
        }
        Action::End => {
            if g.status == Status::Ended {
                return Err(wrong_state(g, action));
            }
            diesel::update(key).set((e::status.eq(Status::Ended.as_str()), next_version)).execute(conn)?
        }
    };
    if changed != 1 {
        return Err(stale("engagement", &g.id.to_string(), version, g.version + 1));
    }
    let note = if input.note.trim().is_empty() { action.words().to_owned() } else { input.note.trim().to_owned() };
    record(conn, g.id, Some(g.status), &note, by)
}
