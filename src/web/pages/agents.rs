//! Agents: a list filtered by unit, job sheet and text, paged in SQL; an agent's page with their
//! levels against a job sheet (their own, or any other chosen) and their assessment history.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::agents::{self, Agent, Filter};
use crate::domain::analytics::{self, Gap, GapRow};
use crate::domain::assessments::{self, AssessmentView};
use crate::domain::job_profiles;
use crate::domain::paging::{Page, PageAsk};
use crate::http::AppState;
use crate::http::handlers::{agents::today, escaped};
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// A job sheet to choose in a list: code and title.
type SheetChoice = (String, String);

fn sheets(conn: &mut crate::db::DbConnection) -> Result<Vec<SheetChoice>, crate::error::ApiError> {
    Ok(job_profiles::list(conn)?.into_iter().map(|s| (s.code, s.content.title)).collect())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    unite: String,
    #[serde(default)]
    fiche: String,
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "agents.html")]
struct AgentsPage {
    layout: Layout,
    query: AgentsQuery,
    found: Page<Agent>,
    sheets: Vec<SheetChoice>,
}

impl AgentsPage {
    fn count(&self) -> String {
        i18n::tr("agents-count", &[("count", self.found.total.to_string())])
    }

    fn last_page(&self) -> usize {
        self.found.total.div_ceil(self.found.per_page).max(1)
    }

    fn position(&self) -> String {
        i18n::tr("agents-page", &[("page", self.found.page.to_string()), ("pages", self.last_page().to_string())])
    }

    /// This list's address at page `n`.
    fn at(&self, n: &usize) -> String {
        let q = &self.query;
        format!("/agents?q={}&unite={}&fiche={}&page={n}", escaped(&q.q), escaped(&q.unite), escaped(&q.fiche))
    }

    fn previous(&self) -> Option<usize> {
        (self.found.page > 1).then(|| self.found.page - 1)
    }

    fn next(&self) -> Option<usize> {
        (self.found.page < self.last_page()).then(|| self.found.page + 1)
    }

    fn sheet_title(&self, code: &Option<String>) -> String {
        let code = code.as_deref().unwrap_or_default();
        self.sheets.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |(_, t)| t.clone())
    }
}

#[get("/agents")]
pub async fn list(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<AgentsQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = Filter {
        organisation: None,
        unit: given(&query.unite),
        job_profile: given(&query.fiche),
        text: given(&query.q),
        include_departed: false,
    };
    let ask = PageAsk::new(query.page, Some(25))?;
    let who = visitor.who.clone();
    let (found, sheets) =
        state.db.run(move |conn| Ok((agents::find_page(conn, &who, &filter, today(), ask)?, sheets(conn)?))).await?;
    let layout = Layout::of(&visitor, i18n::t("agents-title"));
    Ok(page(&AgentsPage { layout, query, found, sheets }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentQuery {
    /// Another job sheet to compare the agent with.
    fiche: Option<String>,
}

#[derive(Template)]
#[template(path = "agent.html")]
struct AgentPage {
    layout: Layout,
    agent: Agent,
    gap: Option<Gap>,
    history: Vec<AssessmentView>,
    sheets: Vec<SheetChoice>,
}

impl AgentPage {
    fn fte(&self) -> String {
        i18n::number(self.agent.input.fte.get(), 2)
    }

    fn date(&self, d: &chrono::NaiveDate) -> String {
        i18n::date(*d)
    }

    fn compared(&self, code: &str) -> bool {
        self.gap.as_ref().is_some_and(|g| g.profile == code)
    }

    /// How a requirement stands: met, one level short, two or more short, not assessed; an
    /// expired level counts as not held.
    fn standing(&self, row: &GapRow) -> (&'static str, String) {
        let class = match (row.met, row.current, row.gap) {
            (true, _, _) => "met",
            (false, None, _) => "missing",
            (false, Some(_), 1) if !row.expired => "short1",
            _ => "short2",
        };
        (class, i18n::t(&format!("standing-{class}")))
    }

    fn fit(&self) -> String {
        let fit = self.gap.as_ref().map_or(0.0, |g| g.fit * 100.0);
        i18n::tr("agent-fit", &[("fit", i18n::number(fit, 0))])
    }
}

#[get("/agents/{id}")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, WebError> {
    let id = id.into_inner();
    let chosen = query.into_inner().fiche.filter(|f| !f.trim().is_empty());
    let who = visitor.who.clone();
    let (agent, gap, history, sheets) = state
        .db
        .run(move |conn| {
            let agent = agents::visible(conn, &who, id)?;
            let gap = match (&chosen, &agent.input.job_profile) {
                (None, None) => None,
                _ => Some(analytics::agent_gap(conn, &who, id, chosen.as_deref(), today())?),
            };
            Ok((agent, gap, assessments::agent_history(conn, &who, id)?, sheets(conn)?))
        })
        .await?;
    let title = format!("{} {}", agent.input.first_name, agent.input.last_name);
    let layout = Layout::of(&visitor, title);
    Ok(page(&AgentPage { layout, agent, gap, history, sheets }))
}
