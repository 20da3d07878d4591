//! The LDAP conversation of a directory sign-in, over `ldap3` on the server's async runtime:
//! find the user's DN, bind as them with their password, read their groups.
//!
//! Nothing here decides access; [`crate::domain::directory::grant`] does. A directory that does
//! not answer in time, or answers with something other than "wrong credentials", is
//! [`ApiError::DirectoryUnavailable`] (503), never a 500 and never a silent refusal.

use std::panic::AssertUnwindSafe;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, dn_escape, ldap_escape};
use native_tls::{Certificate, TlsConnector};

use crate::domain::directory::{Checked, Directory, DirectorySettings, GroupRule, UserLookup};
use crate::error::ApiError;

/// LDAP result code of a bind with a wrong DN or password (RFC 4511, appendix A).
const INVALID_CREDENTIALS: u32 = 49;

/// The directory of `GPEC_LDAP_*`, with the TLS trust it was given.
#[derive(Clone)]
pub struct LdapDirectory {
    settings: DirectorySettings,
    tls: TlsConnector,
}

impl LdapDirectory {
    /// Reads the settings' CA file, if any, into the TLS trust; a bad file is named.
    pub fn new(settings: DirectorySettings) -> Result<Self, ApiError> {
        let mut tls = TlsConnector::builder();
        if let Some(path) = &settings.ca_file {
            let field = "GPEC_LDAP_CA_FILE";
            let pem = std::fs::read(path).map_err(|e| ApiError::invalid(field, format!("{}: {e}", path.display())))?;
            let ca = Certificate::from_pem(&pem)
                .map_err(|e| ApiError::invalid(field, format!("{}: not a PEM certificate: {e}", path.display())))?;
            tls.add_root_certificate(ca);
        }
        let tls = tls.build().map_err(|e| ApiError::internal("TLS for the directory", e))?;
        Ok(Self { settings, tls })
    }
}

impl Directory for LdapDirectory {
    async fn check(&self, username: &str, password: &str) -> Result<Checked, ApiError> {
        check(&self.settings, &self.tls, username, password).await
    }

    fn rules(&self) -> &[GroupRule] {
        &self.settings.rules
    }
}

/// Checks `username` and `password` against the directory, within the settings' time limit.
async fn check(
    settings: &DirectorySettings,
    tls: &TlsConnector,
    username: &str,
    password: &str,
) -> Result<Checked, ApiError> {
    // An empty password makes a simple bind "unauthenticated", which many servers accept.
    if password.is_empty() || username.trim().is_empty() {
        return Ok(Checked::Invalid);
    }
    match actix_web::rt::time::timeout(settings.timeout, converse(settings, tls, username, password)).await {
        Ok(Ok(checked)) => Ok(checked),
        Ok(Err(e)) => {
            tracing::error!(error = %e, url = %settings.url, "directory sign-in failed");
            Err(ApiError::DirectoryUnavailable)
        }
        Err(_) => {
            tracing::error!(url = %settings.url, timeout = ?settings.timeout, "the directory did not answer in time");
            Err(ApiError::DirectoryUnavailable)
        }
    }
}

async fn converse(
    settings: &DirectorySettings,
    tls: &TlsConnector,
    username: &str,
    password: &str,
) -> Result<Checked, LdapError> {
    let options = LdapConnSettings::new()
        .set_conn_timeout(settings.timeout)
        .set_starttls(settings.starttls)
        .set_connector(tls.clone());
    let (conn, mut ldap) = LdapConnAsync::with_settings(options, &settings.url).await?;
    ldap3::drive!(conn);
    let checked = match find_dn(&mut ldap, &settings.lookup, username).await? {
        None => Checked::Invalid,
        Some(dn) => match ldap.simple_bind(&dn, password).await?.success() {
            Ok(_) => {
                let filter = settings.group_filter.replace("{dn}", &ldap_escape(&dn));
                let groups = search_dns(&mut ldap, &settings.group_base, &filter).await?;
                Checked::Valid { dn, groups }
            }
            Err(LdapError::LdapResult { result }) if result.rc == INVALID_CREDENTIALS => Checked::Invalid,
            Err(e) => return Err(e),
        },
    };
    // The answer is known; a failure to say goodbye changes nothing.
    let _ = ldap.unbind().await;
    Ok(checked)
}

/// The DN to bind as: from the template, or the one entry the search finds (none, or several,
/// is no user).
async fn find_dn(ldap: &mut Ldap, lookup: &UserLookup, username: &str) -> Result<Option<String>, LdapError> {
    match lookup {
        UserLookup::BindTemplate(template) => Ok(Some(template.replace("{username}", &dn_escape(username)))),
        UserLookup::Search { base, filter, service } => {
            if let Some((dn, password)) = service {
                ldap.simple_bind(dn, password).await?.success()?;
            }
            let filter = filter.replace("{username}", &ldap_escape(username));
            let mut found = search_dns(ldap, base, &filter).await?;
            Ok(if found.len() == 1 { found.pop() } else { None })
        }
    }
}

/// The DNs of the entries under `base` that match `filter`.
async fn search_dns(ldap: &mut Ldap, base: &str, filter: &str) -> Result<Vec<String>, LdapError> {
    let (entries, _) = ldap.search(base, Scope::Subtree, filter, vec!["1.1"]).await?.success()?;
    let mut dns = Vec::with_capacity(entries.len());
    for entry in entries {
        // `construct` panics on an entry it cannot parse: a broken directory answer, refused.
        let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| SearchEntry::construct(entry)));
        let entry = parsed.map_err(|_| LdapError::AdapterInit("the directory sent an unreadable entry".to_owned()))?;
        dns.push(entry.dn);
    }
    Ok(dns)
}
