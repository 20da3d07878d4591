//! `/api/v1/analytics/…`: mobility ranking, team matrix, arcs, training needs and cover, over
//! the agents of the caller's organisation (national users: any organisation, or all).

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::{Page, scope, today, visible_agent};
use super::{ReportFormat, report};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::agents::{self, Selection};
use crate::domain::analytics::{self, ArcComparison, Cover, Matrix, Ranked, TrainingNeed};
use crate::domain::csv_io;
use crate::domain::report_workbooks;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(mobility).service(matrix).service(arcs).service(training_needs).service(cover);
}

/// Which agents an analytic covers.
#[derive(Deserialize, IntoParams)]
pub struct Scope {
    /// Organisation code (national users; others always get their own).
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Only agents currently in this job profile.
    pub job_profile: Option<String>,
}

fn selection(conn: &mut DbConnection, who: &Principal, s: &Scope) -> Result<Selection, ApiError> {
    Ok(Selection {
        organisation_id: scope(conn, who, s.organisation.as_deref())?,
        unit: s.unit.clone(),
        job_profile_id: s.job_profile.as_deref().map(|p| agents::profile_id(conn, "job_profile", p)).transpose()?,
        text: None,
        include_departed: false,
    })
}

crate::paged_query! {
pub struct MobilityQuery {
    /// The target job profile, e.g. ACCOMPAGNEMENT.
    pub profile: String,
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Only agents currently in this job profile, e.g. CSU.
    pub job_profile: Option<String>,
}
}

