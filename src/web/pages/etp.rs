//! The ETP view (`/etp?de=&a=`): per month, the ETP the loads need against the ETP the agents
//! give, as a chart with the target staffing (cible d'effectifs) and its gap, and below it the
//! need per activity and month. The same report as `GET /api/v1/etp`.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::Months;
use gpec_planning::etp::EtpReport;
use serde::Deserialize;

use crate::domain::types::Period;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::charts::{Bar, BarChart, Shade};
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "etp.html")]
struct EtpPage {
    layout: Layout,
    from: String,
    to: String,
    report: EtpReport,
    chart: String,
    /// Months, and per activity its need in each month.
    months: Vec<String>,
    grid: Vec<(String, Vec<f64>)>,
}

impl EtpPage {
    fn fte(&self, v: &f64) -> String {
        i18n::number(*v, 2)
    }

    fn target(&self) -> String {
        i18n::tr(
            "etp-target",
            &[
                ("target", i18n::number(self.report.target.fte, 2)),
                ("available", i18n::number(self.report.etpma_available, 2)),
                ("gap", i18n::number(self.report.target.gap_fte, 2)),
            ],
        )
    }
}

fn chart(report: &EtpReport) -> Result<String, WebError> {
    let bars: Vec<Bar> = report
        .periods
        .iter()
        .map(|p| Bar {
            label: p.period.clone(),
            value: p.need_fte,
            shade: if p.delta_fte < 0.0 { Shade::Short2 } else { Shade::Met },
            mark: Some(p.available_fte),
        })
        .collect();
    let short = report.periods.iter().filter(|p| p.delta_fte < 0.0).count();
    let chart = BarChart {
        title: i18n::t("etp-chart-title"),
        value_axis: i18n::t("etp-unit"),
        item_axis: i18n::t("etp-month"),
        max: report.periods.iter().map(|p| p.need_fte.max(p.available_fte)).fold(1.0, f64::max),
        bars,
        legend: vec![(Shade::Met, i18n::t("etp-legend-covered")), (Shade::Short2, i18n::t("etp-legend-short"))],
        mark_legend: Some(i18n::t("etp-legend-available")),
        description: i18n::tr(
            "etp-chart-description",
            &[
                ("months", report.periods.len().to_string()),
                ("short", short.to_string()),
                ("target", i18n::number(report.target.fte, 2)),
                ("gap", i18n::number(report.target.gap_fte, 2)),
            ],
        ),
    };
    Ok(chart.svg("etp-graphique")?)
}

#[derive(Deserialize)]
pub struct EtpQuery {
    de: Option<String>,
    a: Option<String>,
}

#[get("/etp")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<EtpQuery>,
) -> Result<HttpResponse, WebError> {
    let q = q.into_inner();
    let start = Period::of_date(today().checked_add_months(Months::new(1)).unwrap_or_else(today));
    let from = q.de.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| start.to_string());
    let to = q.a.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| start.plus(11).to_string());
    let (who, f, t) = (visitor.who.clone(), from.clone(), to.clone());
    let report =
        state.db.run(move |conn| crate::domain::planning::etp_report(conn, &who, None, &f, &t, today())).await?;
    let months: Vec<String> = report.periods.iter().map(|p| p.period.clone()).collect();
    let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for a in &report.activities {
        let row = by.entry(a.activity.clone()).or_insert_with(|| vec![0.0; months.len()]);
        if let Some(k) = months.iter().position(|m| *m == a.period) {
            row[k] += a.need_fte;
        }
    }
    let chart = chart(&report)?;
    Ok(page(&EtpPage {
        layout: Layout::of(&visitor, i18n::t("etp-title")),
        from,
        to,
        report,
        chart,
        months,
        grid: by.into_iter().collect(),
    }))
}
