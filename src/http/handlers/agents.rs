//! `/api/v1/agents`: agents, their assessments, current levels and gaps. Scoped by organisation:
//! an agent of another organisation answers 404. `hr` and `admin` write; every role reads.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Versioned;
use crate::domain::access::Principal;
use crate::domain::agents::{self, Agent, AgentInput};
use crate::domain::analytics::{self, Gap};
use crate::domain::assessments::{self, AssessmentInput, AssessmentView};
use crate::domain::levels;
pub use crate::domain::paging::Page;
use crate::domain::types::Role;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale};
use crate::http::versions::{self, IfMatch, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_agents)
        .service(create_agent)
        .service(get_agent)
        .service(update_agent)
        .service(list_assessments)
        .service(add_assessment)
        .service(current_levels)
        .service(agent_gap);
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

pub use agents::visible as visible_agent;

crate::paged_query! {
pub struct AgentQuery {
    /// Organisation code (national users; others see their own).
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Job profile code.
    pub job_profile: Option<String>,
    /// Text in the matricule or the names.
    pub q: Option<String>,
    /// Also list agents whose end date has passed.
    #[serde(default)]
    pub include_departed: bool,
}
}

/// The agents of an organisation, filtered and paginated.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(AgentQuery),
    responses((status = 200, description = "A page of agents", body = Page<Agent>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/agents")]
pub async fn list_agents(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Principal,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let ask = q.ask()?;
    let filter = agents::Filter {
        organisation: q.organisation,
        unit: q.unit,
        job_profile: q.job_profile,
        text: q.q,
        include_departed: q.include_departed,
    };
    let found = state.db.run(move |conn| agents::find_page(conn, &who, &filter, today(), ask)).await?;
    Ok(super::paged(&req, &found))
}

#[derive(Serialize)]
pub struct NewAgent {
    /// Organisation code; defaults to the caller's.
    pub organisation: Option<String>,
    #[serde(flatten)]
    pub agent: AgentInput,
}

// By hand: one object that refuses unknown members, as the body is read (a derived `allOf`
// would let any member through).
impl utoipa::PartialSchema for NewAgent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let organisation = ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .description(Some("Organisation code; defaults to the caller's."));
        let schema = crate::http::openapi::object_with_member::<AgentInput>("organisation", organisation.into(), false);
        crate::http::openapi::closed(schema)
    }
}

impl ToSchema for NewAgent {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        <AgentInput as ToSchema>::schemas(schemas);
    }
}

/// By hand, so that an unknown field is refused as in every other input (see `split_object`).
impl<'de> Deserialize<'de> for NewAgent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (organisation, agent) = crate::http::extract::split_object(
            deserializer,
            "organisation",
            crate::http::extract::UnknownFields::Refused,
        )?;
        Ok(Self { organisation, agent })
    }
}

/// Adds an agent (roles `hr`, `admin`).
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    request_body = NewAgent,
    responses((status = 201, description = "Created", body = Agent, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound, Conflict)
)]
#[post("/agents")]
pub async fn create_agent(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<NewAgent>,
) -> Result<HttpResponse, ApiError> {
    who.require_any(&[Role::Hr])?;
    let NewAgent { organisation, agent } = body.into_inner();
    let created = state.db.run(move |conn| agents::create(conn, &who, organisation.as_deref(), agent)).await?;
    Ok(super::created(format!("/api/v1/agents/{}", created.id), created))
}

/// One agent.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "The agent", body = Agent), AuthErrors, NotFound)
)]
#[get("/agents/{id}")]
pub async fn get_agent(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let agent = state.db.run(move |conn| visible_agent(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(agent.version)).json(agent))
}

/// Changes an agent, e.g. their unit, job profile or end date (roles `hr`, `admin`).
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = super::VersionedAgent,
    responses((status = 200, description = "The agent", body = Agent), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[put("/agents/{id}")]
pub async fn update_agent(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    if_match: IfMatch,
    body: Json<Versioned<AgentInput>>,
) -> Result<HttpResponse, ApiError> {
    let (id, Versioned { version, content: agent }) = (id.into_inner(), body.into_inner());
    let expected = if_match.expected(version)?;
    let updated =
        state.db.run(move |conn| versions::edit(expected, |v| agents::edit(conn, &who, id, v, agent))).await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(updated))
}

/// An agent's assessments, newest first (the full history, self-assessments included).
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "Assessments", body = Vec<AssessmentView>), AuthErrors, NotFound)
)]
#[get("/agents/{id}/assessments")]
pub async fn list_assessments(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let history = state.db.run(move |conn| assessments::agent_history(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(history))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i32,
}

/// Records an assessment (roles `hr`, `admin`). The competency may be named by code, label or
/// alias.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = AssessmentInput,
    responses((status = 201, description = "Recorded", body = Created, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound)
)]
#[post("/agents/{id}/assessments")]
pub async fn add_assessment(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<AssessmentInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let created = state.db.run(move |conn| assessments::record(conn, &who, id, input)).await?;
    // An assessment is read in its agent's history.
    Ok(super::created(format!("/api/v1/agents/{id}/assessments"), Created { id: created }))
}

/// An agent's current levels: per competency, the latest assessment that is not a
/// self-assessment; an expired one is flagged and does not count in analytics.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "Current levels", body = Vec<levels::NamedLevel>), AuthErrors, NotFound)
)]
#[get("/agents/{id}/levels")]
pub async fn current_levels(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = state.db.run(move |conn| levels::of_agent(conn, &who, id, today())).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GapQuery {
    /// Target job profile code; default: the agent's own.
    pub profile: Option<String>,
}

/// An agent's gap to their job profile or to any target profile: per requirement, the required
/// and current levels, the gap and whether it is met.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = i32, Path), GapQuery),
    responses((status = 200, description = "The gap", body = Gap), AuthErrors, BodyErrors, NotFound)
)]
#[get("/agents/{id}/gap")]
pub async fn agent_gap(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    query: web::Query<GapQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, profile) = (id.into_inner(), query.into_inner().profile);
    let gap = state.db.run(move |conn| analytics::agent_gap(conn, &who, id, profile.as_deref(), today())).await?;
    Ok(HttpResponse::Ok().json(gap))
}
