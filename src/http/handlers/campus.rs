//! Campus trainers: modules, trainers with their criteria, engagements with the three parties'
//! agreements, sessions with evaluations and training validations, and the campus reports.
//! `?campus=CODE` names a campus for national users; a campus user works in their own.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use super::planning::org_read;
use super::{Versioned, escaped, query};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::campus::campus;
use crate::domain::campus::engagements::{
    self, Action, Engagement, EngagementInput, Event, PaperConsent, TransitionInput,
};
use crate::domain::campus::modules::{self, Module, ModuleInput};
use crate::domain::campus::reports::{
    self, Contribution, Expiring, HoursDelivered, ModuleSatisfaction, OrganisationHours,
};
use crate::domain::campus::sessions::{self, EvaluationInput, Session, SessionInput, ValidationInput};
use crate::domain::campus::trainers::{self, Trainer, TrainerInput};
use crate::domain::campus::writes::{self, one_trainer, visible_engagement, visible_session, visible_trainer};
use crate::domain::paging::Page;
use crate::domain::types::Party;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::{Json, UnknownFields, split_object};
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale};
use crate::http::versions::{self, IfMatch, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_modules)
        .service(create_module)
        .service(get_module)
        .service(update_module)
        .service(list_trainers)
        .service(add_trainer)
        .service(get_trainer)
        .service(update_trainer)
        .service(list_engagements)
        .service(create_engagement)
        .service(get_engagement)
        .service(agree)
        .service(transition)
        .service(list_sessions)
        .service(create_session)
        .service(get_session)
        .service(evaluate)
        .service(validate)
        .service(expiring)
        .service(hours)
        .service(satisfaction)
        .service(organisations)
        .service(contribution);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CampusQuery {
    /// Campus code (national users); default: the caller's own organisation.
    pub campus: Option<String>,
}

/// Reads something of the named campus (or the caller's own).
async fn in_campus<T, F>(state: &AppState, who: Principal, code: Option<String>, read: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, i32) -> Result<T, ApiError> + Send + 'static,
{
    super::within(state, who, code, |conn, who, code| Ok(campus(conn, who, code)?.id), read).await
}

/// Reads something of the named campus (or the caller's own) and answers it as JSON.
async fn campus_read<T, F>(
    state: &AppState,
    who: Principal,
    code: Option<String>,
    read: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection, i32) -> Result<T, ApiError> + Send + 'static,
{
    Ok(HttpResponse::Ok().json(in_campus(state, who, code, read).await?))
}

/// Modules of a campus.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery),
    responses((status = 200, description = "Modules", body = Vec<Module>), AuthErrors, BodyErrors, NotFound))]
#[get("/modules")]
pub async fn list_modules(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
) -> Result<HttpResponse, ApiError> {
    campus_read(&state, who, q.into_inner().campus, modules::list).await
}

/// Creates a module (role `campus`).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery), request_body = ModuleInput,
    responses((status = 201, description = "Created", body = Module, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/modules")]
pub async fn create_module(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
    body: Json<ModuleInput>,
) -> Result<HttpResponse, ApiError> {
    let campus = query("campus", q.campus.as_deref());
    let created = state.db.run(move |conn| writes::create_module(conn, &who, q.campus.as_deref(), &body)).await?;
    Ok(super::created(format!("/api/v1/modules/{}{campus}", escaped(&created.code)), created))
}

#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("code" = String, Path), CampusQuery),
    responses((status = 200, description = "The module", body = Module), AuthErrors, NotFound))]
#[get("/modules/{code}")]
pub async fn get_module(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    q: web::Query<CampusQuery>,
) -> Result<HttpResponse, ApiError> {
    let found = state
        .db
        .run(move |conn| {
            let c = campus(conn, &who, q.campus.as_deref())?;
            modules::get(conn, c.id, &code)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.version)).json(found))
}

/// Changes a module made from `version` (409 if it changed since).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("code" = String, Path), CampusQuery),
    request_body = super::VersionedModule,
    responses((status = 200, description = "The module", body = Module), AuthErrors, BodyErrors, NotFound, Conflict, Stale))]
