//! Every answer the tests receive through `TestApp::request` is checked against the OpenAPI
//! document: its status is one the route documents, and a JSON body validates (JSON Schema
//! 2020-12, formats included) against the schema documented for that status and media type. So
//! the whole suite is a test that real responses of the routes it exercises match the document.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

struct Document {
    root: Value,
    /// Path templates as documented, e.g. `/api/v1/plans/{id}/agents`.
    templates: Vec<String>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let root = serde_json::to_value(gpec::http::server::openapi()).expect("the document as JSON");
        let templates = root["paths"].as_object().expect("paths").keys().cloned().collect();
        Document { root, templates, validators: Mutex::new(HashMap::new()) }
    })
}

/// The documented template `path` falls under: the one with the most literal segments.
fn template_of<'a>(doc: &'a Document, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    doc.templates
        .iter()
        .filter_map(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            let fits =
                parts.len() == segments.len() && parts.iter().zip(&segments).all(|(p, s)| p.starts_with('{') || p == s);
            fits.then(|| (parts.iter().filter(|p| !p.starts_with('{')).count(), t.as_str()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, t)| t)
}

fn validator(doc: &Document, key: String, schema: &Value) -> Arc<jsonschema::Validator> {
    let mut cache = doc.validators.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(key)
        .or_insert_with(|| {
            // The schema with the document's components beside it, where its `$ref`s point.
            let mut root = schema.clone();
            root["components"] = doc.root["components"].clone();
            let built = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                .build(&root)
                .expect("a schema of the document compiles");
            Arc::new(built)
        })
        .clone()
}

/// Panics when the answer to `method path` breaks the document. Paths and methods the
/// document does not list (a wrong method, an unknown path) are left to the tests that send them.
pub fn check(method: &str, path_and_query: &str, status: u16, media: Option<&str>, body: &[u8]) {
    let doc = document();
    let path = path_and_query.split('?').next().unwrap_or_default();
    let Some(template) = template_of(doc, path) else { return };
    let operation = &doc.root["paths"][template][method.to_lowercase()];
    if !operation.is_object() {
        return;
    }
    let answer = &operation["responses"][status.to_string()];
    assert!(answer.is_object(), "{method} {path_and_query} answered {status}, which {template} does not document");
    let media = media.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_owned();
    if !media.ends_with("json") || body.is_empty() {
        return;
    }
    let schema = &answer["content"][&media]["schema"];
    assert!(schema.is_object(), "{method} {template} {status}: {media} is not documented");
    let value: Value = serde_json::from_slice(body).expect("a JSON body");
    let validator = validator(doc, format!("{method} {template} {status} {media}"), schema);
    let errors: Vec<String> =
        validator.iter_errors(&value).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path_and_query} {status} breaks the document: {errors:#?}\n{value}");
}

#[test]
fn an_answer_that_breaks_the_document_is_caught() {
    let user = |roles: &str, at: &str| {
        format!(
            r#"{{"username":"admin","organisation":"NATIONAL","roles":{roles},"created_at":"{at}","active":true,"must_change_password":false,"directory":false}}"#
        )
    };
    let caught = |status: u16, body: String| {
        std::panic::catch_unwind(|| check("GET", "/api/v1/me", status, Some("application/json"), body.as_bytes()))
            .is_err()
    };
    assert!(!caught(200, user(r#"["admin"]"#, "2026-12-03T13:22:45.023945Z")), "what the service answers");
    assert!(caught(200, r#"{"username":"admin"}"#.to_owned()), "required members missing");
    assert!(caught(200, user(r#"["Admin"]"#, "2026-12-03T13:22:45Z")), "a role in the wrong words");
    assert!(caught(200, user(r#"["admin"]"#, "2026-12-03T13:22:45")), "an instant without its zone");
    assert!(caught(418, String::new()), "an undocumented status");
    // A route the document lacks is left to the test that asks it.
    check("GET", "/api/v1/no-such-route", 404, Some("application/json"), b"{}");
}
