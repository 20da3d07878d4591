//! The workforce trajectory (`/trajectoire?annees=&vue=`), for hr: the projection without action
//! or the optimal plan, per job sheet and year against the targets, with the departures per year
//! and reason, the age pyramid now and at the horizon (a chart), and the succession risks. The
//! same report as `GET /api/v1/trajectory/projection` and `POST /api/v1/trajectory/plan`.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use gpec_trajectory::Status;
use serde::Deserialize;

use crate::domain::trajectory::reports::{self, Kind, Report};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::charts::{Bar, BarChart, Shade};
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "trajectory.html")]
struct TrajectoryPage {
    layout: Layout,
    years: usize,
    plan: bool,
    report: Report,
    chart: String,
}

impl TrajectoryPage {
    fn n(&self, v: &f64) -> String {
        i18n::number(*v, 1)
    }

    fn optional(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| i18n::number(v, 1))
    }

    fn reason(&self, reason: &str) -> String {
        i18n::t(&format!("departure-{reason}"))
    }

    fn summary(&self) -> String {
        let key = match self.report.status {
            Status::Projection => "trajectory-summary-projection",
            Status::Optimal => "trajectory-summary-optimal",
            Status::TimeLimit => "trajectory-summary-time-limit",
        };
        i18n::tr(key, &[("cost", i18n::number(self.report.costs.total, 0))])
    }

    fn holders(&self, holders: &[u32]) -> String {
        holders.iter().map(u32::to_string).collect::<Vec<_>>().join(" → ")
    }
}

fn chart(report: &Report) -> Result<String, WebError> {
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
    vue: Option<String>,
}

#[get("/trajectoire")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<TrajectoryQuery>,
) -> Result<HttpResponse, WebError> {
    let q = q.into_inner();
    let plan = q.vue.as_deref() == Some("plan");
    let kind = if plan { Kind::Plan } else { Kind::Projection };
    let horizon = reports::horizon(None, q.annees, today())?;
    let who = visitor.who.clone();
    let report = state.db.run(move |conn| reports::trajectory(conn, &who, None, kind, horizon, today())).await?;
    let chart = chart(&report)?;
    Ok(page(&TrajectoryPage {
        layout: Layout::of(&visitor, i18n::t("trajectory-title")),
        years: horizon.1,
        plan,
        report,
        chart,
    }))
}
