//! The HTTP service: routes, authentication, body limits, the OpenAPI document.

pub mod auth;
pub mod extract;
pub mod handlers;
pub mod openapi;
pub mod server;
pub mod versions;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::Db;
use auth::Jwt;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub jwt: Jwt,
    /// Plans one organisation may have queued or solving.
    pub plan_quota: crate::domain::planning::request::QueueQuota,
    /// How failed sign-ins are slowed and locked.
    pub sign_in: crate::domain::sign_in::Throttle,
    /// Directory sign-in, when set.
    pub directory: Option<crate::ldap::LdapDirectory>,
}

/// Every route of the service, registered once for the server and the tests alike. Routes go
/// through utoipa's `service`, so each one served is also in the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::health::health).service(handlers::health::ready).service(
        utoipa_actix_web::scope("/api/v1")
            .configure(handlers::auth::configure)
            .configure(handlers::organisations::configure)
            .configure(handlers::users::configure)
            .configure(handlers::accounts::configure)
            .configure(handlers::competencies::configure)
            .configure(handlers::job_profiles::configure)
            .configure(handlers::csv::configure)
            .configure(handlers::agents::configure)
            .configure(handlers::analytics::configure)
            .configure(handlers::planning::configure)
            .configure(handlers::actuals::configure)
            .configure(handlers::forecasts::configure)
            .configure(handlers::variance::configure)
            .configure(handlers::plans::configure)
            .configure(handlers::trajectory::configure)
            .configure(handlers::campus::configure)
            .configure(handlers::campus_consent::configure)
            .configure(handlers::campus_settings::configure)
            .configure(handlers::audit::configure),
    );
}
