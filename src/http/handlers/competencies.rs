//! `/api/v1/competencies`: the branch dictionary. Everyone reads it; national `hr` and `admin`
//! edit it, each edit naming the version it changes.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Versioned;
use crate::domain::access::Principal;
use crate::domain::competencies::{self, Competency, CompetencyContent, FieldChange, Search, Snapshot, VersionInfo};
use crate::domain::referential_edits;
use crate::domain::types::{CompetencyCode, CompetencyStatus, Level};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::{Json, UnknownFields, split_object};
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale};
use crate::http::versions::{IfMatch, edit as versioned_edit, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_all)
        .service(create)
        .service(get_one)
        .service(update)
        .service(retire)
        .service(versions)
        .service(get_version)
        .service(diff);
}

#[derive(Serialize, ToSchema)]
pub struct LevelDto {
    pub level: i32,
    /// Initiation, Pratique courante, Maîtrise, Expertise.
    pub name: &'static str,
    pub descriptor: String,
}

#[derive(Serialize, ToSchema)]
pub struct CompetencyDto {
    pub code: String,
    #[serde(flatten)]
    pub content: CompetencyContent,
    pub status: CompetencyStatus,
    pub version: i32,
    pub levels: Vec<LevelDto>,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

impl From<Competency> for CompetencyDto {
    fn from(c: Competency) -> Self {
        let levels = c
            .content
            .descriptors
            .iter()
            .enumerate()
            .map(|(i, d)| LevelDto { level: i as i32 + 1, name: Level::NAMES[i], descriptor: d.clone() })
            .collect();
        Self {
            code: c.code,
            content: c.content,
            status: c.status,
            version: c.version,
            levels,
            updated_at: c.updated_at,
            updated_by: c.updated_by,
        }
    }
}

/// Lists and searches the dictionary, in dictionary order.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(Search),
    responses((status = 200, description = "Matching competencies", body = Vec<CompetencyDto>), AuthErrors, BodyErrors)
)]
#[get("/competencies")]
pub async fn list_all(
    state: web::Data<AppState>,
    _who: Principal,
    search: web::Query<Search>,
) -> Result<HttpResponse, ApiError> {
    let search = search.into_inner();
    let found = state.db.run(move |conn| competencies::search(conn, &search)).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(CompetencyDto::from).collect::<Vec<_>>()))
}

/// One competency with its four levels.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Competency code, e.g. connaissance-prestations")),
    responses((status = 200, description = "The competency", body = CompetencyDto), AuthErrors, NotFound)
)]
#[get("/competencies/{code}")]
pub async fn get_one(
    state: web::Data<AppState>,
    _who: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let found = state.db.run(move |conn| competencies::get(conn, &code)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.version)).json(CompetencyDto::from(found)))
}

#[derive(Serialize)]
pub struct NewCompetency {
    /// A slug: a-z, 0-9 and '-'.
    pub code: String,
    #[serde(flatten)]
    pub content: CompetencyContent,
}

crate::http::openapi::new_with_code!(
    NewCompetency,
    crate::domain::competencies::CompetencyContent,
    "^ *[a-z0-9-]{2,80} *$",
    "A slug: a-z, 0-9 and '-'."
);

/// By hand: a new competency refuses unknown fields (see `split_object`).
impl<'de> Deserialize<'de> for NewCompetency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (code, content) = split_object(deserializer, "code", UnknownFields::Refused)?;
        let code = code.ok_or_else(|| serde::de::Error::missing_field("code"))?;
        Ok(Self { code, content })
    }
}

/// Adds a competency to the dictionary (version 1).
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    request_body = NewCompetency,
    responses((status = 201, description = "Created", body = CompetencyDto, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, Conflict)
)]
#[post("/competencies")]
pub async fn create(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<NewCompetency>,
) -> Result<HttpResponse, ApiError> {
    let NewCompetency { code, content } = body.into_inner();
    let code = CompetencyCode::parse("code", &code)?;
    let created = state.db.run(move |conn| referential_edits::create_competency(conn, &who, &code, content)).await?;
    Ok(super::created(format!("/api/v1/competencies/{}", super::escaped(&created.code)), CompetencyDto::from(created)))
}

/// Edits a competency (label, definition, arc, levels, aliases…), making a new version.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = super::VersionedCompetency,
    responses((status = 200, description = "The new version", body = CompetencyDto), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[put("/competencies/{code}")]
pub async fn update(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    if_match: IfMatch,
    body: Json<Versioned<CompetencyContent>>,
) -> Result<HttpResponse, ApiError> {
    let (code, Versioned { version, content }) = (code.into_inner(), body.into_inner());
    let expected = if_match.expected(version)?;
    let updated = state
        .db
        .run(move |conn| {
            versioned_edit(expected, |v| referential_edits::update_competency(conn, &who, &code, v, content))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(CompetencyDto::from(updated)))
}

/// The version a status change applies to.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRef {
    /// May be left out when `If-Match` names it.
    #[schema(required = true, value_type = i32)]
    pub version: Option<i32>,
}

/// Retires a competency: it stays readable and in old versions of job profiles, but leaves the
/// default listing.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = VersionRef,
    responses((status = 200, description = "The retired competency", body = CompetencyDto), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[post("/competencies/{code}/retire")]
pub async fn retire(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    if_match: IfMatch,
    body: Json<VersionRef>,
) -> Result<HttpResponse, ApiError> {
    let (code, expected) = (code.into_inner(), if_match.expected(body.version)?);
    let retired = state
        .db
        .run(move |conn| versioned_edit(expected, |v| referential_edits::retire_competency(conn, &who, &code, v)))
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(retired.version)).json(CompetencyDto::from(retired)))
}

/// Every version of a competency: number, author, time.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "Versions, oldest first", body = Vec<VersionInfo>), AuthErrors, NotFound)
)]
#[get("/competencies/{code}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    _who: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let list = state.db.run(move |conn| competencies::versions(conn, &code)).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Serialize, ToSchema)]
pub struct CompetencyVersionDto {
    #[serde(flatten)]
    pub info: VersionInfo,
    pub status: CompetencyStatus,
    #[serde(flatten)]
    pub content: CompetencyContent,
}

/// A competency as it stood at one version.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(("code" = String, Path), ("number" = i32, Path)),
    responses((status = 200, description = "That version", body = CompetencyVersionDto), AuthErrors, NotFound)
)]
#[get("/competencies/{code}/versions/{number}")]
pub async fn get_version(
    state: web::Data<AppState>,
    _who: Principal,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (code, number) = path.into_inner();
    let (info, Snapshot { content, status }) =
        state.db.run(move |conn| competencies::version(conn, &code, number)).await?;
    Ok(HttpResponse::Ok().json(CompetencyVersionDto { info, status, content }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The older version.
    pub from: i32,
    /// The newer version (default: the current one).
    pub to: Option<i32>,
}

/// The fields that changed between two versions of a competency.
#[utoipa::path(
    tag = "competencies",
    security(("bearer" = [])),
    params(("code" = String, Path), DiffQuery),
    responses((status = 200, description = "Changed fields, with their old and new values", body = Vec<FieldChange>), AuthErrors, BodyErrors, NotFound)
)]
#[get("/competencies/{code}/diff")]
pub async fn diff(
    state: web::Data<AppState>,
    _who: Principal,
    code: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    let (code, DiffQuery { from, to }) = (code.into_inner(), query.into_inner());
    let changes = state.db.run(move |conn| competencies::diff_versions(conn, &code, from, to)).await?;
    Ok(HttpResponse::Ok().json(changes))
}
