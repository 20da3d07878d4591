//! Persistence: one connection type over SQLite and PostgreSQL, the pool, and the migrations.

pub mod migrations;
pub mod schema;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};

use crate::error::ApiError;

/// One connection type for both backends; queries are written once against it.
/// The backend of [`DbConnection`], to name boxed queries.
pub type Backend = <DbConnection as Connection>::Backend;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…` select PostgreSQL, `sqlite://PATH` a SQLite file.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(Self::Postgres(raw.to_owned()))
        } else if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("DATABASE_URL: sqlite:// needs a file path, e.g. sqlite://./gpec.db".into());
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else {
            Err(format!("DATABASE_URL: unsupported scheme in {:?}; use postgres://… or sqlite://PATH", redact(raw)))
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Establishes one connection, choosing the backend from the scheme (never by trial:
    /// SQLite would accept any string as a file name).
    pub fn connect(&self) -> ConnectionResult<DbConnection> {
        match self {
            Self::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // The busy timeout makes writers queue instead of failing; SQLite leaves foreign
                // keys off unless asked. WAL is set once per file, by `enable_wal`.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Self::Postgres(url) => {
                init_tls();
                Ok(DbConnection::Pg(diesel::PgConnection::establish(url)?))
            }
        }
    }
}

/// Initialises OpenSSL before libpq does, without its exit handler. libpq would register one
/// that frees OpenSSL's state when the process exits, while pool threads may still be using
/// it: an intermittent segfault at exit (diesel#3441; seen here at the end of a test run on
/// PostgreSQL over TLS). The call is idempotent.
pub fn init_tls() {
    openssl::init();
}

/// Switches a SQLite file to write-ahead logging, so that readers run beside the writer. The
/// mode is stored in the file: setting it once, before the pool fills, avoids every new
/// connection competing for the lock the switch needs.
pub fn enable_wal(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Sqlite(c) = conn {
        c.batch_execute("PRAGMA journal_mode = WAL;")?;
    }
    Ok(())
}

/// The advisory lock that start-up work holds on PostgreSQL ("gpec" in ASCII).
const START_UP_LOCK: i64 = 0x6770_6563;

/// Runs `f` while no other instance sharing the database runs its own: two instances started
/// at once on an empty PostgreSQL database would otherwise both run the migrations and one would
/// fail on PostgreSQL's catalogue. The session-level advisory lock waits for the other instance
/// and is released even when `f` fails; a crashed instance's lock ends with its connection.
/// On SQLite, two processes opening one file at once wait on its write lock instead: `f` runs
/// in one immediate transaction, so it lands whole or not at all.
pub fn exclusively<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    if !matches!(conn, DbConnection::Pg(_)) {
        return transaction(conn, f);
    }
    conn.batch_execute(&format!("SELECT pg_advisory_lock({START_UP_LOCK})"))?;
    let result = f(conn);
    let unlocked = conn.batch_execute(&format!("SELECT pg_advisory_unlock({START_UP_LOCK})"));
    let value = result?;
    unlocked?;
    Ok(value)
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            Self::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// Hides the password of a URL so that it can be logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// r2d2 manager that dispatches on the URL scheme.
#[derive(Debug)]
pub struct Manager(DatabaseUrl);

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.0.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        std::thread::panicking()
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The pool plus a way to run blocking database work off the actix workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
}

impl Db {
    pub fn open(url: &DatabaseUrl, max_size: u32) -> Result<Self, ApiError> {
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .build_unchecked(Manager(url.clone()));
        Ok(Self { pool, url: url.clone() })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for synchronous callers (CLI, start-up).
    pub fn conn(&self) -> Result<PooledConn, ApiError> {
        self.pool.get().map_err(ApiError::from)
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(ApiError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal("blocking task failed", e))?
    }

    /// Like [`Db::run`], inside one transaction: all of `f` lands or none of it.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| transaction(conn, f)).await
    }
}

/// Runs `f` in one transaction (a savepoint when one is already open): all of it lands or none.
///
/// Every transaction of gpec may write, so on SQLite the outermost one begins `IMMEDIATE`: it
/// takes the write lock first, waiting up to the busy timeout behind other writers. A deferred
/// one would read, then fail at once with "database is locked" when it tries to write after
/// another writer committed, since SQLite cannot upgrade a stale snapshot.
pub fn transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let DbConnection::Sqlite(c) = conn else { return conn.transaction(f) };
    if AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?.is_some() {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            // A broken manager hides nothing more useful than the error that broke it.
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}
