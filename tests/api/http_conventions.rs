//! HTTP conventions client libraries rely on: problem+json errors (checked by every
//! `assert_error`), `Location` on every 201, 405 with `Allow`, `X-Request-Id`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

/// Posts `body` to `path`, expects 201, follows `Location` and returns what it reads there.
async fn created_and_read(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post(path, token, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "POST {path}");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    app.get_json(&location, token).await
}

#[actix_web::test]
async fn every_201_names_where_the_new_resource_is_read() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let org = json!({"code": "CAF-78", "name": "CAF des Yvelines", "kind": "caf"});
    assert_eq!(created_and_read(&app, &admin, "/api/v1/organisations", org).await["code"], "CAF-78");
    let user = json!({"username": "rh.78@caf", "password": crate::helpers::USER_PASSWORD, "organisation": "CAF-78",
                      "roles": ["hr"]});
    assert_eq!(created_and_read(&app, &admin, "/api/v1/users", user).await["username"], "rh.78@caf");
    let hr = app.token("rh.78@caf", crate::helpers::USER_PASSWORD).await;
    let agent = json!({"matricule": "L1", "last_name": "Lieu", "unit": "GCA", "fte": 1, "start_date": "2020-01-01"});
    let read = created_and_read(&app, &hr, "/api/v1/agents", agent).await;
    assert_eq!(read["matricule"], "L1");
    let id = read["id"].as_i64().unwrap();
    let assessment = json!({"competency": "ecoute", "level": 3, "assessed_on": "2026-01-05", "source": "manager"});
    let history = created_and_read(&app, &hr, &format!("/api/v1/agents/{id}/assessments"), assessment).await;
    assert_eq!(history.as_array().unwrap().len(), 1);
    let competency = json!({"code": "situee", "label": "Située", "category": "savoir", "arc": "analytique",
                            "descriptors": ["a", "b", "c", "d"]});
    assert_eq!(created_and_read(&app, &admin, "/api/v1/competencies", competency).await["code"], "situee");
    let job =
        json!({"code": "JOB-LOC", "title": "Emploi situé", "requirements": [{"competency": "ecoute", "level": 2}]});
    assert_eq!(created_and_read(&app, &admin, "/api/v1/job-profiles", job).await["code"], "JOB-LOC");
}

#[actix_web::test]
async fn a_wrong_method_on_a_known_path_gets_405_with_allow_and_an_unknown_path_404() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/agents", "GET, POST"),
        (Method::PATCH, "/api/v1/agents/12", "GET, PUT"),
        (Method::GET, "/api/v1/auth/token", "POST"),
        (Method::POST, "/api/v1/plans/3", "GET, DELETE"),
        (Method::PUT, "/health", "GET"),
    ] {
        let res = app.request(method.clone(), path, None, None).await;
        assert_eq!(res.headers().get("allow").map(|a| a.to_str().unwrap()), Some(allow), "{method} {path}");
        let body = assert_error(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
        assert!(body["detail"].as_str().unwrap().contains(allow), "{body}");
    }
    for path in ["/api/v1/agents/12/nothing", "/api/v1/nothing", "/api/v1/agents/"] {
        let res = app.request(Method::DELETE, path, None, None).await;
        assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[actix_web::test]
async fn every_answer_carries_its_request_id() {
    let app = spawn_app().await;
    let ok = app.client.get(app.url("/health")).send().await.unwrap();
    let refused = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    let ids: Vec<String> =
        [ok, refused].iter().map(|r| r.headers()["x-request-id"].to_str().unwrap().to_owned()).collect();
    assert_ne!(ids[0], ids[1]);
    assert!(ids.iter().all(|id| id.len() >= 32), "{ids:?}");
}

#[actix_web::test]
async fn answers_are_compressed_for_a_client_that_asks() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let plain = app.get_bytes("/api/v1/csv/competencies", &token).await;
    let res = app
        .client
        .get(app.url("/api/v1/csv/competencies"))
        .bearer_auth(&token)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    let compressed = res.bytes().await.unwrap();
    assert!(compressed.len() * 2 < plain.len(), "{} bytes gzipped from {}", compressed.len(), plain.len());
}

/// A PUT of `body` to `path` with `If-Match: tag` when given.
async fn put_if(app: &TestApp, token: &str, path: &str, tag: Option<&str>, body: Value) -> reqwest::Response {
    let mut req = app.client.put(app.url(path)).bearer_auth(token).json(&body);
    if let Some(tag) = tag {
        req = req.header("If-Match", tag);
    }
    req.send().await.unwrap()
}

fn etag_of(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_owned()
}

#[actix_web::test]
async fn an_edit_under_if_match_lands_when_current_and_a_stale_one_gets_412_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let path = "/api/v1/competencies/ecoute";
    let res = app.get(path, &admin).await;
    let tag = etag_of(&res);
    let mut content: Value = res.json().await.unwrap();
    assert_eq!(tag, format!("\"{}\"", content["version"]));
    for field in ["code", "status", "version", "levels", "is_new"] {
        content.as_object_mut().unwrap().remove(field);
    }
    content["label"] = json!("Écoute active");
    let res = put_if(&app, &admin, path, Some(&tag), content.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "no version in the body: If-Match names it");
    let newer = etag_of(&res);
    assert_ne!(newer, tag);

    content["label"] = json!("Écoute passive");
    let res = put_if(&app, &admin, path, Some(&tag), content.clone()).await;
    assert_eq!(etag_of(&res), newer, "the 412 names the current version");
    let body = assert_error(res, StatusCode::PRECONDITION_FAILED, "precondition_failed").await;
    assert_eq!(body["details"][0]["field"], "version");
    let mut stale_body = content.clone();
    stale_body["version"] = json!(1);
    assert_error(put_if(&app, &admin, path, None, stale_body.clone()).await, StatusCode::CONFLICT, "conflict").await;
    let res = put_if(&app, &admin, path, Some(&newer), stale_body).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "version", "the body and If-Match disagree");
    let weak = format!("W/{newer}");
    let body = assert_error(
        put_if(&app, &admin, path, Some(&weak), content.clone()).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(body["details"][0]["field"], "If-Match");
    assert_error(put_if(&app, &admin, path, None, content).await, StatusCode::BAD_REQUEST, "invalid_input").await;

    let res = app.get(path, &admin).await;
    assert_eq!(etag_of(&res), newer);
    assert_eq!(res.json::<Value>().await.unwrap()["label"], "Écoute active", "nothing of the refused edits");
}

