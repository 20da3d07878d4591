//! The trajectory's assumptions and targets on the web (`/trajectoire/hypotheses`), for hr: one
//! form for the assumptions (a versioned document: a stale save is refused, never overwritten)
//! and one grid for the target ETP per job sheet and year (replaced all or nothing). A refused
//! form comes back as typed, with every bad field named. The same use cases as
//! `PUT /api/v1/trajectory/assumptions` and `PUT /api/v1/trajectory/targets`.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Datelike;
use gpec_trajectory::departures::RetirementAge;

use super::trajectory::{address, named};
use crate::domain::job_profiles::SheetSummary;
use crate::domain::trajectory::assumptions::{self, Assumptions, Hiring, MovePath, StoredAssumptions};
use crate::domain::trajectory::targets::{self, Target};
use crate::error::{ApiError, Detail};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::form::{Fields, Reader, number, percent};
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

#[derive(Template)]
#[template(path = "trajectory_settings.html")]
struct SettingsPage {
    layout: Layout,
    /// The organisation shown, named by national users (empty: their own).
    organisation: String,
    organisations: Vec<(String, String)>,
    version: i32,
    updated: Option<String>,
    categories: Vec<String>,
    sheets: Vec<SheetSummary>,
    years: Vec<i32>,
    fields: Fields,
    /// Which form was refused (`hypotheses` or `cibles`), why, and each bad field.
    refusal: Option<(String, String, Vec<Detail>)>,
    saved: bool,
}

impl SettingsPage {
    fn v(&self, name: impl AsRef<str>) -> String {
        self.fields.get(name.as_ref()).cloned().unwrap_or_default()
    }

    fn target(&self, sheet: &str, year: &i32) -> String {
        self.v(format!("cible.{sheet}.{year}"))
    }

    fn back_address(&self) -> String {
        address("/trajectoire", &self.organisation)
    }

    fn refused(&self, form: &str) -> bool {
        self.refusal.as_ref().is_some_and(|(f, ..)| f == form)
    }
}

/// The stored assumptions and targets as the forms show them.
fn stored_fields(a: &Assumptions, targets: &BTreeMap<(String, i32), f64>) -> Fields {
    let mut f = Fields::new();
    let mut put = |k: String, v: String| {
        f.insert(k, v);
    };
    put("exit_rate".into(), percent(a.exit_rate));
    for (i, r) in a.ramp.iter().enumerate() {
        put(format!("ramp.{}", i + 1), percent(*r));
    }
    put("training_cost_per_hour".into(), number(a.training_cost_per_hour));
    put("training_hours_per_year".into(), a.training_hours_per_year.map(number).unwrap_or_default());
    put("hiring.cost".into(), number(a.hiring.cost));
    put("hiring.lead_months".into(), a.hiring.lead_months.to_string());
    put("hiring.cap".into(), a.hiring.cap.map(|c| c.to_string()).unwrap_or_default());
    put("move_out_share".into(), percent(a.move_out_share));
    put("penalties.under_target_per_etp".into(), number(a.penalties.under_target_per_etp));
    put("penalties.over_target_per_etp".into(), number(a.penalties.over_target_per_etp));
    put("penalties.lost_capacity_per_etp".into(), number(a.penalties.lost_capacity_per_etp));
    put("succession_threshold".into(), a.succession_threshold.to_string());
    for (category, hours) in &a.training_hours_per_level {
        put(format!("training_hours_per_level.{category}"), number(*hours));
    }
    for (sheet, rate) in &a.exit_rates {
        put(format!("exit_rates.{sheet}"), percent(*rate));
    }
    for (sheet, etp) in &a.min_etp {
        put(format!("min_etp.{sheet}"), number(*etp));
    }
    for (sheet, h) in &a.hiring_by_sheet {
        put(format!("hiring_by_sheet.{sheet}.cost"), number(h.cost));
        put(format!("hiring_by_sheet.{sheet}.lead_months"), h.lead_months.to_string());
        put(format!("hiring_by_sheet.{sheet}.cap"), h.cap.map(|c| c.to_string()).unwrap_or_default());
    }
    let paths: Vec<String> = a.paths.iter().map(|p| format!("{} → {}", p.from, p.to)).collect();
    put("paths".into(), paths.join("\n"));
    let ages: Vec<String> =
        a.retirement_ages.iter().map(|r| format!("{} {} {}", r.born_from, r.years, r.months)).collect();
    put("retirement_ages".into(), ages.join("\n"));
    for ((sheet, year), etp) in targets {
        put(format!("cible.{sheet}.{year}"), number(*etp));
    }
    f
}

