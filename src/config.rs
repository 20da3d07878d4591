//! Runtime configuration, filled from the command line and the environment (see `gpec --help`).

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
        }
    }
}
