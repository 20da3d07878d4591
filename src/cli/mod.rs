//! The `gpec` command line: the server (default) and administration commands.

mod admin;
mod forecast;
mod plan;
mod progress;
mod referential;
mod trajectory;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

use crate::config::{Config, DEFAULT_BIND, DEFAULT_DATABASE_URL, LdapOpts};
use crate::http::server::Application;

#[derive(Parser)]
#[command(
    name = "gpec",
    version,
    about = "GPEC server: competency dictionary, job sheets, agents' levels and load-to-ETP planning",
    after_help = "Without a command, gpec serves (as `gpec serve`, whose options the environment may set: \
                  `gpec serve --help` lists them)."
)]
pub struct Cli {
    #[command(flatten)]
    pub opts: GlobalOpts,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What every command uses: the database, the logs, the form of a printed report.
#[derive(Args, Clone)]
pub struct GlobalOpts {
    /// Database URL: sqlite://PATH or postgres://…
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,
    /// Pooled database connections
    #[arg(long, env = "GPEC_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub pool_size: u32,
    /// Load the national referential on the first start of an empty database
    #[arg(long, env = "GPEC_SEED", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub seed_on_start: bool,
    /// Log filter (tracing EnvFilter syntax), e.g. info or gpec=debug,actix_web=info
    #[arg(long, env = "GPEC_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format
    #[arg(long, env = "GPEC_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// How a command prints its report: text for a person, json for a script
    #[arg(long, value_enum, default_value_t = Output::Text, global = true)]
    pub output: Output,
}

/// The server's own options. The environment sets them for every command (the first start of an
/// empty database creates the admin and the signing secret, whatever the command).
#[derive(Parser, Clone)]
#[command(name = "gpec serve")]
pub struct ServeOpts {
    /// Address to listen on
    #[arg(long, env = "GPEC_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// Token signing secret, at least 32 characters; generated and stored on SQLite when unset,
    /// required on PostgreSQL (prefer the environment variable)
    #[arg(long, env = "GPEC_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Password of the first admin user, on the first start; generated and printed once when
    /// unset (prefer the environment variable)
    #[arg(long, env = "GPEC_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// HTTP worker threads (default: one per core)
    #[arg(long, env = "GPEC_WORKERS", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub workers: Option<u16>,
    /// Token lifetime in seconds
    #[arg(long, env = "GPEC_TOKEN_TTL", default_value_t = 3600)]
    pub token_ttl: u64,
    /// Plans this instance solves at the same time; 0 leaves the queue to other instances
    #[arg(long, env = "GPEC_PLAN_WORKERS", default_value_t = 1)]
    pub plan_workers: usize,
    /// Seconds after which a running plan whose instance went silent is solved again by another
    #[arg(long, env = "GPEC_JOB_LEASE", default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..))]
    pub job_lease: u64,
    /// Plans one organisation may have queued or solving at once; past it, 429 with Retry-After
    #[arg(long, env = "GPEC_PLAN_QUEUE_LIMIT", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub plan_queue_limit: u32,
    /// Days the scenario of a failed or cancelled plan is kept
    #[arg(long, env = "GPEC_PLAN_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub plan_retention_days: u32,
    /// Failed sign-ins of one account name before it is locked (an address: five times as many)
    #[arg(long, env = "GPEC_LOGIN_MAX_FAILURES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_max_failures: u32,
    /// Seconds a sign-in lock lasts
    #[arg(long, env = "GPEC_LOGIN_LOCK_SECS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    pub login_lock_secs: u64,
    /// Minutes without a request after which a web session ends
    #[arg(long, env = "GPEC_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,
    /// The service is reached over HTTPS (directly or behind a proxy): session cookies are marked Secure
    #[arg(long, env = "GPEC_HTTPS")]
    pub https: bool,
    #[command(flatten)]
    pub ldap: LdapOpts,
}

/// How a command prints what it did.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default when no command is given)
    Serve(Box<ServeOpts>),
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
    /// Project or plan the workforce years ahead: hires, moves and training per job sheet (JSON
    /// files, no database)
    #[command(subcommand)]
    Trajectory(trajectory::TrajectoryCmd),
    /// Forecast a history file (`activity,period,volume`, at least 24 months per activity) and
    /// print `activity,period,forecast,lo80,hi80,lo95,hi95`; each activity's backtest goes to
    /// stderr. Exit 1 on a bad file (the line is named), 2 when some activities were refused
    /// (the others are printed). No database
    Forecast {
        /// The history file (CSV, `,` or `;`); `-` reads standard input
        history: std::path::PathBuf,
        /// Months to forecast, 1 to 18
        #[arg(long, default_value_t = 12)]
        horizon: usize,
    },
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
        /// The password of the demo's users (rh.<org>, production.<org>, lecteur.<org>,
        /// campus.<org>); without it, one is generated and printed once
        #[arg(long, env = "GPEC_DEMO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Start the service once the data is there
        #[arg(long)]
        serve: bool,
    },
}

