//! The campus coordinator's screens: the modules with their target levels, and the trainers
//! with the seed's criteria (technicité against the module targets, pédagogie, satisfaction or
//! "not yet taught", the ADFO date) and their facilitation training. `?campus=CODE` names a
//! campus for national users; a campus user sees their own.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::campus::campus;
use crate::domain::campus::facilitation::{self, FacilitationInput};
use crate::domain::campus::modules::{self as module_data, Module};
use crate::domain::campus::trainers::{self as trainer_data, Trainer};
use crate::domain::organisations::Organisation;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Deserialize)]
pub struct CampusPick {
    pub campus: Option<String>,
}

#[derive(Template)]
#[template(path = "campus_modules.html")]
struct ModulesPage {
    layout: Layout,
    campus: Organisation,
    modules: Vec<Module>,
}

impl ModulesPage {
    fn hours(&self, h: &f64) -> String {
        i18n::number(*h, 1)
    }
}

#[get("/campus/modules")]
pub async fn modules(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<CampusPick>,
) -> Result<HttpResponse, WebError> {
    let (who, code) = (visitor.who.clone(), q.into_inner().campus);
    let (campus, modules) = state
        .db
        .run(move |conn| {
            let c = campus(conn, &who, code.as_deref())?;
            let modules = module_data::list(conn, c.id)?;
            Ok((c, modules))
        })
        .await?;
    let title = i18n::tr("campus-modules-title", &[("campus", campus.code.clone())]);
    Ok(page(&ModulesPage { layout: Layout::of(&visitor, title), campus, modules }))
}

#[derive(Template)]
#[template(path = "campus_trainers.html")]
struct TrainersPage {
    layout: Layout,
    campus: Organisation,
    trainers: Vec<Trainer>,
    /// The visitor manages the campus: the facilitation form shows.
    manages: bool,
    done: bool,
}

impl TrainersPage {
    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    fn satisfaction(&self, t: &Trainer) -> String {
        match (t.satisfaction.status.as_str(), t.satisfaction.mean) {
            ("evaluated", Some(mean)) => i18n::tr(
                "campus-satisfaction-mean",
                &[("mean", i18n::number(mean, 2)), ("count", t.satisfaction.evaluations.to_string())],
            ),
            (status, _) => i18n::t(&format!("campus-satisfaction-{status}")),
        }
    }

    fn level(&self, l: &Option<i32>) -> String {
        l.map_or_else(|| "—".to_owned(), |l| l.to_string())
    }
}

#[derive(Deserialize)]
pub struct TrainersQuery {
    campus: Option<String>,
    fait: Option<String>,
}

#[get("/campus/formateurs")]
pub async fn trainers(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<TrainersQuery>,
) -> Result<HttpResponse, WebError> {
    let q = q.into_inner();
    let (who, code) = (visitor.who.clone(), q.campus);
    let (campus, trainers) = state
        .db
        .run(move |conn| {
            let c = campus(conn, &who, code.as_deref())?;
            let trainers = trainer_data::list(conn, c.id, None, today())?;
            Ok((c, trainers))
        })
        .await?;
    let manages = crate::domain::campus::require_manager(&visitor.who, campus.id).is_ok();
    let title = i18n::tr("campus-trainers-title", &[("campus", campus.code.clone())]);
    Ok(page(&TrainersPage { layout: Layout::of(&visitor, title), campus, trainers, manages, done: q.fait.is_some() }))
}

#[derive(Deserialize)]
pub struct FacilitationForm {
    csrf: String,
    trainer: i32,
    course: String,
    taken_on: String,
}

/// Records a facilitation training (the campus's managers, checked by the domain).
#[post("/campus/formateurs/formations")]
pub async fn record_facilitation(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<FacilitationForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let taken_on = NaiveDate::parse_from_str(form.taken_on.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::invalid("taken_on", "is not a date (YYYY-MM-DD)"))?;
    let input = FacilitationInput { course: form.course, taken_on };
    let who = visitor.who.clone();
    state.db.run(move |conn| facilitation::record(conn, &who, form.trainer, &input, today())).await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/campus/formateurs?fait=1")).finish())
}
