//! `/api/v1/job-profiles`: the national job sheets (fiches emploi), their versions, diffs and
//! comparisons. Everyone reads them; national `hr` and `admin` edit them.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::Versioned;
use super::competencies::{DiffQuery, VersionRef};
use crate::domain::access::Principal;
use crate::domain::job_profiles::compare::{self, ArcLevel, Comparison, Diff};
use crate::domain::job_profiles::{self, ProfileContent, ProfileVersion, RequirementView};
use crate::domain::referential_edits;
use crate::domain::types::{ProfileCode, ProfileStatus};
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
        .service(validate)
        .service(archive)
        .service(versions)
        .service(get_version)
        .service(diff)
        .service(compare_profiles);
}

/// One version of a job profile: its content, the requirements with their competencies' labels
/// and arcs, and the mean required level per arc.
#[derive(Serialize, ToSchema)]
pub struct JobProfileDto {
    pub code: String,
    pub version: i32,
    /// The profile's latest version (equal to `version` unless an old one was asked for).
    pub current_version: i32,
    pub status: ProfileStatus,
    pub author: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    pub status_changed_by: Option<String>,
    #[serde(with = "crate::domain::utc::optional")]
    pub status_changed_at: Option<NaiveDateTime>,
    #[serde(flatten)]
    pub content: ProfileContent,
    pub requirement_details: Vec<RequirementView>,
    pub arc_profile: Vec<ArcLevel>,
}

impl From<ProfileVersion> for JobProfileDto {
    fn from(v: ProfileVersion) -> Self {
        Self {
            arc_profile: compare::arc_profile(&v.requirements),
            code: v.code,
            version: v.version,
            current_version: v.current_version,
            status: v.status,
            author: v.author,
            created_at: v.created_at,
            status_changed_by: v.status_changed_by,
            status_changed_at: v.status_changed_at,
            content: v.content,
            requirement_details: v.requirements,
        }
    }
}

/// A line of the profile list.
#[derive(Serialize, ToSchema)]
pub struct JobProfileSummary {
    pub code: String,
    pub title: String,
    pub version: i32,
    pub status: ProfileStatus,
    pub requirements: usize,
}

/// Every job profile at its current version, ordered by code.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    responses((status = 200, description = "Job profiles", body = Vec<JobProfileSummary>), AuthErrors)
)]
#[get("/job-profiles")]
pub async fn list_all(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let all = state.db.run(job_profiles::list).await?;
    let summaries: Vec<JobProfileSummary> = all
        .into_iter()
        .map(|p| JobProfileSummary {
            requirements: p.requirements.len(),
            code: p.code,
            title: p.content.title,
            version: p.version,
            status: p.status,
        })
        .collect();
    Ok(HttpResponse::Ok().json(summaries))
}

/// The current version of a job profile.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "e.g. CSU, ACCOMPAGNEMENT")),
    responses((status = 200, description = "The current version", body = JobProfileDto), AuthErrors, NotFound)
)]
#[get("/job-profiles/{code}")]
pub async fn get_one(
    state: web::Data<AppState>,
    _who: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let found = state.db.run(move |conn| job_profiles::get(conn, &code, None)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.current_version)).json(JobProfileDto::from(found)))
}

#[derive(Serialize)]
pub struct NewJobProfile {
    /// A-Z, 0-9, '-' and '_'.
    pub code: String,
    #[serde(flatten)]
    pub content: ProfileContent,
}

crate::http::openapi::new_with_code!(
    NewJobProfile,
    crate::domain::job_profiles::ProfileContent,
    "^ *[A-Za-z0-9_-]{2,40} *$",
    "A-Z, 0-9, '-' and '_'."
);

/// By hand: a new job profile refuses unknown fields (see `split_object`).
impl<'de> Deserialize<'de> for NewJobProfile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (code, content) = split_object(deserializer, "code", UnknownFields::Refused)?;
        let code = code.ok_or_else(|| serde::de::Error::missing_field("code"))?;
        Ok(Self { code, content })
    }
}

/// Creates a job profile as a draft version 1.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    request_body = NewJobProfile,
    responses((status = 201, description = "Created", body = JobProfileDto, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, Conflict)
)]
#[post("/job-profiles")]
pub async fn create(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<NewJobProfile>,
) -> Result<HttpResponse, ApiError> {
    let NewJobProfile { code, content } = body.into_inner();
    let code = ProfileCode::parse("code", &code)?;
    let created = state.db.run(move |conn| referential_edits::create_job_profile(conn, &who, &code, content)).await?;
    Ok(super::created(format!("/api/v1/job-profiles/{}", super::escaped(&created.code)), JobProfileDto::from(created)))
}

