//! The OpenAPI document: it parses, and it lists exactly the routes the app serves.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::spawn_app;

/// Every route the app serves besides `/docs` and the document itself. A route added to the
/// app without being listed here (or missing from the document) fails this test.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/health"),
    ("GET", "/ready"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/me/password"),
    ("GET", "/api/v1/organisations"),
    ("POST", "/api/v1/organisations"),
    ("GET", "/api/v1/organisations/{code}"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users/{username}"),
    ("DELETE", "/api/v1/users/{username}"),
    ("POST", "/api/v1/users/{username}/password-reset"),
    ("PUT", "/api/v1/users/{username}/roles"),
    ("POST", "/api/v1/users/{username}/deactivate"),
    ("POST", "/api/v1/users/{username}/reactivate"),
    ("POST", "/api/v1/users/{username}/unlock"),
    ("GET", "/api/v1/competencies"),
    ("POST", "/api/v1/competencies"),
    ("GET", "/api/v1/competencies/{code}"),
    ("PUT", "/api/v1/competencies/{code}"),
    ("POST", "/api/v1/competencies/{code}/retire"),
    ("GET", "/api/v1/competencies/{code}/versions"),
    ("GET", "/api/v1/competencies/{code}/versions/{number}"),
    ("GET", "/api/v1/competencies/{code}/diff"),
    ("GET", "/api/v1/job-profiles"),
    ("POST", "/api/v1/job-profiles"),
    ("GET", "/api/v1/job-profiles/{code}"),
    ("PUT", "/api/v1/job-profiles/{code}"),
    ("POST", "/api/v1/job-profiles/{code}/validate"),
    ("POST", "/api/v1/job-profiles/{code}/archive"),
    ("GET", "/api/v1/job-profiles/{code}/versions"),
    ("GET", "/api/v1/job-profiles/{code}/versions/{number}"),
    ("GET", "/api/v1/job-profiles/{code}/diff"),
    ("GET", "/api/v1/job-profiles/{a}/compare/{b}"),
    ("GET", "/api/v1/csv/{entity}"),
    ("POST", "/api/v1/csv/{entity}"),
    ("GET", "/api/v1/agents"),
    ("POST", "/api/v1/agents"),
    ("GET", "/api/v1/agents/{id}"),
    ("PUT", "/api/v1/agents/{id}"),
    ("GET", "/api/v1/agents/{id}/assessments"),
    ("POST", "/api/v1/agents/{id}/assessments"),
    ("GET", "/api/v1/agents/{id}/levels"),
    ("GET", "/api/v1/agents/{id}/gap"),
    ("GET", "/api/v1/analytics/mobility"),
    ("GET", "/api/v1/analytics/matrix"),
    ("GET", "/api/v1/analytics/arcs"),
    ("GET", "/api/v1/analytics/training-needs"),
    ("GET", "/api/v1/analytics/cover"),
    ("GET", "/api/v1/activities"),
    ("POST", "/api/v1/activities"),
    ("GET", "/api/v1/activities/{code}"),
    ("PUT", "/api/v1/activities/{code}"),
    ("DELETE", "/api/v1/activities/{code}"),
    ("GET", "/api/v1/loads"),
    ("PUT", "/api/v1/loads"),
    ("GET", "/api/v1/actuals"),
    ("GET", "/api/v1/actuals/months"),
    ("PUT", "/api/v1/actuals"),
    ("GET", "/api/v1/forecasts"),
    ("POST", "/api/v1/forecasts"),
    ("GET", "/api/v1/forecasts/{id}"),
    ("PUT", "/api/v1/forecasts/{id}/rows"),
    ("GET", "/api/v1/variance"),
    ("GET", "/api/v1/variance/signals"),
    ("GET", "/api/v1/unavailability"),
    ("PUT", "/api/v1/unavailability"),
    ("GET", "/api/v1/trajectory/assumptions"),
    ("PUT", "/api/v1/trajectory/assumptions"),
    ("GET", "/api/v1/trajectory/targets"),
    ("PUT", "/api/v1/trajectory/targets"),
    ("GET", "/api/v1/trajectory/projection"),
    ("POST", "/api/v1/trajectory/plans"),
    ("GET", "/api/v1/trajectory/plans"),
    ("GET", "/api/v1/trajectory/plans/{id}"),
    ("GET", "/api/v1/trajectory/plans/{id}/case"),
    ("DELETE", "/api/v1/trajectory/plans/{id}"),
    ("GET", "/api/v1/planning-settings"),
    ("PUT", "/api/v1/planning-settings"),
    ("GET", "/api/v1/etp"),
    ("POST", "/api/v1/plans"),
    ("GET", "/api/v1/plans"),
    ("GET", "/api/v1/plans/{id}"),
    ("GET", "/api/v1/plans/{id}/scenario"),
    ("GET", "/api/v1/plans/{id}/agents"),
    ("DELETE", "/api/v1/plans/{id}"),
    ("GET", "/api/v1/plans/{a}/compare/{b}"),
    ("GET", "/api/v1/modules"),
    ("POST", "/api/v1/modules"),
    ("GET", "/api/v1/modules/{code}"),
    ("PUT", "/api/v1/modules/{code}"),
    ("GET", "/api/v1/trainers"),
    ("POST", "/api/v1/trainers"),
    ("GET", "/api/v1/trainers/{id}"),
    ("PUT", "/api/v1/trainers/{id}"),
    ("GET", "/api/v1/engagements"),
    ("POST", "/api/v1/engagements"),
    ("GET", "/api/v1/engagements/{id}"),
    ("POST", "/api/v1/engagements/{id}/agreements"),
    ("POST", "/api/v1/engagements/{id}/reservation"),
    ("POST", "/api/v1/trainers/{id}/acceptance"),
    ("POST", "/api/v1/sessions/{id}/enrolments"),
    ("GET", "/api/v1/campus-requests"),
    ("POST", "/api/v1/agents/{id}/trainer-account"),
    ("GET", "/api/v1/me/trainer"),
    ("POST", "/api/v1/trainers/{id}/facilitation-trainings"),
    ("GET", "/api/v1/campus-settings"),
    ("GET", "/api/v1/campus-reports/organisations"),
    ("PUT", "/api/v1/campus-settings"),
    ("POST", "/api/v1/engagements/{id}/transitions"),
    ("GET", "/api/v1/sessions"),
    ("POST", "/api/v1/sessions"),
    ("GET", "/api/v1/sessions/{id}"),
    ("POST", "/api/v1/sessions/{id}/evaluations"),
    ("POST", "/api/v1/sessions/{id}/validations"),
    ("GET", "/api/v1/campus-reports/expiring"),
    ("GET", "/api/v1/campus-reports/hours"),
    ("GET", "/api/v1/campus-reports/satisfaction"),
    ("GET", "/api/v1/campus-reports/contribution"),
    ("GET", "/api/v1/audit"),
];

const PUBLIC: &[&str] = &["/health", "/ready", "/api/v1/auth/token"];

#[actix_web::test]
async fn the_openapi_document_parses_and_lists_every_route_the_app_serves() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let typed: utoipa::openapi::OpenApi = serde_json::from_str(&text).expect("a well-formed OpenAPI document");
    assert!(typed.components.unwrap().security_schemes.contains_key("bearer"));

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} documents its success");
            if let Some(created) = responses.get("201") {
                assert!(created["headers"]["Location"].is_object(), "{method} {path} documents Location");
            }
            for (status, answer) in responses.iter().filter(|(s, _)| s.starts_with('4') || s.starts_with('5')) {
                let problem = answer["content"].get("application/problem+json");
                assert!(problem.is_some(), "{method} {path} {status} is documented as problem+json");
            }
            if !PUBLIC.contains(&path.as_str()) {
                assert!(responses.contains_key("401"), "{method} {path} documents 401");
                assert!(responses.contains_key("503"), "{method} {path} documents 503");
                assert!(op["security"].is_array(), "{method} {path} declares its security");
            }
            if op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("400") && responses.contains_key("413"),
                    "{method} {path} documents 400 and 413"
                );
            }
            if path.contains('{') {
                // A path parameter naming a resource can miss it (404); one naming a kind of
                // resource (e.g. a CSV entity) is refused as bad input (400).
                let documented = responses.contains_key("404") || responses.contains_key("400");
                assert!(documented, "{method} {path} documents 404 or 400");
            }
        }
    }
    let expected: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, expected);

    // Every documented operation is really served: none falls through to the no-route answer.
    let token = app.admin_token().await;
    for (method, path) in &documented {
        let concrete = path
            .replace("{code}", "NATIONAL")
            .replace("{username}", "nobody")
            .replace("{number}", "1")
            .replace("{a}", "CSU")
            .replace("{b}", "ACCOMPAGNEMENT")
            .replace("{entity}", "competencies")
            .replace("{id}", "1");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = if method == Method::POST || method == Method::PUT { Some(serde_json::json!({})) } else { None };
        let res = app.request(method.clone(), &concrete, Some(&token), body).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(!text.contains("no route for"), "{method} {concrete} is documented but not served ({status})");
    }

    // The interactive UI is there too.
    let res = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().to_lowercase().contains("swagger"));
    let res = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "/docs leads to the UI");
}

