//! The OpenAPI document: metadata, the bearer scheme, and the error responses paths share.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gpec",
        description = "Gestion prévisionnelle des emplois et des compétences for the CNAF / CAF and \
                       Urssaf branches: competency dictionary, job sheets, agents' levels, \
                       load-to-ETP planning, campus trainers."
    ),
    modifiers(&BearerScheme),
    components(schemas(ErrorBody)),
    tags(
        (name = "ops", description = "Liveness and readiness"),
        (name = "auth", description = "Tokens"),
        (name = "organisations", description = "Organisations: NATIONAL, CAF, Urssaf, campuses"),
        (name = "users", description = "Users and their roles"),
        (name = "competencies", description = "The branch competency dictionary, versioned"),
        (name = "job-profiles", description = "National job sheets (fiches emploi): versions, diffs, comparisons"),
        (name = "agents", description = "Agents, their assessments, current levels and gaps"),
        (name = "analytics", description = "Mobility ranking, team matrix, arcs, training needs, cover"),
        (name = "csv", description = "CSV export and all-or-nothing import of the referential"),
        (name = "planning", description = "Activities, monthly loads, unavailability, pools and penalties; the ETP report"),
        (name = "campus", description = "Training campuses: modules, internal trainers, engagements, sessions, reports"),
        (name = "plans", description = "Exact allocation plans, solved as durable jobs, saved and compared"),
        (name = "audit", description = "The append-only audit trail of every write"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// What any authenticated route may answer besides its own outcomes.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum AuthErrors {
    /// Missing, malformed, expired or invalid token, or its user no longer exists.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ErrorBody),
    /// The token is valid but lacks the role this action needs.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ErrorBody),
    /// The database is unavailable, or a write collided with a concurrent one (`Retry-After`).
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(ErrorBody),
}

/// The resource does not exist or lies outside the caller's organisation.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum NotFound {
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ErrorBody),
}

/// Errors of a route that takes a body.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum BodyErrors {
    /// Invalid input; `details` names each field or line.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ErrorBody),
    /// The body is too large.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(ErrorBody),
}

/// A conflicting or stale change.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum Conflict {
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(ErrorBody),
}

/// `If-Match` named a version that is no longer current; nothing was written.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum Stale {
    #[response(status = 412, content_type = "application/problem+json", headers(("ETag" = String, description = "The current version")))]
    PreconditionFailed(ErrorBody),
}

/// The stored data cannot be planned as it is; `details` names each field.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum Unprocessable {
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(ErrorBody),
}

/// The organisation's quota is used up; `Retry-After` says when to ask again.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum TooManyRequests {
    #[response(status = 429, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait")))]
    TooManyRequests(ErrorBody),
}