/// The assumptions the form describes; `categories` and `sheets` name the fields it has.
fn assumptions_of(fields: &Fields, categories: &[String], sheets: &[String]) -> Result<Assumptions, ApiError> {
    let mut r = Reader::new(fields);
    let mut a = Assumptions { exit_rate: r.share("exit_rate"), ..Assumptions::default() };
    a.ramp = (1..=3).map(|i| r.share(&format!("ramp.{i}"))).collect();
    a.training_cost_per_hour = r.number("training_cost_per_hour");
    a.training_hours_per_year = r.optional("training_hours_per_year");
    let lead = r.whole("hiring.lead_months");
    a.hiring = Hiring { cost: r.number("hiring.cost"), lead_months: lead.unwrap_or(0), cap: r.whole("hiring.cap") };
    if lead.is_none() && r.text("hiring.lead_months").is_empty() {
        r.problems.push(Detail::field("hiring.lead_months", "is required"));
    }
    a.move_out_share = r.share("move_out_share");
    a.penalties.under_target_per_etp = r.number("penalties.under_target_per_etp");
    a.penalties.over_target_per_etp = r.number("penalties.over_target_per_etp");
    a.penalties.lost_capacity_per_etp = r.number("penalties.lost_capacity_per_etp");
    a.succession_threshold = r.whole("succession_threshold").unwrap_or(a.succession_threshold);
    a.training_hours_per_level =
        categories.iter().map(|c| (c.clone(), r.number(&format!("training_hours_per_level.{c}")))).collect();
    for sheet in sheets {
        if let Some(rate) = r.optional(&format!("exit_rates.{sheet}")) {
            a.exit_rates.insert(sheet.clone(), rate / 100.0);
        }
        if let Some(etp) = r.optional(&format!("min_etp.{sheet}")) {
            a.min_etp.insert(sheet.clone(), etp);
        }
        let key = |k: &str| format!("hiring_by_sheet.{sheet}.{k}");
        let (cost, lead, cap) = (r.optional(&key("cost")), r.whole(&key("lead_months")), r.whole(&key("cap")));
        if cost.is_some() || lead.is_some() || cap.is_some() {
            // What a sheet leaves empty is the organisation's default.
            let hiring =
                Hiring { cost: cost.unwrap_or(a.hiring.cost), lead_months: lead.unwrap_or(a.hiring.lead_months), cap };
            a.hiring_by_sheet.insert(sheet.clone(), hiring);
        }
    }
    a.paths = Vec::new();
    for (i, line) in r.lines("paths") {
        match line.split_once('→').or_else(|| line.split_once("->")) {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                a.paths.push(MovePath { from: from.trim().to_uppercase(), to: to.trim().to_uppercase() })
            }
            _ => r.problems.push(Detail::field(format!("paths[{i}]"), format!("{line:?}: write FROM → TO"))),
        }
    }
    a.retirement_ages = Vec::new();
    for (i, line) in r.lines("retirement_ages") {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let age = match parts.as_slice() {
            [born, years] => years.parse().ok().map(|y| (born, y, 0)),
            [born, years, months] => years.parse().ok().zip(months.parse().ok()).map(|(y, m)| (born, y, m)),
            _ => None,
        };
        match age {
            Some((born, years, months)) => {
                a.retirement_ages.push(RetirementAge { born_from: (*born).to_owned(), years, months })
            }
            None => r.problems.push(Detail::field(
                format!("retirement_ages[{i}]"),
                format!("{line:?}: write the first birth month, the years and the months, e.g. 1961-09 62 3"),
            )),
        }
    }
    if r.problems.is_empty() { Ok(a) } else { Err(ApiError::problems("the assumptions", r.problems)) }
}

/// The targets the grid describes: every filled cell.
fn targets_of(fields: &Fields) -> Result<Vec<Target>, ApiError> {
    let mut r = Reader::new(fields);
    let mut rows = Vec::new();
    for name in fields.keys().filter(|k| k.starts_with("cible.")) {
        let Some((sheet, year)) = name["cible.".len()..].rsplit_once('.') else { continue };
        let (Ok(year), Some(etp)) = (year.parse::<i32>(), r.optional(name)) else { continue };
        rows.push(Target { job_profile: sheet.to_owned(), year, etp });
    }
    if r.problems.is_empty() { Ok(rows) } else { Err(ApiError::problems("the targets", r.problems)) }
}

/// What the page shows besides the fields: the stored version, the sheets and the years.
struct Loaded {
    organisation: Option<String>,
    organisations: Vec<(String, String)>,
    stored: StoredAssumptions,
    sheets: Vec<SheetSummary>,
    targets: BTreeMap<(String, i32), f64>,
}

async fn load(visitor: &Visitor, state: &AppState, organisation: Option<String>) -> Result<Loaded, WebError> {
    let who = visitor.who.clone();
    Ok(state
        .db
        .run(move |conn| {
            let org = crate::domain::trajectory::organisation(conn, &who, organisation.as_deref())?;
            Ok(Loaded {
                organisations: super::scope::organisation_choices(conn, &who)?,
                organisation,
                stored: assumptions::get(conn, org)?,
                sheets: crate::domain::job_profiles::summaries(conn)?,
                targets: targets::of(conn, org)?,
            })
        })
        .await?)
}

