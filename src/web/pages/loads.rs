//! Activities and loads (`/charges?de=&a=`): the organisation's activities (minutes per item,
//! thresholds, temp-eligible, required levels, version), and the month × activity grid of
//! volumes and opening backlogs. A cell is edited in place (htmx posts it and swaps the cell);
//! a block copied from a spreadsheet is pasted whole. Either way all cells land or none, and
//! every bad cell is named.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Months;
use serde::Deserialize;

use crate::domain::planning::activities::{self, Activity};
use crate::domain::planning::forecasts::{self, LoadRow};
use crate::domain::planning::grid::{self, Cell, Measure};
use crate::domain::types::{Period, Role};
use crate::error::{ApiError, Detail};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

#[derive(Template)]
#[template(path = "loads.html")]
struct LoadsPage {
    layout: Layout,
    from: String,
    to: String,
    activities: Vec<Activity>,
    months: Vec<String>,
    cells: HashMap<(String, String), LoadRow>,
    can_edit: bool,
    block: String,
    problems: Vec<Detail>,
    notice: Option<String>,
    done: bool,
}

impl LoadsPage {
    fn number(&self, v: &f64) -> String {
        i18n::number(*v, 1)
    }

    fn volume(&self, activity: &str, month: &str) -> String {
        self.cells.get(&(activity.to_owned(), month.to_owned())).map_or_else(String::new, |r| i18n::number(r.volume, 1))
    }

    fn backlog(&self, activity: &str, month: &str) -> String {
        self.cells
            .get(&(activity.to_owned(), month.to_owned()))
            .and_then(|r| r.opening_backlog)
            .map_or_else(String::new, |v| i18n::number(v, 1))
    }

    fn requirements(&self, a: &Activity) -> String {
        a.requirements
            .iter()
            .map(|r| format!("{} ≥ {}", r.competency, r.min_level.get()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn problem(&self, d: &Detail) -> String {
        i18n::tr(
            "loads-problem",
            &[
                ("line", d.line.unwrap_or(0).to_string()),
                ("column", d.column.clone().unwrap_or_default()),
                ("cell", d.field.clone().unwrap_or_default()),
                ("message", d.message.clone()),
            ],
        )
    }
}

#[derive(Deserialize)]
pub struct Horizon {
    de: Option<String>,
    a: Option<String>,
    fait: Option<String>,
}

fn horizon(de: Option<String>, a: Option<String>) -> Result<(Period, Period), ApiError> {
    let start = Period::of_date(today().checked_add_months(Months::new(1)).unwrap_or_else(today));
    let from = match de.filter(|s| !s.trim().is_empty()) {
        Some(raw) => Period::parse("de", &raw)?,
        None => start,
    };
    let to = match a.filter(|s| !s.trim().is_empty()) {
        Some(raw) => Period::parse("a", &raw)?,
        None => from.plus(11),
    };
    Period::horizon(from, to)?;
    Ok((from, to))
}

async fn loads_page(
    visitor: &Visitor,
    state: &AppState,
    (from, to): (Period, Period),
    block: String,
    problems: Vec<Detail>,
    notice: Option<String>,
) -> Result<LoadsPage, WebError> {
    let who = visitor.who.clone();
    let (activities, rows) = state
        .db
        .run(move |conn| {
            let org = crate::domain::planning::organisation_id(conn, &who, None)?;
            Ok((activities::list(conn, org)?, forecasts::loads(conn, org, Some(from), Some(to))?))
        })
        .await?;
    let months = Period::horizon(from, to)?.iter().map(|p| p.to_string()).collect();
    Ok(LoadsPage {
        layout: Layout::of(visitor, i18n::t("loads-title")),
        from: from.to_string(),
        to: to.to_string(),
        activities,
        months,
        cells: rows.into_iter().map(|r| ((r.activity.clone(), r.period.clone()), r)).collect(),
        can_edit: visitor.who.has(Role::Production) || visitor.who.has(Role::Admin),
        block,
        problems,
        notice,
        done: false,
    })
}

#[get("/charges")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<Horizon>,
) -> Result<HttpResponse, WebError> {
    let q = q.into_inner();
    let done = q.fait.is_some();
    let mut page_data = loads_page(&visitor, &state, horizon(q.de, q.a)?, String::new(), vec![], None).await?;
    page_data.done = done;
    Ok(page(&page_data))
}

#[derive(Deserialize)]
pub struct PasteForm {
    csrf: String,
    de: String,
    a: String,
    measure: String,
    block: String,
}

/// A block pasted from a spreadsheet: all cells or none; a refusal shows the block as pasted and
/// every bad cell.
#[post("/charges/coller")]
pub async fn paste(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<PasteForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let span = horizon(Some(form.de.clone()), Some(form.a.clone()))?;
    let measure = Measure::parse(&form.measure)?;
    let outcome = match grid::parse_block(&form.block) {
        Ok(cells) => {
            let who = visitor.who.clone();
            state.db.run(move |conn| grid::put_cells(conn, &who, &cells, measure)).await
        }
        Err(details) => Err(ApiError::problems("the block", details)),
    };
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, format!("/charges?de={}&a={}&fait=1", form.de, form.a)))
            .finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let (notice, problems) = match e {
                ApiError::BadRequest { message, details } | ApiError::Unprocessable { message, details } => {
                    (message, details)
                }
                other => (other.to_string(), vec![]),
            };
            let page = loads_page(&visitor, &state, span, form.block, problems, Some(notice)).await?;
            Ok(html(status, page.render()))
        }
    }
}

#[derive(Template)]
#[template(path = "load_cell.html")]
struct CellFragment {
    activity: String,
    month: String,
    measure: &'static str,
    value: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct CellForm {
    activity: String,
    month: String,
    measure: String,
    value: String,
}

/// One cell typed in place (htmx, with the CSRF header): the cell comes back as saved, or with
/// its refusal and the value as typed.
#[post("/charges/cellule")]
pub async fn cell(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<CellForm>,
) -> Result<HttpResponse, WebError> {
    visitor.check_csrf(&req, None)?;
    let form = form.into_inner();
    let measure = Measure::parse(&form.measure)?;
    let parsed = crate::domain::csv_io::spreadsheet_number(&form.value).filter(|v| *v >= 0.0);
    let outcome = match parsed {
        Some(value) => {
            let cells =
                vec![Cell { line: 1, column: 1, activity: form.activity.clone(), period: form.month.clone(), value }];
            let who = visitor.who.clone();
            state.db.run(move |conn| grid::put_cells(conn, &who, &cells, measure)).await.map(|_| value)
        }
        None => Err(ApiError::invalid("value", i18n::t("loads-not-a-number"))),
    };
    let measure_name = if measure == Measure::Volume { "volume" } else { "stock" };
    let (value, problem) = match outcome {
        Ok(v) => (i18n::number(v, 1), None),
        Err(e @ ApiError::Forbidden(_)) => return Err(e.into()),
        Err(ApiError::BadRequest { details, .. } | ApiError::Unprocessable { details, .. }) if !details.is_empty() => {
            (form.value.clone(), Some(details.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join(" ; ")))
        }
        Err(e) => (form.value.clone(), Some(e.to_string())),
    };
    let fragment = CellFragment { activity: form.activity, month: form.month, measure: measure_name, value, problem };
    Ok(page(&fragment))
}
