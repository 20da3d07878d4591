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
    ("GET", "/api/v1/organisations"),
    ("POST", "/api/v1/organisations"),
    ("GET", "/api/v1/organisations/{code}"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users/{username}"),
    ("DELETE", "/api/v1/users/{username}"),
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
    ("GET", "/api/v1/unavailability"),
    ("PUT", "/api/v1/unavailability"),
    ("GET", "/api/v1/planning-settings"),
    ("PUT", "/api/v1/planning-settings"),
    ("GET", "/api/v1/etp"),
    ("POST", "/api/v1/plans"),
    ("GET", "/api/v1/plans"),
    ("GET", "/api/v1/plans/{id}"),
    ("GET", "/api/v1/plans/{id}/scenario"),
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