/// The bounds the document states for a field, as (minimum or exclusive minimum, maximum).
fn stated_bounds(doc: &Value, schema: &str, field: &str) -> (Option<f64>, Option<f64>, Option<f64>) {
    let property = &doc["components"]["schemas"][schema]["properties"][field];
    assert!(property.is_object(), "{schema}.{field} is in the document: {}", doc["components"]["schemas"][schema]);
    (property["minimum"].as_f64(), property["exclusiveMinimum"].as_f64(), property["maximum"].as_f64())
}

#[actix_web::test]
async fn the_document_states_the_bounds_the_checks_apply() {
    use gpec::domain::bounds::{self, Bound};
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let cases: [(&str, &str, Bound); 9] = [
        ("ActivityInput", "minutes_per_item", bounds::MINUTES_PER_ITEM),
        ("ActivityInput", "backlog_normal_max", bounds::ITEMS),
        ("ActivityInput", "backlog_critical_max", bounds::ITEMS),
        ("LoadRow", "volume", bounds::ITEMS),
        ("LoadRow", "opening_backlog", bounds::ITEMS),
        ("UnavailabilityRow", "hours", bounds::MONTH_HOURS),
        ("StoredSettings", "hours_per_fte", bounds::HOURS_PER_FTE),
        ("ModuleInput", "duration_hours", bounds::MODULE_HOURS),
        ("TrainerHours", "hours", Bound { min: 0.0, min_exclusive: true, max: 744.0, unit: "hours" }),
    ];
    for (schema, field, bound) in cases {
        let (min, exclusive_min, max) = stated_bounds(&doc, schema, field);
        let expected = if bound.min_exclusive { (None, Some(bound.min)) } else { (Some(bound.min), None) };
        assert_eq!((min, exclusive_min), expected, "{schema}.{field}: minimum");
        assert_eq!(max, Some(bound.max), "{schema}.{field}: maximum");
    }
    for (schema, field, max) in [
        ("AgentInput", "last_name", 200),
        ("AgentInput", "unit", 200),
        ("NewOrganisationDto", "name", 200),
        ("ActivityInput", "label", 200),
        ("ModuleInput", "title", 200),
        ("TokenRequest", "password", 128),
    ] {
        let property = &doc["components"]["schemas"][schema]["properties"][field];
        assert_eq!(property["maxLength"].as_u64(), Some(max), "{schema}.{field}: maxLength in {property}");
    }
    assert_eq!(gpec::domain::types::NAME_MAX_CHARS, 200);
}

