//! Who is signed in to the pages: the session cookie, resumed on every request, and the CSRF
//! token every state-changing form or htmx request must carry.

use std::future::Future;
use std::pin::Pin;

use actix_web::HttpMessage;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::WebError;
use crate::domain::access::Principal;
use crate::domain::audit::{Channel, Origin};
use crate::domain::web_sessions::{self, Idle};
use crate::http::AppState;

/// The cookie holding the session's secret.
pub const SESSION_COOKIE: &str = "gpec_session";
/// The header htmx requests carry the CSRF token in (set once on `<body hx-headers>`).
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// How pages' sessions behave, from the server's settings.
#[derive(Debug, Clone, Copy)]
pub struct WebSettings {
    pub idle: Idle,
    /// Cookies are marked `Secure`: the service is reached over HTTPS.
    pub https: bool,
}

impl WebSettings {
    /// A cookie only this site's requests carry, out of scripts' reach.
    pub fn cookie<'c>(&self, name: &'c str, value: String, path: &'c str) -> Cookie<'c> {
        Cookie::build(name, value).path(path).http_only(true).same_site(SameSite::Strict).secure(self.https).finish()
    }

    /// The same cookie, expired.
    pub fn removal<'c>(&self, name: &'c str, path: &'c str) -> Cookie<'c> {
        let mut cookie = self.cookie(name, String::new(), path);
        cookie.make_removal();
        cookie
    }
}

/// A signed-in user of the pages. Taking one makes a page require a live session: without one,
/// the browser is sent to the sign-in page.
pub struct Visitor {
    pub who: Principal,
    pub csrf: String,
    /// The cookie's secret, to end the session with.
    pub secret: String,
}

impl Visitor {
    /// Refuses a state-changing request whose CSRF token, from its form or its htmx header, is
    /// not the session's.
    pub fn check_csrf(&self, req: &HttpRequest, form_token: Option<&str>) -> Result<(), WebError> {
        let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        match form_token.or(header) {
            Some(token) if web_sessions::csrf_matches(&self.csrf, token) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }
}

/// Whether a `trainer` account may open a page: its own, the engagements (narrowed to its own by
/// the domain), and signing out. Everything else of its organisation is refused here, in one
/// place, as the API does (see `http::auth::trainer_may_use`).
pub fn trainer_may_see(path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|r| r.starts_with('/'));
    path == "/" || under("/formateur") || under("/campus/engagements") || path == "/deconnexion"
}

fn origin(req: &HttpRequest) -> Origin {
    match req.extensions().get::<tracing_actix_web::RequestId>() {
        Some(id) => Origin::new(Channel::Web, id.to_string()),
        None => Origin::fresh(Channel::Web),
    }
}

impl FromRequest for Visitor {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let settings = req.app_data::<web::Data<WebSettings>>().map(|s| *s.get_ref());
        let secret = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let origin = origin(req);
        let trainer_page = trainer_may_see(req.path());
        Box::pin(async move {
            let (Some(state), Some(settings)) = (state, settings) else {
                return Err(WebError::Internal(crate::error::ApiError::internal("web state", "missing")));
            };
            let secret = secret.filter(|s| !s.is_empty()).ok_or(WebError::SignIn { expired: false })?;
            let key = secret.clone();
            let resumed = state.db.run(move |conn| web_sessions::resume(conn, &key, settings.idle)).await?;
            let resumed = resumed.ok_or(WebError::SignIn { expired: true })?;
            if resumed.user.roles.contains(&crate::domain::types::Role::Trainer) && !trainer_page {
                return Err(WebError::Internal(crate::error::ApiError::forbidden(
                    "a trainer account sees its own pages",
                )));
            }
            Ok(Visitor { who: resumed.user.principal(origin), csrf: resumed.csrf, secret })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::trainer_may_see;

    #[test]
    fn a_trainer_account_opens_only_its_own_pages() {
        for path in ["/", "/formateur", "/campus/engagements", "/campus/engagements/3", "/campus/engagements/3/accords"]
        {
            assert!(trainer_may_see(path), "{path}");
        }
        for path in ["/agents", "/agents/1", "/fiches", "/equipes", "/import", "/formateurs", "/campus/engagementsx"] {
            assert!(!trainer_may_see(path), "{path}");
        }
    }
}
