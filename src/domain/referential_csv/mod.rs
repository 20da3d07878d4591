//! The referential as CSV: the competency dictionary, job profiles, their requirements and the
//! "qui fait quoi" roles. The seed files in `seeds/` have exactly the export formats, so exporting
//! a seeded database gives the seed files back.

pub mod competencies;
pub mod profiles;
pub mod seed;

use serde::Serialize;
use utoipa::ToSchema;

/// What an import did. An import rewrites nothing that is already equal.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// Rows read from the file.
    pub rows: usize,
    pub created: usize,
    /// Entries that got a new version.
    pub updated: usize,
    pub unchanged: usize,
}

/// The entities that can be exported and imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Entity {
    Competencies,
    JobProfiles,
    Requirements,
    ActivityRoles,
    Agents,
    Assessments,
}

impl Entity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Competencies => "competencies",
            Self::JobProfiles => "job profiles",
            Self::Requirements => "requirements",
            Self::ActivityRoles => "activity roles",
            Self::Agents => "agents",
            Self::Assessments => "assessments",
        }
    }

    /// The branch-wide referential, as opposed to an organisation's own data.
    pub fn is_referential(self) -> bool {
        !matches!(self, Self::Agents | Self::Assessments)
    }
}

/// Exports `entity` as CSV bytes; an organisation's data only for `scope` when it is set.
pub fn export(
    conn: &mut crate::db::DbConnection,
    entity: Entity,
    scope: Option<i32>,
) -> Result<Vec<u8>, crate::error::ApiError> {
    use crate::domain::agents_csv;
    match entity {
        Entity::Agents => agents_csv::export_agents(conn, scope),
        Entity::Assessments => agents_csv::export_assessments(conn, scope),
        Entity::Competencies => competencies::export(conn),
        Entity::JobProfiles => profiles::export_profiles(conn),
        Entity::Requirements => profiles::export_requirements(conn),
        Entity::ActivityRoles => profiles::export_roles(conn),
    }
}

/// Imports `bytes` as `entity`, all or nothing, inside the caller's transaction. With `scope`
/// set, lines of any other organisation are refused.
pub fn import(
    conn: &mut crate::db::DbConnection,
    entity: Entity,
    bytes: &[u8],
    author: &str,
    scope: Option<i32>,
) -> Result<ImportReport, crate::error::ApiError> {
    use crate::domain::agents_csv;
    match entity {
        Entity::Agents => agents_csv::import_agents(conn, bytes, scope),
        Entity::Assessments => agents_csv::import_assessments(conn, bytes, scope, author),
        Entity::Competencies => competencies::import(conn, bytes, author),
        Entity::JobProfiles => profiles::import_profiles(conn, bytes, author),
        Entity::Requirements => profiles::import_requirements(conn, bytes, author),
        Entity::ActivityRoles => profiles::import_roles(conn, bytes, author),
    }
}
