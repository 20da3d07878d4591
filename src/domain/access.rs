//! Who is asking, and what they may see and change.
//!
//! Users of the `national` organisation see every organisation; everyone else sees only their
//! own. Anything outside a user's reach answers 404, so its existence is not revealed.

use super::audit::{Channel, Origin};
use super::types::Role;
use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i32,
    pub username: String,
    pub organisation_id: i32,
    pub organisation_code: String,
    pub national: bool,
    pub roles: Vec<Role>,
    /// The agent a `trainer` account belongs to: the trainer themselves.
    pub agent_id: Option<i32>,
    /// The request this principal acts through, for the audit trail.
    pub origin: Origin,
}

impl Principal {
    /// Whoever runs the `gpec` command on the server: they hold the database itself, so they act
    /// as a national administrator. `user_id` 0 is no user's, so "not yourself" rules never bite.
    pub fn operator(national_organisation_id: i32, national_code: &str) -> Self {
        let login = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
        Self {
            user_id: 0,
            username: format!("cli:{login}"),
            organisation_id: national_organisation_id,
            organisation_code: national_code.to_owned(),
            national: true,
            roles: vec![Role::Admin],
            agent_id: None,
            origin: Origin::fresh(Channel::Cli),
        }
    }

    /// gpec itself, for what it writes on its own account (first start, the national seed, a
    /// directory sign-in): a national administrator named `system`, of no organisation row (the
    /// national one may not exist yet).
    pub fn system() -> Self {
        Self {
            user_id: 0,
            username: "system".to_owned(),
            organisation_id: 0,
            organisation_code: super::organisations::NATIONAL_CODE.to_owned(),
            national: true,
            roles: vec![Role::Admin],
            agent_id: None,
            origin: Origin::fresh(Channel::System),
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The agent of a `trainer` account: whoever holds it sees only their own campus work.
    pub fn trainer_agent(&self) -> Option<i32> {
        if self.has(Role::Trainer) { self.agent_id } else { None }
    }

    /// Whether the user acts for organisation `organisation_id` itself with one of `roles` (or
    /// `admin`): national reach does not count. An engagement's parties agree each for itself.
    pub fn speaks_for(&self, organisation_id: i32, roles: &[Role]) -> bool {
        self.organisation_id == organisation_id && (self.has(Role::Admin) || roles.iter().any(|r| self.has(*r)))
    }

    /// 403 unless the user holds one of `roles` (`admin` holds every right of its organisation).
    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if self.has(Role::Admin) || roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(format!("this action needs the role {}", names.join(" or "))))
        }
    }

    /// 403 unless the user is an administrator of the national organisation.
    pub fn require_national_admin(&self) -> Result<(), ApiError> {
        if self.national && self.has(Role::Admin) {
            Ok(())
        } else {
            Err(ApiError::forbidden("this action needs the role admin in the national organisation"))
        }
    }

    /// 403 unless the user may edit the branch-wide referential (dictionary, job sheets): `hr`
    /// or `admin` of the national organisation.
    pub fn require_referential_editor(&self) -> Result<(), ApiError> {
        if self.national && (self.has(Role::Hr) || self.has(Role::Admin)) {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "the branch referential is maintained by the role hr or admin of the national organisation",
            ))
        }
    }

    pub fn can_access(&self, organisation_id: i32) -> bool {
        self.national || organisation_id == self.organisation_id
    }

    /// `None` for national users (everything), otherwise their organisation id.
    pub fn scope(&self) -> Option<i32> {
        (!self.national).then_some(self.organisation_id)
    }

    /// The resource if the user may see it, else a 404 that says no more than "not found".
    pub fn visible<T>(&self, organisation_id: i32, item: T, what: &str) -> Result<T, ApiError> {
        if self.can_access(organisation_id) { Ok(item) } else { Err(ApiError::not_found(format!("{what} not found"))) }
    }
}
