//! Planning data of an organisation: activities, monthly loads, agents' unavailability, pools
//! and penalties, and the ETP report. Every role reads within its organisation; `production`
//! (and `admin`) write. `?organisation=CODE` names another organisation for national users.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Versioned;
use super::agents::today;
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::paging::Page;

use crate::domain::planning::activities::{self, Activity, ActivityInput};
use crate::domain::planning::forecasts::{self, LoadRow, UnavailabilityRow, WriteReport};
use crate::domain::planning::settings::{self, Settings, StoredSettings};
use crate::domain::planning::{organisation_id, writes};
use crate::domain::types::Period;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale, Unprocessable};
use crate::http::versions::{self, IfMatch, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_activities)
        .service(create_activity)
        .service(get_activity)
        .service(update_activity)
        .service(delete_activity)
        .service(get_loads)
        .service(put_loads)
        .service(get_unavailability)
        .service(put_unavailability)
        .service(get_settings)
        .service(put_settings)
        .service(etp);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrgQuery {
    /// Organisation code (national users); default: the caller's own.
    pub organisation: Option<String>,
}

crate::paged_query! {
    pub struct MonthsQuery {
        /// Organisation code (national users); default: the caller's own.
        pub organisation: Option<String>,
        /// First month, `YYYY-MM`.
        #[param(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
        pub from: Option<String>,
        /// Last month, `YYYY-MM`.
        #[param(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
        pub to: Option<String>,
    }
}

pub fn month(field: &str, raw: Option<&str>) -> Result<Option<Period>, ApiError> {
    raw.map(|r| Period::parse(field, r)).transpose()
}

/// Reads something of the named organisation (or the caller's own).
pub async fn in_org<T, F>(state: &AppState, who: Principal, code: Option<String>, read: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, i32) -> Result<T, ApiError> + Send + 'static,
{
    super::within(state, who, code, organisation_id, read).await
}

/// Reads something of the named organisation (or the caller's own) and answers it as JSON.
pub async fn org_read<T, F>(
    state: &AppState,
    who: Principal,
    code: Option<String>,
    read: F,
) -> Result<HttpResponse, ApiError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection, i32) -> Result<T, ApiError> + Send + 'static,
{
    Ok(HttpResponse::Ok().json(in_org(state, who, code, read).await?))
}

/// The activities of an organisation, by code.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, description = "Activities", body = Vec<Activity>), AuthErrors, NotFound)
)]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    org_read(&state, who, query.into_inner().organisation, activities::list).await
}

/// Creates an activity (roles `production`, `admin`).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = ActivityInput,
    responses((status = 201, description = "Created", body = Activity, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict)
)]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    body: Json<ActivityInput>,
) -> Result<HttpResponse, ApiError> {
    let organisation = super::query("organisation", query.organisation.as_deref());
    let created =
        state.db.run(move |conn| writes::create_activity(conn, &who, query.organisation.as_deref(), &body)).await?;
    Ok(super::created(format!("/api/v1/activities/{}{organisation}", super::escaped(&created.code)), created))
}

/// One activity.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(("code" = String, Path), OrgQuery),
    responses((status = 200, description = "The activity", body = Activity), AuthErrors, NotFound)
)]
#[get("/activities/{code}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    let organisation = query.into_inner().organisation;
    let found = state
        .db
        .run(move |conn| {
            let org = organisation_id(conn, &who, organisation.as_deref())?;
            activities::get(conn, org, &code)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.version)).json(found))
}

