//! Input at the edges: NUL and control characters, numbers and texts beyond their bounds,
//! unknown fields, bad dates inside JSON, raw bodies over the limit. Each is refused with a 4xx
//! that names the field (or line and column), on both backends, and nothing is written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, USER_PASSWORD, assert_error, spawn_app};
use crate::planning::fill_org;

/// The 400 of `res`, and the field its first detail names.
async fn refused_field(res: reqwest::Response) -> String {
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    body["details"][0]["field"].as_str().unwrap_or_else(|| panic!("a field in {body}")).to_owned()
}

async fn raw_get(app: &TestApp, path_and_query: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path_and_query}", app.address));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

#[actix_web::test]
async fn nul_is_refused_with_the_field_named_before_and_after_authentication() {
    let app = spawn_app().await;
    let production = fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", USER_PASSWORD).await;
    let admin = app.admin_token().await;

    // Before authentication: the token endpoint.
    let res = app.login("ad\u{0}min", "whatever-password").await;
    assert_eq!(refused_field(res).await, "username");
    let res = app.login("admin", "pass\u{0}word-long").await;
    assert_eq!(refused_field(res).await, "password");

    // Names in bodies, at any depth.
    let org = json!({"code": "CAF-99", "name": "CAF du\u{0}Nord", "kind": "caf"});
    assert_eq!(refused_field(app.post("/api/v1/organisations", &admin, org).await).await, "name");
    let agent =
        json!({"matricule": "Z1", "last_name": "Nul\u{0}", "unit": "PROD", "fte": 1, "start_date": "2026-01-01"});
    assert_eq!(refused_field(app.post("/api/v1/agents", &hr, agent).await).await, "last_name");
    let rows = json!({"rows": [{"activity": "ACC", "period": "2027-01", "volume": 1}, {"activity": "A\u{0}C", "period": "2027-01", "volume": 1}]});
    assert_eq!(refused_field(app.put("/api/v1/loads", &production, rows.clone()).await).await, "rows[1].activity");
    let extra = json!({"rows": [{"activity": "ACC", "period": "2027-01", "volume": 1, "volumes": 2}]});
    assert_eq!(refused_field(app.put("/api/v1/loads", &production, extra).await).await, "rows[0].volumes");
    // Other control characters too; a tab in a name is refused by the name rule.
    let agent =
        json!({"matricule": "Z1", "last_name": "Bell\u{7}", "unit": "PROD", "fte": 1, "start_date": "2026-01-01"});
    assert_eq!(refused_field(app.post("/api/v1/agents", &hr, agent).await).await, "last_name");
    let agent =
        json!({"matricule": "Z1", "last_name": "Tab\tName", "unit": "PROD", "fte": 1, "start_date": "2026-01-01"});
    assert_eq!(refused_field(app.post("/api/v1/agents", &hr, agent).await).await, "last_name");

    // Query strings and path segments, with or without a token.
    for token in [None, Some(hr.as_str())] {
        let res = raw_get(&app, "/api/v1/agents?organisation=CAF%0033", token).await;
        assert_eq!(refused_field(res).await, "organisation");
        let res = raw_get(&app, "/api/v1/competencies/peda%00gogie", token).await;
        assert_eq!(refused_field(res).await, "path");
    }

    // A CSV cell names its line and column.
    let file =
        "organisation,activity,period,volume,opening_backlog\nCAF-33,ACC,2027-05,1,\nCAF-33,ACC\u{0},2027-06,1,\n";
    let res = app.post_csv("/api/v1/csv/loads", &production, file).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(
        (body["details"][0]["line"].as_i64(), body["details"][0]["column"].as_str()),
        (Some(3), Some("activity"))
    );

    // Nothing of it was written.
    let orgs = app.get_json("/api/v1/organisations", &admin).await;
    assert!(!orgs.to_string().contains("CAF-99"));
    let agents = app.get_json("/api/v1/agents", &hr).await;
    assert_eq!(agents["total"], 3);
    assert!(!Value::from(app.get_items("/api/v1/loads", &production).await).to_string().contains("2027-05"));
}

