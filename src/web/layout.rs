//! What every page's frame shows: its title, who is signed in, the way out, and the CSRF token
//! its forms and htmx requests carry.

use super::Visitor;
use super::i18n;
use crate::domain::types::Role;

pub struct Layout {
    pub title: String,
    /// The signed-in user's name and organisation; none on the sign-in page.
    pub user: Option<(String, String)>,
    pub roles: Vec<Role>,
    /// The session's CSRF token; empty when no one is signed in.
    pub csrf: String,
}

impl Layout {
    pub fn anonymous(title: String) -> Self {
        Self { title, user: None, roles: vec![], csrf: String::new() }
    }

    pub fn of(visitor: &Visitor, title: String) -> Self {
        let who = &visitor.who;
        Self {
            title,
            user: Some((who.username.clone(), who.organisation_code.clone())),
            roles: who.roles.clone(),
            csrf: visitor.csrf.clone(),
        }
    }

    /// A message of the catalogue.
    pub fn t(&self, key: &str) -> String {
        i18n::t(key)
    }

    pub fn signed_in_as(&self) -> String {
        let (user, organisation) = self.user.clone().unwrap_or_default();
        i18n::tr("nav-signed-in-as", &[("user", user), ("organisation", organisation)])
    }

    /// The `hx-headers` value that makes every htmx request carry the CSRF token.
    pub fn csrf_headers(&self) -> String {
        serde_json::json!({ super::session::CSRF_HEADER: self.csrf }).to_string()
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// A trainer's own account: its frame offers only its own pages.
    pub fn is_trainer(&self) -> bool {
        self.has(Role::Trainer)
    }

    /// A production manager: the planning screens are offered.
    pub fn has_production(&self) -> bool {
        self.has(Role::Production)
    }

    /// A campus coordinator: the campus's screens are offered.
    pub fn has_campus(&self) -> bool {
        self.has(Role::Campus)
    }

    /// Whether the hr screens (import, trajectory) are offered (the server checks again).
    pub fn has_hr(&self) -> bool {
        self.has(Role::Hr) || self.has(Role::Admin)
    }

    /// Whether the import page is offered (the server checks again on upload).
    pub fn can_import(&self) -> bool {
        self.has(Role::Hr) || self.has(Role::Admin)
    }

    /// The roles, in words.
    pub fn role_names(&self) -> String {
        self.roles.iter().map(|r| i18n::t(&format!("role-{}", r.as_str()))).collect::<Vec<_>>().join(", ")
    }
}
