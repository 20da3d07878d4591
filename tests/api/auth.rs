//! Tokens: issuance, and every way a token can be refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, assert_error, spawn_app};

fn signed(secret: &str, claims: Value) -> String {
    jsonwebtoken::encode(&Header::default(), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

#[actix_web::test]
async fn a_valid_login_issues_a_bearer_token_that_opens_the_api() {
    let app = spawn_app().await;
    let res = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");

    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");

    let me: Value = app.get("/api/v1/me", token).await.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["organisation"], "NATIONAL");
    assert_eq!(me["roles"], json!(["admin"]));
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let app = spawn_app().await;
    let wrong_password =
        assert_error(app.login("admin", "not-the-password").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let unknown_user =
        assert_error(app.login("nobody", ADMIN_PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(wrong_password, unknown_user, "the answer must not say which field was wrong");
    let message = wrong_password["message"].as_str().unwrap();
    assert_eq!(message, "invalid username or password");
}

async fn assert_refused(app: &crate::helpers::TestApp, authorization: Option<&str>, expected: &str) {
    let mut req = app.client.get(app.url("/api/v1/organisations"));
    if let Some(value) = authorization {
        req = req.header("Authorization", value);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"));
    let body = assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(body["message"], expected, "for Authorization {authorization:?}");
}

#[actix_web::test]
async fn a_missing_token_gets_401() {
    let app = spawn_app().await;
    assert_refused(&app, None, "a bearer token is required").await;
    assert_refused(&app, Some("Basic YWRtaW46eA=="), "the Authorization header must be 'Bearer <token>'").await;
}

#[actix_web::test]
async fn a_malformed_token_gets_401() {
    let app = spawn_app().await;
    assert_refused(&app, Some("Bearer not-a-jwt"), "the token is malformed").await;
    assert_refused(&app, Some("Bearer a.b.c"), "the token is malformed").await;
}

#[actix_web::test]
async fn an_expired_token_gets_401() {
    let app = spawn_app().await;
    let past = Utc::now().timestamp() - 3600;
    let token = signed(JWT_SECRET, json!({"sub": "1", "iat": past - 3600, "exp": past, "jti": "expired", "ver": 0}));
    assert_refused(&app, Some(&format!("Bearer {token}")), "the token has expired").await;
}

#[actix_web::test]
async fn a_token_with_a_bad_signature_gets_401() {
    let app = spawn_app().await;
    let exp = Utc::now().timestamp() + 3600;
    let forged = signed("another-secret-another-secret-another-secret", json!({"sub": "1", "exp": exp}));
    assert_refused(&app, Some(&format!("Bearer {forged}")), "the token is not valid").await;

    // A genuine token whose payload was swapped keeps a signature that no longer matches.
    let genuine = app.admin_token().await;
    let parts: Vec<&str> = genuine.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(json!({"sub": "2", "exp": exp}).to_string());
    let tampered = format!("{}.{}.{}", parts[0], payload, parts[2]);
    assert_refused(&app, Some(&format!("Bearer {tampered}")), "the token is not valid").await;
}

#[actix_web::test]
async fn an_alg_none_token_gets_401() {
    let app = spawn_app().await;
    let exp = Utc::now().timestamp() + 3600;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(json!({"sub": "1", "exp": exp}).to_string());
    for token in [format!("{header}.{payload}."), format!("{header}.{payload}")] {
        let res = app.client.get(app.url("/api/v1/organisations")).bearer_auth(&token).send().await.unwrap();
        assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
}

#[actix_web::test]
async fn a_token_whose_user_was_deleted_gets_401() {
    let app = spawn_app().await;
    let token = app.user_with_roles("leaving", "NATIONAL", &["viewer"]).await;
    assert_eq!(app.get("/api/v1/organisations", &token).await.status(), StatusCode::OK);

    let admin = app.admin_token().await;
    assert_eq!(app.delete("/api/v1/users/leaving", &admin).await.status(), StatusCode::NO_CONTENT);
    // A new user with the same name must not inherit the old token either.
    app.user_with_roles("leaving", "NATIONAL", &["viewer"]).await;
    assert_refused(&app, Some(&format!("Bearer {token}")), "the token's user no longer exists").await;
}

#[actix_web::test]
async fn a_valid_token_without_the_needed_role_gets_403() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    let viewer = app.user_with_roles("viewer78", "CAF-78", &["viewer"]).await;
    let hr = app.user_with_roles("hr78", "CAF-78", &["hr"]).await;

    let new_user =
        json!({"username": "x-user", "password": "long-enough-and-more", "organisation": "CAF-78", "roles": ["hr"]});
    let res = app.request(Method::POST, "/api/v1/users", Some(&viewer), Some(new_user)).await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(body["message"], "this action needs the role admin");

    let new_org = json!({"code": "CAF-13", "name": "CAF des Bouches-du-Rhône", "kind": "caf"});
    assert_error(app.post("/api/v1/organisations", &hr, new_org).await, StatusCode::FORBIDDEN, "forbidden").await;
    // A CAF administrator is not a national administrator either.
    let caf_admin = app.user_with_roles("admin78", "CAF-78", &["admin"]).await;
    let new_org = json!({"code": "CAF-13", "name": "CAF des Bouches-du-Rhône", "kind": "caf"});
    assert_error(app.post("/api/v1/organisations", &caf_admin, new_org).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
}
