//! Training needs and cover: per competency, how many agents fall below their own sheet and at
//! which level; and, for a sheet, the competencies resting on fewer than N holders. Each as a
//! table and a chart drawn on the server.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::scope::{ScopeFilters, ScopeQuery};
use crate::domain::analytics::{self, Cover, TrainingNeed};
use crate::domain::home::MIN_HOLDERS;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::charts::{Bar, BarChart, Shade};
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// The chart shows the largest needs; the table lists them all.
const CHARTED: usize = 15;

#[derive(Debug, Default, Deserialize)]
pub struct NeedsQuery {
    #[serde(flatten)]
    scope: ScopeQuery,
    /// The sheet whose cover is checked; default: the first sheet.
    #[serde(default)]
    cible: String,
    /// Fewer holders than this flags a competency.
    seuil: Option<usize>,
}

#[derive(Template)]
#[template(path = "needs.html")]
struct NeedsPage {
    layout: Layout,
    filters: ScopeFilters,
    needs: Vec<TrainingNeed>,
    needs_chart: String,
    target: String,
    threshold: usize,
    cover: Vec<Cover>,
    cover_chart: String,
}

impl NeedsPage {
    fn level(&self, n: &TrainingNeed, level: &usize) -> String {
        match n.by_level.get(*level) {
            Some(0) | None => String::new(),
            Some(count) => count.to_string(),
        }
    }

    fn at_risk(&self) -> usize {
        self.cover.iter().filter(|c| c.at_risk).count()
    }

    fn cover_summary(&self) -> String {
        i18n::tr(
            "cover-summary",
            &[
                ("count", self.at_risk().to_string()),
                ("min", self.threshold.to_string()),
                ("target", self.filters.sheet_title(&self.target)),
            ],
        )
    }
}

fn needs_chart(needs: &[TrainingNeed]) -> Result<String, ApiError> {
    let shown = &needs[..needs.len().min(CHARTED)];
    let chart = BarChart {
        title: i18n::t("needs-chart-title"),
        value_axis: i18n::t("needs-total-gap"),
        item_axis: i18n::t("dictionary-label"),
        max: shown.iter().map(|n| f64::from(n.total_gap)).fold(1.0, f64::max),
        bars: shown
            .iter()
            .map(|n| Bar {
                label: n.competency_label.clone(),
                value: f64::from(n.total_gap),
                shade: Shade::Short2,
                mark: None,
            })
            .collect(),
        legend: vec![(Shade::Short2, i18n::t("needs-chart-legend"))],
        mark_legend: None,
        description: i18n::tr(
            "needs-chart-description",
            &[
                ("count", needs.len().to_string()),
                ("first", shown.first().map(|n| n.competency_label.clone()).unwrap_or_default()),
            ],
        ),
    };
    chart.svg("besoins-graphique")
}

fn cover_chart(cover: &[Cover], threshold: usize) -> Result<String, ApiError> {
    let chart = BarChart {
        title: i18n::t("cover-chart-title"),
        value_axis: i18n::t("cover-holders"),
        item_axis: i18n::t("dictionary-label"),
        max: cover.iter().map(|c| c.holders as f64).fold(threshold as f64 + 1.0, f64::max),
        bars: cover
            .iter()
            .map(|c| Bar {
                label: c.competency_label.clone(),
                value: c.holders as f64,
                shade: if c.at_risk { Shade::Short2 } else { Shade::Met },
                mark: Some(threshold as f64),
            })
            .collect(),
        legend: vec![(Shade::Met, i18n::t("cover-enough")), (Shade::Short2, i18n::t("cover-at-risk"))],
        mark_legend: Some(i18n::tr("cover-threshold", &[("min", threshold.to_string())])),
        description: i18n::tr(
            "cover-chart-description",
            &[
                ("count", cover.iter().filter(|c| c.at_risk).count().to_string()),
                ("total", cover.len().to_string()),
                ("min", threshold.to_string()),
            ],
        ),
    };
    chart.svg("couverture-graphique")
}

#[get("/besoins")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<NeedsQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let threshold = query.seuil.unwrap_or(MIN_HOLDERS).min(10_000);
    let who = visitor.who.clone();
    let (filters, needs, target, cover) = state
        .db
        .run(move |conn| {
            let filters = ScopeFilters::load(conn, &who, query.scope.clone())?;
            let scope = query.scope.scope();
            let needs = analytics::training_needs_in(conn, &who, &scope, today())?;
            let target = match query.cible.trim() {
                "" => filters.sheets.first().map(|(c, _)| c.clone()).unwrap_or_default(),
                chosen => chosen.to_uppercase(),
            };
            let cover = if target.is_empty() {
                vec![]
            } else {
                analytics::cover_in(conn, &who, &scope, &target, threshold, today())?
            };
            Ok((filters, needs, target, cover))
        })
        .await?;
    let needs_chart = needs_chart(&needs)?;
    let cover_chart = cover_chart(&cover, threshold)?;
    let layout = Layout::of(&visitor, i18n::t("needs-title"));
    Ok(page(&NeedsPage { layout, filters, needs, needs_chart, target, threshold, cover, cover_chart }))
}
