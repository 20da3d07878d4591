//! The variance watch (`/ecarts`): this month's actuals of each activity against the forecast
//! and the plan, its alert and projected month-end stock, and the signals beyond the threshold.
//! The same report as `GET /api/v1/variance`. A production manager pastes the week's or month's
//! actuals here from a spreadsheet (`PUT /api/v1/actuals`, all lines or none).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::planning::actuals::paste;
use crate::domain::planning::variance::{self, Expected, Signal, SignalKind, Watch};
use crate::domain::planning::writes;
use crate::domain::types::Role;
use crate::error::{ApiError, Detail};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

#[derive(Template)]
#[template(path = "variance.html")]
struct VariancePage {
    layout: Layout,
    watch: Vec<Watch>,
    signals: Vec<Signal>,
    can_write: bool,
    /// The pasted block, kept when refused.
    block: String,
    notice: Option<String>,
    problems: Vec<Detail>,
    done: bool,
}

impl VariancePage {
    fn problem(&self, d: &Detail) -> String {
        let at = d.line.map(|l| {
            i18n::tr("import-line-column", &[("line", l.to_string()), ("column", d.column.clone().unwrap_or_default())])
        });
        format!("{} : {}", at.or(d.field.clone()).unwrap_or_default(), d.message)
    }

    fn value(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| i18n::number(v, 0))
    }

    fn weeks(&self, w: &Watch) -> String {
        i18n::tr("variance-weeks", &[("recorded", w.weeks_recorded.to_string()), ("of", w.weeks_in_month.to_string())])
    }

    fn source(&self, w: &Watch) -> String {
        match &w.expected_source {
            Some(Expected::Forecast { forecast, version }) => {
                i18n::tr("variance-from-forecast", &[("id", forecast.to_string()), ("version", version.to_string())])
            }
            Some(Expected::Load) => i18n::t("variance-from-load"),
            None => "—".to_owned(),
        }
    }

    fn alert(&self, w: &Watch) -> String {
        w.alert.as_ref().map_or_else(|| "—".to_owned(), |a| i18n::t(&format!("alert-{}", super::plan::alert_key(a))))
    }

    fn alert_class(&self, w: &Watch) -> String {
        w.alert.as_ref().map_or_else(String::new, |a| format!("alert-{}", super::plan::alert_key(a)))
    }

    fn signal(&self, s: &Signal) -> String {
        let key = match s.kind {
            SignalKind::Entries => "variance-signal-entries",
            SignalKind::Stock => "variance-signal-stock",
        };
        let sign = if s.deviation > 0.0 { "+" } else { "" };
        i18n::tr(
            key,
            &[
                ("activity", s.activity.clone()),
                ("deviation", format!("{sign}{} %", i18n::number(s.deviation * 100.0, 0))),
                ("actual", i18n::number(s.actual, 0)),
                ("expected", i18n::number(s.expected, 0)),
                ("threshold", format!("{} %", i18n::number(s.threshold * 100.0, 0))),
            ],
        )
    }
}

#[derive(Deserialize)]
pub struct Shown {
    fait: Option<String>,
}

async fn variance_page(
    visitor: &Visitor,
    state: &AppState,
    block: String,
    refusal: Option<ApiError>,
    done: bool,
) -> Result<VariancePage, WebError> {
    let who = visitor.who.clone();
    let watch = state.db.run(move |conn| variance::of_organisation(conn, &who, None, today())).await?;
    let signals = watch.iter().flat_map(|w| w.signals.clone()).collect();
    let month = watch.first().map(|w| w.month.clone()).unwrap_or_default();
    let (notice, problems) = match refusal {
        Some(ApiError::BadRequest { message, details } | ApiError::Unprocessable { message, details }) => {
            (Some(message), details.into_iter().map(paste::on_line).collect())
        }
        Some(other) => (Some(other.to_string()), vec![]),
        None => (None, vec![]),
    };
    Ok(VariancePage {
        layout: Layout::of(visitor, i18n::tr("variance-title", &[("month", month)])),
        watch,
        signals,
        can_write: visitor.who.has(Role::Production) || visitor.who.has(Role::Admin),
        block,
        notice,
        problems,
        done,
    })
}

#[get("/ecarts")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<Shown>,
) -> Result<HttpResponse, WebError> {
    Ok(page(&variance_page(&visitor, &state, String::new(), None, q.fait.is_some()).await?))
}

#[derive(Deserialize)]
pub struct PasteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    block: String,
}

/// Records pasted actuals, all lines or none; a refusal shows the block again with each problem
/// by line.
#[post("/ecarts/coller")]
pub async fn paste_actuals(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<PasteForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let outcome = match paste::parse(&form.block) {
        Ok(rows) => {
            let who = visitor.who.clone();
            state.db.run(move |conn| writes::put_actuals(conn, &who, None, &rows)).await
        }
        Err(details) => Err(ApiError::problems("the pasted lines", details)),
    };
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/ecarts?fait=1")).finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            Ok(html(status, variance_page(&visitor, &state, form.block, Some(e), false).await?.render()))
        }
    }
}
