//! One plan (`/plans/{id}`): its summary and downloads; the calendar heatmap of alerts, activity
//! × month (normale, tendue, critique) with each backlog; what binds where a backlog stays above
//! normal, with the extra hours that would bring a `critique` one back to `tendue`; the hours
//! each month takes from overtime, temporary staff and flying teams, and the cost per pool and
//! month; and the per-agent rows, paged and searchable.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use askama::Template;
use gpec_planning::Plan;
use gpec_planning::breakdown::CostKind;
use gpec_planning::result::{ActivityPeriod, AgentPeriod, Alert, Binding, PoolKind, PoolPeriod};
use serde::Deserialize;

use crate::domain::paging::{Page, PageAsk};
use crate::domain::planning::actuals::flow::MonthActual;
use crate::domain::planning::plans::{self, PlanSummary};
use crate::domain::planning::writes;
use crate::http::AppState;
use crate::web::pager::Pager;
use crate::web::plan_charts::{BacklogChart, StackedChart, Words};
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// A heatmap's row: an activity and, per month, its backlog and alert.
pub struct HeatRow {
    pub activity: String,
    pub cells: Vec<Option<(f64, Alert)>>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    layout: Layout,
    summary: PlanSummary,
    plan: Option<Plan>,
    months: Vec<String>,
    heat: Vec<HeatRow>,
    tensions: Vec<ActivityPeriod>,
    /// Each part of the objective: its name, total and cost in each month.
    costs: Vec<CostRow>,
    /// A what-if variant's overrides, in words.
    variant: Vec<String>,
    agents: Option<Page<AgentPeriod>>,
    pager: Option<Pager>,
    q: String,
    /// Per activity, its backlog chart over the alert bands.
    backlog_charts: Vec<(String, String)>,
    /// The ETP each source gives per month, stacked, against the need.
    sources_chart: Option<String>,
}

/// A part of a plan's objective, as the costs table shows it.
pub struct CostRow {
    pub label: String,
    pub total: f64,
    pub values: Vec<f64>,
}

/// The words of a part of the objective (a pool's part names the pool).
pub(super) fn cost_label(kind: CostKind, pool: Option<&str>) -> String {
    let key = match kind {
        CostKind::Overtime => "cost-overtime",
        CostKind::TemporaryStaff => "cost-temporary-staff",
        CostKind::FlyingTeam => "cost-flying-team",
        CostKind::BacklogOverNormal => "cost-backlog-normal",
        CostKind::BacklogOverCritical => "cost-backlog-critical",
        CostKind::Hire => "cost-hire",
        CostKind::PresenceShortfall => "cost-presence-shortfall",
    };
    i18n::tr(key, &[("pool", pool.unwrap_or_default().to_owned())])
}

/// The rows of the costs table: the objective's parts, or for a plan stored before they
/// existed, its pools' costs.
fn cost_rows(plan: &Plan, months: &[String]) -> Vec<CostRow> {
    let in_months = |by_period: &dyn Fn(&String) -> f64| months.iter().map(by_period).collect::<Vec<f64>>();
    if !plan.objective_breakdown.is_empty() {
        return plan
            .objective_breakdown
            .iter()
            .map(|part| CostRow {
                label: cost_label(part.kind, part.pool.as_deref()),
                total: part.total,
                values: in_months(&|m| part.by_period.get(m).copied().unwrap_or(0.0)),
            })
            .collect();
    }
    let mut by_pool: BTreeMap<&str, Vec<&gpec_planning::result::PoolPeriod>> = BTreeMap::new();
    for row in &plan.pools {
        by_pool.entry(&row.pool).or_default().push(row);
    }
    by_pool
        .into_iter()
        .map(|(pool, rows)| CostRow {
            label: pool.to_owned(),
            total: rows.iter().map(|r| r.cost).sum(),
            values: in_months(&|m| rows.iter().filter(|r| r.period == *m).map(|r| r.cost).sum()),
        })
        .collect()
}

/// Thresholds of each activity, from the scenario the plan was solved from.
type Thresholds = std::collections::HashMap<String, (f64, f64)>;

