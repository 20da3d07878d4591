//! Choosing one's password at sign-in: a user whom an administrator gave a one-time password
//! signs in with it, chooses their own, and is signed in. The form is paired with a cookie like
//! the sign-in form, and the change is the API's (`accounts::change_own_password`): the same
//! strength rules, the same audit record.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, post, web};
use askama::Template;
use serde::Deserialize;

use super::login::{is_paired, open_session, paired};
use crate::domain::accounts;
use crate::domain::sign_in::{self, Attempt, Outcome};
use crate::domain::web_sessions;
use crate::error::ApiError;
use crate::http::AppState;
use crate::web::session::WebSettings;
use crate::web::{Layout, WebError, i18n};

#[derive(Template)]
#[template(path = "password.html")]
struct ChangePage {
    layout: Layout,
    notice: Option<String>,
    username: String,
    form_token: String,
}

/// The form to choose a new password, with a fresh form token.
pub fn change_page(
    settings: &WebSettings,
    status: StatusCode,
    notice: Option<String>,
    username: String,
) -> HttpResponse {
    let form_token = web_sessions::new_token();
    let page = ChangePage { layout: Layout::anonymous(i18n::t("password-title")), notice, username, form_token };
    paired(settings, status, &page, page.form_token.clone())
}

#[derive(Deserialize)]
pub struct ChangeForm {
    username: String,
    current: String,
    new: String,
    confirmation: String,
    form_token: String,
}

/// A refusal in words, with what it says of each field.
fn refusal(e: &ApiError) -> String {
    let mut words = e.to_string();
    for d in e.details() {
        words.push_str(&format!(" {}: {}.", d.field.as_deref().unwrap_or("-"), d.message));
    }
    words
}

#[post("/connexion/mot-de-passe")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<WebSettings>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let ChangeForm { username, current, new, confirmation, form_token } = form.into_inner();
    let again = |status, notice: String, username| Ok(change_page(&settings, status, Some(notice), username));
    if !is_paired(&req, &form_token) {
        return again(StatusCode::FORBIDDEN, i18n::t("login-form-expired"), username);
    }
    if new != confirmation {
        return again(StatusCode::BAD_REQUEST, i18n::t("password-mismatch"), username);
    }
    // The current password is checked as a sign-in is: slowed and locked alike.
    let attempt =
        Attempt { username: username.clone(), password: current.clone(), from: req.peer_addr().map(|a| a.ip()) };
    let origin = crate::http::auth::origin(&req);
    let outcome =
        match sign_in::sign_in(&state.db, state.directory.as_ref(), attempt, state.sign_in, origin.clone()).await {
            Ok(outcome) => outcome,
            Err(ApiError::TooManyRequests { retry_after, .. }) => {
                let notice = i18n::tr("login-locked", &[("minutes", retry_after.div_ceil(60).to_string())]);
                return again(StatusCode::TOO_MANY_REQUESTS, notice, username);
            }
            Err(e) => return Err(e.into()),
        };
    match outcome {
        Outcome::SignedIn(user) => {
            let who = user.principal(origin);
            match state.db.run(move |conn| accounts::change_own_password(conn, &who, &current, &new)).await {
                Ok(changed) => {
                    tracing::info!(user = %changed.username, "password chosen at sign-in");
                    open_session(&state, &settings, changed).await
                }
                Err(e) => again(e.status_code(), refusal(&e), username),
            }
        }
        Outcome::Refused { failures } => {
            actix_web::rt::time::sleep(sign_in::delay(failures)).await;
            again(StatusCode::UNAUTHORIZED, i18n::t("login-refused"), username)
        }
        Outcome::NoAccess(reason) => {
            again(StatusCode::FORBIDDEN, i18n::tr("login-no-access", &[("reason", reason)]), username)
        }
    }
}