#[actix_web::test]
async fn every_versioned_resource_answers_with_its_etag() {
    let app = spawn_app().await;
    let production = crate::planning::fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", crate::helpers::USER_PASSWORD).await;
    let admin = app.admin_token().await;
    let page = app.get_json("/api/v1/agents?q=P1", &hr).await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    for (path, token) in [
        (format!("/api/v1/agents/{id}"), &hr),
        ("/api/v1/job-profiles/CSU".to_owned(), &admin),
        ("/api/v1/activities/ACC".to_owned(), &production),
        ("/api/v1/planning-settings".to_owned(), &production),
    ] {
        let res = app.get(&path, token).await;
        let tag = etag_of(&res);
        let body: Value = res.json().await.unwrap();
        let version = body.get("current_version").unwrap_or(&body["version"]);
        assert_eq!(tag, format!("\"{version}\""), "{path}");
    }
    // An agent edited under If-Match, without a version in the body.
    let agent = json!({"matricule": "P1", "last_name": "Un", "unit": "AUTRE", "fte": 1, "start_date": "2020-01-01"});
    let res = put_if(&app, &hr, &format!("/api/v1/agents/{id}"), Some("\"1\""), agent.clone()).await;
    assert_eq!((res.status(), etag_of(&res)), (StatusCode::OK, "\"2\"".to_owned()));
    let res = put_if(&app, &hr, &format!("/api/v1/agents/{id}"), Some("\"1\""), agent).await;
    assert_error(res, StatusCode::PRECONDITION_FAILED, "precondition_failed").await;
}

#[actix_web::test]
async fn status_changes_take_if_match_too() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let post_if = |path: &'static str, tag: &'static str| {
        app.client.post(app.url(path)).bearer_auth(&admin).header("If-Match", tag).json(&json!({})).send()
    };
    let res = post_if("/api/v1/competencies/ecoute/retire", "\"7\"").await.unwrap();
    assert_error(res, StatusCode::PRECONDITION_FAILED, "precondition_failed").await;
    let res = post_if("/api/v1/competencies/ecoute/retire", "\"1\"").await.unwrap();
    assert_eq!((res.status(), etag_of(&res)), (StatusCode::OK, "\"2\"".to_owned()));
    let job = json!({"code": "JOB-IFM", "title": "Emploi", "requirements": [{"competency": "pedagogie", "level": 2}]});
    assert_eq!(app.post("/api/v1/job-profiles", &admin, job).await.status(), StatusCode::CREATED);
    let res = post_if("/api/v1/job-profiles/JOB-IFM/validate", "\"2\"").await.unwrap();
    assert_error(res, StatusCode::PRECONDITION_FAILED, "precondition_failed").await;
    let res = post_if("/api/v1/job-profiles/JOB-IFM/validate", "\"1\"").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.get_json("/api/v1/job-profiles/JOB-IFM", &admin).await["status"], "validated");
}

/// The `rel` → target pairs of a `Link` header.
fn links(res: &reqwest::Response) -> std::collections::BTreeMap<String, String> {
    let header = res.headers()["link"].to_str().unwrap();
    header
        .split(", ")
        .map(|part| {
            let (target, rel) = part.split_once("; rel=").unwrap();
            (rel.trim_matches('"').to_owned(), target.trim_matches(['<', '>']).to_owned())
        })
        .collect()
}

