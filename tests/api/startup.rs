//! First start and restarts: the NATIONAL admin, the JWT secret rules.

use reqwest::StatusCode;

use crate::helpers::{TestDb, spawn_with, test_config};
use gpec::http::server::Application;

#[actix_web::test]
async fn a_first_start_without_admin_password_generates_one_that_works_and_shows_it_once() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.admin_password = None;
    let app = spawn_with(db, config.clone()).await;
    let password = app.generated_admin_password.clone().expect("a generated password");
    assert!(password.len() >= 16);
    app.token("admin", &password).await;
    let db = app.stop().await;

    let again = spawn_with(db, config).await;
    assert!(again.generated_admin_password.is_none(), "shown only on the first start");
    again.token("admin", &password).await;
}

#[actix_web::test]
async fn the_embedded_setup_generates_a_secret_once_and_tokens_survive_a_restart() {
    let db = TestDb::new();
    if db.is_postgres() {
        return; // PostgreSQL requires an explicit secret: see the next test.
    }
    let mut config = test_config(&db);
    config.jwt_secret = None;
    let app = spawn_with(db, config.clone()).await;
    let token = app.admin_token().await;
    let db = app.stop().await;

    let app = spawn_with(db, config).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn postgres_refuses_to_start_without_an_explicit_secret() {
    let db = TestDb::new();
    if !db.is_postgres() {
        return;
    }
    let mut config = test_config(&db);
    config.jwt_secret = None;
    let err = Application::build(config).await.err().expect("start refused");
    let message = err.to_string();
    assert!(message.starts_with("GPEC_JWT_SECRET: must be set on PostgreSQL"), "{message}");
}

#[actix_web::test]
async fn a_short_secret_is_refused() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.jwt_secret = Some("short".into());
    let err = Application::build(config).await.err().expect("start refused");
    assert_eq!(err.to_string(), "GPEC_JWT_SECRET: must be at least 32 characters long");
}

#[actix_web::test]
async fn two_and_three_instances_started_at_once_on_one_empty_database_all_become_ready() {
    for instances in [2, 3] {
        let db = TestDb::new();
        let config = test_config(&db);
        // Every instance prepares the database at the same moment: migrations, secret, admin, seed.
        let started = futures_util::future::join_all((0..instances).map(|_| Application::build(config.clone()))).await;
        let client = reqwest::Client::new();
        let mut handles = Vec::new();
        for app in started {
            let app = app.unwrap_or_else(|e| panic!("every one of {instances} instances starts: {e}"));
            let ready = format!("http://127.0.0.1:{}/ready", app.port());
            handles.push(app.handle());
            actix_web::rt::spawn(app.run_until_stopped());
            assert_eq!(client.get(&ready).send().await.unwrap().status(), StatusCode::OK);
        }
        // They share one referential and one first administrator.
        let app = spawn_with(db, config).await;
        let token = app.admin_token().await;
        let users = app.get_items("/api/v1/users", &token).await;
        assert_eq!(users.len(), 1, "{users:?}");
        let competency = app.get_json("/api/v1/competencies/pedagogie", &token).await;
        assert_eq!(competency["code"], "pedagogie");
        for handle in handles {
            handle.stop(true).await;
        }
    }
}
