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
    Activities,
    Loads,
    Actuals,
    Unavailability,
    Modules,
    Trainers,
    Engagements,
    Sessions,
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
            Self::Activities => "activities",
            Self::Loads => "loads",
            Self::Actuals => "actuals",
            Self::Unavailability => "unavailability",
            Self::Modules => "modules",
            Self::Trainers => "trainers",
            Self::Engagements => "engagements",
            Self::Sessions => "sessions",
        }
    }

    /// The branch-wide referential, as opposed to an organisation's own data.
    pub fn is_referential(self) -> bool {
        matches!(self, Self::Competencies | Self::JobProfiles | Self::Requirements | Self::ActivityRoles)
    }

    /// The role that imports an organisation's own data: `hr` for agents and assessments,
    /// `production` for planning data (the referential has its own rule).
    pub fn writer_role(self) -> crate::domain::types::Role {
        use crate::domain::types::Role;
        match self {
            Self::Activities | Self::Loads | Self::Actuals | Self::Unavailability => Role::Production,
            Self::Modules | Self::Trainers | Self::Engagements | Self::Sessions => Role::Campus,
            _ => Role::Hr,
        }
    }
}

/// An export as a file: CSV in `dialect`, or a workbook of one sheet named after the entity.
/// Its bytes and media type. `birth_dates`: whether the reader may read the agents' (see
/// `export`).
pub fn export_file(
    conn: &mut crate::db::DbConnection,
    entity: Entity,
    scope: Option<i32>,
    birth_dates: bool,
    format: crate::domain::xlsx::FileFormat,
    dialect: crate::domain::csv_io::Dialect,
) -> Result<(Vec<u8>, &'static str), crate::error::ApiError> {
    use crate::domain::{csv_io, xlsx};
    let standard = export(conn, entity, scope, birth_dates)?;
    match format {
        xlsx::FileFormat::Csv => Ok((csv_io::in_dialect(standard, dialect)?, "text/csv; charset=utf-8")),
        xlsx::FileFormat::Xlsx => {
            let name = entity.name();
            let sheet = name[..1].to_uppercase() + &name[1..];
            Ok((xlsx::from_csv(&standard, &sheet)?, xlsx::MEDIA_TYPE))
        }
    }
}

/// Exports `entity` as CSV bytes; an organisation's data only for `scope` when it is set. The
/// agents' birth dates only with `birth_dates`, which the caller grants to `hr` and `admin` of
/// the one organisation exported (`agent_projection::may_read_birth_date`).
pub fn export(
    conn: &mut crate::db::DbConnection,
    entity: Entity,
    scope: Option<i32>,
    birth_dates: bool,
) -> Result<Vec<u8>, crate::error::ApiError> {
    use crate::domain::{agents_csv, campus::csv as campus, planning::csv as planning};
    match entity {
        Entity::Agents => agents_csv::export_agents(conn, scope, birth_dates),
        Entity::Modules => campus::export_modules(conn, scope),
        Entity::Trainers => campus::export_trainers(conn, scope),
        Entity::Engagements => campus::export_engagements(conn, scope),
        Entity::Sessions => campus::export_sessions(conn, scope),
        Entity::Activities => planning::export_activities(conn, scope),
        Entity::Loads => planning::export_loads(conn, scope),
        Entity::Actuals => planning::export_actuals(conn, scope),
        Entity::Unavailability => planning::export_unavailability(conn, scope),
        Entity::Assessments => agents_csv::export_assessments(conn, scope),
        Entity::Competencies => competencies::export(conn),
        Entity::JobProfiles => profiles::export_profiles(conn),
        Entity::Requirements => profiles::export_requirements(conn),
        Entity::ActivityRoles => profiles::export_roles(conn),
    }
}

/// Imports `bytes` as `entity` if `who` may write it, all or nothing, in one transaction (a
/// savepoint inside the caller's). With `scope` set, lines of any other organisation are
/// refused. The import leaves one audit record with its counts, not one per row, landing with
/// the rows.
pub fn import(
    conn: &mut crate::db::DbConnection,
    who: &crate::domain::access::Principal,
    entity: Entity,
    bytes: &[u8],
    scope: Option<i32>,
) -> Result<ImportReport, crate::error::ApiError> {
    use crate::domain::audit::{self, Change};
    use crate::domain::xlsx;
    if entity.is_referential() {
        who.require_referential_editor()?;
    } else {
        who.require_any(&[entity.writer_role()])?;
    }
    // The whole file lands, or nothing of it.
    crate::db::transaction(conn, |conn| {
        let report = if xlsx::is_xlsx(bytes) {
            let converted = xlsx::to_csv(bytes, entity.name())?;
            import_rows(conn, who, entity, &converted.csv, scope).map_err(|e| converted.name_cells(e))?
        } else {
            import_rows(conn, who, entity, bytes, scope)?
        };
        let organisation = scope.or((who.organisation_id > 0).then_some(who.organisation_id));
        audit::record(conn, who, Change::new(organisation, entity.name(), "csv", "import").counts(&report))?;
        Ok(report)
    })
}

fn import_rows(
    conn: &mut crate::db::DbConnection,
    who: &crate::domain::access::Principal,
    entity: Entity,
    bytes: &[u8],
    scope: Option<i32>,
) -> Result<ImportReport, crate::error::ApiError> {
    use crate::domain::{agent_projection, agents_csv, campus::csv as campus, planning::csv as planning};
    let author = who.username.as_str();
    match entity {
        Entity::Agents => {
            agents_csv::import_agents(conn, bytes, scope, &|org| agent_projection::may_read_birth_date(who, org))
        }
        Entity::Modules => campus::import_modules(conn, bytes, scope, author),
        Entity::Trainers => campus::import_trainers(conn, bytes, scope, author),
        Entity::Engagements => campus::import_engagements(conn, bytes, scope, author),
        Entity::Sessions => campus::import_sessions(conn, bytes, scope, author),
        Entity::Activities => planning::import_activities(conn, bytes, scope, author),
        Entity::Loads => planning::import_loads(conn, bytes, scope),
        Entity::Actuals => planning::import_actuals(conn, bytes, scope, author),
        Entity::Unavailability => planning::import_unavailability(conn, bytes, scope),
        Entity::Assessments => agents_csv::import_assessments(conn, bytes, scope, author),
        Entity::Competencies => competencies::import(conn, bytes, author),
        Entity::JobProfiles => profiles::import_profiles(conn, bytes, author),
        Entity::Requirements => profiles::import_requirements(conn, bytes, author),
        Entity::ActivityRoles => profiles::import_roles(conn, bytes, author),
    }
}
