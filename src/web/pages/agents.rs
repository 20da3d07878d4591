//! Agents: a list filtered by unit, job sheet and text, paged in SQL; an agent's page with their
//! levels against a job sheet (their own, or any other chosen) and their assessment history.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::agents::{self, Agent, Filter};
use crate::domain::analytics::{self, Gap, GapRow, Standing};
use crate::domain::assessments::{self, AssessmentInput, AssessmentView};
use crate::domain::competencies;
use crate::domain::job_profiles;
use crate::domain::paging::{Page, PageAsk};
use crate::domain::types::{AssessmentSource, Level, Role};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::handlers::{agents::today, escaped};
use crate::web::charts::{Bar, BarChart};
use crate::web::pager::Pager;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

/// A job sheet to choose in a list: code and title.
type SheetChoice = (String, String);

pub(crate) fn sheets(conn: &mut crate::db::DbConnection) -> Result<Vec<SheetChoice>, crate::error::ApiError> {
    Ok(job_profiles::summaries(conn)?.into_iter().map(|s| (s.code, s.title)).collect())
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
    pager: Pager,
    sheets: Vec<SheetChoice>,
}

impl AgentsPage {
    fn count(&self) -> String {
        i18n::tr("agents-count", &[("count", self.found.total.to_string())])
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
    let base =
        format!("/agents?q={}&unite={}&fiche={}", escaped(&query.q), escaped(&query.unite), escaped(&query.fiche));
    let pager = Pager::of(&found, &base);
    Ok(page(&AgentsPage { layout, query, found, pager, sheets }))
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
    /// The gap as a chart: held levels coloured by standing, the required level marked.
    chart: Option<String>,
    history: Vec<AssessmentView>,
    sheets: Vec<SheetChoice>,
    /// Whether the form to record an assessment shows: the server checks again on POST.
    can_assess: bool,
    competencies: Vec<(String, String)>,
    sources: &'static [AssessmentSource],
    form: AssessmentForm,
    notice: Option<String>,
    done: bool,
    /// For the agent's own organisation's hr: whether the agent has a trainer account (none
    /// for anyone else, who neither sees nor creates it).
    trainer_account: Option<bool>,
}

impl AgentPage {
    fn fte(&self) -> String {
        i18n::number(self.agent.input.fte.get(), 2)
    }

    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    /// Items per hour against the standard, as the planning uses it; a newcomer's ramp-up said.
    fn productivity(&self) -> String {
        let share = format!("{} %", i18n::number(self.agent.input.productivity * 100.0, 0));
        if self.agent.input.ramp_up { format!("{share} ({})", i18n::t("agent-ramp-up")) } else { share }
    }

    fn contract(&self) -> String {
        i18n::t(&format!("contract-{}", self.agent.input.contract.as_str()))
    }

    /// "le 01/09/2027 (retraite)", when a departure is known.
    fn departure(&self) -> Option<String> {
        let (date, reason) = (self.agent.input.departure_date?, self.agent.input.departure_reason?);
        Some(format!("{} ({})", i18n::date(date), i18n::t(&format!("departure-{}", reason.as_str()))))
    }

    fn compared(&self, code: &str) -> bool {
        self.gap.as_ref().is_some_and(|g| g.profile == code)
    }

    /// How a requirement stands: met, one level short, two or more short, not assessed; an
    /// expired level counts as not held.
    fn standing(&self, row: &GapRow) -> (&'static str, String) {
        let class = Standing::of_row(row).as_str();
        (class, i18n::t(&format!("standing-{class}")))
    }

    fn fit(&self) -> String {
        let fit = self.gap.as_ref().map_or(0.0, |g| g.fit * 100.0);
        i18n::tr("agent-fit", &[("fit", i18n::number(fit, 0))])
    }
}

/// The agent's levels against the sheet, one bar per requirement.
fn gap_chart(gap: &Gap, name: &str) -> Result<String, ApiError> {
    let bars = gap
        .rows
        .iter()
        .map(|row| {
            let held = row.current.filter(|_| !row.expired).map_or(0.0, |l| f64::from(l.get()));
            Bar {
                label: row.competency_label.clone(),
                value: held,
                shade: Standing::of_row(row).into(),
                mark: Some(f64::from(row.required.get())),
            }
        })
        .collect();
    let legend = Standing::SHOWN.iter().map(|s| ((*s).into(), i18n::t(&format!("standing-{}", s.as_str())))).collect();
    let chart = BarChart {
        title: i18n::tr("agent-chart-title", &[("name", name.to_owned()), ("sheet", gap.profile.clone())]),
        value_axis: i18n::t("agent-level"),
        item_axis: i18n::t("dictionary-label"),
        max: 4.0,
        bars,
        legend,
        mark_legend: Some(i18n::t("agent-required")),
        description: i18n::tr(
            "agent-chart-description",
            &[("met", gap.met.to_string()), ("of", gap.requirements.to_string()), ("gap", gap.total_gap.to_string())],
        ),
    };
    chart.svg("niveaux-graphique")
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
    let (agent, gap, history, sheets, competencies, trainer_account) = state
        .db
        .run(move |conn| {
            let agent = agents::visible(conn, &who, id)?;
            let gap = match (&chosen, &agent.input.job_profile) {
                (None, None) => None,
                _ => Some(analytics::agent_gap(conn, &who, id, chosen.as_deref(), today())?),
            };
            let history = assessments::agent_history(conn, &who, id)?;
            let competencies = competencies::choices(conn)?;
            let trainer_account = if who.speaks_for(agent.organisation_id, &[Role::Hr]) {
                Some(!crate::domain::campus::accounts::with_account(conn, &[agent.id])?.is_empty())
            } else {
                None
            };
            Ok((agent, gap, history, sheets(conn)?, competencies, trainer_account))
        })
        .await?;
    let title = format!("{} {}", agent.input.first_name, agent.input.last_name);
    let chart = gap.as_ref().map(|g| gap_chart(g, &title)).transpose()?;
    let can_assess = visitor.who.has(Role::Hr) || visitor.who.has(Role::Admin);
    Ok(AgentPage {
        layout: Layout::of(visitor, title),
        agent,
        gap,
        chart,
        history,
        sheets,
        can_assess,
        competencies,
        sources: AssessmentSource::ALL,
        form,
        notice,
        done,
        trainer_account,
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

#[derive(Deserialize)]
pub struct TrainerAccountForm {
    csrf: String,
    username: String,
    password: String,
}

/// Creates the agent's trainer account (the role hr of the agent's own organisation, checked by
/// the domain as for the API).
#[post("/agents/{id}/compte-formateur")]
pub async fn create_trainer_account(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: web::Form<TrainerAccountForm>,
) -> Result<HttpResponse, WebError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let username = crate::domain::types::Username::parse("username", &form.username)?;
    let password = crate::domain::types::Password::new_checked("password", &form.password, &[&form.username])?;
    let who = visitor.who.clone();
    state.db.run(move |conn| crate::domain::campus::accounts::create(conn, &who, id, &username, &password)).await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/agents/{id}?compte=1"))).finish())
}