/// Each activity's backlog chart: the closed months' actual stocks (a plan re-planned from
/// now), then the plan's backlogs, on one curve.
fn backlog_charts(
    plan: &Plan,
    months: &[String],
    thresholds: &Thresholds,
    closed: &[MonthActual],
) -> Result<Vec<(String, String)>, WebError> {
    let past: Vec<String> =
        closed.iter().map(|m| m.period.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let months: Vec<String> = past.iter().chain(months).cloned().collect();
    let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let rows = closed.iter().map(|m| (&m.activity, &m.period, m.stock));
    for (activity, period, backlog) in rows.chain(plan.activities.iter().map(|a| (&a.activity, &a.period, a.backlog))) {
        let row = by.entry(activity.clone()).or_insert_with(|| vec![0.0; months.len()]);
        if let Some(k) = months.iter().position(|m| m == period) {
            row[k] = backlog;
        }
    }
    by.into_iter()
        .filter_map(|(activity, backlog)| thresholds.get(&activity).map(|t| (activity, backlog, *t)))
        .enumerate()
        .map(|(k, (activity, backlog, (normal_max, critical_max)))| {
            let critical = backlog.iter().filter(|b| **b > critical_max).count();
            let chart = BacklogChart {
                words: Words {
                    title: i18n::tr("plan-backlog-chart-title", &[("activity", activity.clone())]),
                    value_axis: i18n::t("plan-backlog"),
                    month_axis: i18n::t("etp-month"),
                    legend: ["plan-backlog", "alert-normale", "alert-tendue", "alert-critique", "plan-backlog-actual"]
                        .iter()
                        .map(|k| i18n::t(k))
                        .collect(),
                    description: i18n::tr(
                        "plan-backlog-chart-description",
                        &[
                            ("activity", activity.clone()),
                            ("normal", i18n::number(normal_max, 0)),
                            ("critical", i18n::number(critical_max, 0)),
                            ("months", critical.to_string()),
                        ],
                    ),
                },
                months: months.clone(),
                backlog,
                normal_max,
                critical_max,
                actual_months: past.len(),
            };
            Ok((activity, chart.svg(&format!("stock-{k}"))?))
        })
        .collect()
}

/// Per month, ETP from the agents' own hours, their overtime, and each pool, against the need.
fn sources_chart(plan: &Plan, months: &[String]) -> Result<Option<String>, WebError> {
    let hours: f64 = plan.activities.iter().map(|a| a.agent_hours + a.pool_hours).sum();
    let fte: f64 = plan.activities.iter().map(|a| a.allocated_fte).sum();
    if fte <= 0.0 || months.is_empty() {
        return Ok(None);
    }
    let per_fte = hours / fte;
    let mut sources = vec![i18n::t("plan-source-agents")];
    let pools: Vec<String> = plan.pools.iter().map(|p| p.pool.clone()).fold(Vec::new(), |mut seen, p| {
        if !seen.contains(&p) {
            seen.push(p);
        }
        seen
    });
    sources.extend(pools.iter().map(|p| if p == "overtime" { i18n::t("plan-overtime") } else { p.clone() }));
    let values: Vec<Vec<f64>> = months
        .iter()
        .map(|m| {
            let agents: f64 = plan.activities.iter().filter(|a| a.period == *m).map(|a| a.agent_hours).sum();
            let overtime: f64 = plan.periods.iter().filter(|p| p.period == *m).map(|p| p.overtime_hours).sum();
            let mut row = vec![(agents - overtime).max(0.0) / per_fte];
            for pool in &pools {
                let h: f64 = plan.pools.iter().filter(|p| p.period == *m && p.pool == *pool).map(|p| p.hours).sum();
                row.push(h / per_fte);
            }
            row
        })
        .collect();
    let need: Vec<f64> =
        months.iter().map(|m| plan.periods.iter().filter(|p| p.period == *m).map(|p| p.need_fte).sum()).collect();
    let chart = StackedChart {
        words: Words {
            title: i18n::t("plan-sources-chart-title"),
            value_axis: i18n::t("etp-unit"),
            month_axis: i18n::t("etp-month"),
            legend: vec![i18n::t("plan-sources-need")],
            description: i18n::tr("plan-sources-chart-description", &[("months", months.len().to_string())]),
        },
        months: months.to_vec(),
        sources,
        values,
        need,
    };
    Ok(Some(chart.svg("sources")?))
}

pub(super) fn alert_key(a: &Alert) -> &'static str {
    match a {
        Alert::Normale => "normale",
        Alert::Tendue => "tendue",
        Alert::Critique => "critique",
    }
}

impl PlanPage {
    fn number(&self, v: &f64) -> String {
        i18n::number(*v, 1)
    }

    fn alert(&self, a: &Alert) -> String {
        i18n::t(&format!("alert-{}", alert_key(a)))
    }

