//! Directory sign-in settings, and the rule that turns a directory user's groups into an
//! organisation and roles. The LDAP conversation itself is in [`crate::ldap`].
//!
//! A group rule names a group by its DN and gives an organisation and roles. A user whose groups
//! match rules of one organisation gets the union of their roles; groups of two organisations
//! are refused (an account belongs to one), and no matching group means no access.

use std::future::Future;
use std::time::Duration;

use super::types::{Role, parse_roles};
use crate::error::ApiError;

/// What the directory says of a username and password.
#[derive(Debug)]
pub enum Checked {
    /// The password is right: the user's DN and the DNs of the groups they are a member of.
    Valid { dn: String, groups: Vec<String> },
    /// No such user, or a wrong password (which one is not said).
    Invalid,
}

/// A directory that checks passwords and knows its group rules. [`crate::ldap::LdapDirectory`]
/// is the real one.
pub trait Directory: Send + Sync {
    /// Checks `username` and `password`; a directory that does not answer is
    /// `ApiError::DirectoryUnavailable`.
    fn check(&self, username: &str, password: &str) -> impl Future<Output = Result<Checked, ApiError>>;

    fn rules(&self) -> &[GroupRule];
}

/// How a directory user is found before their password is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserLookup {
    /// Bind straight to a DN made from the username: `uid={username},ou=people,dc=example,dc=org`.
    BindTemplate(String),
    /// Search `base` with `filter` (`(uid={username})`, or `(sAMAccountName={username})` on Active
    /// Directory), bound as a service account or anonymously, then bind as the entry found.
    Search { base: String, filter: String, service: Option<(String, String)> },
}

/// One group's grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRule {
    /// The group's DN, compared without regard to case or spaces around separators.
    pub group: String,
    pub organisation: String,
    pub roles: Vec<Role>,
}

/// Where the directory is and how gpec reads it (`GPEC_LDAP_*`).
#[derive(Debug, Clone)]
pub struct DirectorySettings {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before sending any password.
    pub starttls: bool,
    /// A PEM file of the certificate authorities to trust besides the system's (an internal CA).
    pub ca_file: Option<std::path::PathBuf>,
    /// For the whole sign-in conversation.
    pub timeout: Duration,
    pub lookup: UserLookup,
    /// Where the groups are searched, with `group_filter` (`{dn}` is the user's DN).
    pub group_base: String,
    pub group_filter: String,
    pub rules: Vec<GroupRule>,
}

pub const DEFAULT_GROUP_FILTER: &str = "(|(member={dn})(uniqueMember={dn}))";
pub const DEFAULT_SEARCH_FILTER: &str = "(uid={username})";

/// A DN in one spelling: lower case, no spaces around `,` and `=`.
pub fn normalise_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| rdn.split('=').map(str::trim).collect::<Vec<_>>().join("="))
        .collect::<Vec<_>>()
        .join(",")
        .to_lowercase()
}

/// Parses `GPEC_LDAP_GROUPS`: rules separated by `;`, each `GROUP DN => ORGANISATION:role,role`.
pub fn parse_rules(field: &str, raw: &str) -> Result<Vec<GroupRule>, ApiError> {
    let mut rules = Vec::new();
    for (i, rule) in raw.split(';').map(str::trim).filter(|r| !r.is_empty()).enumerate() {
        let at = format!("{field} rule {}", i + 1);
        let (group, grant) = rule
            .split_once("=>")
            .ok_or_else(|| ApiError::invalid(&at, "expected 'GROUP DN => ORGANISATION:role,role'"))?;
        let (organisation, roles) = grant
            .split_once(':')
            .ok_or_else(|| ApiError::invalid(&at, "expected 'ORGANISATION:role,role' after '=>'"))?;
        let group = normalise_dn(group);
        let organisation = organisation.trim().to_uppercase();
        if group.is_empty() || organisation.is_empty() {
            return Err(ApiError::invalid(&at, "the group DN and the organisation are required"));
        }
        let roles: Vec<String> = roles.split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
        rules.push(GroupRule { group, organisation, roles: parse_roles(&at, &roles)? });
    }
    if rules.is_empty() {
        return Err(ApiError::invalid(field, "at least one group rule is required"));
    }
    Ok(rules)
}

