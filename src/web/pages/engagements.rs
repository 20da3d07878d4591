//! Campus engagements in the pages: the list the visitor may see (the campus's, the employer's,
//! a trainer's own), the campus's form to propose one, and an engagement's page with its life
//! as a timeline, the agreements of each party per period, and the actions the visitor's role
//! allows as buttons. Every rule is the domain's, as for the API.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::campus::engagement_view::{self, EngagementView};
use crate::domain::campus::engagements::{
    self, Action, Engagement, EngagementInput, Event, PaperConsent, TransitionInput,
};
use crate::domain::campus::trainers::{self, Trainer};
use crate::domain::campus::{campus, writes};
use crate::domain::paging::{Page, PageAsk};
use crate::domain::types::{EngagementStatus, OrgKind, Party, Role};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::pager::Pager;
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// The lifecycle's states, in their order on the timeline.
const LIFE: [EngagementStatus; 5] = [
    EngagementStatus::Proposed,
    EngagementStatus::Active,
    EngagementStatus::RenewalRequested,
    EngagementStatus::Renewed,
    EngagementStatus::Ended,
];

fn status_words(s: EngagementStatus) -> String {
    i18n::t(&format!("engagement-status-{}", s.as_str()))
}

fn party_words(p: Party) -> String {
    i18n::t(&format!("party-{}", p.as_str()))
}

#[derive(Template)]
#[template(path = "engagements.html")]
struct EngagementsPage {
    layout: Layout,
    engagements: Page<Engagement>,
    pager: Pager,
    /// The campus's trainers, when the visitor may propose an engagement.
    trainers: Option<Vec<Trainer>>,
    notice: Option<String>,
}

impl EngagementsPage {
    fn status(&self, s: &EngagementStatus) -> String {
        status_words(*s)
    }

    fn missing(&self, g: &Engagement) -> String {
        g.missing.iter().map(|p| party_words(*p)).collect::<Vec<_>>().join(", ")
    }

    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    fn hours(&self, h: &f64) -> String {
        i18n::number(*h, 1)
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<usize>,
}

async fn list_page(
    visitor: &Visitor,
    state: &AppState,
    page_number: Option<usize>,
    notice: Option<String>,
) -> Result<EngagementsPage, WebError> {
    let who = visitor.who.clone();
    let (engagements, trainers) = state
        .db
        .run(move |conn| {
            let ask = PageAsk::new(page_number, Some(25))?;
            let engagements = engagements::visible_page(conn, &who, ask)?;
            let own = crate::domain::organisations::find_by_id(conn, who.organisation_id)?;
            let trainers = if own.kind() == OrgKind::Campus && who.speaks_for(own.id, &[Role::Campus]) {
                let c = campus(conn, &who, None)?;
                Some(trainers::list(conn, c.id, None, today())?)
            } else {
                None
            };
            Ok((engagements, trainers))
        })
        .await?;
    let pager = Pager::of(&engagements, "/campus/engagements?");
    Ok(EngagementsPage {
        layout: Layout::of(visitor, i18n::t("engagements-title")),
        engagements,
        pager,
        trainers,
        notice,
    })
}

#[get("/campus/engagements")]
pub async fn list(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    Ok(page(&list_page(&visitor, &state, query.page, None).await?))
}

#[derive(Deserialize)]
pub struct ProposeForm {
    csrf: String,
    trainer: String,
    start_date: String,
    hours_per_year: String,
    #[serde(default)]
    reserve_in_plans: Option<String>,
}

fn date_field(field: &str, raw: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, format!("{raw:?} is not a date (YYYY-MM-DD)")))
}

impl ProposeForm {
    fn input(&self) -> Result<EngagementInput, ApiError> {
        Ok(EngagementInput {
            trainer: self.trainer.trim().parse().map_err(|_| ApiError::invalid("trainer", "choose a trainer"))?,
            start_date: date_field("start_date", &self.start_date)?,
            end_date: None,
            hours_per_year: crate::domain::csv_io::spreadsheet_number(&self.hours_per_year)
                .ok_or_else(|| ApiError::invalid("hours_per_year", "must be a number of hours"))?,
            reserve_in_plans: self.reserve_in_plans.is_some(),
        })
    }
}

/// The campus proposes an engagement of one of its trainers; a refusal shows the list again
/// with the reason.
#[post("/campus/engagements")]
pub async fn propose(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<ProposeForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let who = visitor.who.clone();
    let made = match form.input() {
        Ok(input) => state.db.run(move |conn| writes::create_engagement(conn, &who, None, &input)).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(g) => Ok(see_other(&format!("/campus/engagements/{}", g.id))),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let page = list_page(&visitor, &state, None, Some(e.to_string())).await?;
            Ok(crate::web::html(status, page.render()))
        }
    }
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_owned())).finish()
}