/// Saves a new draft version. Content equal to the current version's saves nothing.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = super::VersionedProfile,
    responses((status = 200, description = "The new current version", body = JobProfileDto), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[put("/job-profiles/{code}")]
pub async fn update(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    if_match: IfMatch,
    body: Json<Versioned<ProfileContent>>,
) -> Result<HttpResponse, ApiError> {
    let (code, Versioned { version, content }) = (code.into_inner(), body.into_inner());
    let expected = if_match.expected(version)?;
    let saved = state
        .db
        .run(move |conn| {
            versioned_edit(expected, |v| referential_edits::update_job_profile(conn, &who, &code, v, content))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(saved.current_version)).json(JobProfileDto::from(saved)))
}

async fn set_status(
    state: web::Data<AppState>,
    who: Principal,
    code: String,
    expected: (i32, bool),
    target: ProfileStatus,
) -> Result<HttpResponse, ApiError> {
    let changed = state
        .db
        .run(move |conn| {
            versioned_edit(expected, |v| referential_edits::set_job_profile_status(conn, &who, &code, v, target))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(changed.current_version)).json(JobProfileDto::from(changed)))
}

/// Validates the current version; the version validated before it is archived.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = VersionRef,
    responses((status = 200, description = "Validated", body = JobProfileDto), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[post("/job-profiles/{code}/validate")]
pub async fn validate(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    if_match: IfMatch,
    body: Json<VersionRef>,
) -> Result<HttpResponse, ApiError> {
    set_status(state, who, code.into_inner(), if_match.expected(body.version)?, ProfileStatus::Validated).await
}

/// Archives the current version: the job sheet is no longer in force.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = VersionRef,
    responses((status = 200, description = "Archived", body = JobProfileDto), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[post("/job-profiles/{code}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
    if_match: IfMatch,
    body: Json<VersionRef>,
) -> Result<HttpResponse, ApiError> {
    set_status(state, who, code.into_inner(), if_match.expected(body.version)?, ProfileStatus::Archived).await
}

/// A line of a profile's history.
#[derive(Serialize, ToSchema)]
pub struct VersionSummary {
    pub version: i32,
    pub status: ProfileStatus,
    pub author: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    pub title: String,
}

/// Every version of a job profile, oldest first.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "Versions", body = Vec<VersionSummary>), AuthErrors, NotFound)
)]
#[get("/job-profiles/{code}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    _who: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let all = state.db.run(move |conn| job_profiles::versions(conn, &code)).await?;
    let list: Vec<VersionSummary> = all
        .into_iter()
        .map(|v| VersionSummary {
            version: v.version,
            status: v.status,
            author: v.author,
            created_at: v.created_at,
            title: v.content.title,
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// One version of a job profile, as it was saved.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path), ("number" = i32, Path)),
    responses((status = 200, description = "That version", body = JobProfileDto), AuthErrors, NotFound)
)]
#[get("/job-profiles/{code}/versions/{number}")]
pub async fn get_version(
    state: web::Data<AppState>,
    _who: Principal,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (code, number) = path.into_inner();
    let found = state.db.run(move |conn| job_profiles::get(conn, &code, Some(number))).await?;
    Ok(HttpResponse::Ok().json(JobProfileDto::from(found)))
}

/// What changed between two versions: requirements added, removed or changed in level, roles,
/// and text fields.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("code" = String, Path), DiffQuery),
    responses((status = 200, description = "The changes", body = Diff), AuthErrors, BodyErrors, NotFound)
)]
#[get("/job-profiles/{code}/diff")]
pub async fn diff(
    state: web::Data<AppState>,
    _who: Principal,
    code: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    let (code, DiffQuery { from, to }) = (code.into_inner(), query.into_inner());
    let changes = state.db.run(move |conn| job_profiles::diff_versions(conn, &code, from, to)).await?;
    Ok(HttpResponse::Ok().json(changes))
}

/// Requirement by requirement, what a holder of job `a` must gain to meet job `b`.
#[utoipa::path(
    tag = "job-profiles",
    security(("bearer" = [])),
    params(("a" = String, Path, description = "The job held, e.g. CSU"), ("b" = String, Path, description = "The target job")),
    responses((status = 200, description = "Levels on each side and the gap", body = Comparison), AuthErrors, NotFound)
)]
#[get("/job-profiles/{a}/compare/{b}")]
pub async fn compare_profiles(
    state: web::Data<AppState>,
    _who: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (a, b) = path.into_inner();
    let comparison = state.db.run(move |conn| job_profiles::compare_current(conn, &a, &b)).await?;
    Ok(HttpResponse::Ok().json(comparison))
}
