//! Optimal trajectory plans on the web, for hr: the form on `/trajectoire` asks for one (years,
//! name), the list under it updates by itself while a plan is queued or solving (htmx polls the
//! rows every two seconds and stops once none is), and `/trajectoire/plans/{id}` shows a plan's
//! report once done (the page polls itself until then) with its tables as CSV. The same use
//! cases as `/api/v1/trajectory/plans`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::trajectory::{ReportWords, chart, named, projection_page};
use crate::domain::paging::{Page, PageAsk};
use crate::domain::trajectory::csv::{self, Table};
use crate::domain::trajectory::plans::{self, PlanRequest, PlanSummary};
use crate::domain::trajectory::reports::Report;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

/// Words both the list and the plan page use.
pub(super) trait PlanWords {
    fn listed(&self) -> &Page<PlanSummary>;

    /// The organisation listed, as a national user named it (empty: the caller's own).
    fn organisation(&self) -> &str;

    /// The address the rows poll.
    fn rows_address(&self) -> String {
        super::trajectory::address("/trajectoire/plans/lignes", self.organisation())
    }

    /// Whether a plan listed is queued or running: then the rows poll.
    fn any_pending(&self) -> bool {
        self.listed().items.iter().any(PlanSummary::pending)
    }

    fn status(&self, p: &PlanSummary) -> String {
        i18n::t(&format!("plan-status-{}", p.status))
    }

    fn cost(&self, p: &PlanSummary) -> String {
        p.total_cost.map_or_else(|| "—".to_owned(), |c| format!("{} €", i18n::number(c, 0)))
    }
}

#[derive(Template)]
#[template(path = "trajectory_plans_rows.html")]
struct PlanRows {
    plans: Page<PlanSummary>,
    organisation: String,
}

impl PlanWords for PlanRows {
    fn listed(&self) -> &Page<PlanSummary> {
        &self.plans
    }

    fn organisation(&self) -> &str {
        &self.organisation
    }
}

#[derive(Deserialize)]
pub struct RowsQuery {
    #[serde(default)]
    organisation: String,
}

/// The rows alone, which the list polls while a plan is queued or running.
#[get("/trajectoire/plans/lignes")]
pub async fn rows(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<RowsQuery>,
) -> Result<HttpResponse, WebError> {
    let (who, organisation) = (visitor.who.clone(), named(&q.organisation));
    let org = organisation.clone();
    let plans =
        state.db.run(move |conn| plans::page(conn, &who, org.as_deref(), PageAsk::new(Some(1), Some(20))?)).await?;
    Ok(page(&PlanRows { plans, organisation: organisation.unwrap_or_default() }))
}

#[derive(Deserialize)]
pub struct PlanForm {
    csrf: String,
    #[serde(default)]
    name: String,
    annees: Option<usize>,
    #[serde(default)]
    organisation: String,
}

/// Queues a plan from the form and goes to it; a refusal shows the projection page again with
/// the reason.
#[post("/trajectoire/plans")]
pub async fn request_plan(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<PlanForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let (who, quota) = (visitor.who.clone(), state.plan_quota);
    let organisation = named(&form.organisation);
    let input = PlanRequest {
        organisation: organisation.clone(),
        name: Some(form.name),
        years: form.annees,
        ..PlanRequest::default()
    };
    match state.db.transaction(move |conn| plans::request(conn, &who, input, quota, today())).await {
        Ok(plan) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/trajectoire/plans/{}", plan.id)))
            .finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let page = projection_page(&visitor, &state, form.annees, organisation, Some(e.to_string())).await?;
            Ok(html(status, page.render()))
        }
    }
}

#[derive(Template)]
#[template(path = "trajectory_plan.html")]
struct PlanPage {
    layout: Layout,
    /// The projection page of the plan's organisation.
    back: String,
    plan: PlanSummary,
    report: Option<Report>,
    chart: Option<String>,
}

impl ReportWords for PlanPage {}

impl PlanPage {
    fn status(&self) -> String {
        i18n::t(&format!("plan-status-{}", self.plan.status))
    }
}

/// A plan: its state while it waits or solves (the page polls itself), its report once done.
#[get("/trajectoire/plans/{id}")]
pub async fn show(visitor: Visitor, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, WebError> {
    let (id, who) = (id.into_inner(), visitor.who.clone());
    let view = state.db.run(move |conn| plans::view(conn, &who, id)).await?;
    let chart = view.report.as_ref().map(chart).transpose()?;
    // A national user came from the organisation's page; anyone else sees their own.
    let named = if visitor.who.scope().is_none() { view.plan.organisation.as_str() } else { "" };
    Ok(page(&PlanPage {
        back: super::trajectory::address("/trajectoire", named),
        layout: Layout::of(&visitor, format!("{} — {}", i18n::t("trajectory-title"), view.plan.name)),
        plan: view.plan,
        report: view.report,
        chart,
    }))
}

#[derive(Deserialize)]
pub struct CancelForm {
    csrf: String,
}

#[post("/trajectoire/plans/{id}/annuler")]
pub async fn cancel(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, WebError> {
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let (id, who) = (id.into_inner(), visitor.who.clone());
    state.db.run(move |conn| plans::cancel(conn, &who, id)).await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/trajectoire/plans/{id}"))).finish())
}

/// One table of a done plan's report as CSV: `flows`, `moves`, `departures`, `pyramid` or
/// `succession` (the API's `?format=csv&table=`).
#[get("/trajectoire/plans/{id}/{table}.csv")]
pub async fn download(
    visitor: Visitor,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, WebError> {
    let (id, name) = path.into_inner();
    let table: Table = serde_json::from_value(serde_json::Value::String(name.clone()))
        .map_err(|_| ApiError::not_found(format!("no table {name}")))?;
    let who = visitor.who.clone();
    let report = state.db.run(move |conn| plans::report(conn, &who, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"trajectoire-{id}-{name}.csv\"")))
        .body(csv::table(&report, table)?))
}
