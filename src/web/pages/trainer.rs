//! The trainer's own page (`/formateur`, role `trainer`): their engagements, the sessions they
//! teach, the means of their evaluations, and their hours delivered against planned with the
//! share of their work time, for a year.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::domain::campus::own::{self, MIN_ANSWERS, TrainerOverview};
use crate::domain::types::EngagementStatus;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "trainer.html")]
struct TrainerPage {
    layout: Layout,
    overview: TrainerOverview,
}

impl TrainerPage {
    fn status(&self, s: &EngagementStatus) -> String {
        i18n::t(&format!("engagement-status-{}", s.as_str()))
    }

    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    fn hours(&self, h: &f64) -> String {
        i18n::number(*h, 1)
    }

    fn mean(&self, m: &Option<f64>) -> String {
        match m {
            Some(m) => i18n::number(*m, 2),
            None => i18n::tr("trainer-too-few", &[("min", MIN_ANSWERS.to_string())]),
        }
    }

    fn share(&self) -> String {
        format!("{} %", i18n::number(self.overview.work_share * 100.0, 1))
    }

    fn intro(&self) -> String {
        let o = &self.overview;
        i18n::tr(
            "trainer-intro",
            &[("name", format!("{} {}", o.first_name, o.last_name)), ("organisation", o.organisation.clone())],
        )
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    annee: Option<i32>,
}

#[get("/formateur")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, WebError> {
    let year = query.annee.unwrap_or_else(|| today().year()).clamp(2000, 2100);
    let who = visitor.who.clone();
    let overview = state.db.run(move |conn| own::overview(conn, &who, year)).await?;
    Ok(page(&TrainerPage { layout: Layout::of(&visitor, i18n::t("trainer-title")), overview }))
}
