//! Mobility: for a target job sheet, the agents ranked by fit, each with their main gaps,
//! filtered by unit and current sheet; paged.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::scope::{ScopeFilters, ScopeQuery};
use crate::domain::analytics::{self, GapRow, Ranked};
use crate::domain::paging::{Page, PageAsk};
use crate::http::AppState;
use crate::http::handlers::{agents::today, escaped};
use crate::web::pager::Pager;
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// How many gaps a row names: the largest.
const MAIN_GAPS: usize = 3;

#[derive(Debug, Default, Deserialize)]
pub struct MobilityQuery {
    /// The target sheet.
    #[serde(default)]
    cible: String,
    #[serde(flatten)]
    scope: ScopeQuery,
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "mobility.html")]
struct MobilityPage {
    layout: Layout,
    target: String,
    filters: ScopeFilters,
    ranking: Option<Page<Ranked>>,
    pager: Option<Pager>,
}

impl MobilityPage {
    fn fit(&self, r: &Ranked) -> String {
        format!("{} %", i18n::number(r.gap.fit * 100.0, 0))
    }

    fn met(&self, r: &Ranked) -> String {
        i18n::tr("mobility-met", &[("met", r.gap.met.to_string()), ("of", r.gap.requirements.to_string())])
    }

    /// The largest gaps, largest first.
    fn main_gaps<'a>(&self, r: &'a Ranked) -> Vec<&'a GapRow> {
        let mut rows: Vec<&GapRow> = r.gap.rows.iter().filter(|g| !g.met).collect();
        rows.sort_by_key(|g| std::cmp::Reverse(g.gap));
        rows.truncate(MAIN_GAPS);
        rows
    }

    fn count(&self, found: &Page<Ranked>) -> String {
        i18n::tr(
            "mobility-count",
            &[("count", found.total.to_string()), ("target", self.filters.sheet_title(&self.target))],
        )
    }
}

#[get("/mobilite")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<MobilityQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let ask = PageAsk::new(query.page, Some(25))?;
    let target = query.cible.trim().to_uppercase();
    let who = visitor.who.clone();
    let (filters, ranking) = {
        let (target, scope) = (target.clone(), query.scope.clone());
        state
            .db
            .run(move |conn| {
                let ranking = if target.is_empty() {
                    None
                } else {
                    Some(analytics::mobility(conn, &who, &scope.scope(), &target, ask, today())?)
                };
                Ok((ScopeFilters::load(conn, &who, scope)?, ranking))
            })
            .await?
    };
    let pager = ranking.as_ref().map(|found| {
        let base = format!("/mobilite?cible={}&{}", escaped(&target), filters.query.query_string());
        Pager::of(found, &base)
    });
    let layout = Layout::of(&visitor, i18n::t("mobility-title"));
    Ok(page(&MobilityPage { layout, target, filters, ranking, pager }))
}
