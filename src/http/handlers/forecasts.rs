//! `/api/v1/forecasts`: an organisation's forecasts, saved as load sets that plans can use.
//! Every role reads within its organisation; `production` (and `admin`) make and adjust them.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use crate::domain::access::Principal;
use crate::domain::forecasting::sets::{self, Adjust, ForecastRequest, LoadSet, LoadSetSummary};
use crate::domain::paging::{Page, PageAsk};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Unprocessable};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_forecast).service(list_forecasts).service(get_forecast).service(adjust_forecast);
}

/// Forecasts every activity from the current month for `horizon` months (MSTL with a yearly
/// season, from at least 24 months of history: actual entries where the month's actuals are
/// whole, else the stored loads), with each activity's backtest (MASE and sMAPE against "same
/// month last year") and calibrated intervals, and saves it. Activities with too short a history
/// are listed in `method.refused`; 422 when none can be forecast.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    request_body = ForecastRequest,
    responses((status = 201, description = "Saved", body = LoadSet, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Unprocessable)
)]
#[post("/forecasts")]
pub async fn create_forecast(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<ForecastRequest>,
) -> Result<HttpResponse, ApiError> {
    let set = state.db.run(move |conn| sets::create(conn, &who, &body, today())).await?;
    Ok(super::created(format!("/api/v1/forecasts/{}", set.summary.id), set))
}

crate::paged_query! {
    pub struct ForecastsQuery {
        /// Organisation code (national users); default: the caller's own.
        pub organisation: Option<String>,
    }
}

/// The forecasts of an organisation, newest first, without their rows.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(ForecastsQuery),
    responses((status = 200, description = "A page of forecasts", body = Page<LoadSetSummary>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/forecasts")]
pub async fn list_forecasts(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<ForecastsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let ask: PageAsk = q.ask()?;
    let page = state.db.run(move |conn| Ok(ask.cut(sets::list(conn, &who, q.organisation.as_deref())?))).await?;
    Ok(super::paged(&req, &page))
}

/// A forecast with its rows: per activity and month, the volume plans use (the hand
/// adjustment, else the forecast), P80, P95, the 80 % and 95 % intervals, and who adjusted it.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "The forecast", body = LoadSet), AuthErrors, NotFound)
)]
#[get("/forecasts/{id}")]
pub async fn get_forecast(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let set = state.db.run(move |conn| sets::get(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(set))
}

/// Adjusts a forecast by hand at its current `version` (409 when stale): a volume per activity
/// and month of the forecast, or none to go back to the forecast. Each row keeps who adjusted it
/// and when; the audit trail keeps the rows before and after.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = Adjust,
    responses((status = 200, description = "The forecast adjusted", body = LoadSet), AuthErrors, BodyErrors, NotFound, Conflict, Unprocessable)
)]
#[put("/forecasts/{id}/rows")]
pub async fn adjust_forecast(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<Adjust>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let set = state.db.run(move |conn| sets::adjust(conn, &who, id, &body)).await?;
    Ok(HttpResponse::Ok().json(set))
}
