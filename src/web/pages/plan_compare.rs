//! Two plans compared (`/plans-compares?a=&b=`): the difference in cost, in the months each
//! activity spends in `critique`, in backlog, alerts and ETP per activity and month, and in the
//! reinforcement cost per month, as charts and tables. The same comparison as
//! `GET /api/v1/plans/{a}/compare/{b}`.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use askama::Template;
use gpec_planning::compare::{Comparison, CostPartDiff, Delta};
use gpec_planning::result::Alert;
use serde::Deserialize;

use super::plan::alert_key;
use crate::domain::paging::PageAsk;
use crate::domain::planning::plans::{self, PlanSummary};
use crate::domain::planning::{compare_plans, organisation_id};
use crate::http::AppState;
use crate::web::charts::{Bar, BarChart, Shade};
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "plan_compare.html")]
struct ComparePage {
    layout: Layout,
    /// Done plans to choose from.
    choices: Vec<PlanSummary>,
    a: Option<i32>,
    b: Option<i32>,
    comparison: Option<Comparison>,
    charts: Vec<String>,
    /// Each plan's overrides in words (empty for a plan of the stored data).
    variants: [Vec<String>; 2],
}

impl ComparePage {
    fn value(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| i18n::number(v, 1))
    }

    fn delta(&self, d: &Delta) -> String {
        match d.delta {
            Some(v) if v > 0.0 => format!("+{}", i18n::number(v, 1)),
            Some(v) => i18n::number(v, 1),
            None => "—".to_owned(),
        }
    }

    fn alert(&self, a: &Option<Alert>) -> String {
        a.as_ref().map_or_else(|| "—".to_owned(), |a| i18n::t(&format!("alert-{}", alert_key(a))))
    }

    fn part(&self, part: &CostPartDiff) -> String {
        super::plan::cost_label(part.kind, part.pool.as_deref())
    }

    fn chosen(&self, id: &i32, side: &str) -> bool {
        (if side == "a" { self.a } else { self.b }) == Some(*id)
    }
}

fn charts(c: &Comparison, a: i32, b: i32) -> Result<Vec<String>, WebError> {
    let plan = |id: i32| i18n::tr("plans-compare-plan", &[("id", id.to_string())]);
    let costs: Vec<Bar> = c
        .periods
        .iter()
        .map(|p| Bar {
            label: p.period.clone(),
            value: p.pool_cost.b.unwrap_or(0.0),
            shade: if p.pool_cost.delta.unwrap_or(0.0) > 0.0 { Shade::Short2 } else { Shade::Met },
            mark: p.pool_cost.a,
        })
        .collect();
    let max =
        c.periods.iter().map(|p| p.pool_cost.a.unwrap_or(0.0).max(p.pool_cost.b.unwrap_or(0.0))).fold(1.0, f64::max);
    let cost_chart = BarChart {
        title: i18n::t("plans-compare-cost-chart-title"),
        value_axis: i18n::t("plans-compare-cost"),
        item_axis: i18n::t("etp-month"),
        max,
        bars: costs,
        legend: vec![
            (Shade::Met, i18n::tr("plans-compare-cheaper", &[("plan", plan(b))])),
            (Shade::Short2, i18n::tr("plans-compare-dearer", &[("plan", plan(b))])),
        ],
        mark_legend: Some(plan(a)),
        description: i18n::tr("plans-compare-cost-chart-description", &[("a", plan(a)), ("b", plan(b))]),
    };
    let mut critical: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for d in &c.activities {
        let entry = critical.entry(d.activity.clone()).or_default();
        if d.alert_a == Some(Alert::Critique) {
            entry.0 += 1.0;
        }
        if d.alert_b == Some(Alert::Critique) {
            entry.1 += 1.0;
        }
    }
    let max = critical.values().map(|(x, y)| x.max(*y)).fold(1.0, f64::max);
    let critical_chart = BarChart {
        title: i18n::t("plans-compare-critical-chart-title"),
        value_axis: i18n::t("plans-compare-critical-months"),
        item_axis: i18n::t("etp-activity"),
        max,
        bars: critical
            .iter()
            .map(|(activity, (x, y))| Bar {
                label: activity.clone(),
                value: *y,
                shade: if y > x { Shade::Short2 } else { Shade::Met },
                mark: Some(*x),
            })
            .collect(),
        legend: vec![
            (Shade::Met, i18n::tr("plans-compare-not-worse", &[("plan", plan(b))])),
            (Shade::Short2, i18n::tr("plans-compare-worse", &[("plan", plan(b))])),
        ],
        mark_legend: Some(plan(a)),
        description: i18n::tr("plans-compare-critical-chart-description", &[("a", plan(a)), ("b", plan(b))]),
    };
    Ok(vec![cost_chart.svg("comparaison-couts")?, critical_chart.svg("comparaison-critiques")?])
}

#[derive(Deserialize)]
pub struct CompareQuery {
    a: Option<i32>,
    b: Option<i32>,
}

#[get("/plans-compares")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<CompareQuery>,
) -> Result<HttpResponse, WebError> {
    let CompareQuery { a, b } = q.into_inner();
    let who = visitor.who.clone();
    let (choices, comparison) = state
        .db
        .run(move |conn| {
            let org = organisation_id(conn, &who, None)?;
            let listed = plans::page(conn, org, PageAsk::new(Some(1), Some(100))?)?;
            let choices: Vec<PlanSummary> = listed.items.into_iter().filter(|p| p.status == plans::DONE).collect();
            let comparison = match (a, b) {
                (Some(a), Some(b)) => Some(compare_plans(conn, &who, a, b)?),
                _ => None,
            };
            Ok((choices, comparison))
        })
        .await?;
    let words = |o: &Option<crate::domain::planning::overrides::Overrides>| {
        o.as_ref().map(crate::web::overrides::lines).unwrap_or_default()
    };
    let variants =
        comparison.as_ref().map_or_else(Default::default, |c| [words(&c.overrides_a), words(&c.overrides_b)]);
    let comparison = comparison.map(|c| c.comparison);
    let charts = match (&comparison, a, b) {
        (Some(c), Some(a), Some(b)) => charts(c, a, b)?,
        _ => vec![],
    };
    Ok(page(&ComparePage {
        layout: Layout::of(&visitor, i18n::t("plans-compare-title")),
        choices,
        a,
        b,
        comparison,
        charts,
        variants,
    }))
}