#[put("/modules/{code}")]
pub async fn update_module(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    q: web::Query<CampusQuery>,
    if_match: IfMatch,
    body: Json<Versioned<ModuleInput>>,
) -> Result<HttpResponse, ApiError> {
    let Versioned { version, content } = body.into_inner();
    let expected = if_match.expected(version)?;
    let updated = state
        .db
        .run(move |conn| {
            versions::edit(expected, |v| writes::update_module(conn, &who, q.campus.as_deref(), &code, v, &content))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(updated))
}

/// The trainers of a campus, with technicité, pédagogie, satisfaction and the ADFO date. An
/// agent's levels show only once their employer's `hr` (or the trainer) accepted the listing
/// (`POST /api/v1/trainers/{id}/acceptance`).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery),
    responses((status = 200, description = "Trainers", body = Vec<Trainer>), AuthErrors, BodyErrors, NotFound))]
#[get("/trainers")]
pub async fn list_trainers(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
) -> Result<HttpResponse, ApiError> {
    campus_read(&state, who, q.into_inner().campus, |conn, id| trainers::list(conn, id, None, today())).await
}

/// Lists an agent of any organisation as a trainer of the campus (role `campus`): a proposal,
/// whose levels the campus sees once the employer's `hr` or the trainer accepts it.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery), request_body = TrainerInput,
    responses((status = 201, description = "Listed", body = Trainer, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/trainers")]
pub async fn add_trainer(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
    body: Json<TrainerInput>,
) -> Result<HttpResponse, ApiError> {
    let created =
        state.db.run(move |conn| writes::add_trainer(conn, &who, q.campus.as_deref(), &body, today())).await?;
    Ok(super::created(format!("/api/v1/trainers/{}", created.id), created))
}

#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, description = "The trainer", body = Trainer), AuthErrors, NotFound))]
#[get("/trainers/{id}")]
pub async fn get_trainer(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| {
            let campus_id = visible_trainer(conn, &who, id)?;
            one_trainer(conn, campus_id, id, today())
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainerChange {
    pub modules: Vec<String>,
    #[serde(default)]
    pub adfo_date: Option<NaiveDate>,
}

/// Changes a trainer's modules and ADFO date (role `campus`).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = TrainerChange,
    responses((status = 200, description = "The trainer", body = Trainer), AuthErrors, BodyErrors, NotFound))]
#[put("/trainers/{id}")]
pub async fn update_trainer(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<TrainerChange>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let updated = state
        .db
        .run(move |conn| writes::update_trainer(conn, &who, id, &body.modules, body.adfo_date, today()))
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

crate::paged_query! {
    pub struct EngagementsQuery {}
}

/// Engagements the caller may see: its campus's, or (role `hr`) its own agents', oldest first.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(EngagementsQuery),
    responses((status = 200, description = "A page of engagements", body = Page<Engagement>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors))]
#[get("/engagements")]
pub async fn list_engagements(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<EngagementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let ask = q.ask()?;
    let found = state.db.run(move |conn| engagements::visible_page(conn, &who, ask)).await?;
    Ok(super::paged(&req, &found))
}

/// Proposes an engagement of a trainer (role `campus`): 3 years by default.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery), request_body = EngagementInput,
    responses((status = 201, description = "Proposed", body = Engagement, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound))]
#[post("/engagements")]
pub async fn create_engagement(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
    body: Json<EngagementInput>,
) -> Result<HttpResponse, ApiError> {
    let created = state.db.run(move |conn| writes::create_engagement(conn, &who, q.campus.as_deref(), &body)).await?;
    Ok(super::created(format!("/api/v1/engagements/{}", created.id), created))
}

/// An engagement with the history of its transitions.
#[derive(Serialize, ToSchema)]
pub struct EngagementView {
    #[serde(flatten)]
    pub engagement: Engagement,
    pub history: Vec<Event>,
}

#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, description = "The engagement", body = EngagementView, headers(("ETag" = String, description = "Its version, for If-Match"))), AuthErrors, NotFound))]
#[get("/engagements/{id}")]
pub async fn get_engagement(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let engagement = visible_engagement(conn, &who, id)?;
            Ok(EngagementView { engagement, history: engagements::history(conn, id)? })
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(view.engagement.version)).json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    pub party: Party,
    /// For `trainer` only, and only by the employer's `hr` for a trainer without an account:
    /// the trainer's signed paper consent.
    #[serde(default)]
    pub consent: Option<PaperConsent>,
}

