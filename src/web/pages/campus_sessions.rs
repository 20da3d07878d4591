//! The campus's calendar of sessions (`/campus/sessions?mois=YYYY-MM`): a month's grid of days
//! with the sessions running on each, and below it each session's trainers and their hours, its
//! trainees (enrolled or awaiting their employer), its evaluations and its validations.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use crate::domain::campus::agenda::{self, AgendaLine};
use crate::domain::campus::campus;
use crate::domain::organisations::Organisation;
use crate::domain::types::Period;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, i18n, page};

/// One day of the grid: its date, whether it is in the month shown, the sessions running.
pub struct Day {
    pub date: NaiveDate,
    pub in_month: bool,
    pub sessions: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "campus_sessions.html")]
struct SessionsPage {
    layout: Layout,
    campus: Organisation,
    month: Period,
    weeks: Vec<Vec<Day>>,
    lines: Vec<AgendaLine>,
}

impl SessionsPage {
    fn date(&self, d: &NaiveDate) -> String {
        i18n::date(*d)
    }

    fn hours(&self, h: &f64) -> String {
        i18n::number(*h, 1)
    }

    fn mean(&self, line: &AgendaLine) -> String {
        match line.trainee_mean {
            Some(m) => i18n::tr(
                "campus-satisfaction-mean",
                &[("mean", i18n::number(m, 2)), ("count", line.trainee_scores.to_string())],
            ),
            None => "—".to_owned(),
        }
    }

    fn enrolled(&self, line: &AgendaLine) -> String {
        let accepted = line.session.trainees.iter().filter(|t| t.accepted).count();
        let proposed = line.session.trainees.len() - accepted;
        i18n::tr("campus-trainees-count", &[("accepted", accepted.to_string()), ("proposed", proposed.to_string())])
    }

    fn month_name(&self) -> String {
        i18n::t(&format!("month-{}", self.month.first_day().month()))
    }

    fn year(&self) -> i32 {
        self.month.first_day().year()
    }

    fn previous(&self) -> String {
        self.month.plus(-1).to_string()
    }

    fn next(&self) -> String {
        self.month.plus(1).to_string()
    }

    fn weekday(&self, i: &usize) -> String {
        i18n::t(&format!("weekday-{i}"))
    }
}

/// The weeks (Monday first) that hold `month`, with the sessions of `lines` on their days.
fn weeks(month: Period, lines: &[AgendaLine]) -> Vec<Vec<Day>> {
    let first = month.first_day();
    let last = month.last_day();
    let mut day = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let mut out = Vec::new();
    while day <= last {
        let week = (0..7)
            .map(|k| {
                let date = day + Duration::days(k);
                let sessions = lines
                    .iter()
                    .filter(|l| l.session.start_date <= date && date <= l.session.end_date)
                    .map(|l| (l.session.reference.clone(), l.session.module.clone()))
                    .collect();
                Day { date, in_month: date.month() == first.month(), sessions }
            })
            .collect();
        out.push(week);
        day += Duration::days(7);
    }
    out
}

#[derive(Deserialize)]
pub struct CalendarQuery {
    campus: Option<String>,
    mois: Option<String>,
}

#[get("/campus/sessions")]
pub async fn calendar(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<CalendarQuery>,
) -> Result<HttpResponse, WebError> {
    let q = q.into_inner();
    let month = match q.mois.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(raw) => Period::parse("mois", raw)?,
        None => Period::of_date(today()),
    };
    let (who, code) = (visitor.who.clone(), q.campus);
    let (campus, lines) = state
        .db
        .run(move |conn| {
            let c = campus(conn, &who, code.as_deref())?;
            let lines = agenda::between(conn, c.id, &c.code, month.first_day(), month.last_day())?;
            Ok((c, lines))
        })
        .await?;
    let title = i18n::tr("campus-sessions-title", &[("campus", campus.code.clone())]);
    let weeks = weeks(month, &lines);
    Ok(page(&SessionsPage { layout: Layout::of(&visitor, title), campus, month, weeks, lines }))
}
