//! The workforce trajectory (`/trajectoire?annees=`), for hr: the projection without action per
//! job sheet and year against the targets, with the departures per year and reason, the age
//! pyramid now and at the horizon (a chart), and the succession risks (the same report as
//! `GET /api/v1/trajectory/projection`); below, the form that asks for an optimal plan and the
//! plans asked (`trajectory_plans`).

use actix_web::{HttpResponse, get, web};
use askama::Template;
use gpec_trajectory::Status;
use serde::Deserialize;

use super::trajectory_plans::PlanWords;
use crate::domain::paging::{Page, PageAsk};
use crate::domain::trajectory::plans::{self, PlanSummary};
use crate::domain::trajectory::reports::{self, Report};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::charts::{Bar, BarChart, Shade};
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// The words and numbers of a trajectory report, shared by the projection page and a plan's.
pub(super) trait ReportWords {
    fn n(&self, v: &f64) -> String {
        i18n::number(*v, 1)
    }

    fn optional(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| i18n::number(v, 1))
    }

    fn reason(&self, reason: &str) -> String {
        i18n::t(&format!("departure-{reason}"))
    }

    fn summary(&self, report: &Report) -> String {
        let key = match report.status {
            Status::Projection => "trajectory-summary-projection",
            Status::Optimal => "trajectory-summary-optimal",
            Status::TimeLimit => "trajectory-summary-time-limit",
        };
        i18n::tr(key, &[("cost", i18n::number(report.costs.total, 0))])
    }

    fn planned(&self, report: &Report) -> bool {
        report.status != Status::Projection
    }

    fn holders(&self, holders: &[u32]) -> String {
        holders.iter().map(u32::to_string).collect::<Vec<_>>().join(" → ")
    }
}

#[derive(Template)]
#[template(path = "trajectory.html")]
pub(super) struct TrajectoryPage {
    layout: Layout,
    years: usize,
    report: Report,
    chart: String,
    plans: Page<PlanSummary>,
    notice: Option<String>,
}

impl ReportWords for TrajectoryPage {}
impl PlanWords for TrajectoryPage {
    fn listed(&self) -> &Page<PlanSummary> {
        &self.plans
    }
}

pub(super) fn chart(report: &Report) -> Result<String, WebError> {
    let bars: Vec<Bar> = report
        .age_pyramid
        .iter()
        .map(|b| Bar {
            label: b.band.clone(),
            value: b.now as f64,
            shade: Shade::Neutral,
            mark: Some(b.at_horizon as f64),
        })
        .collect();
    let older: u32 = report.age_pyramid.iter().filter(|b| b.band == "55-59" || b.band == "60+").map(|b| b.now).sum();
    let chart = BarChart {
        title: i18n::t("trajectory-pyramid-title"),
        value_axis: i18n::t("trajectory-agents"),
        item_axis: i18n::t("trajectory-age"),
        max: report.age_pyramid.iter().map(|b| b.now.max(b.at_horizon) as f64).fold(1.0, f64::max),
        bars,
        legend: vec![(Shade::Neutral, i18n::t("trajectory-legend-now"))],
        mark_legend: Some(i18n::tr(
            "trajectory-legend-horizon",
            &[("year", (report.first_year + report.years as i32 - 1).to_string())],
        )),
        description: i18n::tr(
            "trajectory-pyramid-description",
            &[
                ("agents", report.age_pyramid.iter().map(|b| b.now).sum::<u32>().to_string()),
                ("older", older.to_string()),
            ],
        ),
    };
    Ok(chart.svg("pyramide-graphique")?)
}

#[derive(Deserialize)]
pub struct TrajectoryQuery {
    annees: Option<usize>,
}

/// The projection page with the plan form and the plans asked.
pub(super) async fn projection_page(
    visitor: &Visitor,
    state: &AppState,
    years: Option<usize>,
    notice: Option<String>,
) -> Result<TrajectoryPage, WebError> {
    let horizon = reports::horizon(None, years, today())?;
    let who = visitor.who.clone();
    let (report, plans) = state
        .db
        .run(move |conn| {
            let report = reports::projection(conn, &who, None, horizon, today())?;
            Ok((report, plans::page(conn, &who, None, PageAsk::new(Some(1), Some(20))?)?))
        })
        .await?;
    let chart = chart(&report)?;
    Ok(TrajectoryPage {
        layout: Layout::of(visitor, i18n::t("trajectory-title")),
        years: horizon.1,
        report,
        chart,
        plans,
        notice,
    })
}

#[get("/trajectoire")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<TrajectoryQuery>,
) -> Result<HttpResponse, WebError> {
    Ok(page(&projection_page(&visitor, &state, q.annees, None).await?))
}