/// Records a party's agreement to the period awaiting it. Each party agrees for itself: the
/// trainer with their own `trainer` account, the campus by its role `campus`, the employer by
/// its role `hr` (an organisation's `admin` holds its rights). No one records another party's
/// agreement, a national administrator included (403). For a trainer without an account, the
/// employer's `hr` records the trainer's signed paper consent (`consent`: reference and date;
/// 409 when the trainer has an account); the engagement's events mark it as such.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = AgreementInput,
    responses((status = 200, description = "The engagement", body = Engagement), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/engagements/{id}/agreements")]
pub async fn agree(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<AgreementInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let updated =
        state.db.run(move |conn| writes::agree(conn, &who, id, body.party, body.consent.as_ref(), today())).await?;
    Ok(HttpResponse::Ok().json(updated))
}

#[derive(Serialize)]
pub struct TransitionBody {
    /// activate, request-renewal, renew or end.
    pub action: Action,
    #[serde(flatten)]
    pub input: TransitionInput,
}

impl utoipa::PartialSchema for TransitionBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut action = utoipa::openapi::Ref::from_schema_name(Action::name());
        action.description = "activate, request-renewal, renew or end.".to_owned();
        crate::http::openapi::object_with_member::<TransitionInput>("action", action.into(), true)
    }
}

impl ToSchema for TransitionBody {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        schemas.push((Action::name().into(), <Action as utoipa::PartialSchema>::schema()));
        Action::schemas(schemas);
        TransitionInput::schemas(schemas);
    }
}

/// By hand: serde cannot refuse unknown fields through `flatten` (see `split_object`).
impl<'de> Deserialize<'de> for TransitionBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (action, input) = split_object(deserializer, "action", UnknownFields::Refused)?;
        let action = action.ok_or_else(|| serde::de::Error::missing_field("action"))?;
        Ok(Self { action, input })
    }
}

/// Moves an engagement on (role `campus`): activation and renewal need all three agreements
/// (409 naming the missing party); a renewal request proposes the next period.
/// The version may come as `If-Match` with the engagement's `ETag` (412 when stale).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = TransitionBody,
    responses((status = 200, description = "The engagement", body = Engagement, headers(("ETag" = String, description = "Its new version"))), AuthErrors, BodyErrors, NotFound, Conflict, Stale))]
#[post("/engagements/{id}/transitions")]
pub async fn transition(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    if_match: IfMatch,
    body: Json<TransitionBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let expected = if_match.expected(body.input.version)?;
    let updated = state
        .db
        .run(move |conn| versions::edit(expected, |v| writes::transition(conn, &who, id, body.action, v, &body.input)))
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(updated))
}

crate::paged_query! {
    pub struct SessionsQuery {
        /// Campus code (national users); default: the caller's own organisation.
        pub campus: Option<String>,
    }
}

/// Sessions of a campus, by start date.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(SessionsQuery),
    responses((status = 200, description = "A page of sessions", body = Page<Session>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound))]
#[get("/sessions")]
pub async fn list_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<SessionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let ask = q.ask()?;
    let found = in_campus(&state, who, q.campus, move |conn, campus| sessions::page(conn, campus, ask)).await?;
    Ok(super::paged(&req, &found))
}