#[actix_web::test]
async fn numbers_beyond_their_bounds_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let production = fill_org(&app, "CAF-33").await;
    let activity = |minutes: f64, normal: f64| json!({"code": "XX", "label": "Test", "minutes_per_item": minutes, "backlog_normal_max": normal, "backlog_critical_max": 1e8});
    for (body, field) in [
        (activity(10_001.0, 0.0), "minutes_per_item"),
        (activity(1.7e308, 0.0), "minutes_per_item"),
        (activity(0.0, 0.0), "minutes_per_item"),
        (activity(30.0, 1e8 + 1.0), "backlog_normal_max"),
    ] {
        assert_eq!(refused_field(app.post("/api/v1/activities", &production, body).await).await, field);
    }
    // The bounds themselves are accepted.
    let res = app.post("/api/v1/activities", &production, activity(10_000.0, 1e8)).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());

    let loads = json!({"rows": [{"activity": "ACC", "period": "2027-01", "volume": 1.7e308}]});
    assert_eq!(refused_field(app.put("/api/v1/loads", &production, loads).await).await, "rows[0].volume");
    let loads = json!({"rows": [{"activity": "ACC", "period": "2027-01", "volume": 1, "opening_backlog": 1e9}]});
    assert_eq!(refused_field(app.put("/api/v1/loads", &production, loads).await).await, "rows[0].opening_backlog");
    let away = json!({"rows": [{"matricule": "P1", "period": "2027-01", "kind": "absence", "hours": 745}]});
    assert_eq!(refused_field(app.put("/api/v1/unavailability", &production, away).await).await, "rows[0].hours");
    let file = "organisation,activity,period,volume,opening_backlog\nCAF-33,ACC,2027-01,1e300,\n";
    let body = assert_error(
        app.post_csv("/api/v1/csv/loads", &production, file).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!((body["details"][0]["line"].as_i64(), body["details"][0]["column"].as_str()), (Some(2), Some("volume")));

    let settings = app.get_json("/api/v1/planning-settings", &production).await;
    let version = settings["version"].clone();
    for (body, field) in [
        (json!({"version": version, "hours_per_fte": 1.7e308}), "hours_per_fte"),
        (json!({"version": version, "hours_per_fte": 745}), "hours_per_fte"),
        (
            json!({"version": version, "pools": {"overtime": {"max_share": 0.1, "cost_per_hour": 1e12}}}),
            "pools.overtime.cost_per_hour",
        ),
    ] {
        assert_eq!(refused_field(app.put("/api/v1/planning-settings", &production, body).await).await, field);
    }

    // Nothing was stored, so the ETP report and a plan work on sane numbers.
    let etp = app.get_json("/api/v1/etp?from=2027-01&to=2027-02", &production).await;
    assert!(!etp.to_string().contains("null"), "{etp}");
    assert_eq!(app.get_json("/api/v1/planning-settings", &production).await["hours_per_fte"], 100.0);
}

