//! The production manager's plans (`/plans`): the form that requests one (horizon, name, time
//! limit), and the list whose queued and running plans update on the page by themselves (htmx
//! polls the rows every two seconds while any is pending, and stops once none is), with each
//! failure's reason and a cancel button; a done plan's result and scenario download as JSON.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Months;
use serde::Deserialize;

use crate::domain::forecasting::sets::{self, LoadChoice, LoadSetSummary, Quantile};
use crate::domain::paging::{Page, PageAsk};
use crate::domain::planning::plans::{self, PlanSummary};
use crate::domain::planning::request::{self, PlanRequest, Requested};
use crate::domain::planning::{organisation_id, writes};
use crate::domain::types::{Period, Role};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::pager::Pager;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

/// The request form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    from: String,
    to: String,
    #[serde(default)]
    time_limit: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    from_now: Option<String>,
    /// A forecast's id, or empty for the stored loads.
    #[serde(default)]
    forecast: String,
    #[serde(default)]
    quantile: String,
}

impl PlanForm {
    /// The forecast and quantile chosen, or none for the stored loads.
    fn loads(&self) -> Result<Option<LoadChoice>, ApiError> {
        let id = self.forecast.trim();
        if id.is_empty() {
            return Ok(None);
        }
        let forecast = id.parse().map_err(|_| ApiError::invalid("loads.forecast", "choose a forecast of the list"))?;
        let quantile = match self.quantile.as_str() {
            "p80" => Quantile::P80,
            "p95" => Quantile::P95,
            _ => Quantile::P50,
        };
        Ok(Some(LoadChoice { forecast, quantile, version: 0 }))
    }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    layout: Layout,
    plans: Page<PlanSummary>,
    pager: Pager,
    form: PlanForm,
    can_request: bool,
    notice: Option<String>,
    /// The organisation's forecasts, to plan against one.
    forecasts: Vec<LoadSetSummary>,
}

impl PlansPage {
    fn chosen(&self, id: &i32) -> bool {
        self.form.forecast.trim() == id.to_string()
    }
}

#[derive(Template)]
#[template(path = "plans_rows.html")]
struct PlanRows {
    layout: Layout,
    plans: Page<PlanSummary>,
    can_request: bool,
}

/// Words and helpers both templates use.
trait PlanWords {
    fn listed(&self) -> &Page<PlanSummary>;

    /// Whether a plan shown is queued or running: then the rows poll.
    fn any_pending(&self) -> bool {
        self.listed().items.iter().any(|p| self.pending(p))
    }

    fn status(&self, p: &PlanSummary) -> String {
        i18n::t(&format!("plan-status-{}", p.status))
    }

    fn pending(&self, p: &PlanSummary) -> bool {
        p.status == plans::QUEUED || p.status == plans::RUNNING
    }

    fn objective(&self, p: &PlanSummary) -> String {
        p.objective.map_or_else(|| "—".to_owned(), |o| i18n::number(o, 2))
    }

    fn solver(&self, p: &PlanSummary) -> String {
        p.solver_status.as_deref().map_or_else(String::new, |s| i18n::t(&format!("plan-solver-{s}")))
    }
}

impl PlanWords for PlansPage {
    fn listed(&self) -> &Page<PlanSummary> {
        &self.plans
    }
}