/// Changes an activity made from `version` (409 if it changed since); the code stays.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(("code" = String, Path), OrgQuery),
    request_body = super::VersionedActivity,
    responses((status = 200, description = "The activity", body = Activity), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[put("/activities/{code}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    query: web::Query<OrgQuery>,
    if_match: IfMatch,
    body: Json<Versioned<ActivityInput>>,
) -> Result<HttpResponse, ApiError> {
    let Versioned { version, content } = body.into_inner();
    let expected = if_match.expected(version)?;
    let updated = state
        .db
        .run(move |conn| {
            let organisation = query.organisation.as_deref();
            versions::edit(expected, |v| writes::update_activity(conn, &who, organisation, &code, v, &content))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(updated))
}

/// Removes an activity and its forecasts (saved plans keep their own copy).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(("code" = String, Path), OrgQuery),
    responses((status = 204, description = "Removed"), AuthErrors, NotFound)
)]
#[delete("/activities/{code}")]
pub async fn delete_activity(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    state.db.run(move |conn| writes::delete_activity(conn, &who, query.organisation.as_deref(), &code)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rows to write together: all land, or none when any is bad.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rows<T: ToSchema> {
    pub rows: Vec<T>,
}

/// Monthly loads (and opening backlogs) of an organisation's activities.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(MonthsQuery),
    responses((status = 200, description = "A page of loads, by activity and month", body = Page<LoadRow>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/loads")]
pub async fn get_loads(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<MonthsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let (from, to, ask) = (month("from", q.from.as_deref())?, month("to", q.to.as_deref())?, q.ask()?);
    let found = in_org(&state, who, q.organisation, move |conn, org| forecasts::loads_page(conn, org, from, to, ask));
    Ok(super::paged(&req, &found.await?))
}

/// Writes monthly loads; a row for a month already stored replaces it (roles `production`,
/// `admin`). Every bad row is named (`rows[k].field`) and nothing is written.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = Rows<LoadRow>,
    responses((status = 200, description = "What was written", body = WriteReport), AuthErrors, BodyErrors, NotFound)
)]
#[put("/loads")]
pub async fn put_loads(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    body: Json<Rows<LoadRow>>,
) -> Result<HttpResponse, ApiError> {
    let report =
        state.db.run(move |conn| writes::put_loads(conn, &who, query.organisation.as_deref(), &body.rows)).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Hours agents are away, by month and kind (absence, training, other).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(MonthsQuery),
    responses((status = 200, description = "A page of unavailability, by agent, month and kind", body = Page<UnavailabilityRow>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/unavailability")]
pub async fn get_unavailability(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<MonthsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let (from, to, ask) = (month("from", q.from.as_deref())?, month("to", q.to.as_deref())?, q.ask()?);
    let found =
        in_org(&state, who, q.organisation, move |conn, org| forecasts::unavailability_page(conn, org, from, to, ask));
    Ok(super::paged(&req, &found.await?))
}

/// Writes unavailability rows, all or nothing (roles `production`, `admin`).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = Rows<UnavailabilityRow>,
    responses((status = 200, description = "What was written", body = WriteReport), AuthErrors, BodyErrors, NotFound)
)]
#[put("/unavailability")]
pub async fn put_unavailability(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    body: Json<Rows<UnavailabilityRow>>,
) -> Result<HttpResponse, ApiError> {
    let report = state
        .db
        .run(move |conn| writes::put_unavailability(conn, &who, query.organisation.as_deref(), &body.rows))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Hours per ETP, reinforcement pools and penalties (version 0: none saved, defaults apply).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, description = "The settings", body = StoredSettings), AuthErrors, NotFound)
)]
#[get("/planning-settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    let organisation = query.into_inner().organisation;
    let found = state
        .db
        .run(move |conn| {
            let org = organisation_id(conn, &who, organisation.as_deref())?;
            settings::get(conn, org)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.version)).json(found))
}

/// Saves the settings made from `version` (409 if they changed since; 0 for the first save).
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = super::VersionedSettings,
    responses((status = 200, description = "The settings", body = StoredSettings), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[put("/planning-settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    if_match: IfMatch,
    body: Json<Versioned<Settings>>,
) -> Result<HttpResponse, ApiError> {
    let Versioned { version, content } = body.into_inner();
    let expected = if_match.expected(version)?;
    let stored = state
        .db
        .run(move |conn| {
            versions::edit(expected, |v| writes::put_settings(conn, &who, query.organisation.as_deref(), v, &content))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(stored.version)).json(stored))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HorizonQuery {
    /// Organisation code (national users); default: the caller's own.
    pub organisation: Option<String>,
    /// First month, `YYYY-MM`.
    #[param(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
    pub from: String,
    /// Last month, `YYYY-MM` (at most 36 months after `from`).
    #[param(pattern = "^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$")]
    pub to: String,
    /// `json` (default) or `xlsx`: an Excel workbook, a sheet per view.
    #[serde(default)]
    #[param(inline)]
    pub format: super::ReportFormat,
}

/// The load in ETP per activity and month, the ETP available and the delta, the ETPMA, and the
/// target staffing that keeps every backlog at or below normal without pools. Nothing is solved.
#[utoipa::path(
    tag = "planning",
    security(("bearer" = [])),
    params(HorizonQuery),
    responses(
        (status = 200, description = "The report, as JSON or a workbook (format=xlsx)", content(
            (gpec_planning::etp::EtpReport = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound, Unprocessable
    )
)]
#[get("/etp")]
pub async fn etp(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<HorizonQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = query.format;
    let report = state
        .db
        .run(move |conn| {
            crate::domain::planning::etp_report(
                conn,
                &who,
                query.organisation.as_deref(),
                &query.from,
                &query.to,
                today(),
            )
        })
        .await?;
    super::report(format, &report, "etp", crate::domain::report_workbooks::etp)
}

impl utoipa::PartialSchema for StoredSettings {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::openapi::stored::<Settings>(
            "The stored settings; version 0 means none were saved yet (the defaults apply).",
        )
    }
}

impl utoipa::ToSchema for StoredSettings {}
