//! The campus's reports (`/campus/rapports`): engagements ending within N days, hours delivered
//! against planned per trainer in a year, trainees' satisfaction per module, and the hours and
//! ETP each organisation's agents gave, as a table and a chart. The same domain reports as the
//! API's `/api/v1/campus-reports/…`.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::domain::campus::campus;
use crate::domain::campus::engagements::Engagement;
use crate::domain::campus::reports::{self, HoursDelivered, ModuleSatisfaction, OrganisationHours, TrainersOf};
use crate::domain::organisations::Organisation;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::charts::{Bar, BarChart, Shade};
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "campus_reports.html")]
struct ReportsPage {
    layout: Layout,
    campus: Organisation,
    days: i64,
    year: i32,
    expiring: Vec<Engagement>,
    hours: Vec<HoursDelivered>,
    satisfaction: Vec<ModuleSatisfaction>,
    organisations: Vec<OrganisationHours>,
    chart: Option<String>,
}

impl ReportsPage {
    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    fn number(&self, h: &f64) -> String {
        i18n::number(*h, 1)
    }

    fn fte(&self, f: &f64) -> String {
        i18n::number(*f, 3)
    }

    fn mean(&self, m: &f64) -> String {
        i18n::number(*m, 2)
    }

    fn status(&self, g: &Engagement) -> String {
        i18n::t(&format!("engagement-status-{}", g.status.as_str()))
    }
}

fn organisations_chart(rows: &[OrganisationHours], year: i32) -> Result<Option<String>, WebError> {
    if rows.is_empty() {
        return Ok(None);
    }
    let total: f64 = rows.iter().map(|r| r.hours).sum();
    let chart = BarChart {
        title: i18n::tr("campus-given-chart-title", &[("year", year.to_string())]),
        value_axis: i18n::t("campus-given-hours"),
        item_axis: i18n::t("campus-organisation"),
        max: rows.iter().map(|r| r.hours).fold(1.0, f64::max),
        bars: rows
            .iter()
            .map(|r| Bar { label: r.organisation.clone(), value: r.hours, shade: Shade::Neutral, mark: None })
            .collect(),
        legend: vec![(Shade::Neutral, i18n::t("campus-given-hours"))],
        mark_legend: None,
        description: i18n::tr(
            "campus-given-chart-description",
            &[("count", rows.len().to_string()), ("hours", i18n::number(total, 1)), ("year", year.to_string())],
        ),
    };
    Ok(Some(chart.svg("heures-par-organisation")?))
}

#[derive(Deserialize)]
pub struct ReportsQuery {
    campus: Option<String>,
    jours: Option<i64>,
    annee: Option<i32>,
}

#[get("/campus/rapports")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<ReportsQuery>,
) -> Result<HttpResponse, WebError> {
    let q = q.into_inner();
    let days = q.jours.unwrap_or(90).clamp(0, 3660);
    let year = q.annee.unwrap_or_else(|| today().year()).clamp(1990, 2200);
    let (who, code) = (visitor.who.clone(), q.campus);
    let (campus, expiring, hours, satisfaction, organisations) = state
        .db
        .run(move |conn| {
            let c = campus(conn, &who, code.as_deref())?;
            let expiring = reports::expiring(conn, &who, days, today())?.by_campus.remove(&c.code).unwrap_or_default();
            let hours = reports::hours(conn, TrainersOf::Campus(c.id), year)?;
            let satisfaction = reports::satisfaction(conn, c.id)?;
            let organisations = reports::given_by_organisation(conn, c.id, year)?;
            Ok((c, expiring, hours, satisfaction, organisations))
        })
        .await?;
    let chart = organisations_chart(&organisations, year)?;
    let title = i18n::tr("campus-reports-title", &[("campus", campus.code.clone())]);
    Ok(page(&ReportsPage {
        layout: Layout::of(&visitor, title),
        campus,
        days,
        year,
        expiring,
        hours,
        satisfaction,
        organisations,
        chart,
    }))
}
