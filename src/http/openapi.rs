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
        (name = "trajectory", description = "Workforce trajectory: assumptions, targets, projection and optimal plan of hires and moves"),
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
    /// A malformed path or query parameter: a number out of range, a text holding a control
    /// character, a parameter the route does not know; `details` names it.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ErrorBody),
    /// A well-formed request the data refuses: an unknown reference, an end before its start;
    /// `details` names the field.
    #[response(status = 422, content_type = "application/problem+json")]
    Refused(ErrorBody),
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

/// The schema of `T` with one more member `key`: the body [`crate::http::extract::split_object`]
/// reads. Written out as one object, because an `allOf` of an object that refuses unknown
/// members and one that adds `key` is a schema no body can satisfy.
pub fn object_with_member<T: utoipa::PartialSchema>(
    key: &str,
    member: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    required: bool,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    with_member(T::schema(), key, member, required)
}

/// The schema of a stored document `T` with its bookkeeping members (`version`, `updated_at`,
/// `updated_by`). By hand: a derived schema would be an `allOf` of `T`, which refuses other
/// members, and of the bookkeeping members, which no answer could satisfy.
pub fn stored<T: utoipa::PartialSchema>(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
    use utoipa::openapi::{KnownFormat, RefOr};
    let mut schema = T::schema();
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        object.additional_properties = None;
        object.description = Some(description.into());
    }
    let version =
        ObjectBuilder::new().schema_type(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)));
    let at = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
    let by = ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]));
    let schema = with_member(schema, "version", version.into(), true);
    let schema = with_member(schema, "updated_at", at.into(), true);
    with_member(schema, "updated_by", by.into(), true)
}

/// `schema`, an object, with one more member `key`.
pub fn with_member(
    schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    key: &str,
    member: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    required: bool,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let RefOr::T(Schema::Object(mut object)) = schema else { unreachable!("members are added to an object") };
    object.properties.insert(key.to_owned(), member);
    if required {
        object.required.push(key.to_owned());
    }
    RefOr::T(Schema::Object(object))
}

/// The rule every text sent to gpec obeys (see `crate::http::extract`), as a JSON Schema
/// pattern: no control character but tab, line feed and carriage return.
const PLAIN_TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// A name or label: no control character at all, and something besides spaces.
const NAME: &str =
    "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// `schema`, an object, documented without members besides its own. An edit ignores unknown
/// members, so that a client may send back what it read; the document names only those that
/// mean something.
pub fn closed(
    mut schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
    }
    schema
}

/// A date as the service reads it: `2026-12-03`.
const DATE: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// Longest free-text path or query parameter, so that a path with several stays under the
/// text limit.
const PARAMETER_MAX_CHARS: usize = 1000;

/// States on every free text of the document (bodies, parameters, answers) what the service
/// checks of all text: no control characters, at most `MAX_TEXT_CHARS`. A text with a format,
/// a list of values or a pattern of its own already says more. Objects are documented closed:
/// gpec writes no other members, and reads none that it documents nowhere.
pub fn state_what_is_checked(doc: &mut utoipa::openapi::OpenApi) {
    close_objects(doc);
    flying_team_months(doc);
    use utoipa::openapi::RefOr;
    let in_content = |content: &mut RefOr<utoipa::openapi::content::Content>| {
        if let RefOr::T(content) = content
            && let Some(schema) = &mut content.schema
        {
            text_rules(schema);
        }
    };
    if let Some(components) = &mut doc.components {
        // An error may quote what was sent, control characters and all, to name the problem.
        components
            .schemas
            .iter_mut()
            .filter(|(name, _)| !["ErrorBody", "Detail"].contains(&name.as_str()))
            .for_each(|(_, s)| text_rules(s));
    }
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(parameter) = parameter
                    && let Some(schema) = &mut parameter.schema
                {
                    text_rules(schema);
                    // The whole path and query are held to the text limit: each parameter gets
                    // a share of it.
                    if let RefOr::T(utoipa::openapi::schema::Schema::Object(object)) = schema
                        && object.pattern.as_deref() == Some(PLAIN_TEXT)
                    {
                        object.max_length = Some(object.max_length.unwrap_or(usize::MAX).min(PARAMETER_MAX_CHARS));
                    }
                }
            }
            if let Some(RefOr::T(body)) = &mut operation.request_body {
                body.content.values_mut().for_each(in_content);
            }
            // An error may quote what was sent, control characters and all, to name the problem.
            for (_, response) in operation.responses.responses.iter_mut().filter(|(status, _)| status.starts_with('2'))
            {
                if let RefOr::T(response) = response {
                    response.content.values_mut().for_each(in_content);
                }
            }
        }
    }
}

