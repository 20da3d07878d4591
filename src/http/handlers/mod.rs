//! One module per resource; each handler extracts, authorises, calls the domain, returns a DTO.

pub mod accounts;
pub mod actuals;
pub mod agents;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod campus;
pub mod campus_consent;
pub mod campus_settings;
pub mod competencies;
pub mod csv;
pub mod forecasts;
pub mod health;
pub mod job_profiles;
pub mod organisations;
pub mod planning;
pub mod plans;
pub mod trajectory;
pub mod users;
pub mod variance;

/// The body of an edit: the new content, and the version it was made from (here, or as
/// `If-Match`). A newer current version answers 409 (412 under `If-Match`) and nothing is written.
#[derive(serde::Serialize)]
pub struct Versioned<T: utoipa::ToSchema> {
    /// The version the edit was made from; may be left out when `If-Match` names it.
    pub version: Option<i32>,
    #[serde(flatten)]
    pub content: T,
}

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::UnknownFields;

/// The documented shape of a `Versioned<T>` body, for `request_body = …`: the path macro takes
/// no hand-written generic schema, so each edited type gets a named marker.
macro_rules! versioned_schemas {
    ($($marker:ident => $inner:ty),+ $(,)?) => {$(
        pub struct $marker;

        impl utoipa::PartialSchema for $marker {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                versioned_schema::<$inner>()
            }
        }

        impl utoipa::ToSchema for $marker {
            fn name() -> std::borrow::Cow<'static, str> {
                format!("Versioned_{}", <$inner as utoipa::ToSchema>::name()).into()
            }

            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                <$inner as utoipa::ToSchema>::schemas(schemas);
            }
        }
    )+};
}

versioned_schemas! {
    VersionedAgent => crate::domain::agents::AgentInput,
    VersionedCompetency => crate::domain::competencies::CompetencyContent,
    VersionedProfile => crate::domain::job_profiles::ProfileContent,
    VersionedActivity => crate::domain::planning::activities::ActivityInput,
    VersionedSettings => crate::domain::planning::settings::Settings,
    VersionedModule => crate::domain::campus::modules::ModuleInput,
    VersionedAssumptions => crate::domain::trajectory::assumptions::Assumptions,
}

fn versioned_schema<T: utoipa::PartialSchema>() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
    // Documented as required: `If-Match` may stand in for it, which a schema cannot say.
    let version = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int32)))
        .description(Some("The version the edit was made from; may be left out when `If-Match` names it."));
    crate::http::openapi::closed(crate::http::openapi::object_with_member::<T>("version", version.into(), true))
}

/// How a report is answered: JSON (default) or an Excel workbook to print or share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    #[default]
    Json,
    Xlsx,
}

/// `?format=` alone, for a report whose other parameters are in its path.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AsReport {
    /// `json` (default) or `xlsx`: an Excel workbook.
    #[serde(default)]
    #[param(inline)]
    pub format: ReportFormat,
}

/// `report` as JSON, or as the workbook `workbook` writes, downloaded as `name.xlsx`.
pub fn report<T: serde::Serialize>(
    format: ReportFormat,
    report: &T,
    name: &str,
    workbook: impl FnOnce(&T) -> Result<Vec<u8>, crate::error::ApiError>,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Ok(match format {
        ReportFormat::Json => actix_web::HttpResponse::Ok().json(report),
        ReportFormat::Xlsx => actix_web::HttpResponse::Ok()
            .content_type(crate::domain::xlsx::MEDIA_TYPE)
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.xlsx\""),
            ))
            .body(workbook(report)?),
    })
}

/// Characters a path segment or query value must escape.
const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `text` as one path segment or query value.
pub fn escaped(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, ESCAPED).to_string()
}

/// A 201 with `body`, whose `Location` is `path` (already escaped), where what was made is read.
pub fn created(path: String, body: impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created().insert_header((actix_web::http::header::LOCATION, path)).json(body)
}

/// How a request's `?organisation=` or `?campus=` code names the organisation it is about.
pub type Resolve = fn(&mut DbConnection, &Principal, Option<&str>) -> Result<i32, ApiError>;

/// Runs `read` on the organisation `resolve` finds for the caller's `code`, on the database pool.
pub async fn within<T, F>(
    state: &AppState,
    who: Principal,
    code: Option<String>,
    resolve: Resolve,
    read: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, i32) -> Result<T, ApiError> + Send + 'static,
{
    state
        .db
        .run(move |conn| {
            let organisation = resolve(conn, &who, code.as_deref())?;
            read(conn, organisation)
        })
        .await
}

/// A page of a list as JSON, with a `Link` header (RFC 8288) to its first, previous, next and
/// last pages: the request's own path and query with another `page`.
pub fn paged<T: utoipa::ToSchema + serde::Serialize>(
    req: &actix_web::HttpRequest,
    page: &crate::domain::paging::Page<T>,
) -> actix_web::HttpResponse {
    let kept: Vec<&str> = req.query_string().split('&').filter(|p| !p.is_empty() && !p.starts_with("page=")).collect();
    let at = |n: usize| {
        let query =
            kept.iter().copied().chain(std::iter::once(format!("page={n}").as_str())).collect::<Vec<_>>().join("&");
        format!("<{}?{query}>", req.path())
    };
    let last = page.total.div_ceil(page.per_page).max(1);
    let mut links = vec![format!("{}; rel=\"first\"", at(1)), format!("{}; rel=\"last\"", at(last))];
    if page.page > 1 {
        links.push(format!("{}; rel=\"prev\"", at((page.page - 1).min(last))));
    }
    if page.page < last {
        links.push(format!("{}; rel=\"next\"", at(page.page + 1)));
    }
    actix_web::HttpResponse::Ok().insert_header((actix_web::http::header::LINK, links.join(", "))).json(page)
}

/// `?name=value` when the request named a value (a campus, an organisation), else nothing.
pub fn query(name: &str, value: Option<&str>) -> String {
    value.map_or_else(String::new, |v| format!("?{name}={}", escaped(v)))
}

/// By hand, so that the content's own rule on unknown fields holds (see `split_object`).
impl<'de, T: utoipa::ToSchema + serde::de::DeserializeOwned> serde::Deserialize<'de> for Versioned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (version, content) = crate::http::extract::split_object(deserializer, "version", UnknownFields::AsInner)?;
        Ok(Self { version, content })
    }
}
