//! Embedded migrations, one set per backend (`migrations/sqlite`, `migrations/postgres`).

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;
use crate::error::ApiError;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

fn failed(e: Box<dyn std::error::Error + Send + Sync>) -> ApiError {
    ApiError::internal("migration failed", e)
}

/// Applies every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES),
    }
    .map_err(failed)?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// Reverts every applied migration, newest first; returns the versions reverted.
pub fn revert_all(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE),
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES),
    }
    .map_err(failed)?;
    Ok(reverted.into_iter().map(|v| v.to_string()).collect())
}

/// True when the database lacks a migration this binary knows.
pub fn has_pending(conn: &mut DbConnection) -> Result<bool, ApiError> {
    match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE),
        DbConnection::Pg(c) => c.has_pending_migration(POSTGRES),
    }
    .map_err(failed)
}