#[actix_web::test]
async fn texts_beyond_their_bounds_and_unknown_fields_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", USER_PASSWORD).await;
    let admin = app.admin_token().await;
    let agent = |extra: Value| {
        let mut body =
            json!({"matricule": "Z1", "last_name": "Nom", "unit": "PROD", "fte": 1, "start_date": "2026-01-01"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let long_name = "é".repeat(201);
    assert_eq!(
        refused_field(app.post("/api/v1/agents", &hr, agent(json!({"last_name": long_name}))).await).await,
        "last_name"
    );
    assert_eq!(
        refused_field(app.post("/api/v1/agents", &hr, agent(json!({"unit": "x".repeat(201)}))).await).await,
        "unit"
    );
    // Any text of a body has a ceiling, whatever the field.
    let res = app.post("/api/v1/agents", &hr, agent(json!({"first_name": "x".repeat(20_001)}))).await;
    assert_eq!(refused_field(res).await, "first_name");
    // POST /agents refuses an unknown field, as every other input does.
    assert_eq!(refused_field(app.post("/api/v1/agents", &hr, agent(json!({"salary": 3000}))).await).await, "salary");
    // So do the other creates whose body once went through serde's `flatten`.
    let job = json!({"code": "JOB-X", "title": "Emploi", "requirements": [], "salaire": 1});
    assert_eq!(refused_field(app.post("/api/v1/job-profiles", &admin, job).await).await, "salaire");
    let competency = json!({"code": "nouvelle", "label": "Nouvelle", "category": "savoir", "arc": "analytique",
                            "descriptors": ["a", "b", "c", "d"], "niveau": 2});
    assert_eq!(refused_field(app.post("/api/v1/competencies", &admin, competency).await).await, "niveau");
    let org = json!({"code": "CAF-98", "name": "n".repeat(201), "kind": "caf"});
    assert_eq!(refused_field(app.post("/api/v1/organisations", &admin, org).await).await, "name");

    // Passwords: a 200 KB one is refused before any hashing, at sign-in and at creation.
    let res = app.login("admin", &"p".repeat(200_000)).await;
    assert_eq!(refused_field(res).await, "password");
    let user =
        json!({"username": "long.pass", "password": "p".repeat(129), "organisation": "CAF-33", "roles": ["viewer"]});
    assert_eq!(refused_field(app.post("/api/v1/users", &admin, user).await).await, "password");
    let sentence = "Le 12 mars, la CAF des Yvelines a planifié 3 sessions de formation pour 27 agents du pôle accueil, \
                    puis 4 autres en avril à Versailles et à Mantes.";
    let longest: String = sentence.chars().take(128).collect();
    assert_eq!(longest.chars().count(), 128);
    let user = json!({"username": "long.pass", "password": longest, "organisation": "CAF-33", "roles": ["viewer"]});
    assert_eq!(app.post("/api/v1/users", &admin, user).await.status(), StatusCode::CREATED);

    assert_eq!(app.get_json("/api/v1/agents", &hr).await["total"], 3, "no agent was written");
}

#[actix_web::test]
async fn a_bad_date_inside_a_json_body_names_its_field() {
    let app = spawn_app().await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", USER_PASSWORD).await;
    let agent = json!({"matricule": "Z1", "last_name": "Nom", "unit": "PROD", "fte": 1, "start_date": ""});
    let res = app.post("/api/v1/agents", &hr, agent).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "start_date", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("start_date: ") && !message.contains("`start_date`"), "{body}");

    let id = app.get_json("/api/v1/agents", &hr).await["items"][0]["id"].as_i64().unwrap();
    let assessment = json!({"competency": "pedagogie", "level": 2, "assessed_on": "2026-13-01", "source": "manager"});
    let res = app.post(&format!("/api/v1/agents/{id}/assessments"), &hr, assessment).await;
    assert_eq!(refused_field(res).await, "assessed_on");
    let edit = json!({"version": 1, "matricule": "P1", "last_name": "Un", "unit": "PROD", "fte": 1, "start_date": "2020-01-01", "end_date": "31/12/2027"});
    assert_eq!(refused_field(app.put(&format!("/api/v1/agents/{id}"), &hr, edit).await).await, "end_date");
}

#[actix_web::test]
async fn a_raw_body_over_the_limit_gets_the_json_413() {
    let app = spawn_app().await;
    let production = fill_org(&app, "CAF-33").await;
    let huge = vec![b'a'; gpec::http::extract::MAX_RAW_BYTES + 1];
    let res = app.post_csv("/api/v1/csv/loads", &production, huge).await;
    let body = assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(body["message"].as_str().unwrap().contains("67108864 bytes"), "{body}");
}
