//! Signing in and out. Failures are slowed and locked by the same rules as the API's token
//! endpoint (`domain::sign_in`). The sign-in form carries its own CSRF token, paired with a
//! short-lived cookie, since there is no session yet.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::sign_in::{self, Attempt, Outcome};
use crate::domain::web_sessions;
use crate::error::ApiError;
use crate::http::AppState;
use crate::web::session::{SESSION_COOKIE, WebSettings};
use crate::web::{Layout, Visitor, WebError, html, i18n};

const LOGIN_COOKIE: &str = "gpec_login";
const LOGIN_PATH: &str = "/connexion";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    /// A refusal or a notice, shown above the form.
    notice: Option<String>,
    username: String,
    form_token: String,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    expiree: Option<String>,
    sortie: Option<String>,
}

/// A page of a form with no session yet, its `form_token` also set in a cookie to pair with.
pub(super) fn paired(
    settings: &WebSettings,
    status: StatusCode,
    page: &impl Template,
    form_token: String,
) -> HttpResponse {
    let mut response = html(status, page.render());
    let cookie = settings.cookie(LOGIN_COOKIE, form_token, LOGIN_PATH);
    if let Err(e) = response.add_cookie(&cookie) {
        tracing::error!(error = %e, "sign-in cookie");
    }
    response
}

/// Whether the form's token is the one its cookie holds.
pub(super) fn is_paired(req: &HttpRequest, form_token: &str) -> bool {
    req.cookie(LOGIN_COOKIE).is_some_and(|c| web_sessions::csrf_matches(c.value(), form_token))
}

/// The sign-in form, with a fresh form token in the page and in a cookie.
fn form_page(settings: &WebSettings, status: StatusCode, notice: Option<String>, username: String) -> HttpResponse {
    let form_token = web_sessions::new_token();
    let page = LoginPage { layout: Layout::anonymous(i18n::t("login-title")), notice, username, form_token };
    paired(settings, status, &page, page.form_token.clone())
}

/// Opens a session for `user` and goes home.
pub(super) async fn open_session(
    state: &AppState,
    settings: &WebSettings,
    user: crate::domain::users::User,
) -> Result<HttpResponse, WebError> {
    let (idle, username) = (settings.idle, user.username.clone());
    let opened = state.db.run(move |conn| web_sessions::open(conn, &user, idle)).await?;
    tracing::info!(user = %username, "web session opened");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(settings.cookie(SESSION_COOKIE, opened.secret, "/"))
        .cookie(settings.removal(LOGIN_COOKIE, LOGIN_PATH))
        .finish())
}

#[get("/connexion")]
pub async fn show(settings: web::Data<WebSettings>, q: web::Query<LoginQuery>) -> HttpResponse {
    let notice = if q.expiree.is_some() {
        Some(i18n::t("login-expired"))
    } else {
        q.sortie.as_ref().map(|_| i18n::t("login-signed-out"))
    };
    form_page(&settings, StatusCode::OK, notice, String::new())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    form_token: String,
}

#[post("/connexion")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<WebSettings>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let LoginForm { username, password, form_token } = form.into_inner();
    if !is_paired(&req, &form_token) {
        return Ok(form_page(&settings, StatusCode::FORBIDDEN, Some(i18n::t("login-form-expired")), username));
    }
    let from = req.peer_addr().map(|a| a.ip());
    let attempt = Attempt { username: username.clone(), password, from };
    let origin = crate::http::auth::origin(&req);
    let outcome = match sign_in::sign_in(&state.db, state.directory.as_ref(), attempt, state.sign_in, origin).await {
        Ok(outcome) => outcome,
        Err(ApiError::TooManyRequests { retry_after, .. }) => {
            let minutes = retry_after.div_ceil(60).to_string();
            let notice = i18n::tr("login-locked", &[("minutes", minutes)]);
            return Ok(form_page(&settings, StatusCode::TOO_MANY_REQUESTS, Some(notice), username));
        }
        Err(e) => return Err(e.into()),
    };
    match outcome {
        // A one-time password opens no session: its holder chooses their own first.
        Outcome::SignedIn(user) if user.must_change_password => {
            Ok(super::password::change_page(&settings, StatusCode::OK, Some(i18n::t("login-one-time")), username))
        }
        Outcome::SignedIn(user) => open_session(&state, &settings, user).await,
        Outcome::Refused { failures } => {
            actix_web::rt::time::sleep(sign_in::delay(failures)).await;
            Ok(form_page(&settings, StatusCode::UNAUTHORIZED, Some(i18n::t("login-refused")), username))
        }
        Outcome::NoAccess(reason) => {
            let notice = i18n::tr("login-no-access", &[("reason", reason)]);
            Ok(form_page(&settings, StatusCode::FORBIDDEN, Some(notice), username))
        }
    }
}

#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: Option<String>,
}

/// Ends the session (a POST with the session's CSRF token, so that no other site can sign a
/// user out).
#[post("/deconnexion")]
pub async fn sign_out(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    settings: web::Data<WebSettings>,
    form: web::Form<SignOutForm>,
) -> Result<HttpResponse, WebError> {
    visitor.check_csrf(&req, form.csrf.as_deref())?;
    let secret = visitor.secret.clone();
    state.db.run(move |conn| web_sessions::close(conn, &secret)).await?;
    tracing::info!(user = %visitor.who.username, "web session closed");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/connexion?sortie=1"))
        .cookie(settings.removal(SESSION_COOKIE, "/"))
        .finish())
}
