//! The filters the HR analyses share: the organisation (for national users), the unit and the
//! job sheet, with the choices each offers.

use serde::Deserialize;

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::analytics::Scope;
use crate::domain::{agents, organisations};
use crate::error::ApiError;
use crate::http::handlers::escaped;

/// The filters as a browser sends them: empty means "any".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScopeQuery {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub unite: String,
    #[serde(default)]
    pub fiche: String,
}

fn given(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl ScopeQuery {
    pub fn scope(&self) -> Scope {
        Scope { organisation: given(&self.organisation), unit: given(&self.unite), job_profile: given(&self.fiche) }
    }

    /// The filters as a query string, to carry them into a link.
    pub fn query_string(&self) -> String {
        format!(
            "organisation={}&unite={}&fiche={}",
            escaped(&self.organisation),
            escaped(&self.unite),
            escaped(&self.fiche)
        )
    }
}

/// The organisations a national user may choose from (code, name); none for anyone else.
pub fn organisation_choices(conn: &mut DbConnection, who: &Principal) -> Result<Vec<(String, String)>, ApiError> {
    Ok(match who.scope() {
        Some(_) => vec![],
        None => organisations::list(conn, None)?.into_iter().map(|o| (o.code, o.name)).collect(),
    })
}

/// The filters as typed and what each may be set to.
pub struct ScopeFilters {
    pub query: ScopeQuery,
    /// For national users only: the organisations to choose from (code, name).
    pub organisations: Vec<(String, String)>,
    pub units: Vec<String>,
    /// Job sheets (code, title).
    pub sheets: Vec<(String, String)>,
}

impl ScopeFilters {
    pub fn load(conn: &mut DbConnection, who: &Principal, query: ScopeQuery) -> Result<Self, ApiError> {
        let organisations = organisation_choices(conn, who)?;
        let units = agents::units(conn, who, given(&query.organisation).as_deref())?;
        let sheets = super::agents::sheets(conn)?;
        Ok(Self { query, organisations, units, sheets })
    }

    pub fn sheet_title(&self, code: &str) -> String {
        self.sheets.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |(_, t)| t.clone())
    }
}
