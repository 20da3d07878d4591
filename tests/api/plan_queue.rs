//! The plan queue under load: a burst of requests gets no 5xx, an organisation past its quota
//! gets 429 with `Retry-After`, claiming takes turns between organisations, a retried request
//! with the same `Idempotency-Key` queues once, and old failed or cancelled plans lose their
//! scenario after the retention time.

use std::time::Duration;

use gpec::db::{DatabaseUrl, DbConnection};
use gpec::domain::planning::plans;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, assert_error, spawn_with, test_config};
use crate::planning::{fill_org, finished};

/// An app that queues plans but solves none, with a quota of `limit` pending plans.
async fn queue_only(limit: u32) -> TestApp {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.plan_workers = 0;
    config.plan_queue_limit = limit;
    spawn_with(db, config).await
}

fn connect(db: &TestDb) -> DbConnection {
    DatabaseUrl::parse(&db.url).unwrap().connect().unwrap()
}

async fn post_plan(app: &TestApp, token: &str, name: impl AsRef<str>, key: Option<&str>) -> reqwest::Response {
    let name = name.as_ref();
    let mut req = app.client.post(app.url("/api/v1/plans")).bearer_auth(token);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    req.json(&json!({"from": "2027-01", "to": "2027-02", "name": name})).send().await.unwrap()
}

