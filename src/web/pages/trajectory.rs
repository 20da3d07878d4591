//! The workforce trajectory (`/trajectoire?annees=&organisation=`, the organisation for national
//! users), for hr: the projection without action per
//! job sheet and year against the targets, with the departures per year and reason, the age
//! pyramid now and at the horizon (a chart), and the succession risks (the same report as
//! `GET /api/v1/trajectory/projection`); below, the form that asks for an optimal plan and the
//! plans asked (`trajectory_plans`).

use actix_web::{HttpResponse, get, web};
use askama::Template;
use gpec_trajectory::Status;
use serde::Deserialize;

use super::scope::organisation_choices;
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
    /// The organisation shown, named in the address by national users (empty: their own).
    organisation: String,
    /// For national users: the organisations to choose from (code, name).
    organisations: Vec<(String, String)>,
    report: Report,
    chart: String,
    plans: Page<PlanSummary>,
    notice: Option<String>,
}

impl ReportWords for TrajectoryPage {}

impl TrajectoryPage {
    fn settings_address(&self) -> String {
        address("/trajectoire/hypotheses", &self.organisation)
    }
}

/// `path`, naming `organisation` when a national user chose one.
pub(super) fn address(path: &str, organisation: &str) -> String {
    if organisation.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?organisation={}", crate::http::handlers::escaped(organisation))
    }
}
impl PlanWords for TrajectoryPage {
    fn listed(&self) -> &Page<PlanSummary> {
        &self.plans
    }

    fn organisation(&self) -> &str {
        &self.organisation
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
    #[serde(default)]
    organisation: String,
}

/// The organisation a national user named (none: the caller's own).
pub(super) fn named(organisation: &str) -> Option<String> {
    Some(organisation.trim().to_uppercase()).filter(|o| !o.is_empty())
}

/// The projection page with the plan form and the plans asked.
pub(super) async fn projection_page(
    visitor: &Visitor,
    state: &AppState,
    years: Option<usize>,
    organisation: Option<String>,
    notice: Option<String>,
) -> Result<TrajectoryPage, WebError> {
    let horizon = reports::horizon(None, years, today())?;
    let who = visitor.who.clone();
    let org = organisation.clone();
    let (report, plans, organisations) = state
        .db
        .run(move |conn| {
            let report = reports::projection(conn, &who, org.as_deref(), horizon, today())?;
            let plans = plans::page(conn, &who, org.as_deref(), PageAsk::new(Some(1), Some(20))?)?;
            Ok((report, plans, organisation_choices(conn, &who)?))
        })
        .await?;
    let chart = chart(&report)?;
    Ok(TrajectoryPage {
        layout: Layout::of(visitor, i18n::t("trajectory-title")),
        years: horizon.1,
        organisation: organisation.unwrap_or_default(),
        organisations,
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
    let q = q.into_inner();
    Ok(page(&projection_page(&visitor, &state, q.annees, named(&q.organisation), None).await?))
}
