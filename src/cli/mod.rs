//! The `gpec` command line: the server (default) and administration commands.

mod admin;
mod plan;
mod referential;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

use crate::config::{Config, DEFAULT_BIND, DEFAULT_DATABASE_URL, LdapOpts};
use crate::http::server::Application;

const ENVIRONMENT: &str = "\
Environment (each option can also be given as its variable):
  GPEC_BIND            address to listen on [default: 127.0.0.1:8080]
  DATABASE_URL         sqlite://PATH (embedded, default sqlite://./gpec.db) or postgres://USER@HOST/DB
  GPEC_JWT_SECRET      token signing secret, >= 32 characters; generated and stored on SQLite when
                       unset, required on PostgreSQL
  GPEC_ADMIN_PASSWORD  password of the first 'admin' user; printed once, generated, when unset
  GPEC_TOKEN_TTL       token lifetime in seconds [default: 3600]
  GPEC_DB_POOL_SIZE    pooled database connections [default: 10]
  GPEC_SEED            load the national referential on the first start of an empty database
                       [default: true]
  GPEC_PLAN_WORKERS    plans this instance solves at the same time; 0 leaves the queue to other
                       instances [default: 1]
  GPEC_JOB_LEASE       seconds after which a running plan whose worker went silent (a stopped
                       instance) is solved again by another [default: 60]
  GPEC_PLAN_QUEUE_LIMIT
                       plans one organisation may have queued or solving at once; past it, a
                       request gets 429 with Retry-After [default: 10]
  GPEC_PLAN_RETENTION_DAYS
                       days the scenario of a failed or cancelled plan is kept [default: 30]
  GPEC_LOGIN_MAX_FAILURES
                       failed sign-ins of one account name before it is locked (an address: five
                       times as many) [default: 5]
  GPEC_LOGIN_LOCK_SECS seconds a sign-in lock lasts [default: 900]
  GPEC_LDAP_URL        directory sign-in: ldaps://HOST or ldap://HOST with GPEC_LDAP_STARTTLS=true
                       (plain ldap:// only on this machine); unset: local accounts only. With it:
                       GPEC_LDAP_BIND_DN (uid={username},ou=people,…) or GPEC_LDAP_USER_BASE and
                       GPEC_LDAP_USER_FILTER [(uid={username})], optionally GPEC_LDAP_SERVICE_DN and
                       GPEC_LDAP_SERVICE_PASSWORD; GPEC_LDAP_GROUP_BASE, GPEC_LDAP_GROUP_FILTER
                       [(|(member={dn})(uniqueMember={dn}))], GPEC_LDAP_GROUPS ('GROUP DN =>
                       ORGANISATION:role,role; …'), GPEC_LDAP_CA_FILE (PEM of CAs to trust) and
                       GPEC_LDAP_TIMEOUT [seconds, default: 5]
  GPEC_LOG             log filter, e.g. info or gpec=debug,actix_web=info [default: info]
  GPEC_LOG_FORMAT      text or json [default: text]";

#[derive(Parser)]
#[command(
    name = "gpec",
    version,
    about = "GPEC server: competency dictionary, job sheets, agents' levels and load-to-ETP planning",
    after_help = ENVIRONMENT
)]
pub struct Cli {
    #[command(flatten)]
    pub opts: GlobalOpts,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Clone)]