/// A flying team's hours are by month (`2027-03`), each at least 0: what the settings check. The
/// planning crate's schema knows only a map of numbers.
fn flying_team_months(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, Schema, Type};
    let Some(RefOr::T(Schema::Object(team))) =
        doc.components.as_mut().and_then(|c| c.schemas.get_mut("planning.FlyingTeam"))
    else {
        return;
    };
    if let Some(RefOr::T(Schema::Object(hours))) = team.properties.get_mut("hours_per_period") {
        let months = utoipa::openapi::ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$"));
        hours.property_names = Some(Box::new(months.build().into()));
        if let Some(extra) = hours.additional_properties.as_deref_mut()
            && let AdditionalProperties::RefOr(RefOr::T(Schema::Object(value))) = extra
        {
            value.minimum = Some(0.into());
            value.maximum = Some(1_000_000_000.into());
        }
    }
}

/// Closes every object schema of the components (`additionalProperties: false`) but those an
/// `allOf` extends, which would then admit no value at all.
fn close_objects(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    fn extended(value: &serde_json::Value, out: &mut std::collections::HashSet<String>) {
        match value {
            serde_json::Value::Object(members) => {
                for part in members.get("allOf").and_then(|p| p.as_array()).into_iter().flatten() {
                    if let Some(name) = part["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                        out.insert(name.to_owned());
                    }
                }
                members.values().for_each(|v| extended(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| extended(v, out)),
            _ => {}
        }
    }
    let mut parts = std::collections::HashSet::new();
    extended(&serde_json::to_value(&*doc).unwrap_or_default(), &mut parts);
    let Some(components) = &mut doc.components else { return };
    for (name, schema) in components.schemas.iter_mut().filter(|(name, _)| !parts.contains(*name)) {
        if let RefOr::T(Schema::Object(object)) = schema
            && !object.properties.is_empty()
            && object.additional_properties.is_none()
            && name != "ErrorBody"
        {
            object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
}

fn text_rules(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use crate::domain::types::NAME_MAX_CHARS;
    use utoipa::openapi::KnownFormat;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaFormat, SchemaType, Type};
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            let text = match &object.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(types) => types.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            let date = matches!(object.format, Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
            if text && date && object.pattern.is_none() {
                // `format` alone is an annotation in JSON Schema 2020-12: an empty text would pass.
                object.pattern = Some(DATE.to_owned());
            } else if text && object.pattern.is_none() && object.max_length == Some(NAME_MAX_CHARS) {
                // A name (`types::name_problem`): one line, not blank.
                object.pattern = Some(NAME.to_owned());
                object.min_length = Some(1);
            } else if text && object.format.is_none() && object.enum_values.is_none() && object.pattern.is_none() {
                object.pattern = Some(PLAIN_TEXT.to_owned());
                object.max_length.get_or_insert(crate::http::extract::MAX_TEXT_CHARS);
            }
            if object.schema_type == SchemaType::Type(Type::Object) {
                // Member names are text too.
                match object.property_names.as_deref_mut() {
                    Some(Schema::Object(names)) if names.pattern.is_none() => {
                        names.pattern = Some(PLAIN_TEXT.to_owned())
                    }
                    Some(_) => {}
                    None => {
                        let names =
                            utoipa::openapi::ObjectBuilder::new().schema_type(Type::String).pattern(Some(PLAIN_TEXT));
                        object.property_names = Some(Box::new(names.build().into()));
                    }
                }
            }
            object.properties.values_mut().for_each(text_rules);
            if let Some(extra) = &mut object.additional_properties
                && let AdditionalProperties::RefOr(extra) = extra.as_mut()
            {
                text_rules(extra);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                text_rules(items);
            }
        }
        Schema::AllOf(all) => all.items.iter_mut().for_each(text_rules),
        Schema::OneOf(one) => one.items.iter_mut().for_each(text_rules),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(text_rules),
        _ => {}
    }
}

/// The schema of a creation body: a `code` and the content an edit changes, as one object that
/// refuses unknown members, as the body is read (a derived `allOf` would let any member through).
macro_rules! new_with_code {
    ($name:ident, $content:ty, $pattern:literal, $description:literal) => {
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let code = utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some($pattern))
                    .description(Some($description));
                let schema = crate::http::openapi::object_with_member::<$content>("code", code.into(), true);
                crate::http::openapi::closed(schema)
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                <$content as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
pub(crate) use new_with_code;
