//! `/api/v1/variance`: the current month's actuals against the forecast and the plan, per
//! activity, and the deviations beyond their threshold. Every role reads within its
//! organisation; national users read any, and the signals of all at once.

use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use super::forecasts::ForecastsQuery;
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::paging::Page;
use crate::domain::planning::variance::{self, Signal, Watch};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_variance).service(get_signals);
}

/// Per activity, this month: actual entries to date against the forecast pro rata of the weeks
/// recorded, the stock against the newest done plan's expected backlog, the stock's alert now,
/// the month-end stock if the pace holds, and the signals beyond the activity's threshold.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(ForecastsQuery),
    responses((status = 200, description = "A page of the activities watched", body = Page<Watch>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/variance")]
pub async fn get_variance(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<ForecastsQuery>,
) -> Result<HttpResponse, ApiError> {
    read(&req, &state, who, query.into_inner(), variance::of_organisation).await
}

/// The deviations beyond their threshold this month: of an organisation, or of every organisation
/// for a national user naming none.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(ForecastsQuery),
    responses((status = 200, description = "A page of signals", body = Page<Signal>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/variance/signals")]
pub async fn get_signals(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<ForecastsQuery>,
) -> Result<HttpResponse, ApiError> {
    read(&req, &state, who, query.into_inner(), variance::signals).await
}

type Read<T> = fn(&mut DbConnection, &Principal, Option<&str>, chrono::NaiveDate) -> Result<Vec<T>, ApiError>;

/// A page of what `view` finds today in the organisation the query names.
async fn read<T>(
    req: &HttpRequest,
    state: &AppState,
    who: Principal,
    q: ForecastsQuery,
    view: Read<T>,
) -> Result<HttpResponse, ApiError>
where
    T: utoipa::ToSchema + serde::Serialize + Send + 'static,
{
    let ask = q.ask()?;
    let page = state.db.run(move |conn| Ok(ask.cut(view(conn, &who, q.organisation.as_deref(), today())?))).await?;
    Ok(super::paged(req, &page))
}