async fn id_of(res: reqwest::Response) -> i64 {
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_burst_of_plan_requests_gets_no_5xx_and_429_past_the_quota() {
    let app = queue_only(5).await;
    let production = fill_org(&app, "CAF-33").await;
    let requests = (0..12).map(|k| post_plan(&app, &production, format!("rafale {k}"), None));
    let answers = futures_util::future::join_all(requests).await;
    let mut accepted = 0;
    for res in answers {
        match res.status() {
            StatusCode::ACCEPTED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                assert!(retry > 0);
                let body = assert_error(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
                assert!(body["message"].as_str().unwrap().contains("5 plans queued or solving"), "{body}");
            }
            other => panic!("status {other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(accepted, 5, "exactly the quota is queued, however the requests interleave");
    let listed = app.get_items("/api/v1/plans", &production).await;
    assert_eq!(listed.len(), 5);

    // A cancelled plan frees its place.
    let first = listed[0]["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/plans/{first}"), &production).await.status(), StatusCode::OK);
    id_of(post_plan(&app, &production, "après annulation", None).await).await;
    let res = post_plan(&app, &production, "de trop", None).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// Two organisations' queues: CAF-33 asks for `backlog` plans, then CAF-44 for one.
struct TwoQueues {
    big: String,
    small: String,
    first_org: Vec<i64>,
    second_org: i64,
}

async fn two_queues(app: &TestApp, backlog: usize) -> TwoQueues {
    let big = fill_org(app, "CAF-33").await;
    let small = fill_org(app, "CAF-44").await;
    let mut first_org = Vec::new();
    for k in 0..backlog {
        first_org.push(id_of(post_plan(app, &big, format!("lot {k}"), None).await).await);
    }
    let second_org = id_of(post_plan(app, &small, "un mois", None).await).await;
    TwoQueues { big, small, first_org, second_org }
}

#[actix_web::test]
async fn claiming_takes_turns_between_organisations() {
    let app = queue_only(10).await;
    let TwoQueues { first_org, second_org, .. } = two_queues(&app, 5).await;

    let mut conn = connect(&app.db);
    let mut order = Vec::new();
    while let Some(job) = plans::claim(&mut conn, "worker", Duration::from_secs(60)).unwrap() {
        order.push(i64::from(job.id));
    }
    assert_eq!(order.len(), 6);
    assert_eq!(order[0], first_org[0]);
    assert_eq!(order[1], second_org, "the second organisation's plan is taken before the first's backlog: {order:?}");
    assert_eq!(&order[2..], &first_org[1..], "then the first organisation's, oldest first");
}

#[actix_web::test]
async fn a_second_organisations_plan_is_solved_before_the_first_ones_backlog() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.plan_workers = 0;
    let app = spawn_with(db, config.clone()).await;
    let TwoQueues { big, small, first_org, second_org } = two_queues(&app, 4).await;
    // One worker now serves the queue.
    config.plan_workers = 1;
    let app = spawn_with(app.stop().await, config).await;
    let done = finished(&app, &small, second_org).await;
    assert_eq!(done["status"], "done");
    let last = app.get_json(&format!("/api/v1/plans/{}", first_org[3]), &big).await;
    let started =
        |plan: &Value| serde_json::from_value::<Option<chrono::DateTime<chrono::Utc>>>(plan["started_at"].clone());
    let second_started = started(&done).unwrap().expect("started");
    if let Some(last_started) = started(&last).unwrap() {
        assert!(second_started < last_started, "{second_started} before {last_started}");
    }
    for id in first_org {
        assert_eq!(finished(&app, &big, id).await["status"], "done");
    }
}

#[actix_web::test]
async fn a_request_retried_with_the_same_idempotency_key_queues_once() {
    let app = queue_only(10).await;
    let production = fill_org(&app, "CAF-33").await;
    let key = "3f1c8a52-9b7e-4c1d-a0f2-6e5d4c3b2a19";
    let first = post_plan(&app, &production, "rentrée", Some(key)).await;
    assert!(first.headers().get("idempotent-replayed").is_none());
    let id = id_of(first).await;
    let again = post_plan(&app, &production, "rentrée", Some(key)).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(id_of(again).await, id);
    // Sent at the same moment, retries still queue once.
    let racing = (0..4).map(|_| post_plan(&app, &production, "course", Some("racing-key")));
    let ids: Vec<i64> =
        futures_util::future::join_all(futures_util::future::join_all(racing).await.into_iter().map(id_of)).await;
    assert!(ids.iter().all(|&i| i == ids[0]), "{ids:?}");
    assert_eq!(app.get_items("/api/v1/plans", &production).await.len(), 2);

    // The same key for another request is a client error, and queues nothing.
    let res = post_plan(&app, &production, "autre chose", Some(key)).await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    assert!(body["message"].as_str().unwrap().contains("Idempotency-Key"), "{body}");
    let res = post_plan(&app, &production, "rentrée", Some("clé avec espace")).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "Idempotency-Key");
    assert_eq!(app.get_items("/api/v1/plans", &production).await.len(), 2);
}

#[actix_web::test]
async fn old_failed_or_cancelled_plans_lose_their_scenario_and_keep_their_record() {
    let app = queue_only(10).await;
    let production = fill_org(&app, "CAF-33").await;
    let old_cancelled = id_of(post_plan(&app, &production, "ancien", None).await).await;
    let recent_cancelled = id_of(post_plan(&app, &production, "récent", None).await).await;
    let queued = id_of(post_plan(&app, &production, "en attente", None).await).await;
    for id in [old_cancelled, recent_cancelled] {
        assert_eq!(app.delete(&format!("/api/v1/plans/{id}"), &production).await.status(), StatusCode::OK);
    }
    let mut conn = connect(&app.db);
    use diesel::prelude::*;
    use gpec::db::schema::plans as pl;
    let long_ago = gpec::domain::now() - chrono::Duration::days(40);
    diesel::update(pl::table.filter(pl::id.eq(old_cancelled as i32)))
        .set(pl::finished_at.eq(long_ago))
        .execute(&mut conn)
        .unwrap();

    let cutoff = gpec::domain::now() - chrono::Duration::days(30);
    assert_eq!(plans::discard_old_scenarios(&mut conn, cutoff).unwrap(), 1);
    assert_eq!(plans::discard_old_scenarios(&mut conn, cutoff).unwrap(), 0, "once");

    let res = app.get(&format!("/api/v1/plans/{old_cancelled}/scenario"), &production).await;
    let body = assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    assert!(body["message"].as_str().unwrap().contains("discarded"), "{body}");
    let plan = app.get_json(&format!("/api/v1/plans/{old_cancelled}"), &production).await;
    assert_eq!((plan["status"].as_str(), plan["name"].as_str()), (Some("cancelled"), Some("ancien")));
    for id in [recent_cancelled, queued] {
        let scenario = app.get_json(&format!("/api/v1/plans/{id}/scenario"), &production).await;
        assert!(scenario["periods"].is_array(), "plan {id} keeps its scenario");
    }
}