    fn alert_class(&self, a: &Alert) -> &'static str {
        alert_key(a)
    }

    fn binding(&self, b: &Binding) -> String {
        match b {
            Binding::AgentsCapacityExhausted => i18n::t("binding-agents-exhausted"),
            Binding::TooFewQualifiedAgents { qualified_hours, hours_to_clear } => i18n::tr(
                "binding-too-few-qualified",
                &[("qualified", i18n::number(*qualified_hours, 0)), ("needed", i18n::number(*hours_to_clear, 0))],
            ),
            Binding::PoolAtCap { pool } => i18n::tr("binding-pool-at-cap", &[("pool", pool.clone())]),
            Binding::ReinforcementDearerThanBacklog => i18n::t("binding-dearer"),
            Binding::MobilityLimit { agents, held_hours } => i18n::tr(
                "binding-mobility-limit",
                &[("agents", agents.to_string()), ("hours", i18n::number(*held_hours, 0))],
            ),
            Binding::MinPresence { activity, hours } => {
                i18n::tr("binding-min-presence", &[("activity", activity.clone()), ("hours", i18n::number(*hours, 0))])
            }
            Binding::HiresTooLate { pool, lead_months, first_arrival } => {
                let mut args = vec![("pool", pool.clone()), ("lead", lead_months.to_string())];
                match first_arrival {
                    Some(first) => {
                        args.push(("first", first.clone()));
                        i18n::tr("binding-hires-too-late", &args)
                    }
                    None => i18n::tr("binding-hires-beyond", &args),
                }
            }
        }
    }

    /// The months a hire pool has recruits present, for the recruitment table.
    fn hire_rows<'a>(&self, p: &'a Plan) -> Vec<&'a PoolPeriod> {
        p.pools.iter().filter(|r| r.kind == PoolKind::Hire && r.heads.unwrap_or(0) > 0).collect()
    }

    /// The activity-months whose minimum presence the plan does not meet.
    fn shortfalls<'a>(&self, p: &'a Plan) -> Vec<&'a ActivityPeriod> {
        p.activities.iter().filter(|a| a.presence_shortfall_hours > 1e-6).collect()
    }

    fn hours_of(&self, a: &AgentPeriod) -> String {
        a.hours.iter().map(|(k, v)| format!("{k} {}", i18n::number(*v, 1))).collect::<Vec<_>>().join(", ")
    }

    /// A plan re-planned from now: its closed months and where the optimised ones start.
    fn replanned_words(&self, first: &str) -> String {
        let closed: std::collections::BTreeSet<&str> =
            self.summary.closed_months.iter().map(|m| m.period.as_str()).collect();
        i18n::tr("plan-from-now-words", &[("closed", closed.len().to_string()), ("first", first.to_owned())])
    }

    fn status_words(&self) -> String {
        i18n::t(&format!("plan-status-{}", self.summary.status))
    }

    fn solver(&self) -> String {
        self.summary.solver_status.as_deref().map_or_else(String::new, |s| i18n::t(&format!("plan-solver-{s}")))
    }
}

#[derive(Deserialize)]
pub struct PlanQuery {
    q: Option<String>,
    page: Option<usize>,
}

#[get("/plans/{id}")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<PlanQuery>,
) -> Result<HttpResponse, WebError> {
    let (id, who) = (id.into_inner(), visitor.who.clone());
    let query = query.into_inner();
    let q = query.q.unwrap_or_default();
    let search = q.clone();
    let (summary, plan, agents, thresholds) = state
        .db
        .run(move |conn| {
            let summary = writes::visible_plan(conn, &who, id)?;
            if summary.status != plans::DONE {
                return Ok((summary, None, None, Thresholds::new()));
            }
            let plan = writes::done_plan(conn, &who, id)?;
            let ask = PageAsk::new(query.page, Some(50))?;
            let agents = writes::plan_agents(conn, &who, id, Some(&search), ask)?;
            // An old plan's scenario may have been discarded: then no band is drawn.
            let thresholds = plans::scenario(conn, id)
                .ok()
                .and_then(|json| serde_json::from_str::<gpec_planning::Scenario>(&json).ok())
                .map(|s| {
                    s.activities.into_iter().map(|a| (a.code, (a.backlog_normal_max, a.backlog_critical_max))).collect()
                })
                .unwrap_or_default();
            Ok((summary, Some(plan), Some(agents), thresholds))
        })
        .await?;
    let months: Vec<String> =
        plan.as_ref().map(|p| p.periods.iter().map(|x| x.period.clone()).collect()).unwrap_or_default();
    let mut heat: BTreeMap<String, Vec<Option<(f64, Alert)>>> = BTreeMap::new();
    let mut tensions = Vec::new();
    if let Some(p) = &plan {
        for a in &p.activities {
            let row = heat.entry(a.activity.clone()).or_insert_with(|| vec![None; months.len()]);
            if let Some(k) = months.iter().position(|m| *m == a.period) {
                row[k] = Some((a.backlog, a.alert));
            }
            if a.alert != Alert::Normale {
                tensions.push(a.clone());
            }
        }
    }
    let (backlog_charts, sources_chart) = match &plan {
        Some(p) => (backlog_charts(p, &months, &thresholds, &summary.closed_months)?, sources_chart(p, &months)?),
        None => (vec![], None),
    };
    let costs = plan.as_ref().map(|p| cost_rows(p, &months)).unwrap_or_default();
    let pager = agents.as_ref().map(|a| Pager::of(a, &format!("/plans/{id}?q={}", urlencode(&q))));
    let title = i18n::tr("plan-title", &[("id", id.to_string()), ("name", summary.name.clone())]);
    let variant = summary.overrides.as_ref().map(crate::web::overrides::lines).unwrap_or_default();
    Ok(page(&PlanPage {
        layout: Layout::of(&visitor, title),
        variant,
        summary,
        plan,
        months,
        heat: heat.into_iter().map(|(activity, cells)| HeatRow { activity, cells }).collect(),
        tensions,
        costs,
        agents,
        pager,
        q,
        backlog_charts,
        sources_chart,
    }))
}

fn urlencode(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC).to_string()
}