#[actix_web::test]
async fn a_paged_list_links_its_first_previous_next_and_last_pages() {
    let app = spawn_app().await;
    crate::planning::fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", crate::helpers::USER_PASSWORD).await;
    for k in 0..5 {
        let agent = json!({"matricule": format!("Z{k}"), "last_name": "Zed", "unit": "ZONE", "fte": 1, "start_date": "2020-01-01"});
        assert_eq!(app.post("/api/v1/agents", &hr, agent).await.status(), StatusCode::CREATED);
    }
    let res = app.get("/api/v1/agents?unit=ZONE&per_page=2&page=2", &hr).await;
    let rels = links(&res);
    let page: Value = res.json().await.unwrap();
    let matricules: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|a| a["matricule"].as_str().unwrap()).collect();
    assert_eq!((page["total"].as_u64(), matricules), (Some(5), vec!["Z2", "Z3"]), "cut in SQL, in order");
    assert_eq!(rels["first"], "/api/v1/agents?unit=ZONE&per_page=2&page=1");
    assert_eq!(rels["prev"], "/api/v1/agents?unit=ZONE&per_page=2&page=1");
    assert_eq!(rels["next"], "/api/v1/agents?unit=ZONE&per_page=2&page=3");
    assert_eq!(rels["last"], "/api/v1/agents?unit=ZONE&per_page=2&page=3");
    let last = app.get(&rels["last"], &hr).await;
    assert!(!links(&last).contains_key("next"));
    let page: Value = last.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

/// `path` with `per_page` and `page`: the total, the items' `key` members and whether a next
/// page is linked.
async fn page_of(app: &TestApp, token: &str, path: &str, key: &str) -> (u64, Vec<String>, bool) {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let next = links(&res).contains_key("next");
    let page: Value = res.json().await.unwrap();
    let keys = page["items"].as_array().unwrap().iter().map(|i| i[key].to_string().replace('"', "")).collect();
    (page["total"].as_u64().unwrap(), keys, next)
}

#[actix_web::test]
async fn the_lists_that_grow_with_use_are_paged_with_the_same_parameters() {
    let crate::campus::Campus { app, coord, hr33, production, trainer, .. } =
        crate::campus::campus_in(crate::helpers::spawn_app().await).await;
    let admin = app.admin_token().await;

    // Users: every organisation's for the national administrator, one organisation's on demand.
    let (total, names, next) = page_of(&app, &admin, "/api/v1/users?per_page=2", "username").await;
    assert_eq!((total, names.len(), next), (4, 2, true), "admin, coord.nord, prod33, rh33: {names:?}");
    let (total, names, next) =
        page_of(&app, &admin, "/api/v1/users?organisation=CAF-33&page=2&per_page=1", "username").await;
    assert_eq!((total, names, next), (2, vec!["rh33".to_owned()], false), "by username");
    assert_error(app.get("/api/v1/users", &hr33).await, StatusCode::FORBIDDEN, "forbidden").await;

    // Loads by activity then month; unavailability by agent, month and kind.
    let (total, keys, next) = page_of(&app, &production, "/api/v1/loads?per_page=3&page=2", "period").await;
    assert_eq!((total, keys, next), (4, vec!["2027-02".to_owned()], false), "ACC 01, ACC 02, AL 01 | AL 02");
    let (total, keys, _) = page_of(&app, &production, "/api/v1/loads?from=2027-02&per_page=1", "activity").await;
    assert_eq!((total, keys), (2, vec!["ACC".to_owned()]), "the window is counted, not the whole");
    let (total, keys, _) = page_of(&app, &production, "/api/v1/unavailability", "matricule").await;
    assert_eq!((total, keys), (1, vec!["P1".to_owned()]));

    // Plans, newest first.
    let first = crate::planning::ask_plan(&app, &production, "premier").await;
    let second = crate::planning::ask_plan(&app, &production, "second").await;
    let (total, ids, next) = page_of(&app, &production, "/api/v1/plans?per_page=1", "id").await;
    assert_eq!((total, ids, next), (2, vec![second.to_string()], true));
    let (_, ids, _) = page_of(&app, &production, "/api/v1/plans?per_page=1&page=2", "id").await;
    assert_eq!(ids, vec![first.to_string()]);

    // A campus's sessions by start date, and the engagements its coordinator sees.
    for (reference, start) in [("S-B", "2027-03-01"), ("S-A", "2027-02-01")] {
        let body = json!({"reference": reference, "module": "REC-01", "start_date": start, "end_date": start,
                          "trainers": [{"trainer": trainer, "hours": 7}], "trainees": []});
        assert_eq!(app.post("/api/v1/sessions", &coord, body).await.status(), StatusCode::CREATED);
    }
    let (total, refs, next) = page_of(&app, &coord, "/api/v1/sessions?per_page=1", "reference").await;
    assert_eq!((total, refs, next), (2, vec!["S-A".to_owned()], true));
    let engagement = json!({"trainer": trainer, "start_date": "2027-01-01", "hours_per_year": 60});
    assert_eq!(app.post("/api/v1/engagements", &coord, engagement).await.status(), StatusCode::CREATED);
    let (total, trainers, next) = page_of(&app, &coord, "/api/v1/engagements?per_page=1", "trainer").await;
    assert_eq!((total, trainers, next), (2, vec![trainer.to_string()], true), "the fixture's, then this one");
    let res = app.get("/api/v1/engagements?per_page=501", &coord).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "per_page");

    for id in [first, second] {
        crate::planning::finished(&app, &production, id).await;
    }
}