/// Creates a session (role `campus`); its trainers' hours count as unavailable in their
/// organisation's plans. Each trainer must be under an engagement active over the session's
/// dates (400 naming the engagement's state otherwise). Its trainees are proposed: each is
/// enrolled once their employer's `hr` accepts (`POST /api/v1/sessions/{id}/enrolments`).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery), request_body = SessionInput,
    responses((status = 201, description = "Created", body = Session, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
    body: Json<SessionInput>,
) -> Result<HttpResponse, ApiError> {
    let created = state.db.run(move |conn| writes::create_session(conn, &who, q.campus.as_deref(), &body)).await?;
    Ok(super::created(format!("/api/v1/sessions/{}", created.id), created))
}

#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, description = "The session", body = Session), AuthErrors, NotFound))]
#[get("/sessions/{id}")]
pub async fn get_session(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = state.db.run(move |conn| visible_session(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Records a trainee's evaluation of a trainer (1–5), or with no trainee the campus's own.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = EvaluationInput,
    responses((status = 201, description = "Recorded", headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/sessions/{id}/evaluations")]
pub async fn evaluate(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<EvaluationInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state.db.run(move |conn| writes::evaluate(conn, &who, id, &body)).await?;
    // An evaluation is read with its session.
    Ok(HttpResponse::Created().insert_header((LOCATION, format!("/api/v1/sessions/{id}"))).finish())
}

#[derive(Serialize, ToSchema)]
pub struct Validated {
    /// Ids of the assessments created (source `training`).
    pub assessments: Vec<i32>,
}

/// Validates a trainee's levels on the module's competencies once the session has ended: each
/// becomes an assessment with source `training`. Only for a trainee whose enrolment their
/// employer's `hr` made or accepted (409 otherwise): a campus writes no assessment into an
/// organisation's data without its consent.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = ValidationInput,
    responses((status = 201, description = "Assessments created", body = Validated, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/sessions/{id}/validations")]
pub async fn validate(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<ValidationInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let assessments = state.db.run(move |conn| writes::validate(conn, &who, id, &body, today())).await?;
    // The validation is read with its session, the assessments it made with the trainee.
    Ok(super::created(format!("/api/v1/sessions/{id}"), Validated { assessments }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExpiringQuery {
    /// Days ahead, default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub days: Option<i64>,
}

/// Running engagements ending within N days, by campus and by employer.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(ExpiringQuery),
    responses((status = 200, description = "Engagements ending soon", body = Expiring), AuthErrors, BodyErrors))]
#[get("/campus-reports/expiring")]
pub async fn expiring(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<ExpiringQuery>,
) -> Result<HttpResponse, ApiError> {
    let days = q.days.unwrap_or(90);
    if !(0..=3660).contains(&days) {
        return Err(ApiError::invalid("days", "must be 0 to 3660"));
    }
    let report = state.db.run(move |conn| reports::expiring(conn, &who, days, today())).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// Campus code (national users); default: the caller's own organisation.
    pub campus: Option<String>,
    /// Default: this year.
    #[param(minimum = 1990, maximum = 2200)]
    pub year: Option<i32>,
}

pub fn year(raw: Option<i32>) -> Result<i32, ApiError> {
    let y = raw.unwrap_or_else(|| today().year());
    if (1990..=2200).contains(&y) { Ok(y) } else { Err(ApiError::invalid("year", "must be 1990 to 2200")) }
}

/// Per trainer of a campus: hours delivered in the year against the hours planned.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(YearQuery),
    responses((status = 200, description = "Hours per trainer", body = Vec<HoursDelivered>), AuthErrors, BodyErrors, NotFound))]
#[get("/campus-reports/hours")]
pub async fn hours(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let y = year(q.year)?;
    campus_read(&state, who, q.campus, move |conn, id| reports::hours(conn, reports::TrainersOf::Campus(id), y)).await
}

/// Hours and ETP each organisation's agents gave to a campus in the year, most first.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(YearQuery),
    responses((status = 200, description = "Hours per organisation", body = Vec<OrganisationHours>), AuthErrors, BodyErrors, NotFound))]
#[get("/campus-reports/organisations")]
pub async fn organisations(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let y = year(q.year)?;
    campus_read(&state, who, q.campus, move |conn, id| reports::given_by_organisation(conn, id, y)).await
}

/// Trainers' mean trainee satisfaction per module.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery),
    responses((status = 200, description = "Satisfaction", body = Vec<ModuleSatisfaction>), AuthErrors, BodyErrors, NotFound))]
#[get("/campus-reports/satisfaction")]
pub async fn satisfaction(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
) -> Result<HttpResponse, ApiError> {
    campus_read(&state, who, q.into_inner().campus, reports::satisfaction).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContributionQuery {
    /// Organisation code (national users); default: the caller's own.
    pub organisation: Option<String>,
    /// Default: this year.
    #[param(minimum = 1990, maximum = 2200)]
    pub year: Option<i32>,
}

/// Hours an organisation's agents gave to campuses in a year, also in ETP.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(ContributionQuery),
    responses((status = 200, description = "Hours given", body = Contribution), AuthErrors, BodyErrors, NotFound))]
#[get("/campus-reports/contribution")]
pub async fn contribution(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<ContributionQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let y = year(q.year)?;
    org_read(&state, who, q.organisation, move |conn, org| reports::contribution(conn, org, y)).await
}