impl PlanWords for PlanRows {
    fn listed(&self) -> &Page<PlanSummary> {
        &self.plans
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<usize>,
}

async fn the_plans(
    visitor: &Visitor,
    state: &AppState,
    page_number: Option<usize>,
) -> Result<Page<PlanSummary>, WebError> {
    let who = visitor.who.clone();
    Ok(state
        .db
        .run(move |conn| {
            let org = organisation_id(conn, &who, None)?;
            plans::page(conn, org, PageAsk::new(page_number, Some(20))?)
        })
        .await?)
}

fn can_request(visitor: &Visitor) -> bool {
    visitor.who.has(Role::Production) || visitor.who.has(Role::Admin)
}

/// The next twelve months, the form's default horizon.
fn default_form() -> PlanForm {
    let start = Period::of_date(today().checked_add_months(Months::new(1)).unwrap_or_else(today));
    PlanForm { from: start.to_string(), to: start.plus(11).to_string(), time_limit: "60".into(), ..PlanForm::default() }
}

async fn plans_page(
    visitor: &Visitor,
    state: &AppState,
    page_number: Option<usize>,
    form: PlanForm,
    notice: Option<String>,
) -> Result<PlansPage, WebError> {
    let plans = the_plans(visitor, state, page_number).await?;
    let pager = Pager::of(&plans, "/plans?");
    let who = visitor.who.clone();
    let forecasts = state.db.run(move |conn| sets::list(conn, &who, None)).await?;
    Ok(PlansPage {
        layout: Layout::of(visitor, i18n::t("plans-title")),
        plans,
        pager,
        form,
        can_request: can_request(visitor),
        notice,
        forecasts,
    })
}

#[get("/plans")]
pub async fn list(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    Ok(page(&plans_page(&visitor, &state, q.page, default_form(), None).await?))
}

/// The rows alone, which the list polls while a plan is queued or running.
#[get("/plans/lignes")]
pub async fn rows(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let plans = the_plans(&visitor, &state, q.page).await?;
    let can_request = can_request(&visitor);
    Ok(page(&PlanRows { layout: Layout::of(&visitor, String::new()), plans, can_request }))
}

/// Queues a plan from the form; a refusal shows the form again, as typed, with the reason.
#[post("/plans")]
pub async fn request_plan(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<PlanForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let time_limit = match form.time_limit.trim() {
        "" => Ok(None),
        raw => crate::domain::csv_io::spreadsheet_number(raw)
            .map(Some)
            .ok_or_else(|| ApiError::invalid("time_limit_seconds", "must be a number of seconds")),
    };
    let who = visitor.who.clone();
    let quota = state.plan_quota;
    let input = time_limit.and_then(|time_limit_seconds| {
        Ok(PlanRequest {
            organisation: None,
            name: Some(form.name.clone()),
            from: form.from.clone(),
            to: form.to.clone(),
            time_limit_seconds,
            overrides: None,
            from_now: form.from_now.is_some(),
            loads: form.loads()?,
        })
    });
    let requested = match input {
        Ok(input) => state.db.transaction(move |conn| request::request(conn, &who, input, None, quota, today())).await,
        Err(e) => Err(e),
    };
    match requested {
        Ok(Requested::Queued(_) | Requested::Replayed(_)) => {
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/plans")).finish())
        }
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let page = plans_page(&visitor, &state, None, form, Some(e.to_string())).await?;
            Ok(html(status, page.render()))
        }
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    csrf: String,
}

#[post("/plans/{id}/annuler")]
pub async fn cancel(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, WebError> {
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let (id, who) = (id.into_inner(), visitor.who.clone());
    state.db.run(move |conn| writes::cancel_plan(conn, &who, id)).await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/plans")).finish())
}

fn json_download(body: String, name: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(body)
}

/// A done plan's result, as the API gives it.
#[get("/plans/{id}/plan.json")]
pub async fn download_plan(
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, WebError> {
    let (id, who) = (id.into_inner(), visitor.who.clone());
    let plan = state.db.run(move |conn| writes::done_plan(conn, &who, id)).await?;
    let body = serde_json::to_string_pretty(&plan).map_err(|e| ApiError::internal("plan JSON", e))?;
    Ok(json_download(body, format!("plan-{id}.json")))
}

/// The scenario a plan was solved from.
#[get("/plans/{id}/scenario.json")]
pub async fn download_scenario(
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, WebError> {
    let (id, who) = (id.into_inner(), visitor.who.clone());
    let body = state
        .db
        .run(move |conn| {
            writes::visible_plan(conn, &who, id)?;
            plans::scenario(conn, id)
        })
        .await?;
    Ok(json_download(body, format!("scenario-{id}.json")))
}
