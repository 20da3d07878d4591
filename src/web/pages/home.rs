//! The home page: what the signed-in user can do, by role, and for HR the figures to watch.

use actix_web::{HttpResponse, get, web};
use askama::Template;

use crate::domain::home::{self, HrSummary};
use crate::domain::types::Role;
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    welcome: String,
    roles: String,
    hr: Option<HrSummary>,
    /// What the user's other roles give: an anchor, a title and a sentence each.
    other_roles: Vec<(&'static str, String, String)>,
}

/// The roles the home page says a word of, beside HR's figures.
const OTHER_ROLES: [(Role, &str); 3] =
    [(Role::Production, "production"), (Role::Campus, "campus"), (Role::Admin, "administration")];

impl HomePage {
    /// A count as a French number (askama passes a field by reference, a call's value as is).
    fn count(&self, n: impl std::borrow::Borrow<usize>) -> String {
        i18n::number(*n.borrow() as f64, 0)
    }

    fn at_risk_hint(&self) -> String {
        i18n::tr("home-hr-at-risk-hint", &[("min", home::MIN_HOLDERS.to_string())])
    }
}

#[get("/")]
pub async fn show(visitor: Visitor, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    if visitor.who.has(Role::Trainer) {
        // A trainer's account has one page of its own.
        return Ok(HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, "/formateur")).finish());
    }
    let layout = Layout::of(&visitor, i18n::t("home-title"));
    let who = visitor.who.clone();
    let hr = if who.has(Role::Hr) || who.has(Role::Admin) {
        Some(state.db.run(move |conn| home::hr_summary(conn, &who, today())).await?)
    } else {
        None
    };
    let welcome = i18n::tr("home-welcome", &[("user", visitor.who.username.clone())]);
    let roles = i18n::tr("home-roles", &[("roles", layout.role_names())]);
    let other_roles = OTHER_ROLES
        .iter()
        .filter(|(role, _)| layout.has(*role))
        .map(|(role, id)| {
            let key = role.as_str();
            (*id, i18n::t(&format!("home-{key}-title")), i18n::t(&format!("home-{key}-text")))
        })
        .collect();
    Ok(page(&HomePage { layout, welcome, roles, hr, other_roles }))
}