/// The configuration of `opts` and `serve`.
fn config(opts: &GlobalOpts, serve: &ServeOpts) -> Result<Config, String> {
    Ok(Config {
        bind: serve.bind.clone(),
        database_url: opts.database_url.clone(),
        jwt_secret: serve.jwt_secret.clone(),
        admin_password: serve.admin_password.clone(),
        token_ttl_secs: serve.token_ttl,
        pool_size: opts.pool_size,
        workers: serve.workers.map(usize::from),
        seed_on_start: opts.seed_on_start,
        plan_workers: serve.plan_workers,
        job_lease_secs: serve.job_lease,
        job_poll_ms: 500,
        plan_queue_limit: serve.plan_queue_limit,
        plan_retention_days: serve.plan_retention_days,
        login_max_failures: serve.login_max_failures,
        login_lock_secs: serve.login_lock_secs,
        session_idle_minutes: serve.session_idle_minutes,
        https: serve.https,
        directory: serve.ldap.settings().map_err(|e| e.to_string())?,
    })
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
    let output = cli.opts.output;
    // Without `serve`, the server's settings come from the environment alone.
    let (command, serve) = match cli.command {
        Some(Command::Serve(serve)) => (None, *serve),
        other => (other, ServeOpts::parse_from(["gpec serve"])),
    };
    // The file commands need no database, nor the server's settings.
    match command {
        Some(Command::Plan(cmd)) => return file_command(plan::run(cmd, output)),
        Some(Command::Trajectory(cmd)) => return file_command(trajectory::run(cmd)),
        Some(Command::Forecast { history, horizon }) => return file_command(forecast::run(&history, horizon, output)),
        _ => {}
    }
    let config = match config(&cli.opts, &serve) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("gpec: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match command {
        None | Some(Command::Serve(_)) => self::serve(config),
        Some(Command::Migrate { revert_all }) => admin::migrate(&config, revert_all, output),
        Some(Command::Organisation(cmd)) => admin::organisation(&config, cmd, output),
        Some(Command::User(cmd)) => admin::user(&config, cmd, output),
        Some(Command::Seed) => referential::run_seed(&config, output),
        Some(Command::Import { entity, file }) => referential::import(&config, entity, &file, output),
        Some(Command::Export { entity, dialect, format }) => referential::export(&config, entity, format, dialect),
        Some(Command::Plan(_) | Command::Trajectory(_) | Command::Forecast { .. }) => unreachable!("handled above"),
        Some(Command::Demo(DemoCmd::Generate { organisation, agents, seed, password, serve })) => {
            referential::demo(&config, &organisation, agents, seed, password, output)
                .and_then(|()| if serve { self::serve(config) } else { Ok(()) })
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

/// The bytes of a file, or of standard input for `-`.
fn read_input(path: &std::path::Path) -> Result<Vec<u8>, String> {
    if path == std::path::Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| format!("reading standard input: {e}"))?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The exit of a command on files: 0 when whole, 2 when partial (a plan stopped by its time
/// limit, activities refused), 1 on bad input.
fn file_command(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
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
