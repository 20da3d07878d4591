//! The variance watch (`/ecarts`): this month's actuals of each activity against the forecast
//! and the plan, its alert and projected month-end stock, and the signals beyond the threshold.
//! The same report as `GET /api/v1/variance`.

use actix_web::{HttpResponse, get, web};
use askama::Template;

use crate::domain::planning::variance::{self, Expected, Signal, SignalKind, Watch};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "variance.html")]
struct VariancePage {
    layout: Layout,
    watch: Vec<Watch>,
    signals: Vec<Signal>,
}

impl VariancePage {
    fn value(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |v| i18n::number(v, 0))
    }

    fn weeks(&self, w: &Watch) -> String {
        i18n::tr("variance-weeks", &[("recorded", w.weeks_recorded.to_string()), ("of", w.weeks_in_month.to_string())])
    }

    fn source(&self, w: &Watch) -> String {
        match &w.expected_source {
            Some(Expected::Forecast { forecast, version }) => {
                i18n::tr("variance-from-forecast", &[("id", forecast.to_string()), ("version", version.to_string())])
            }
            Some(Expected::Load) => i18n::t("variance-from-load"),
            None => "—".to_owned(),
        }
    }

    fn alert(&self, w: &Watch) -> String {
        w.alert.as_ref().map_or_else(|| "—".to_owned(), |a| i18n::t(&format!("alert-{}", super::plan::alert_key(a))))
    }

    fn alert_class(&self, w: &Watch) -> String {
        w.alert.as_ref().map_or_else(String::new, |a| format!("alert-{}", super::plan::alert_key(a)))
    }

    fn signal(&self, s: &Signal) -> String {
        let key = match s.kind {
            SignalKind::Entries => "variance-signal-entries",
            SignalKind::Stock => "variance-signal-stock",
        };
        let sign = if s.deviation > 0.0 { "+" } else { "" };
        i18n::tr(
            key,
            &[
                ("activity", s.activity.clone()),
                ("deviation", format!("{sign}{} %", i18n::number(s.deviation * 100.0, 0))),
                ("actual", i18n::number(s.actual, 0)),
                ("expected", i18n::number(s.expected, 0)),
                ("threshold", format!("{} %", i18n::number(s.threshold * 100.0, 0))),
            ],
        )
    }
}

#[get("/ecarts")]
pub async fn show(visitor: Visitor, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let who = visitor.who.clone();
    let watch = state.db.run(move |conn| variance::of_organisation(conn, &who, None, today())).await?;
    let signals = watch.iter().flat_map(|w| w.signals.clone()).collect();
    let month = watch.first().map(|w| w.month.clone()).unwrap_or_default();
    Ok(page(&VariancePage {
        layout: Layout::of(&visitor, i18n::tr("variance-title", &[("month", month)])),
        watch,
        signals,
    }))
}
