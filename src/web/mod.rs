//! The web application: pages rendered on the server (askama), in French (the `locales/`
//! catalogue), over the same domain calls as the REST API. Sessions live in the database, so
//! that several instances serve the same users.

mod assets;
mod charts;
mod form;
pub mod i18n;
mod layout;
mod overrides;
mod pager;
mod pages;
mod plan_charts;
pub mod session;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

pub use layout::Layout;
pub use session::{Visitor, WebSettings};

use crate::error::ApiError;

/// The pages and their assets, for the server's `App`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::asset)
        .service(pages::login::show)
        .service(pages::login::submit)
        .service(pages::login::sign_out)
        .service(pages::password::submit)
        .service(pages::home::show)
        .service(pages::dictionary::list)
        .service(pages::dictionary::show)
        .service(pages::agents::list)
        .service(pages::agents::show)
        .service(pages::agents::assess)
        .service(pages::agents::create_trainer_account)
        .service(pages::sheets::list)
        .service(pages::sheets::compare)
        .service(pages::sheets::diff)
        .service(pages::sheets::edit)
        .service(pages::sheets::save)
        .service(pages::sheets::validate)
        .service(pages::sheets::show)
        .service(pages::team::csv)
        .service(pages::team::show)
        .service(pages::mobility::show)
        .service(pages::needs::show)
        .service(pages::campus::modules)
        .service(pages::campus::trainers)
        .service(pages::campus::record_facilitation)
        .service(pages::campus_sessions::calendar)
        .service(pages::campus_reports::show)
        .service(pages::engagements::list)
        .service(pages::engagements::propose)
        .service(pages::engagements::show)
        .service(pages::engagements::agree)
        .service(pages::engagements::transition)
        .service(pages::trainer::show)
        .service(pages::activity::edit)
        .service(pages::activity::save)
        .service(pages::loads::show)
        .service(pages::loads::paste)
        .service(pages::loads::cell)
        .service(pages::etp::show)
        .service(pages::trajectory::show)
        .service(pages::trajectory_settings::show)
        .service(pages::trajectory_settings::save_assumptions)
        .service(pages::trajectory_settings::save_targets)
        .service(pages::trajectory_plans::rows)
        .service(pages::trajectory_plans::request_plan)
        .service(pages::trajectory_plans::download)
        .service(pages::trajectory_plans::show)
        .service(pages::trajectory_plans::cancel)
        .service(pages::variance::show)
        .service(pages::variance::paste_actuals)
        .service(pages::forecasts::list)
        .service(pages::forecasts::create)
        .service(pages::forecasts::show)
        .service(pages::forecasts::adjust)
        .service(pages::plan_settings::show)
        .service(pages::plan_settings::save)
        .service(pages::plans::list)
        .service(pages::plans::rows)
        .service(pages::plans::request_plan)
        .service(pages::plans::cancel)
        .service(pages::plans::download_plan)
        .service(pages::plans::download_scenario)
        .service(pages::plan::show)
        .service(pages::plan_compare::show)
        .service(pages::import::show)
        .service(pages::import::submit)
        .app_data(
            actix_multipart::form::MultipartFormConfig::default()
                .total_limit(pages::import::MAX_UPLOAD)
                .memory_limit(pages::import::MAX_UPLOAD),
        );
}

/// Why a page could not be shown. Unlike the API's errors, these answer pages.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No live session: to the sign-in page (with a word when the session expired).
    #[error("sign-in required")]
    SignIn { expired: bool },
    /// A state-changing request without the session's CSRF token.
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error(transparent)]
    Internal(#[from] ApiError),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    message: String,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::Csrf => StatusCode::FORBIDDEN,
            Self::Internal(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            Self::SignIn { expired } => {
                let to = if *expired { "/connexion?expiree=1" } else { "/connexion" };
                // htmx follows HX-Redirect with a full page load; a browser follows 303.
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, to))
                    .insert_header(("HX-Redirect", to))
                    .finish();
            }
            Self::Csrf => i18n::t("error-csrf"),
            Self::Internal(ApiError::Forbidden(_)) => i18n::t("error-forbidden"),
            Self::Internal(ApiError::NotFound(_)) => i18n::t("error-not-found"),
            Self::Internal(e) => e.to_string(),
        };
        let page = ErrorPage { layout: Layout::anonymous(i18n::t("error-title")), message };
        html(self.status_code(), page.render())
    }
}

/// A long label cut to `max` characters with an ellipsis, for a chart's axis or a table's header
/// (the full label goes in a `title`).
pub fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_owned();
    }
    let kept: String = label.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

/// A rendered page with its status, or a 500 when the template failed.
pub fn html(status: StatusCode, rendered: askama::Result<String>) -> HttpResponse {
    match rendered {
        Ok(body) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")))
            .insert_header(security_policy())
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "page rendering failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Pages load nothing from another host, run no inline script, and are not framed.
fn security_policy() -> (header::HeaderName, HeaderValue) {
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    )
}

/// A page rendered with 200.
pub fn page(template: &impl Template) -> HttpResponse {
    html(StatusCode::OK, template.render())
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        let long = "Maîtrise de la réglementation des prestations familiales et sociales";
        let cut = shorten(long, 36);
        assert!(cut.ends_with('…') && cut.chars().count() <= 36, "{cut}");
        assert_eq!(shorten("Écoute", 36), "Écoute");
    }
}
