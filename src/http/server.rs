//! Building and running the server: database preparation, then the actix app.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use super::auth::Jwt;
use super::extract;
use super::openapi::ApiDoc;
use super::{AppState, configure};
use crate::config::Config;
use crate::db::{DatabaseUrl, Db, migrations};
use crate::domain::bootstrap;
use crate::domain::planning::request::QueueQuota;
use crate::domain::referential_csv::seed;
use crate::domain::sign_in::Throttle;
use crate::error::ApiError;
use crate::jobs;

/// The OpenAPI document of every route [`configure`] registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(configure).split_for_parts().1;
    super::openapi::state_what_is_checked(&mut doc);
    doc
}

/// What preparing the database yields: the signing secret and, on a first start without
/// `GPEC_ADMIN_PASSWORD`, the generated admin password to show once.
pub struct Prepared {
    pub jwt_secret: String,
    pub generated_admin_password: Option<String>,
}

/// Opens the pool for `config`, with a readable error for a bad `DATABASE_URL`.
pub fn open_db(config: &Config) -> Result<Db, ApiError> {
    let url = DatabaseUrl::parse(&config.database_url).map_err(|m| ApiError::bad_request(m, vec![]))?;
    Db::open(&url, config.pool_size)
}

/// Migrations, signing secret and first administrator, before any request is served. Instances
/// sharing one database do this one at a time (see [`crate::db::exclusively`]).
pub fn prepare(db: &Db, config: &Config) -> Result<Prepared, ApiError> {
    let mut conn = db.conn()?;
    crate::db::enable_wal(&mut conn)?;
    crate::db::exclusively(&mut conn, |conn| prepare_locked(conn, config))
}

fn prepare_locked(conn: &mut crate::db::DbConnection, config: &Config) -> Result<Prepared, ApiError> {
    let applied = migrations::run_pending(conn)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    let jwt_secret = bootstrap::jwt_secret(conn, config.jwt_secret.as_deref())?;
    if config.seed_on_start && seed::is_unseeded(conn)? {
        match seed::run(conn, &crate::domain::access::Principal::system()) {
            Ok(report) => tracing::info!(?report, "loaded the national referential"),
            // Another instance sharing the database seeded it first.
            Err(ApiError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let generated_admin_password = match bootstrap::first_admin(conn, config.admin_password.as_deref()) {
        // Another instance sharing the database created them first.
        Err(ApiError::Conflict { .. }) => None,
        other => other?,
    };
    Ok(Prepared { jwt_secret, generated_admin_password })
}

pub struct Application {
    port: u16,
    server: Server,
    workers: Option<jobs::Workers>,
    pub generated_admin_password: Option<String>,
}

impl Application {
    /// Prepares the database and binds the listener; the server runs once awaited.
    pub async fn build(config: Config) -> Result<Self, ApiError> {
        let db = open_db(&config)?;
        let prepare_config = config.clone();
        let prepare_db = db.clone();
        let prepared = web::block(move || prepare(&prepare_db, &prepare_config))
            .await
            .map_err(|e| ApiError::internal("start-up task failed", e))??;
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| ApiError::invalid("GPEC_BIND", format!("cannot listen on {}: {e}", config.bind)))?;
        let port = listener.local_addr().map_err(|e| ApiError::internal("listener", e))?.port();
        tracing::info!(address = %config.bind, port, database = %db.url(), "gpec listening");

        let plan_quota = QueueQuota::new(config.plan_queue_limit);
        let jwt = Jwt::new(&prepared.jwt_secret, config.token_ttl_secs);
        let sign_in = Throttle {
            max_failures: i32::try_from(config.login_max_failures).unwrap_or(i32::MAX),
            lock: Duration::from_secs(config.login_lock_secs),
        };
        let directory = config.directory.clone().map(crate::ldap::LdapDirectory::new).transpose()?;
        let state = web::Data::new(AppState { db, jwt, plan_quota, sign_in, directory });
        let pages = web::Data::new(crate::web::WebSettings {
            idle: crate::domain::web_sessions::Idle(Duration::from_secs(u64::from(config.session_idle_minutes) * 60)),
            https: config.https,
        });
        let worker_db = state.db.clone();
        let doc = openapi();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(extract::raw_too_large_as_json())
                .wrap(actix_web::middleware::from_fn(extract::refuse_control_characters))
                .wrap(actix_web::middleware::from_fn(super::auth::answer_request_id))
                // Plans and exports run to megabytes of JSON and CSV: compressed when asked.
                .wrap(actix_web::middleware::Compress::default())
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(pages.clone())
                .app_data(extract::json_config())
                .app_data(extract::payload_config())
                .app_data(extract::path_config())
                .app_data(extract::query_config())
                .route("/docs", web::get().to(docs_redirect))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", doc.clone()))
                .into_utoipa_app()
                .configure(configure)
                .into_app()
                .configure(crate::web::configure)
                .default_service(web::to(extract::no_route))
        })
        .listen(listener)
        .map_err(|e| ApiError::internal("listen", e))?;
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let workers = (config.plan_workers > 0).then(|| {
            jobs::start(
                worker_db,
                jobs::WorkerConfig {
                    count: config.plan_workers,
                    lease: Duration::from_secs(config.job_lease_secs),
                    poll: Duration::from_millis(config.job_poll_ms),
                    retention: Duration::from_secs(u64::from(config.plan_retention_days) * 86_400),
                },
            )
        });
        let generated_admin_password = prepared.generated_admin_password;
        Ok(Self { port, server: server.run(), workers, generated_admin_password })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped; the plan workers stop with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(workers) = &self.workers {
            workers.stop();
        }
        result
    }
}

/// `/docs` without the trailing slash leads to the Swagger UI.
async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish()
}
