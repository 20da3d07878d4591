//! Forecasts (`/previsions`): the organisation's forecasts and the form that makes one; a
//! forecast's page (`/previsions/{id}`) with how each activity was forecast (history, backtest
//! against "same month last year") and its months, each adjustable by hand at the forecast's
//! version. The same use cases as `/api/v1/forecasts`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::forecasting::sets::{self, Adjust, Adjustment, ForecastRequest, LoadSet, LoadSetSummary, Refusal};
use crate::domain::types::Role;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

#[derive(Template)]
#[template(path = "forecasts.html")]
struct ForecastsPage {
    layout: Layout,
    forecasts: Vec<LoadSetSummary>,
    can_write: bool,
    name: String,
    horizon: String,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "forecast.html")]
struct ForecastPage {
    layout: Layout,
    set: LoadSet,
    can_write: bool,
    notice: Option<String>,
}

impl ForecastPage {
    fn n(&self, v: &f64) -> String {
        i18n::number(*v, 0)
    }

    fn ratio(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| i18n::number(v, 2))
    }

    fn percent(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| format!("{} %", i18n::number(v, 1)))
    }

    fn refusal(&self, r: &Refusal) -> String {
        r.reason.clone()
    }
}

fn can_write(visitor: &Visitor) -> bool {
    visitor.who.has(Role::Production) || visitor.who.has(Role::Admin)
}

async fn list_page(
    visitor: &Visitor,
    state: &AppState,
    name: String,
    horizon: String,
    notice: Option<String>,
) -> Result<ForecastsPage, WebError> {
    let who = visitor.who.clone();
    let forecasts = state.db.run(move |conn| sets::list(conn, &who, None)).await?;
    Ok(ForecastsPage {
        layout: Layout::of(visitor, i18n::t("forecasts-title")),
        forecasts,
        can_write: can_write(visitor),
        name,
        horizon,
        notice,
    })
}

#[get("/previsions")]
pub async fn list(visitor: Visitor, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    Ok(page(&list_page(&visitor, &state, i18n::t("forecasts-default-name"), "12".into(), None).await?))
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    horizon: String,
}

/// Makes a forecast; a refusal shows the form again, as typed, with the reason.
#[post("/previsions")]
pub async fn create(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let horizon =
        form.horizon.trim().parse::<usize>().map_err(|_| ApiError::invalid("horizon", "a number of months, 1 to 18"));
    let who = visitor.who.clone();
    let name = form.name.clone();
    let made = match horizon {
        Ok(horizon) => {
            let input = ForecastRequest { organisation: None, name, horizon };
            state.db.run(move |conn| sets::create(conn, &who, &input, today())).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(set) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/previsions/{}", set.summary.id)))
            .finish()),
        Err(e @ ApiError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let page = list_page(&visitor, &state, form.name, form.horizon, Some(e.to_string())).await?;
            Ok(html(status, page.render()))
        }
    }
}

async fn forecast_page(
    visitor: &Visitor,
    state: &AppState,
    id: i32,
    notice: Option<String>,
) -> Result<ForecastPage, WebError> {
    let who = visitor.who.clone();
    let set = state.db.run(move |conn| sets::get(conn, &who, id)).await?;
    let title = i18n::tr("forecast-title", &[("id", id.to_string()), ("name", set.summary.name.clone())]);
    Ok(ForecastPage { layout: Layout::of(visitor, title), set, can_write: can_write(visitor), notice })
}

#[get("/previsions/{id}")]
pub async fn show(visitor: Visitor, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, WebError> {
    Ok(page(&forecast_page(&visitor, &state, id.into_inner(), None).await?))
}

#[derive(Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    csrf: String,
    version: i32,
    activity: String,
    period: String,
    /// Empty: back to the forecast.
    #[serde(default)]
    volume: String,
}

/// Adjusts one month of a forecast by hand; a refusal (a stale version, a bad number) shows the
/// forecast again with the reason.
#[post("/previsions/{id}/ajuster")]
pub async fn adjust(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<AdjustForm>,
) -> Result<HttpResponse, WebError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let volume = match form.volume.trim() {
        "" => Ok(None),
        raw => crate::domain::csv_io::spreadsheet_number(raw)
            .map(Some)
            .ok_or_else(|| ApiError::invalid("volume", "must be a number of items")),
    };
    let who = visitor.who.clone();
    let done = match volume {
        Ok(volume) => {
            let input = Adjust {
                version: form.version,
                rows: vec![Adjustment { activity: form.activity, period: form.period, volume }],
            };
            state.db.run(move |conn| sets::adjust(conn, &who, id, &input)).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/previsions/{id}"))).finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            Ok(html(status, forecast_page(&visitor, &state, id, Some(e.to_string())).await?.render()))
        }
    }
}
