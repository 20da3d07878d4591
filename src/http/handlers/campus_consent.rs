//! What each party of the campus work consents to, and the trainer's own account: accepting a
//! listing, enrolling a trainee, reserving an engagement's hours in plans, what awaits an
//! employer, creating an agent's `trainer` account, and the trainer's own overview.

use actix_web::{HttpResponse, get, post, web};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use super::users::UserDto;
use crate::domain::access::Principal;
use crate::domain::campus::consent::{self, Enrolment, Pending};
use crate::domain::campus::engagements::Engagement;
use crate::domain::campus::own::{self, TrainerOverview};
use crate::domain::campus::sessions::AgentRef;
use crate::domain::campus::{accounts, writes};
use crate::domain::types::{Password, Username};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale};
use crate::http::versions::{self, IfMatch, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(accept_listing)
        .service(enrol)
        .service(pending)
        .service(reservation)
        .service(create_trainer_account)
        .service(own_overview);
}

/// Accepts a campus's listing of an agent as trainer: the agent's employer (`hr`) or the trainer
/// with their own account. Until then the campus does not see the agent's levels.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path, description = "The trainer listing")),
    responses((status = 204, description = "Accepted"), AuthErrors, NotFound, Conflict))]
#[post("/trainers/{id}/acceptance")]
pub async fn accept_listing(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state.db.run(move |conn| consent::accept_listing(conn, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOutcome {
    pub enrolment: Enrolment,
}

/// Enrols an agent in a session: the campus (role `campus`) proposes; the agent's employer
/// (`hr`) enrols at once or accepts the campus's proposal. Only an accepted enrolment lets a
/// validation become an assessment.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = AgentRef,
    responses((status = 200, description = "Where the enrolment stands", body = EnrolmentOutcome), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/sessions/{id}/enrolments")]
pub async fn enrol(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<AgentRef>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let enrolment = state.db.run(move |conn| consent::enrol(conn, &who, id, &body)).await?;
    Ok(HttpResponse::Ok().json(EnrolmentOutcome { enrolment }))
}

/// Listings and enrolments of the caller's organisation's agents that await its acceptance
/// (role `hr`); for a trainer, their own listings.
#[utoipa::path(tag = "campus", security(("bearer" = [])),
    responses((status = 200, description = "What awaits acceptance", body = Pending), AuthErrors))]
#[get("/campus-requests")]
pub async fn pending(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.db.run(move |conn| consent::pending(conn, &who)).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReservationInput {
    pub reserve_in_plans: bool,
    /// The engagement's version (409 when it changed since); may be left out under `If-Match`.
    #[serde(default)]
    #[schema(required = true, value_type = i32)]
    pub version: Option<i32>,
}

/// Reserves (or stops reserving) an engagement's planned hours in the employer's plans: the
/// campus (role `campus`) or the employer (role `hr`). Reserved, a plan counts the year's
/// planned hours as campus hours, spread over the year's months, before sessions are
/// scheduled; scheduled hours are not counted twice.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = ReservationInput,
    responses((status = 200, description = "The engagement", body = Engagement, headers(("ETag" = String, description = "Its new version"))), AuthErrors, BodyErrors, NotFound, Conflict, Stale))]
#[post("/engagements/{id}/reservation")]
pub async fn reservation(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    if_match: IfMatch,
    body: Json<ReservationInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let expected = if_match.expected(body.version)?;
    let updated = state
        .db
        .run(move |conn| {
            versions::edit(expected, |v| writes::set_reservation(conn, &who, id, body.reserve_in_plans, v))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(updated))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainerAccountInput {
    #[schema(pattern = "^ *[A-Za-z0-9._@-]{3,64} *$")]
    pub username: String,
    /// 12 to 128 characters, not easy to guess.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
}

/// Creates an agent's `trainer` account (role `hr` or `admin` of the agent's own organisation):
/// the trainer then sees only their engagements, sessions, evaluation means and hours, and
/// records their own agreements.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path, description = "The agent")),
    request_body = TrainerAccountInput,
    responses((status = 201, description = "Created", body = UserDto, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict))]
#[post("/agents/{id}/trainer-account")]
pub async fn create_trainer_account(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<TrainerAccountInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let username = Username::parse("username", &body.username)?;
    let password = Password::new_checked("password", &body.password, &[&body.username])?;
    let user = state.db.run(move |conn| accounts::create(conn, &who, id, &username, &password)).await?;
    Ok(super::created(format!("/api/v1/users/{}", super::escaped(&user.username)), UserDto::from(user)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// Default: this year.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The signed-in trainer's own campus work (role `trainer`): engagements, sessions, evaluation
/// means (never under three answers), hours delivered against planned and their share of work
/// time.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(YearQuery),
    responses((status = 200, description = "The trainer's overview", body = TrainerOverview), AuthErrors, BodyErrors))]
#[get("/me/trainer")]
pub async fn own_overview(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = q.year.unwrap_or_else(|| today().year());
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid("year", "must be 2000 to 2100"));
    }
    Ok(HttpResponse::Ok().json(state.db.run(move |conn| own::overview(conn, &who, year)).await?))
}
