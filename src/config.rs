//! Runtime configuration, filled from the command line and the environment (see `gpec --help`).

use std::time::Duration;

use crate::domain::directory::{self, DirectorySettings, UserLookup};
use crate::error::ApiError;

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`GPEC_BIND`).
    pub bind: String,
    /// `sqlite://PATH` or `postgres://…` (`DATABASE_URL`).
    pub database_url: String,
    /// HS256 signing secret (`GPEC_JWT_SECRET`); generated and stored on SQLite when unset.
    pub jwt_secret: Option<String>,
    /// Password of the first `admin` (`GPEC_ADMIN_PASSWORD`); generated and printed when unset.
    pub admin_password: Option<String>,
    /// Token lifetime in seconds (`GPEC_TOKEN_TTL`).
    pub token_ttl_secs: u64,
    /// Largest number of pooled database connections (`GPEC_DB_POOL_SIZE`).
    pub pool_size: u32,
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// Load the national referential on the first start of an empty database (`GPEC_SEED`).
    pub seed_on_start: bool,
    /// Plans this server solves at the same time (`GPEC_PLAN_WORKERS`); 0 leaves the queue to
    /// other instances.
    pub plan_workers: usize,
    /// Seconds after which a running plan whose worker went silent is taken over
    /// (`GPEC_JOB_LEASE`).
    pub job_lease_secs: u64,
    /// Milliseconds between looks at an empty plan queue.
    pub job_poll_ms: u64,
    /// Plans one organisation may have queued or solving at once (`GPEC_PLAN_QUEUE_LIMIT`).
    pub plan_queue_limit: u32,
    /// Days the scenario of a failed or cancelled plan is kept (`GPEC_PLAN_RETENTION_DAYS`).
    pub plan_retention_days: u32,
    /// Failed sign-ins of one account name before it is locked (`GPEC_LOGIN_MAX_FAILURES`).
    pub login_max_failures: u32,
    /// Seconds a sign-in lock lasts (`GPEC_LOGIN_LOCK_SECS`).
    pub login_lock_secs: u64,
    /// Directory sign-in (`GPEC_LDAP_*`); `None` for local accounts only.
    pub directory: Option<DirectorySettings>,
    /// Minutes without a request after which a web session ends (`GPEC_SESSION_IDLE_MINUTES`).
    pub session_idle_minutes: u32,
    /// The service is reached over HTTPS (`GPEC_HTTPS`): session cookies are marked `Secure`.
    pub https: bool,
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./gpec.db";

impl Config {
    /// Defaults for everything but the database.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            bind: DEFAULT_BIND.to_owned(),
            database_url: database_url.into(),
            jwt_secret: None,
            admin_password: None,
            token_ttl_secs: 3600,
            pool_size: 10,
            workers: None,
            seed_on_start: true,
            plan_workers: 1,
            job_lease_secs: 60,
            job_poll_ms: 500,
            plan_queue_limit: 10,
            plan_retention_days: 30,
            login_max_failures: 5,
            login_lock_secs: 900,
            directory: None,
            session_idle_minutes: 30,
            https: false,
        }
    }
}

/// Directory sign-in options, as the command line and the environment give them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LdapOpts {
    /// Directory URL, ldaps://HOST:636 or ldap://HOST:389 (with --ldap-starttls); unset: local accounts only
    #[arg(long, env = "GPEC_LDAP_URL")]
    pub ldap_url: Option<String>,
    /// Upgrade an ldap:// connection with StartTLS before any password is sent
    #[arg(long, env = "GPEC_LDAP_STARTTLS", default_value_t = false, action = clap::ArgAction::Set)]
    pub ldap_starttls: bool,
    /// PEM file of certificate authorities to trust for the directory, besides the system's
    #[arg(long, env = "GPEC_LDAP_CA_FILE")]
    pub ldap_ca_file: Option<std::path::PathBuf>,
    /// Seconds a directory sign-in may take before it answers 503
    #[arg(long, env = "GPEC_LDAP_TIMEOUT", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub ldap_timeout: u64,
    /// DN to bind as, with {username}: uid={username},ou=people,dc=example,dc=org
    #[arg(long, env = "GPEC_LDAP_BIND_DN")]
    pub ldap_bind_dn: Option<String>,
    /// Or: where to search for the user's entry
    #[arg(long, env = "GPEC_LDAP_USER_BASE")]
    pub ldap_user_base: Option<String>,
    /// Search filter with {username} (Active Directory: (sAMAccountName={username}))
    #[arg(long, env = "GPEC_LDAP_USER_FILTER", default_value = directory::DEFAULT_SEARCH_FILTER)]
    pub ldap_user_filter: String,
    /// DN of the account that searches (anonymous search when unset)
    #[arg(long, env = "GPEC_LDAP_SERVICE_DN")]
    pub ldap_service_dn: Option<String>,
    /// Its password (prefer the environment variable)
    #[arg(long, env = "GPEC_LDAP_SERVICE_PASSWORD", hide_env_values = true)]
    pub ldap_service_password: Option<String>,
    /// Where the groups are searched
    #[arg(long, env = "GPEC_LDAP_GROUP_BASE")]
    pub ldap_group_base: Option<String>,
    /// Group filter with {dn}, the user's DN
    #[arg(long, env = "GPEC_LDAP_GROUP_FILTER", default_value = directory::DEFAULT_GROUP_FILTER)]
    pub ldap_group_filter: String,
    /// Group rules: 'GROUP DN => ORGANISATION:role,role', separated by ';'
    #[arg(long, env = "GPEC_LDAP_GROUPS")]
    pub ldap_groups: Option<String>,
}

