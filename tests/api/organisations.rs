//! Organisation scoping: a user sees and changes only their organisation; NATIONAL sees all.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

#[actix_web::test]
async fn a_user_of_one_caf_gets_404_for_another_cafs_resources() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    app.create_organisation("CAF-13", "caf").await;
    let admin78 = app.user_with_roles("admin78", "CAF-78", &["admin"]).await;
    app.user_with_roles("admin13", "CAF-13", &["admin"]).await;

    // Their own organisation is visible; the other one does not exist for them.
    assert_eq!(app.get("/api/v1/organisations/CAF-78", &admin78).await.status(), StatusCode::OK);
    let hidden =
        assert_error(app.get("/api/v1/organisations/CAF-13", &admin78).await, StatusCode::NOT_FOUND, "not_found").await;
    let missing =
        assert_error(app.get("/api/v1/organisations/CAF-99", &admin78).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(hidden, missing, "a hidden organisation answers exactly like a missing one");

    assert_error(app.get("/api/v1/users/admin13", &admin78).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.delete("/api/v1/users/admin13", &admin78).await, StatusCode::NOT_FOUND, "not_found").await;
    let into_other =
        json!({"username": "intruder", "password": "long-enough-and-more", "organisation": "CAF-13", "roles": ["hr"]});
    assert_error(app.post("/api/v1/users", &admin78, into_other).await, StatusCode::NOT_FOUND, "not_found").await;

    let listed: Vec<Value> = app.get("/api/v1/organisations", &admin78).await.json().await.unwrap();
    let codes: Vec<&str> = listed.iter().map(|o| o["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["CAF-78"]);
    let users = app.get_items("/api/v1/users", &admin78).await;
    let names: Vec<&str> = users.iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin78"]);

    // The national administrator sees everything.
    let national = app.admin_token().await;
    assert_eq!(app.get("/api/v1/organisations/CAF-13", &national).await.status(), StatusCode::OK);
    let listed: Vec<Value> = app.get("/api/v1/organisations", &national).await.json().await.unwrap();
    assert_eq!(listed.len(), 3);
}

#[actix_web::test]
async fn a_caf_admin_creates_users_in_their_own_caf_only() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    let admin78 = app.user_with_roles("admin78", "CAF-78", &["admin"]).await;
    let body = json!({"username": "hr.dupont", "password": "long-enough-and-more", "organisation": "caf-78", "roles": ["hr", "viewer", "hr"]});
    let res = app.post("/api/v1/users", &admin78, body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["organisation"], "CAF-78");
    assert_eq!(created["roles"], json!(["hr", "viewer"]));
    assert!(created.get("password").is_none() && created.get("password_hash").is_none());

    let again =
        json!({"username": "hr.dupont", "password": "long-enough-and-more", "organisation": "CAF-78", "roles": ["hr"]});
    assert_error(app.post("/api/v1/users", &admin78, again).await, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn creating_an_organisation_validates_each_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = assert_error(
        app.post("/api/v1/organisations", &admin, json!({"code": "CAF 78!", "name": "x", "kind": "caf"})).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(body["details"][0]["field"], "code");
    let body = assert_error(
        app.post("/api/v1/organisations", &admin, json!({"code": "CAF-78", "name": "x", "kind": "mutuelle"})).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("mutuelle"), "{body}");
    assert_error(
        app.post("/api/v1/organisations", &admin, json!({"code": "NATIONAL", "name": "again", "kind": "national"}))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    // Nothing was written by the refused requests.
    let listed: Vec<Value> = app.get("/api/v1/organisations", &admin).await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
}
