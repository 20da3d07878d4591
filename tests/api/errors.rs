//! The one error shape: bad bodies, oversized bodies, unknown routes, an unavailable database.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, assert_error, spawn_app};

#[actix_web::test]
async fn an_oversized_body_gets_413() {
    let app = spawn_app().await;
    let huge = json!({"username": "admin", "password": "x".repeat(512 * 1024)});
    let res = app.client.post(app.url("/api/v1/auth/token")).json(&huge).send().await.unwrap();
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[actix_web::test]
async fn a_malformed_json_body_gets_400_naming_the_problem() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("Content-Type", "application/json")
        .body(r#"{"username": "admin", "password": }"#)
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("invalid JSON body: expected value at line 1 column"), "{message}");
    assert_eq!(body["details"][0]["line"], 1);

    let res = app.client.post(app.url("/api/v1/auth/token")).json(&json!({"username": "admin"})).send().await.unwrap();
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "password");

    let extra = json!({"username": "admin", "password": ADMIN_PASSWORD, "role": "admin"});
    let res = app.client.post(app.url("/api/v1/auth/token")).json(&extra).send().await.unwrap();
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "role", "an unknown field is named: {body}");

    let res = app.client.post(app.url("/api/v1/auth/token")).body("username=admin").send().await.unwrap();
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "Content-Type");
}

#[actix_web::test]
async fn an_unknown_route_gets_a_json_404() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
    let body = assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["message"], "no route for GET /api/v1/nothing-here");
}

#[actix_web::test]
async fn health_answers_and_ready_checks_the_database() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "ready");
}

/// On PostgreSQL the database can be taken away under the running app; it must answer 503
/// (SQLite keeps an open file usable, so there the case cannot be staged this way).
#[actix_web::test]
async fn a_lost_database_gets_503_without_revealing_the_cause() {
    let app = spawn_app().await;
    if !app.db.is_postgres() {
        return;
    }
    let token = app.admin_token().await;
    let admin_url = std::env::var("GPEC_TEST_DATABASE_URL").unwrap();
    let name = app.db.url.rsplit('/').next().unwrap().to_owned();
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};
    let mut conn = PgConnection::establish(&admin_url).unwrap();
    conn.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();

    let res = app.client.get(app.url("/ready")).send().await.unwrap();
    let body = assert_error(res, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert_eq!(body["message"], "the database is unavailable");
    let res = app.get("/api/v1/organisations", &token).await;
    let body = assert_error(res, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert!(!body.to_string().contains(&name), "the cause stays in the logs");
}
