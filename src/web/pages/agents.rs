//! Agents: a list filtered by unit, job sheet and text, paged in SQL; an agent's page with their
//! levels against a job sheet (their own, or any other chosen) and their assessment history.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::agents::{self, Agent, Filter};
use crate::domain::analytics::{self, Gap, GapRow};
use crate::domain::assessments::{self, AssessmentInput, AssessmentView};
use crate::domain::competencies;
use crate::domain::job_profiles;
use crate::domain::paging::{Page, PageAsk};
use crate::domain::types::{AssessmentSource, Level, Role};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::{agents::today, escaped};
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

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
    /// Set after an assessment was recorded.
    enregistre: Option<String>,
}

/// The assessment form as typed: kept whole when the server refuses it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentForm {
    #[serde(default)]
    competence: String,
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    evaluateur: String,
    #[serde(default)]
    valable: String,
    #[serde(default)]
    commentaire: String,
    #[serde(default)]
    csrf: String,
}

impl AssessmentForm {
    /// The form's values as the domain takes them; a bad value names its field.
    fn input(&self) -> Result<AssessmentInput, ApiError> {
        let date = |field: &str, raw: &str| {
            NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .map_err(|_| ApiError::invalid(field, format!("not a date: {raw:?}")))
        };
        Ok(AssessmentInput {
            competency: self.competence.trim().to_owned(),
            level: Level::parse("niveau", self.niveau.trim())?,
            assessed_on: date("date", &self.date)?,
            assessor: self.evaluateur.trim().to_owned(),
            source: AssessmentSource::parse("source", self.source.trim())?,
            comment: self.commentaire.trim().to_owned(),
            evidence_ref: String::new(),
            valid_until: Some(self.valable.trim()).filter(|v| !v.is_empty()).map(|v| date("valable", v)).transpose()?,
        })
    }
}

#[derive(Template)]
#[template(path = "agent.html")]
struct AgentPage {
    layout: Layout,
    agent: Agent,
    gap: Option<Gap>,
    history: Vec<AssessmentView>,
    sheets: Vec<SheetChoice>,
    /// Whether the form to record an assessment shows: the server checks again on POST.
    can_assess: bool,
    competencies: Vec<(String, String)>,
    sources: &'static [AssessmentSource],
    form: AssessmentForm,
    notice: Option<String>,
    done: bool,
}

impl AgentPage {
    fn fte(&self) -> String {
        i18n::number(self.agent.input.fte.get(), 2)
    }

    fn date(&self, d: &NaiveDate) -> String {
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

/// Renders agent `id`'s page, compared with `chosen` (default: their sheet), with the form as
/// typed and a notice.
async fn agent_page(
    visitor: &Visitor,
    state: &AppState,
    id: i32,
    chosen: Option<String>,
    form: AssessmentForm,
    notice: Option<String>,
    done: bool,
) -> Result<AgentPage, WebError> {
    let who = visitor.who.clone();
    let (agent, gap, history, sheets, competencies) = state
        .db
        .run(move |conn| {
            let agent = agents::visible(conn, &who, id)?;
            let gap = match (&chosen, &agent.input.job_profile) {
                (None, None) => None,
                _ => Some(analytics::agent_gap(conn, &who, id, chosen.as_deref(), today())?),
            };
            let history = assessments::agent_history(conn, &who, id)?;
            let competencies =
                competencies::all(conn)?.into_iter().map(|c| (c.code, c.content.label)).collect::<Vec<_>>();
            Ok((agent, gap, history, sheets(conn)?, competencies))
        })
        .await?;
    let title = format!("{} {}", agent.input.first_name, agent.input.last_name);
    let can_assess = visitor.who.has(Role::Hr) || visitor.who.has(Role::Admin);
    Ok(AgentPage {
        layout: Layout::of(visitor, title),
        agent,
        gap,
        history,
        sheets,
        can_assess,
        competencies,
        sources: AssessmentSource::ALL,
        form,
        notice,
        done,
    })
}

#[get("/agents/{id}")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let chosen = query.fiche.filter(|f| !f.trim().is_empty());
    let form = AssessmentForm { date: today().format("%Y-%m-%d").to_string(), ..AssessmentForm::default() };
    let done = query.enregistre.is_some();
    Ok(page(&agent_page(&visitor, &state, id.into_inner(), chosen, form, None, done).await?))
}

/// Records an assessment from the agent's page (roles `hr`, `admin`, checked by the domain as
/// for the API), then shows the page again; a refusal shows the page with the form as typed.
#[post("/agents/{id}/evaluations")]
pub async fn assess(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<AssessmentForm>,
) -> Result<HttpResponse, WebError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let who = visitor.who.clone();
    let recorded = match form.input() {
        Ok(input) => state.db.run(move |conn| assessments::record(conn, &who, id, input)).await,
        Err(e) => Err(e),
    };
    match recorded {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/agents/{id}?enregistre=1")))
            .finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = e.status_code();
            let notice = Some(e.to_string());
            let page = agent_page(&visitor, &state, id, None, form, notice, false).await?;
            Ok(html(status, page.render()))
        }
    }
}