/// Agents ranked by fit to a target job profile, each with their gaps. Fit is
/// `1 - (sum of gaps) / (sum of required levels)`, a missing or expired level counting 0; ties
/// go to the agent meeting more requirements, then by matricule.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(MobilityQuery),
    responses((status = 200, description = "A page of the ranking", body = Page<Ranked>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/analytics/mobility")]
pub async fn mobility(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Principal,
    query: web::Query<MobilityQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let ask = q.ask()?;
    let page = state
        .db
        .run(move |conn| {
            let s = Scope { organisation: q.organisation, unit: q.unit, job_profile: q.job_profile };
            let selection = selection(conn, &who, &s)?;
            let needs = analytics::needs(conn, &q.profile)?;
            let ids: Vec<i32> = needs.iter().map(|n| n.competency_id).collect();
            let (list, book) = analytics::load(conn, &selection, Some(&ids), today())?;
            Ok(analytics::rank(&q.profile.to_uppercase(), &needs, list, &book, ask))
        })
        .await?;
    Ok(super::paged(&req, &page))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatrixQuery {
    pub organisation: Option<String>,
    pub unit: Option<String>,
    pub job_profile: Option<String>,
    /// `json` (default), `csv`, or `xlsx`: an Excel workbook, each level on its colour.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// Agents × competencies of current levels for a unit or a job profile, as JSON or CSV.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(MatrixQuery),
    responses(
        (status = 200, description = "The matrix: JSON, CSV with format=csv, a workbook with format=xlsx", content(
            (Matrix = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound
    )
)]
#[get("/analytics/matrix")]
pub async fn matrix(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<MatrixQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let format = q.format.clone();
    let (csv, as_report) = match format.as_deref() {
        None | Some("json") => (false, ReportFormat::Json),
        Some("csv") => (true, ReportFormat::Json),
        Some("xlsx") => (false, ReportFormat::Xlsx),
        Some(other) => return Err(ApiError::invalid("format", format!("{other:?}: expected json, csv or xlsx"))),
    };
    let m = state
        .db
        .run(move |conn| {
            let s = Scope { organisation: q.organisation, unit: q.unit, job_profile: q.job_profile };
            let selection = selection(conn, &who, &s)?;
            let needs = analytics::needs_by_profile(conn)?;
            let (list, book) = analytics::load(conn, &selection, None, today())?;
            Ok(analytics::matrix(&list, &needs, &book))
        })
        .await?;
    if !csv {
        return report(as_report, &m, "matrice", report_workbooks::matrix);
    }
    let mut header = vec!["matricule", "name", "job_profile"];
    header.extend(m.columns.iter().map(|c| c.competency.as_str()));
    let mut w = csv_io::writer(&header)?;
    for row in &m.rows {
        let mut fields = vec![row.matricule.clone(), row.name.clone(), row.job_profile.clone().unwrap_or_default()];
        for (col, level) in m.columns.iter().zip(&row.levels) {
            let expired = row.expired.contains(&col.competency);
            fields.push(match level {
                Some(l) => l.to_string(),
                None if expired => "expired".to_owned(),
                None => String::new(),
            });
        }
        csv_io::write_row(&mut w, fields)?;
    }
    Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(csv_io::finish(w)?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArcQuery {
    /// One agent (by id); otherwise the team given by the scope.
    pub agent: Option<i32>,
    pub organisation: Option<String>,
    pub unit: Option<String>,
    pub job_profile: Option<String>,
    /// The job to compare with; default: the agent's own, or the team's most common.
    pub profile: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ArcProfile {
    pub profile: String,
    pub agents: usize,
    pub arcs: Vec<ArcComparison>,
}

/// The analytique / relationnel / environnement profile of an agent or a team, beside the job's.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(ArcQuery),
    responses((status = 200, description = "Held and required mean levels per arc", body = ArcProfile), AuthErrors, BodyErrors, NotFound)
)]
#[get("/analytics/arcs")]
pub async fn arcs(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<ArcQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let result = state
        .db
        .run(move |conn| {
            let list = match q.agent {
                Some(id) => vec![visible_agent(conn, &who, id)?],
                None => {
                    let s = Scope { organisation: q.organisation, unit: q.unit, job_profile: q.job_profile };
                    let selection = selection(conn, &who, &s)?;
                    agents::select(conn, &selection, today())?
                }
            };
            let profile = match q.profile {
                Some(p) => p.to_uppercase(),
                None => most_common_profile(&list)
                    .ok_or_else(|| ApiError::unusable("profile", "no job profile to compare with: name one"))?,
            };
            let needs = analytics::needs(conn, &profile)?;
            let ids: Vec<i32> = list.iter().map(|a| a.id).collect();
            let book = crate::domain::levels::load(conn, &ids, None, today())?;
            Ok(ArcProfile { arcs: analytics::arcs(&needs, &list, &book), agents: list.len(), profile })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

fn most_common_profile(list: &[agents::Agent]) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for p in list.iter().filter_map(|a| a.input.job_profile.clone()) {
        match counts.iter_mut().find(|(c, _)| *c == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.into_iter().next().map(|(p, _)| p)
}

/// Per competency: how many agents fall below the level their own job profile requires, and
/// the total gap. Largest total gap first: the input of a training plan.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(NeedsQuery),
    responses(
        (status = 200, description = "Training needs, as JSON or a workbook (format=xlsx)", content(
            (Vec<TrainingNeed> = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound
    )
)]
#[get("/analytics/training-needs")]
pub async fn training_needs(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<NeedsQuery>,
) -> Result<HttpResponse, ApiError> {
    let NeedsQuery { organisation, unit, job_profile, format } = query.into_inner();
    let s = Scope { organisation, unit, job_profile };
    let needs = state
        .db
        .run(move |conn| {
            let selection = selection(conn, &who, &s)?;
            let needs = analytics::needs_by_profile(conn)?;
            let (list, book) = analytics::load(conn, &selection, None, today())?;
            Ok(analytics::training_needs(&list, &needs, &book))
        })
        .await?;
    report(format, &needs, "besoins-de-formation", |n| report_workbooks::training_needs(n))
}

/// Which agents the training needs cover, and how they are answered.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NeedsQuery {
    /// Organisation code (national users; others always get their own).
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Only agents currently in this job profile.
    pub job_profile: Option<String>,
    /// `json` (default) or `xlsx`: an Excel workbook.
    #[serde(default)]
    #[param(inline)]
    pub format: ReportFormat,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CoverQuery {
    /// The job profile whose requirements are checked.
    pub profile: String,
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Competencies held by fewer agents are flagged; default 2.
    #[param(minimum = 0, maximum = 2147483647)]
    pub min_holders: Option<usize>,
    /// `json` (default) or `xlsx`: an Excel workbook, the competencies at risk in red.
    #[serde(default)]
    #[param(inline)]
    pub format: ReportFormat,
}

/// Per competency the profile requires: how many agents in scope hold at least that level.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(CoverQuery),
    responses(
        (status = 200, description = "Cover per competency, as JSON or a workbook (format=xlsx)", content(
            (Vec<Cover> = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound
    )
)]
#[get("/analytics/cover")]
pub async fn cover(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<CoverQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let format = q.format;
    let rows = state
        .db
        .run(move |conn| {
            let s = Scope { organisation: q.organisation, unit: q.unit, job_profile: None };
            let selection = selection(conn, &who, &s)?;
            let needs = analytics::needs(conn, &q.profile)?;
            let ids: Vec<i32> = needs.iter().map(|n| n.competency_id).collect();
            let (list, book) = analytics::load(conn, &selection, Some(&ids), today())?;
            Ok(analytics::cover(&needs, &list, &book, q.min_holders.unwrap_or(2)))
        })
        .await?;
    report(format, &rows, "couverture", |r| report_workbooks::cover(r))
}
