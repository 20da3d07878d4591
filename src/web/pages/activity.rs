//! An activity's edit form (`/charges/activites/{code}`): label, minutes per item, thresholds,
//! temp-eligible and required levels, made from the version shown. A version saved meanwhile is
//! refused (409) with the form as typed and the version now current, as the API does.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::csv_io::spreadsheet_number;
use crate::domain::planning::activities::{self, Activity, ActivityInput, RequirementInput};
use crate::domain::planning::{organisation_id, writes};
use crate::error::ApiError;
use crate::http::AppState;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

/// The form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    csrf: String,
    version: i32,
    label: String,
    minutes_per_item: String,
    backlog_normal_max: String,
    backlog_critical_max: String,
    #[serde(default)]
    temp_eligible: Option<String>,
    /// `competency:level` separated by `;`, as the CSV writes them.
    #[serde(default)]
    requirements: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    min_fte: String,
    /// `month:minutes` separated by `;`, as the CSV writes them.
    #[serde(default)]
    standard_changes: String,
}

impl ActivityForm {
    fn of(a: &Activity) -> Self {
        let number = |v: f64| v.to_string();
        Self {
            csrf: String::new(),
            version: a.version,
            label: a.label.clone(),
            minutes_per_item: number(a.minutes_per_item),
            backlog_normal_max: number(a.backlog_normal_max),
            backlog_critical_max: number(a.backlog_critical_max),
            temp_eligible: a.temp_eligible.then(|| "1".to_owned()),
            requirements: a
                .requirements
                .iter()
                .map(|r| format!("{}:{}", r.competency, r.min_level.get()))
                .collect::<Vec<_>>()
                .join(";"),
            priority: number(a.priority),
            min_fte: number(a.min_fte),
            standard_changes: a
                .standard_changes
                .iter()
                .map(|c| format!("{}:{}", c.from, c.minutes_per_item))
                .collect::<Vec<_>>()
                .join(";"),
        }
    }

    fn input(&self, a: &Activity) -> Result<ActivityInput, ApiError> {
        let number = |field: &str, raw: &str| {
            spreadsheet_number(raw).ok_or_else(|| ApiError::invalid(field, format!("{raw:?} is not a number")))
        };
        let requirements = self
            .requirements
            .split(';')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| {
                let (competency, level) = r.split_once(':').ok_or_else(|| {
                    ApiError::invalid("requirements", format!("{r:?}: write competency:level, e.g. ecoute:2"))
                })?;
                let min_level = level
                    .trim()
                    .parse()
                    .map_err(|_| ApiError::invalid("requirements", format!("{level:?} is not a level 1 to 4")))?;
                Ok(RequirementInput { competency: competency.trim().to_owned(), min_level })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(ActivityInput {
            code: a.code.clone(),
            label: self.label.clone(),
            minutes_per_item: number("minutes_per_item", &self.minutes_per_item)?,
            backlog_normal_max: number("backlog_normal_max", &self.backlog_normal_max)?,
            backlog_critical_max: number("backlog_critical_max", &self.backlog_critical_max)?,
            temp_eligible: self.temp_eligible.is_some(),
            branch_activity: a.branch_activity.clone(),
            requirements,
            priority: if self.priority.trim().is_empty() { 1.0 } else { number("priority", &self.priority)? },
            min_fte: if self.min_fte.trim().is_empty() { 0.0 } else { number("min_fte", &self.min_fte)? },
            standard_changes: crate::domain::planning::activities::changes_from_text(&self.standard_changes)
                .map_err(|m| ApiError::invalid("standard_changes", m))?,
        })
    }
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    layout: Layout,
    activity: Activity,
    form: ActivityForm,
    notice: Option<String>,
}

async fn current(visitor: &Visitor, state: &AppState, code: String) -> Result<Activity, WebError> {
    let who = visitor.who.clone();
    Ok(state
        .db
        .run(move |conn| {
            let org = organisation_id(conn, &who, None)?;
            activities::get(conn, org, &code)
        })
        .await?)
}

fn title(a: &Activity) -> String {
    i18n::tr("activity-title", &[("code", a.code.clone()), ("version", a.version.to_string())])
}

#[get("/charges/activites/{code}")]
pub async fn edit(
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let activity = current(&visitor, &state, code.into_inner().to_uppercase()).await?;
    let form = ActivityForm::of(&activity);
    Ok(page(&ActivityPage { layout: Layout::of(&visitor, title(&activity)), activity, form, notice: None }))
}

#[post("/charges/activites/{code}")]
pub async fn save(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: web::Form<ActivityForm>,
) -> Result<HttpResponse, WebError> {
    let (code, mut form) = (code.into_inner().to_uppercase(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let activity = current(&visitor, &state, code.clone()).await?;
    let saved = match form.input(&activity) {
        Ok(input) => {
            let (who, version, wanted) = (visitor.who.clone(), form.version, code.clone());
            state.db.run(move |conn| writes::update_activity(conn, &who, None, &wanted, version, &input)).await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/charges?fait=1")).finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = e.status_code();
            // Stale: the form as typed, now made from the version current, so that saving again
            // knowingly replaces it.
            let notice = match &e {
                ApiError::Stale { .. } | ApiError::Conflict { .. } => {
                    form.version = activity.version;
                    i18n::tr("activity-stale", &[("version", activity.version.to_string())])
                }
                _ => e.to_string(),
            };
            let page =
                ActivityPage { layout: Layout::of(&visitor, title(&activity)), activity, form, notice: Some(notice) };
            Ok(html(status, page.render()))
        }
    }
}