fn settings_page(
    visitor: &Visitor,
    loaded: Loaded,
    typed: Option<&Fields>,
    refusal: Option<(String, ApiError)>,
    saved: bool,
) -> SettingsPage {
    let Loaded { organisation, organisations, stored, sheets, targets } = loaded;
    let next = today().year() + 1;
    let mut years: Vec<i32> = (next..next + 5).chain(targets.keys().map(|(_, y)| *y)).collect();
    years.sort_unstable();
    years.dedup();
    let mut fields = stored_fields(&stored.assumptions, &targets);
    if let Some(typed) = typed {
        fields.extend(typed.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    SettingsPage {
        layout: Layout::of(visitor, i18n::t("trajectory-settings-title")),
        organisation: organisation.unwrap_or_default(),
        organisations,
        version: stored.version,
        updated: stored
            .updated_by
            .zip(stored.updated_at)
            .map(|(by, at)| format!("{by}, {}", at.format("%d/%m/%Y %H:%M"))),
        categories: stored.assumptions.training_hours_per_level.keys().cloned().collect(),
        sheets,
        years,
        fields,
        refusal: refusal.map(|(form, e)| (form, e.to_string(), e.details())),
        saved,
    }
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    enregistre: Option<String>,
    #[serde(default)]
    organisation: String,
}

#[get("/trajectoire/hypotheses")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<SavedQuery>,
) -> Result<HttpResponse, WebError> {
    let loaded = load(&visitor, &state, named(&q.organisation)).await?;
    Ok(page(&settings_page(&visitor, loaded, None, None, q.enregistre.is_some())))
}

type FormPairs = web::Form<Vec<(String, String)>>;

/// The organisation a national user's form names (none: the caller's own).
fn organisation_of(fields: &Fields) -> Option<String> {
    named(fields.get("organisation").map_or("", String::as_str))
}

fn fields_of(req: &HttpRequest, visitor: &Visitor, form: FormPairs) -> Result<Fields, WebError> {
    let fields: Fields = form.into_inner().into_iter().collect();
    visitor.check_csrf(req, fields.get("csrf").map(String::as_str))?;
    Ok(fields)
}

/// Shows the page again with the typed fields and the reason, or goes back to it saved.
async fn answer(
    visitor: &Visitor,
    state: &AppState,
    form: &str,
    fields: &Fields,
    outcome: Result<(), ApiError>,
) -> Result<HttpResponse, WebError> {
    let organisation = organisation_of(fields);
    match outcome {
        Ok(()) => {
            let address = address("/trajectoire/hypotheses", organisation.as_deref().unwrap_or(""));
            let address = format!("{address}{}enregistre=1", if address.contains('?') { '&' } else { '?' });
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, address)).finish())
        }
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let loaded = load(visitor, state, organisation).await?;
            // Someone saved meanwhile: show theirs, never keep a stale form to be sent again.
            let stale = matches!(e, ApiError::Stale { .. } | ApiError::Conflict { .. });
            let typed = (!stale).then_some(fields);
            let page = settings_page(visitor, loaded, typed, Some((form.to_owned(), e)), false);
            Ok(html(status, page.render()))
        }
    }
}

#[post("/trajectoire/hypotheses")]
pub async fn save_assumptions(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: FormPairs,
) -> Result<HttpResponse, WebError> {
    let fields = fields_of(&req, &visitor, form)?;
    let organisation = organisation_of(&fields);
    let loaded = load(&visitor, &state, organisation.clone()).await?;
    let categories: Vec<String> = loaded.stored.assumptions.training_hours_per_level.keys().cloned().collect();
    let sheets: Vec<String> = loaded.sheets.iter().map(|s| s.code.clone()).collect();
    let version = fields.get("version").and_then(|v| v.trim().parse::<i32>().ok());
    let parsed = version
        .ok_or_else(|| ApiError::invalid("version", "is missing"))
        .and_then(|v| Ok((v, assumptions_of(&fields, &categories, &sheets)?)));
    let outcome = match parsed {
        Ok((version, content)) => {
            let who = visitor.who.clone();
            let org = organisation.clone();
            state.db.run(move |conn| assumptions::put(conn, &who, org.as_deref(), version, &content).map(|_| ())).await
        }
        Err(e) => Err(e),
    };
    answer(&visitor, &state, "hypotheses", &fields, outcome).await
}

#[post("/trajectoire/cibles")]
pub async fn save_targets(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: FormPairs,
) -> Result<HttpResponse, WebError> {
    let fields = fields_of(&req, &visitor, form)?;
    let outcome = match targets_of(&fields) {
        Ok(rows) => {
            let who = visitor.who.clone();
            let org = organisation_of(&fields);
            state.db.run(move |conn| targets::put(conn, &who, org.as_deref(), rows).map(|_| ())).await
        }
        Err(e) => Err(e),
    };
    answer(&visitor, &state, "cibles", &fields, outcome).await
}
