//! Importing agents or assessments from a CSV file (or a workbook): on refusal every bad line
//! and column is listed and nothing is written; on success, what was created and changed.

use actix_multipart::form::{MultipartForm, bytes::Bytes as Upload, text::Text};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use askama::Template;

use crate::domain::referential_csv::{self, Entity, ImportReport};
use crate::domain::types::Role;
use crate::error::{ApiError, Detail};
use crate::http::AppState;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

/// The largest file the form takes, as the API's raw body limit.
pub const MAX_UPLOAD: usize = crate::http::extract::MAX_RAW_BYTES;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    /// What was chosen: `agents` or `evaluations`.
    kind: String,
    report: Option<ImportReport>,
    refusal: Option<(String, Vec<Detail>)>,
}

impl ImportPage {
    fn new(visitor: &Visitor, kind: String) -> Self {
        Self { layout: Layout::of(visitor, i18n::t("import-title")), kind, report: None, refusal: None }
    }

    fn where_(&self, d: &Detail) -> String {
        match (d.line, d.column.as_deref(), d.field.as_deref()) {
            (Some(line), Some(column), _) => {
                i18n::tr("import-line-column", &[("line", line.to_string()), ("column", column.to_owned())])
            }
            (Some(line), None, _) => i18n::tr("import-line", &[("line", line.to_string())]),
            (None, Some(column), _) | (None, None, Some(column)) => column.to_owned(),
            (None, None, None) => String::new(),
        }
    }

    fn done(&self, r: &ImportReport) -> String {
        i18n::tr(
            "import-done",
            &[
                ("rows", r.rows.to_string()),
                ("created", r.created.to_string()),
                ("updated", r.updated.to_string()),
                ("unchanged", r.unchanged.to_string()),
            ],
        )
    }
}

/// Which import a form names.
fn entity(kind: &str) -> Result<Entity, ApiError> {
    match kind {
        "agents" => Ok(Entity::Agents),
        "evaluations" => Ok(Entity::Assessments),
        other => Err(ApiError::invalid("type", format!("{other:?}: expected agents or evaluations"))),
    }
}

fn may_import(visitor: &Visitor) -> Result<(), ApiError> {
    visitor.who.require_any(&[Role::Hr])
}

#[get("/import")]
pub async fn show(visitor: Visitor) -> Result<HttpResponse, WebError> {
    may_import(&visitor)?;
    Ok(page(&ImportPage::new(&visitor, "agents".to_owned())))
}

#[derive(MultipartForm)]
pub struct ImportForm {
    csrf: Text<String>,
    #[multipart(rename = "type")]
    kind: Text<String>,
    fichier: Upload,
}

/// Imports the file (role `hr`, checked by the domain as for the API) in one transaction.
#[post("/import")]
pub async fn submit(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    MultipartForm(form): MultipartForm<ImportForm>,
) -> Result<HttpResponse, WebError> {
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let kind = form.kind.into_inner();
    let mut shown = ImportPage::new(&visitor, kind.clone());
    let who = visitor.who.clone();
    let bytes = form.fichier.data;
    let imported = match entity(&kind) {
        Ok(entity) => state.db.run(move |conn| referential_csv::import(conn, &who, entity, &bytes, who.scope())).await,
        Err(e) => Err(e),
    };
    match imported {
        Ok(report) => {
            tracing::info!(user = %visitor.who.username, kind, ?report, "csv import from the web");
            shown.report = Some(report);
            Ok(page(&shown))
        }
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = e.status_code();
            shown.refusal = Some((e.to_string(), e.details()));
            Ok(html(status, shown.render()))
        }
    }
}
