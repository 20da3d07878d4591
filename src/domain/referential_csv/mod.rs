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
}

impl Entity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Competencies => "competencies",
            Self::JobProfiles => "job profiles",
            Self::Requirements => "requirements",
            Self::ActivityRoles => "activity roles",
        }
    }
}

/// Exports `entity` as CSV bytes.
pub fn export(conn: &mut crate::db::DbConnection, entity: Entity) -> Result<Vec<u8>, crate::error::ApiError> {
    match entity {
        Entity::Competencies => competencies::export(conn),
        Entity::JobProfiles => profiles::export_profiles(conn),
        Entity::Requirements => profiles::export_requirements(conn),
        Entity::ActivityRoles => profiles::export_roles(conn),
    }
}

/// Imports `bytes` as `entity`, all or nothing, inside the caller's transaction.
pub fn import(
    conn: &mut crate::db::DbConnection,
    entity: Entity,
    bytes: &[u8],
    author: &str,
) -> Result<ImportReport, crate::error::ApiError> {
    match entity {
        Entity::Competencies => competencies::import(conn, bytes, author),
        Entity::JobProfiles => profiles::import_profiles(conn, bytes, author),
        Entity::Requirements => profiles::import_requirements(conn, bytes, author),
        Entity::ActivityRoles => profiles::import_roles(conn, bytes, author),
    }
}