#[derive(Template)]
#[template(path = "engagement.html")]
struct EngagementPage {
    layout: Layout,
    view: EngagementView,
    /// The states of the lifecycle, and whether each is the current one or was passed.
    life: Vec<(String, bool, bool)>,
    done: bool,
}

impl EngagementPage {
    fn status(&self, s: &EngagementStatus) -> String {
        status_words(*s)
    }

    fn party(&self, p: &Party) -> String {
        party_words(*p)
    }

    fn agree_label(&self, p: &Party) -> String {
        i18n::t(&format!("engagement-agree-{}", p.as_str()))
    }

    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    fn hours(&self, h: &f64) -> String {
        i18n::number(*h, 1)
    }

    fn when(&self, e: &Event) -> String {
        e.changed_at.format("%d/%m/%Y %H:%M").to_string()
    }

    fn event_words(&self, e: &Event) -> String {
        match e.kind.as_str() {
            "agreement" => i18n::t("engagement-event-agreement"),
            _ => i18n::tr("engagement-event-transition", &[("status", self.status_text(&e.to_status))]),
        }
    }

    fn status_text(&self, raw: &str) -> String {
        EngagementStatus::parse("status", raw).map(status_words).unwrap_or_else(|_| raw.to_owned())
    }

    /// The transitions the state allows, for the campus's buttons.
    fn actions(&self) -> Vec<(&'static str, String)> {
        let g = &self.view.engagement;
        let mut out = Vec::new();
        match g.status {
            EngagementStatus::Proposed if g.missing.is_empty() => out.push("activate"),
            EngagementStatus::Active | EngagementStatus::Renewed => out.push("request-renewal"),
            EngagementStatus::RenewalRequested if g.missing.is_empty() => out.push("renew"),
            _ => {}
        }
        if g.status != EngagementStatus::Ended {
            out.push("end");
        }
        out.into_iter().map(|a| (a, i18n::t(&format!("engagement-action-{a}")))).collect()
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    fait: Option<String>,
}

#[get("/campus/engagements/{id}")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, WebError> {
    let (id, who) = (id.into_inner(), visitor.who.clone());
    let view = state.db.run(move |conn| engagement_view::view(conn, &who, id)).await?;
    let current = LIFE.iter().position(|s| *s == view.engagement.status).unwrap_or(0);
    let life = LIFE.iter().enumerate().map(|(i, s)| (status_words(*s), i == current, i < current)).collect();
    let title = i18n::tr(
        "engagement-title",
        &[
            ("id", id.to_string()),
            ("name", view.engagement.last_name.clone()),
            ("campus", view.engagement.campus.clone()),
        ],
    );
    Ok(page(&EngagementPage { layout: Layout::of(&visitor, title), view, life, done: query.fait.is_some() }))
}

#[derive(Deserialize)]
pub struct AgreeForm {
    csrf: String,
    party: String,
    #[serde(default)]
    consent_reference: Option<String>,
    #[serde(default)]
    consent_date: Option<String>,
}

/// Records the agreement of the party the visitor speaks for (or, for the employer's hr, the
/// trainer's paper consent); the domain refuses anyone else, whatever the form says.
#[post("/campus/engagements/{id}/accords")]
pub async fn agree(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<AgreeForm>,
) -> Result<HttpResponse, WebError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let party = Party::parse("party", &form.party)?;
    let consent = match (form.consent_reference.as_deref(), form.consent_date.as_deref()) {
        (Some(reference), Some(date)) if !reference.trim().is_empty() => {
            Some(PaperConsent { reference: reference.to_owned(), signed_on: date_field("consent_date", date)? })
        }
        _ => None,
    };
    let who = visitor.who.clone();
    state.db.run(move |conn| writes::agree(conn, &who, id, party, consent.as_ref(), today())).await?;
    Ok(see_other(&format!("/campus/engagements/{id}?fait=1")))
}

#[derive(Deserialize)]
pub struct TransitionForm {
    csrf: String,
    action: String,
    version: i32,
}

/// Moves the engagement on (the campus's managers); a stale version answers 409.
#[post("/campus/engagements/{id}/etapes")]
pub async fn transition(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<TransitionForm>,
) -> Result<HttpResponse, WebError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let action: Action = serde_json::from_value(serde_json::Value::String(form.action.clone()))
        .map_err(|_| ApiError::invalid("action", format!("unknown action {:?}", form.action)))?;
    let who = visitor.who.clone();
    let input = TransitionInput { version: Some(form.version), ..TransitionInput::default() };
    state.db.run(move |conn| writes::transition(conn, &who, id, action, form.version, &input)).await?;
    Ok(see_other(&format!("/campus/engagements/{id}?fait=1")))
}