/// The name each `ToSchema` type takes in the document: its own, or the one `#[schema(as = …)]`
/// gives it.
fn schema_names(dir: &std::path::Path, names: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            schema_names(&path, names);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut pending: Option<Option<String>> = None; // after a derive(ToSchema): the `as` name, if any
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                pending = Some(None);
            } else if let (Some(alias), Some(rest)) = (&mut pending, line.strip_prefix("#[schema(as = ")) {
                *alias = Some(rest.trim_end_matches(")]").to_owned());
            } else if let Some(alias) = &pending
                && let Some(rest) =
                    ["pub struct ", "pub enum ", "struct ", "enum "].iter().find_map(|p| line.strip_prefix(p))
            {
                let own: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                names.push((alias.clone().unwrap_or(own), path.display().to_string()));
                pending = None;
            }
        }
    }
}

#[test]
fn every_schema_has_a_name_of_its_own() {
    // utoipa keeps one schema per name: a second type of the same name silently replaces the
    // first in the document, and clients see the wrong fields.
    let mut names = Vec::new();
    schema_names(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut names);
    assert!(names.len() > 50, "the scan finds the schemas: {}", names.len());
    names.sort();
    let clashes: Vec<_> = names.windows(2).filter(|w| w[0].0 == w[1].0).collect();
    assert!(clashes.is_empty(), "schema names used twice: {clashes:?}");
}

/// Every schema of the document, with where it sits, depth first.
fn schemas<'a>(at: String, value: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(members) => {
            if members.contains_key("type") || members.contains_key("allOf") || members.contains_key("enum") {
                out.push((at.clone(), value));
            }
            for (key, inner) in members {
                schemas(format!("{at}/{key}"), inner, out);
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| schemas(format!("{at}/{i}"), v, out)),
        _ => {}
    }
}

#[actix_web::test]
async fn the_document_describes_bodies_a_client_can_send_in_the_words_the_service_speaks() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut found = Vec::new();
    schemas(String::new(), &doc, &mut found);
    for (at, schema) in &found {
        // An allOf of an object that refuses other members with anything that adds one is a
        // schema no body satisfies.
        if let Some(parts) = schema["allOf"].as_array() {
            let closed = parts.iter().any(|p| p["additionalProperties"] == Value::Bool(false));
            assert!(!closed || parts.len() == 1, "{at}: an allOf with a closed object");
        }
        // Enumerations are the wire words (`admin`, `savoir-faire`), not Rust's variant names.
        for word in schema["enum"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            assert!(!word.starts_with(|c: char| c.is_ascii_uppercase()), "{at}: enum value {word}");
        }
    }
    let edit = &doc["components"]["schemas"]["Versioned_ActivityInput"];
    assert!(edit["required"].as_array().unwrap().contains(&Value::from("version")), "{edit}");
    assert_eq!(edit["properties"]["code"]["type"], "string", "one object, not an allOf: {edit}");
    // Free text says what the service checks of it.
    let label = &edit["properties"]["label"];
    assert_eq!(label["minLength"], 1, "{label}");
    assert!(label["pattern"].as_str().unwrap().contains("\\u0000"), "{label}");

    // Instants carry their zone (RFC 3339), as the document's date-time says.
    let admin = app.admin_token().await;
    let me: Value = app.get("/api/v1/users/admin", &admin).await.json().await.unwrap();
    let at = me["created_at"].as_str().unwrap();
    assert!(at.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
}