/// What a directory user's groups grant.
#[derive(Debug, PartialEq, Eq)]
pub enum Grant {
    Access {
        organisation: String,
        roles: Vec<Role>,
    },
    /// No rule matches any of their groups.
    Nothing,
    /// Their groups give roles in more than one organisation.
    Ambiguous(Vec<String>),
}

/// The grant of `groups` (DNs, as the directory spells them) under `rules`.
pub fn grant(rules: &[GroupRule], groups: &[String]) -> Grant {
    let groups: Vec<String> = groups.iter().map(|g| normalise_dn(g)).collect();
    let matched: Vec<&GroupRule> = rules.iter().filter(|r| groups.contains(&r.group)).collect();
    let Some(first) = matched.first() else { return Grant::Nothing };
    let mut organisations: Vec<String> = matched.iter().map(|r| r.organisation.clone()).collect();
    organisations.sort();
    organisations.dedup();
    if organisations.len() > 1 {
        return Grant::Ambiguous(organisations);
    }
    let mut roles: Vec<Role> = matched.iter().flat_map(|r| r.roles.iter().copied()).collect();
    roles.sort();
    roles.dedup();
    Grant::Access { organisation: first.organisation.clone(), roles }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<GroupRule> {
        parse_rules(
            "GPEC_LDAP_GROUPS",
            "cn=gpec-hr,ou=groups,dc=t => CAF75:hr,viewer; CN=GPEC-Prod, OU=groups,dc=t=>caf75:production;\
             cn=gpec-admins,ou=groups,dc=t => NATIONAL:admin",
        )
        .unwrap()
    }

    #[test]
    fn rules_are_parsed_with_their_dn_in_one_spelling() {
        let rules = rules();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[1].group, "cn=gpec-prod,ou=groups,dc=t");
        assert_eq!(rules[1].organisation, "CAF75");
        assert_eq!(rules[0].roles, vec![Role::Hr, Role::Viewer]);
    }

    #[test]
    fn a_bad_rule_is_named() {
        let e = parse_rules("GPEC_LDAP_GROUPS", "cn=a,dc=t => CAF75:hr; cn=b,dc=t CAF75").unwrap_err();
        assert!(e.to_string().contains("GPEC_LDAP_GROUPS rule 2"), "{e}");
        let e = parse_rules("GPEC_LDAP_GROUPS", "cn=a,dc=t => CAF75:chief").unwrap_err();
        assert!(e.to_string().contains("rule 1"), "{e}");
        assert!(parse_rules("GPEC_LDAP_GROUPS", " ; ").is_err());
    }

    #[test]
    fn groups_of_one_organisation_add_up_their_roles() {
        let groups = vec!["CN=gpec-hr, OU=Groups, DC=t".to_owned(), "cn=gpec-prod,ou=groups,dc=t".to_owned()];
        assert_eq!(
            grant(&rules(), &groups),
            Grant::Access { organisation: "CAF75".to_owned(), roles: vec![Role::Hr, Role::Production, Role::Viewer] }
        );
    }

    #[test]
    fn no_matching_group_grants_nothing_and_two_organisations_are_refused() {
        assert_eq!(grant(&rules(), &["cn=other,dc=t".to_owned()]), Grant::Nothing);
        assert_eq!(grant(&rules(), &[]), Grant::Nothing);
        let both = vec!["cn=gpec-hr,ou=groups,dc=t".to_owned(), "cn=gpec-admins,ou=groups,dc=t".to_owned()];
        assert_eq!(grant(&rules(), &both), Grant::Ambiguous(vec!["CAF75".to_owned(), "NATIONAL".to_owned()]));
    }
}
