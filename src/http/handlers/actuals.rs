//! Actuals of an organisation's activities: what was received, processed and left in stock,
//! per month or ISO week. Every role reads within its organisation; `production` (and `admin`)
//! write. `?organisation=CODE` names another organisation for national users.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::planning::{MonthsQuery, OrgQuery, Rows, in_org, month};
use crate::domain::access::Principal;
use crate::domain::paging::Page;
use crate::domain::planning::actuals::flow::MonthActual;
use crate::domain::planning::actuals::{self, ActualRow};
use crate::domain::planning::forecasts::WriteReport;
use crate::domain::planning::writes;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, NotFound, Unprocessable};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_actuals).service(get_actual_months).service(put_actuals);
}

/// The actuals as recorded (months and weeks), by activity and period; `from` and `to` are
/// months (a week counts in the month of its Thursday).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(MonthsQuery),
    responses((status = 200, description = "A page of actuals", body = Page<ActualRow>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/actuals")]
pub async fn get_actuals(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<MonthsQuery>,
) -> Result<HttpResponse, ApiError> {
    read(&req, &state, who, query.into_inner(), actuals::rows).await
}

/// The actuals by month: a month recorded as such, or its weeks rolled up (`weeks`, and
/// `complete` once every week of the month is there).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(MonthsQuery),
    responses((status = 200, description = "A page of monthly actuals", body = Page<MonthActual>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/actuals/months")]
pub async fn get_actual_months(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<MonthsQuery>,
) -> Result<HttpResponse, ApiError> {
    read(&req, &state, who, query.into_inner(), actuals::months).await
}

/// A page of what `view` makes of the actuals recorded between the query's months.
async fn read<T>(
    req: &HttpRequest,
    state: &AppState,
    who: Principal,
    q: MonthsQuery,
    view: fn(&actuals::Recorded) -> Vec<T>,
) -> Result<HttpResponse, ApiError>
where
    T: utoipa::ToSchema + serde::Serialize + Send + 'static,
{
    let (from, to, ask) = (month("from", q.from.as_deref())?, month("to", q.to.as_deref())?, q.ask()?);
    let found =
        in_org(
            state,
            who,
            q.organisation,
            move |conn, org| Ok(ask.cut(view(&actuals::recorded(conn, org, from, to)?))),
        );
    Ok(super::paged(req, &found.await?))
}

/// Writes actuals; a row for a period already stored replaces it (roles `production`, `admin`).
/// Every bad row is named (`rows[k].field`) and nothing is written; a stock that does not follow
/// `previous stock + entries − processed + adjustment` (within 1 item or 1 %) is refused with 422.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = Rows<ActualRow>,
    responses((status = 200, description = "What was written", body = WriteReport), AuthErrors, BodyErrors, NotFound, Unprocessable)
)]
#[put("/actuals")]
pub async fn put_actuals(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    body: Json<Rows<ActualRow>>,
) -> Result<HttpResponse, ApiError> {
    let report =
        state.db.run(move |conn| writes::put_actuals(conn, &who, query.organisation.as_deref(), &body.rows)).await?;
    Ok(HttpResponse::Ok().json(report))
}
