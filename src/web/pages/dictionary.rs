//! The competency dictionary: a search by text, category, arc and NEW (filtered as one types,
//! with htmx, and by a plain form without it), and a page per competency.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::competencies::{self, Competency, Search, VersionInfo};
use crate::domain::job_profiles::{self, SheetNeed};
use crate::domain::types::{Arc, Category, Level};
use crate::error::ApiError;
use crate::http::AppState;
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "dictionary.html")]
struct DictionaryPage {
    layout: Layout,
    query: DictionaryQuery,
    found: Vec<Competency>,
    categories: &'static [Category],
    arcs: &'static [Arc],
}

impl DictionaryPage {
    fn count(&self) -> String {
        i18n::tr("dictionary-count", &[("count", self.found.len().to_string())])
    }

    fn selected_category(&self, c: &Category) -> bool {
        self.query.category.as_deref() == Some(c.as_str())
    }

    fn selected_arc(&self, a: &Arc) -> bool {
        self.query.arc.as_deref() == Some(a.as_str())
    }
}

/// The search form's fields as a browser sends them: empty means "any".
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DictionaryQuery {
    #[serde(default)]
    q: String,
    category: Option<String>,
    arc: Option<String>,
    /// A ticked checkbox sends `nouveau=oui`.
    nouveau: Option<String>,
}

impl DictionaryQuery {
    fn search(&self) -> Result<Search, ApiError> {
        let chosen = |raw: &Option<String>| raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(Search {
            category: chosen(&self.category).map(|c| Category::parse("category", &c)).transpose()?,
            arc: chosen(&self.arc).map(|a| Arc::parse("arc", &a)).transpose()?,
            is_new: self.nouveau.is_some().then_some(true),
            status: None,
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        })
    }
}

#[get("/dictionnaire")]
pub async fn list(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<DictionaryQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let search = query.search()?;
    let found = state.db.run(move |conn| competencies::search(conn, &search)).await?;
    let layout = Layout::of(&visitor, i18n::t("dictionary-title"));
    Ok(page(&DictionaryPage { layout, query, found, categories: Category::ALL, arcs: Arc::ALL }))
}

#[derive(Template)]
#[template(path = "competency.html")]
struct CompetencyPage {
    layout: Layout,
    competency: Competency,
    versions: Vec<VersionInfo>,
    sheets: Vec<SheetNeed>,
}

impl CompetencyPage {
    /// Level number, name and descriptor, from 1 to 4.
    fn levels(&self) -> Vec<(usize, &'static str, &str)> {
        self.competency
            .content
            .descriptors
            .iter()
            .enumerate()
            .map(|(i, d)| (i + 1, Level::NAMES[i], d.as_str()))
            .collect()
    }

    /// The sheets requiring the competency at `level`.
    fn sheets_at(&self, level: &usize) -> Vec<&SheetNeed> {
        self.sheets.iter().filter(|s| s.level.get() as usize == *level).collect()
    }

    fn when(&self, v: &VersionInfo) -> String {
        i18n::date(v.created_at.date())
    }
}

#[get("/dictionnaire/{code}")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let code = code.into_inner();
    let (competency, versions, sheets) = state
        .db
        .run(move |conn| {
            let competency = competencies::get(conn, &code)?;
            Ok((competency, competencies::versions(conn, &code)?, job_profiles::requiring(conn, &code)?))
        })
        .await?;
    let layout = Layout::of(&visitor, competency.content.label.clone());
    Ok(page(&CompetencyPage { layout, competency, versions, sheets }))
}