/// Whether `url` names this machine, where a password in clear never crosses a network.
fn is_loopback(url: &str) -> bool {
    match url::Url::parse(url).ok().and_then(|u| u.host().map(|h| h.to_owned())) {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // `ldap` is not a scheme the URL standard knows, so an IPv4 address stays a name.
        Some(url::Host::Domain(name)) => {
            name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

impl LdapOpts {
    /// The directory settings, or `None` without a URL. Each refusal names its option.
    pub fn settings(&self) -> Result<Option<DirectorySettings>, ApiError> {
        let Some(url) = self.ldap_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let ldaps = url.starts_with("ldaps://");
        if !ldaps && !url.starts_with("ldap://") {
            return Err(ApiError::invalid("GPEC_LDAP_URL", "must start with ldaps:// or ldap://"));
        }
        if ldaps && self.ldap_starttls {
            return Err(ApiError::invalid("GPEC_LDAP_STARTTLS", "is for ldap:// URLs; ldaps:// is encrypted already"));
        }
        if !ldaps && !self.ldap_starttls && !is_loopback(url) {
            return Err(ApiError::invalid(
                "GPEC_LDAP_URL",
                "passwords would cross the network in clear: use ldaps://, or set GPEC_LDAP_STARTTLS=true",
            ));
        }
        let lookup = match (&self.ldap_bind_dn, &self.ldap_user_base) {
            (Some(template), None) if template.contains("{username}") => UserLookup::BindTemplate(template.clone()),
            (Some(_), None) => return Err(ApiError::invalid("GPEC_LDAP_BIND_DN", "must contain {username}")),
            (None, Some(base)) => {
                if !self.ldap_user_filter.contains("{username}") {
                    return Err(ApiError::invalid("GPEC_LDAP_USER_FILTER", "must contain {username}"));
                }
                let service = match (&self.ldap_service_dn, &self.ldap_service_password) {
                    (Some(dn), Some(password)) => Some((dn.clone(), password.clone())),
                    (None, None) => None,
                    _ => {
                        return Err(ApiError::invalid(
                            "GPEC_LDAP_SERVICE_DN",
                            "and GPEC_LDAP_SERVICE_PASSWORD go together",
                        ));
                    }
                };
                UserLookup::Search { base: base.clone(), filter: self.ldap_user_filter.clone(), service }
            }
            _ => {
                return Err(ApiError::invalid("GPEC_LDAP_BIND_DN", "set it, or GPEC_LDAP_USER_BASE, but not both"));
            }
        };
        let group_base = self
            .ldap_group_base
            .clone()
            .ok_or_else(|| ApiError::invalid("GPEC_LDAP_GROUP_BASE", "is required with GPEC_LDAP_URL"))?;
        if !self.ldap_group_filter.contains("{dn}") {
            return Err(ApiError::invalid("GPEC_LDAP_GROUP_FILTER", "must contain {dn}"));
        }
        let groups = self
            .ldap_groups
            .as_deref()
            .ok_or_else(|| ApiError::invalid("GPEC_LDAP_GROUPS", "is required with GPEC_LDAP_URL"))?;
        Ok(Some(DirectorySettings {
            url: url.to_owned(),
            starttls: self.ldap_starttls,
            ca_file: self.ldap_ca_file.clone(),
            timeout: Duration::from_secs(self.ldap_timeout),
            lookup,
            group_base,
            group_filter: self.ldap_group_filter.clone(),
            rules: directory::parse_rules("GPEC_LDAP_GROUPS", groups)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(url: &str) -> LdapOpts {
        LdapOpts {
            ldap_url: Some(url.to_owned()),
            ldap_timeout: 5,
            ldap_bind_dn: Some("uid={username},dc=t".to_owned()),
            ldap_user_filter: directory::DEFAULT_SEARCH_FILTER.to_owned(),
            ldap_group_base: Some("dc=t".to_owned()),
            ldap_group_filter: directory::DEFAULT_GROUP_FILTER.to_owned(),
            ldap_groups: Some("cn=g,dc=t => CAF75:hr".to_owned()),
            ..LdapOpts::default()
        }
    }

    #[test]
    fn passwords_cross_a_network_only_encrypted() {
        assert!(opts("ldaps://ldap.caf.fr").settings().unwrap().is_some());
        assert!(opts("ldap://127.0.0.1:3890").settings().unwrap().is_some());
        assert!(opts("ldap://[::1]:389").settings().unwrap().is_some());
        let e = opts("ldap://ldap.caf.fr").settings().unwrap_err();
        assert!(e.to_string().contains("GPEC_LDAP_URL"), "{e}");
        let tls = LdapOpts { ldap_starttls: true, ..opts("ldap://ldap.caf.fr") };
        assert!(tls.settings().unwrap().unwrap().starttls);
        assert!(opts("ldap://localhost.evil.example").settings().is_err());
    }

    #[test]
    fn each_missing_or_contradictory_option_is_named() {
        assert!(LdapOpts::default().settings().unwrap().is_none());
        let both = LdapOpts { ldap_user_base: Some("dc=t".to_owned()), ..opts("ldaps://h") };
        assert!(both.settings().unwrap_err().to_string().contains("GPEC_LDAP_BIND_DN"));
        let no_groups = LdapOpts { ldap_groups: None, ..opts("ldaps://h") };
        assert!(no_groups.settings().unwrap_err().to_string().contains("GPEC_LDAP_GROUPS"));
        let half = LdapOpts {
            ldap_bind_dn: None,
            ldap_user_base: Some("dc=t".to_owned()),
            ldap_service_dn: Some("cn=svc".to_owned()),
            ..opts("ldaps://h")
        };
        assert!(half.settings().unwrap_err().to_string().contains("GPEC_LDAP_SERVICE_DN"));
        assert!(opts("http://h").settings().is_err());
    }
}
