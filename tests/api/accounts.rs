//! Accounts an organisation can run: one's own password, resets with a one-time password, roles,
//! deactivation, the last national administrator, the password policy, sign-in locks, and the
//! tokens those changes revoke.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_PASSWORD, JWT_SECRET, TestApp, TestDb, USER_PASSWORD, assert_error, spawn_app, spawn_with, test_config,
};

const NEW_PASSWORD: &str = "une phrase de passe assez longue";

async fn body_of(res: reqwest::Response, status: StatusCode) -> Value {
    let code = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(code, status, "{body}");
    body
}

async fn change_own(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    app.post("/api/v1/me/password", token, json!({"current_password": current, "new_password": new})).await
}

#[actix_web::test]
async fn changing_ones_own_password_needs_the_current_one_and_revokes_earlier_tokens() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    let old = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;

    let res = change_own(&app, &old, "not-the-password", NEW_PASSWORD).await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(body["message"].as_str().unwrap().starts_with("current_password:"), "{body}");
    // Too short breaks the documented shape (400); well-formed but easy to guess is refused by
    // the policy (422).
    let refusals = [
        ("motdepasse2024", StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
        ("aaaaaaaaaaaaaaaa", StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
        ("rh78rh78rh78rh78", StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
        ("court", StatusCode::BAD_REQUEST, "invalid_input"),
    ];
    for (weak, status, error) in refusals {
        let body = assert_error(change_own(&app, &old, USER_PASSWORD, weak).await, status, error).await;
        assert_eq!(body["details"][0]["field"], "new_password", "{weak}: {body}");
    }
    assert_eq!(app.get("/api/v1/me", &old).await.status(), StatusCode::OK, "a refused change revokes nothing");

    let fresh = body_of(change_own(&app, &old, USER_PASSWORD, NEW_PASSWORD).await, StatusCode::OK).await;
    let fresh = fresh["access_token"].as_str().unwrap().to_owned();
    assert_error(app.get("/api/v1/me", &old).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(app.get("/api/v1/me", &fresh).await.status(), StatusCode::OK);
    assert_eq!(app.login("rh78", USER_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    app.token("rh78", NEW_PASSWORD).await;
}

#[actix_web::test]
async fn a_reset_gives_a_one_time_password_that_allows_nothing_but_changing_it() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    app.create_organisation("CAF-13", "caf").await;
    let admin78 = app.user_with_roles("admin78", "CAF-78", &["admin"]).await;
    let admin13 = app.user_with_roles("admin13", "CAF-13", &["admin"]).await;
    let hr78 = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;

    // Another organisation's administrator, and a user without the role, cannot.
    let res = app.post("/api/v1/users/rh78/password-reset", &admin13, json!({})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.post("/api/v1/users/admin78/password-reset", &hr78, json!({})).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    let reset = body_of(app.post("/api/v1/users/rh78/password-reset", &admin78, json!({})).await, StatusCode::OK).await;
    assert_eq!(reset["user"]["must_change_password"], true);
    let one_time = reset["one_time_password"].as_str().unwrap().to_owned();
    assert_error(app.get("/api/v1/me", &hr78).await, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let limited = app.token("rh78", &one_time).await;
    assert_eq!(app.get("/api/v1/me", &limited).await.status(), StatusCode::OK);
    let body = assert_error(app.get("/api/v1/agents", &limited).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(body["message"].as_str().unwrap().contains("one-time password"), "{body}");

    let fresh = body_of(change_own(&app, &limited, &one_time, NEW_PASSWORD).await, StatusCode::OK).await;
    let fresh = fresh["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/agents", fresh).await.status(), StatusCode::OK);
    let me = app.get_json("/api/v1/me", fresh).await;
    assert_eq!(me["must_change_password"], false);
}

#[actix_web::test]
async fn an_admin_changes_roles_and_deactivation_stops_tokens_at_once_and_for_good() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    app.create_organisation("CAF-13", "caf").await;
    let admin78 = app.user_with_roles("admin78", "CAF-78", &["admin"]).await;
    let admin13 = app.user_with_roles("admin13", "CAF-13", &["admin"]).await;
    let user = app.user_with_roles("agent78", "CAF-78", &["viewer"]).await;

    let res = app.put("/api/v1/users/agent78/roles", &admin13, json!({"roles": ["hr"]})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.put("/api/v1/users/agent78/roles", &admin78, json!({"roles": ["chef"]})).await;
    assert_eq!(assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await["details"][0]["field"], "roles");
    let agent = json!({"matricule": "A1", "last_name": "Nom", "unit": "U", "fte": 1, "start_date": "2026-01-01"});
    assert_error(app.post("/api/v1/agents", &user, agent.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    let changed = body_of(
        app.put("/api/v1/users/agent78/roles", &admin78, json!({"roles": ["hr", "viewer"]})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["roles"], json!(["hr", "viewer"]));
    // The same token now carries the new role.
    let res = app
        .post(
            "/api/v1/agents",
            &user,
            json!({"matricule": "A1", "last_name": "Nom", "unit": "U", "fte": 1, "start_date": "2026-01-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    assert_error(
        app.post("/api/v1/users/agent78/deactivate", &admin13, json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let res = app.post("/api/v1/users/admin78/deactivate", &admin78, json!({})).await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let off = body_of(app.post("/api/v1/users/agent78/deactivate", &admin78, json!({})).await, StatusCode::OK).await;
    assert_eq!(off["active"], false);
    let body = assert_error(app.get("/api/v1/me", &user).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert!(body["message"].as_str().unwrap().contains("deactivated"), "{body}");
    let refused =
        assert_error(app.login("agent78", USER_PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let unknown =
        assert_error(app.login("nobody78", USER_PASSWORD).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(refused, unknown, "a deactivated account answers like an unknown one");

    let res = app.post("/api/v1/users/agent78/reactivate", &admin13, json!({})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let on = body_of(app.post("/api/v1/users/agent78/reactivate", &admin78, json!({})).await, StatusCode::OK).await;
    assert_eq!(on["active"], true);
    assert_error(app.get("/api/v1/me", &user).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    app.token("agent78", USER_PASSWORD).await;
}

#[actix_web::test]
async fn the_last_active_national_admin_cannot_be_removed_demoted_or_deactivated() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let demote = json!({"roles": ["viewer"]});
    let body = assert_error(
        app.put("/api/v1/users/admin/roles", &admin, demote.clone()).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("last active administrator of NATIONAL"), "{body}");

    // With a second national admin, the first may be demoted; then the second is the last one.
    let second = app.user_with_roles("admin.bis", "NATIONAL", &["admin"]).await;
    assert_eq!(app.put("/api/v1/users/admin/roles", &second, demote.clone()).await.status(), StatusCode::OK);
    for res in [
        app.put("/api/v1/users/admin.bis/roles", &second, demote).await,
        app.post("/api/v1/users/admin.bis/deactivate", &second, json!({})).await,
        app.delete("/api/v1/users/admin.bis", &second).await,
    ] {
        assert_error(res, StatusCode::CONFLICT, "conflict").await;
    }
    // A deactivated national admin does not count as the one that remains.
    let ter =
        json!({"username": "admin.ter", "password": USER_PASSWORD, "organisation": "NATIONAL", "roles": ["admin"]});
    assert_eq!(app.post("/api/v1/users", &second, ter).await.status(), StatusCode::CREATED);
    let third = app.token("admin.ter", USER_PASSWORD).await;
    assert_eq!(app.post("/api/v1/users/admin.ter/deactivate", &second, json!({})).await.status(), StatusCode::OK);
    let res = app.post("/api/v1/users/admin.bis/deactivate", &third, json!({})).await;
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(app.delete("/api/v1/users/admin.bis", &second).await, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn an_admin_cannot_lock_themselves_out_by_a_reset_or_by_dropping_their_admin_role() {
    let app = spawn_app().await;
    let second = app.user_with_roles("admin.bis", "NATIONAL", &["admin"]).await;
    let own = [
        app.post("/api/v1/users/admin.bis/password-reset", &second, json!({})).await,
        app.put("/api/v1/users/admin.bis/roles", &second, json!({"roles": ["hr"]})).await,
    ];
    for res in own {
        let body = assert_error(res, StatusCode::CONFLICT, "conflict").await;
        assert!(body["message"].as_str().unwrap().contains("your own"), "{body}");
    }
    // Still an admin, still signed in; adding a role to oneself is fine, and so is the same
    // change made by another administrator.
    let res = app.put("/api/v1/users/admin.bis/roles", &second, json!({"roles": ["admin", "hr"]})).await;
    assert_eq!(body_of(res, StatusCode::OK).await["roles"], json!(["admin", "hr"]));
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/users/admin.bis/password-reset", &admin, json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_weak_or_common_password_is_refused_when_a_user_is_created() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for weak in [
        "password1234",
        "motdepasse2024",
        "azertyuiop123",
        "nouveau.user1234",
        "qsdfghjklmwxcvbn",
        "allocationsfamiliales",
    ] {
        let user =
            json!({"username": "nouveau.user", "password": weak, "organisation": "NATIONAL", "roles": ["viewer"]});
        let res = app.post("/api/v1/users", &admin, user).await;
        let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
        assert_eq!(body["details"][0]["field"], "password", "{weak}: {body}");
    }
    assert_error(app.get("/api/v1/users/nouveau.user", &admin).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn repeated_failures_lock_the_account_until_time_or_an_admin_lifts_it() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.login_max_failures = 3;
    config.login_lock_secs = 2;
    let app = spawn_with(db, config).await;
    app.create_organisation("CAF-78", "caf").await;
    app.user_with_roles("rh78", "CAF-78", &["hr"]).await;

    for _ in 0..3 {
        assert_error(app.login("rh78", "wrong-password-here").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    // Locked: even the right password waits, and the answer says how long.
    let res = app.login("rh78", USER_PASSWORD).await;
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_error(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // An unknown name is locked alike, so a lock says nothing of who exists.
    for _ in 0..3 {
        app.login("personne78", "wrong-password-here").await;
    }
    assert_eq!(app.login("personne78", "wrong-password-here").await.status(), StatusCode::TOO_MANY_REQUESTS);

    // Lifted by time.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    app.token("rh78", USER_PASSWORD).await;

    // Lifted by an administrator.
    for _ in 0..3 {
        app.login("rh78", "wrong-password-here").await;
    }
    assert_eq!(app.login("rh78", USER_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another organisation's administrator cannot lift it: the account is not in their reach.
    app.create_organisation("CAF-13", "caf").await;
    let admin13 = app.user_with_roles("admin13", "CAF-13", &["admin"]).await;
    let res = app.post("/api/v1/users/rh78/unlock", &admin13, json!({})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.login("rh78", USER_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    let admin = app.admin_token().await;
    assert_eq!(app.post("/api/v1/users/rh78/unlock", &admin, json!({})).await.status(), StatusCode::OK);
    app.token("rh78", USER_PASSWORD).await;
}

#[actix_web::test]
async fn one_address_failing_on_many_names_is_locked_too() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.login_max_failures = 2;
    let app = spawn_with(db, config).await;
    // Five times the account limit, spread over names that each stay under it.
    for k in 0..10 {
        app.login(&format!("essai{}", k / 2), "wrong-password-here").await;
    }
    let res = app.login("admin", ADMIN_PASSWORD).await;
    assert_error(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}

/// A token signed with the service's secret, with the claims given.
fn forged(claims: Value) -> String {
    use jsonwebtoken::{EncodingKey, Header, encode};
    encode(&Header::default(), &claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).unwrap()
}

#[actix_web::test]
async fn a_token_living_longer_than_the_maximum_or_without_an_id_is_refused() {
    let app = spawn_app().await;
    let me = app.get_json("/api/v1/me", &app.admin_token().await).await;
    assert_eq!(me["username"], "admin");
    let now = chrono::Utc::now().timestamp();
    let ttl = test_config(&app.db).token_ttl_secs as i64;
    // User 1 is the first admin, at epoch 0.
    let fair = forged(json!({"sub": "1", "iat": now, "exp": now + ttl, "jti": "a", "ver": 0}));
    assert_eq!(app.get("/api/v1/me", &fair).await.status(), StatusCode::OK, "the forge makes valid tokens");
    let long = forged(json!({"sub": "1", "iat": now, "exp": now + ttl + 60, "jti": "b", "ver": 0}));
    let body = assert_error(app.get("/api/v1/me", &long).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert!(body["message"].as_str().unwrap().contains("lifetime"), "{body}");
    let no_id = forged(json!({"sub": "1", "iat": now, "exp": now + ttl, "ver": 0}));
    assert_error(app.get("/api/v1/me", &no_id).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let old_epoch = forged(json!({"sub": "1", "iat": now, "exp": now + ttl, "jti": "c", "ver": -1}));
    assert_error(app.get("/api/v1/me", &old_epoch).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn the_cli_resets_passwords_changes_roles_and_deactivates_through_the_same_rules() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let db = app.stop().await;

    let out = crate::helpers::gpec(&db, &["user", "reset-password", "--username", "rh78"], "");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let one_time =
        stdout.lines().find_map(|l| l.strip_prefix("one-time password of rh78: ")).expect(&stdout).to_owned();
    let out = crate::helpers::gpec(&db, &["user", "roles", "--username", "rh78", "--role", "viewer"], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("rh78 (CAF-78, viewer) has new roles"));
    let out = crate::helpers::gpec(&db, &["user", "roles", "--username", "admin", "--role", "viewer"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("last active administrator of NATIONAL"));
    let out = crate::helpers::gpec(&db, &["user", "deactivate", "--username", "rh78"], "");
    assert!(out.status.success());

    let config = test_config(&db);
    let app = spawn_with(db, config).await;
    assert_eq!(app.login("rh78", &one_time).await.status(), StatusCode::UNAUTHORIZED, "deactivated");
    let db = app.stop().await;
    assert!(crate::helpers::gpec(&db, &["user", "reactivate", "--username", "rh78"], "").status.success());
    let config = test_config(&db);
    let app = spawn_with(db, config).await;
    let limited = app.token("rh78", &one_time).await;
    assert_eq!(app.get_json("/api/v1/me", &limited).await["roles"], json!(["viewer"]));
}