pub struct GlobalOpts {
    /// Address to listen on
    #[arg(long, env = "GPEC_BIND", default_value = DEFAULT_BIND, global = true)]
    pub bind: String,
    /// Database URL: sqlite://PATH or postgres://…
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,
    /// Token signing secret (prefer the environment variable)
    #[arg(long, env = "GPEC_JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Password of the first admin user (prefer the environment variable)
    #[arg(long, env = "GPEC_ADMIN_PASSWORD", global = true, hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Token lifetime in seconds
    #[arg(long, env = "GPEC_TOKEN_TTL", default_value_t = 3600, global = true)]
    pub token_ttl: u64,
    /// Pooled database connections
    #[arg(long, env = "GPEC_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub pool_size: u32,
    /// Load the national referential on the first start of an empty database
    #[arg(long, env = "GPEC_SEED", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub seed_on_start: bool,
    /// Plans this instance solves at the same time (0: none)
    #[arg(long, env = "GPEC_PLAN_WORKERS", default_value_t = 1, global = true)]
    pub plan_workers: usize,
    /// Seconds after which a running plan whose worker went silent is solved again
    #[arg(long, env = "GPEC_JOB_LEASE", default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..), global = true)]
    pub job_lease: u64,
    /// Plans one organisation may have queued or solving at once
    #[arg(long, env = "GPEC_PLAN_QUEUE_LIMIT", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub plan_queue_limit: u32,
    /// Days the scenario of a failed or cancelled plan is kept
    #[arg(long, env = "GPEC_PLAN_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub plan_retention_days: u32,
    /// Failed sign-ins of one account name before it is locked
    #[arg(long, env = "GPEC_LOGIN_MAX_FAILURES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_max_failures: u32,
    /// Seconds a sign-in lock lasts
    #[arg(long, env = "GPEC_LOGIN_LOCK_SECS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub login_lock_secs: u64,
    /// Log filter (tracing EnvFilter syntax)
    #[arg(long, env = "GPEC_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format
    #[arg(long, env = "GPEC_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub ldap: LdapOpts,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default when no command is given)
    Serve,
    /// Apply pending database migrations
    Migrate {
        /// Revert every migration instead (destroys all data)
        #[arg(long)]
        revert_all: bool,
    },
    /// Manage organisations
    #[command(subcommand)]
    Organisation(admin::OrganisationCmd),
    /// Manage users
    #[command(subcommand)]
    User(admin::UserCmd),
    /// Load the national referential (dictionary, job sheets); adds only what is missing
    Seed,
    /// Import a CSV file, all or nothing: every bad line is listed and nothing is written
    Import {
        #[arg(value_enum)]
        entity: crate::domain::referential_csv::Entity,
        /// The file: CSV (`,` or `;`, UTF-8 or Windows-1252) or an Excel workbook; `-` reads
        /// standard input
        file: std::path::PathBuf,
    },
    /// Demonstration data
    #[command(subcommand)]
    Demo(DemoCmd),
    /// Solve, check or generate load-to-ETP planning scenarios (JSON files, no database)
    #[command(subcommand)]
    Plan(plan::PlanCmd),
    /// Export as CSV to standard output
    Export {
        #[arg(value_enum)]
        entity: crate::domain::referential_csv::Entity,
        /// standard (`,`, ISO dates) or excel-fr (`;`, BOM, dd/mm/yyyy, decimal commas)
        #[arg(long, value_enum, default_value_t = crate::domain::csv_io::Dialect::Standard)]
        dialect: crate::domain::csv_io::Dialect,
        /// csv, or xlsx: an Excel workbook
        #[arg(long, value_enum, default_value_t = crate::domain::xlsx::FileFormat::Csv)]
        format: crate::domain::xlsx::FileFormat,
    },
}

#[derive(Subcommand)]
pub enum DemoCmd {
    /// Fill an organisation (created if missing) with agents in units of 12-15, a mix of the
    /// national job profiles, and assessments scattered around their required levels
    Generate {
        /// Organisation code, e.g. CAF-DEMO
        #[arg(long)]
        organisation: String,
        /// Number of agents, managers included
        #[arg(long)]
        agents: usize,
        /// Random seed: the same seed gives the same data
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

impl GlobalOpts {
    pub fn config(&self) -> Result<Config, String> {
        Ok(Config {
            bind: self.bind.clone(),
            database_url: self.database_url.clone(),
            jwt_secret: self.jwt_secret.clone(),
            admin_password: self.admin_password.clone(),
            token_ttl_secs: self.token_ttl,
            pool_size: self.pool_size,
            workers: None,
            seed_on_start: self.seed_on_start,
            plan_workers: self.plan_workers,
            job_lease_secs: self.job_lease,
            job_poll_ms: 500,
            plan_queue_limit: self.plan_queue_limit,
            plan_retention_days: self.plan_retention_days,
            login_max_failures: self.login_max_failures,
            login_lock_secs: self.login_lock_secs,
            directory: self.ldap.settings().map_err(|e| e.to_string())?,
        })
    }
}

fn init_tracing(opts: &GlobalOpts) {
    let filter = EnvFilter::try_new(&opts.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr, so that commands printing data (exports, plans) keep stdout clean.
    // Colour codes only for a person at a terminal: a log file or collector would keep them as
    // noise (NO_COLOR, https://no-color.org, turns them off there too).
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    match opts.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.opts);
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Plan(cmd) = command {
        return match plan::run(cmd) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(2),
            Err(message) => {
                eprintln!("gpec: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match cli.opts.config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("gpec: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match command {
        Command::Serve => serve(config),
        Command::Migrate { revert_all } => admin::migrate(&config, revert_all),
        Command::Organisation(cmd) => admin::organisation(&config, cmd),
        Command::User(cmd) => admin::user(&config, cmd),
        Command::Seed => referential::run_seed(&config),
        Command::Import { entity, file } => referential::import(&config, entity, &file),
        Command::Export { entity, dialect, format } => referential::export(&config, entity, format, dialect),
        Command::Plan(_) => unreachable!("handled above"),
        Command::Demo(DemoCmd::Generate { organisation, agents, seed }) => {
            referential::demo(&config, &organisation, agents, seed)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gpec: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config).await.map_err(|e| e.to_string())?;
        if let Some(password) = &app.generated_admin_password {
            // Shown once, on the terminal only: it is never logged.
            println!("Created user 'admin' in organisation NATIONAL with the generated password: {password}");
            println!("Keep it now: it will not be shown again.");
        }
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}
