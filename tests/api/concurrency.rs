//! Concurrent writers: on SQLite every writing transaction takes the write lock first, so
//! writers queue instead of failing with "database is locked"; on PostgreSQL concurrent
//! assessments of one (agent, competency) pair are all written. Both tests run on both backends.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, USER_PASSWORD, spawn_with, test_config};
use crate::planning::{LOADS, fill_org, finished};

/// A write's label, status, body and request id.
type Answer = (String, StatusCode, String, String);
type Call<'a> = Pin<Box<dyn Future<Output = Answer> + 'a>>;

fn call<'a>(label: String, req: reqwest::RequestBuilder) -> Call<'a> {
    Box::pin(async move {
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let id = res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        (label, status, res.text().await.unwrap_or_default(), id)
    })
}

async fn agent_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let page = app.get_json("/api/v1/agents?per_page=100", token).await;
    page["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// The day `k` days after 2020-01-01, so that every write has its own date.
fn day(k: usize) -> String {
    (chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(k as i64)).to_string()
}

/// The import of one assessment of agent P3, dated `day(n)`.
fn import_p3(app: &TestApp, hr: &str, n: usize) -> reqwest::RequestBuilder {
    let file = format!(
        "organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until\n\
         CAF-33,P3,qualite-expression,2,{},M. Martin,eaea,,,\n",
        day(n)
    );
    let req = app.client.post(app.url("/api/v1/csv/assessments")).bearer_auth(hr);
    req.header("Content-Type", "text/csv").body(file)
}

#[actix_web::test]
async fn concurrent_writers_on_every_write_route_get_no_5xx_and_every_accepted_write_is_kept() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.plan_queue_limit = 1000;
    config.workers = Some(2);
    let app = spawn_with(db, config).await;
    let production = fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", USER_PASSWORD).await;
    let admin = app.admin_token().await;
    let ids = agent_ids(&app, &hr).await;
    let (c, url) = (&app.client, |p: &str| app.url(p));

    let mut calls: Vec<Call> = Vec::new();
    // Four clients post assessments, as in the probe; everything else writes beside them.
    for client in 0..4 {
        for k in 0..15 {
            let body = json!({"competency": "qualite-expression", "level": 1 + (k % 4), "assessed_on": day(client * 100 + k), "source": "manager"});
            let req = c.post(url(&format!("/api/v1/agents/{}/assessments", ids[client % ids.len()]))).bearer_auth(&hr);
            calls.push(call(format!("assessment {client}/{k}"), req.json(&body)));
        }
    }
    for k in 0..15 {
        let rows = json!({"rows": [{"activity": "ACC", "period": "2027-03", "volume": 100 + k}]});
        calls.push(call(format!("loads {k}"), c.put(url("/api/v1/loads")).bearer_auth(&production).json(&rows)));
        let plan = json!({"from": "2027-01", "to": "2027-02", "name": format!("rafale {k}")});
        calls.push(call(format!("plan {k}"), c.post(url("/api/v1/plans")).bearer_auth(&production).json(&plan)));
        let agent = json!({"matricule": format!("N{k}"), "last_name": "Nouveau", "unit": "PROD", "fte": 1, "start_date": "2026-01-01"});
        calls.push(call(format!("agent {k}"), c.post(url("/api/v1/agents")).bearer_auth(&hr).json(&agent)));
    }
    for k in 0..5 {
        let away = json!({"rows": [{"matricule": "P2", "period": "2027-01", "kind": "training", "hours": k}]});
        calls.push(call(
            format!("unavailability {k}"),
            c.put(url("/api/v1/unavailability")).bearer_auth(&production).json(&away),
        ));
        calls.push(call(format!("assessments csv {k}"), import_p3(&app, &hr, 1000 + k)));
        let req = c.post(url("/api/v1/csv/loads")).bearer_auth(&production).header("Content-Type", "text/csv");
        calls.push(call(format!("loads csv {k}"), req.body(LOADS.to_owned())));
    }

    // The other write routes: referential, organisations, users, activities, agents by CSV.
    for k in 0..3 {
        let competency = json!({"code": format!("concurrente-{k}"), "label": format!("Concurrente {k}"),
            "category": "savoir", "arc": "analytique", "descriptors": ["a", "b", "c", "d"]});
        calls.push(call(
            format!("competency {k}"),
            c.post(url("/api/v1/competencies")).bearer_auth(&admin).json(&competency),
        ));
        let job = json!({"code": format!("JOB-{k}"), "title": format!("Emploi {k}"), "requirements": [{"competency": "ecoute", "level": 2}]});
        calls
            .push(call(format!("job profile {k}"), c.post(url("/api/v1/job-profiles")).bearer_auth(&admin).json(&job)));
        let org = json!({"code": format!("CAF-9{k}"), "name": format!("CAF {k}"), "kind": "caf"});
        calls.push(call(
            format!("organisation {k}"),
            c.post(url("/api/v1/organisations")).bearer_auth(&admin).json(&org),
        ));
        let user = json!({"username": format!("lecteur.{k}"), "password": USER_PASSWORD, "organisation": "CAF-33", "roles": ["viewer"]});
        calls.push(call(format!("user {k}"), c.post(url("/api/v1/users")).bearer_auth(&admin).json(&user)));
        let activity = json!({"code": format!("ACT{k}"), "label": "Activité", "minutes_per_item": 10, "backlog_normal_max": 0, "backlog_critical_max": 10});
        calls.push(call(
            format!("activity {k}"),
            c.post(url("/api/v1/activities")).bearer_auth(&production).json(&activity),
        ));
        let file = format!(
            "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n\
             CAF-33,CSV{k},Importé,,PROD,,,1,2024-01-01,\n"
        );
        let req = c.post(url("/api/v1/csv/agents")).bearer_auth(&hr).header("Content-Type", "text/csv");
        calls.push(call(format!("agents csv {k}"), req.body(file)));
        // Three edits from one version: one lands, the others are stale (409), none fails.
        let settings = json!({"version": 1, "hours_per_fte": 100 + k});
        calls.push(call(
            format!("settings {k}"),
            c.put(url("/api/v1/planning-settings")).bearer_auth(&production).json(&settings),
        ));
    }

    let answers = join_all(calls).await;
    let failures: Vec<_> = answers.iter().filter(|(_, s, _, _)| s.is_server_error()).collect();
    assert!(failures.is_empty(), "{} of {} got a 5xx: {failures:?}", failures.len(), answers.len());
    let stale = |label: &str| label.starts_with("settings");
    let refused: Vec<_> = answers.iter().filter(|(l, s, _, _)| !s.is_success() && !stale(l)).collect();
    assert!(refused.is_empty(), "every write here is valid and must land: {refused:?}");
    let settings: Vec<_> = answers.iter().filter(|(l, _, _, _)| stale(l)).map(|(_, s, _, _)| s.as_u16()).collect();
    assert_eq!(settings.iter().filter(|&&s| s == 200).count(), 1, "one edit of version 1 lands: {settings:?}");
    assert!(settings.iter().all(|&s| s == 200 || s == 409), "{settings:?}");

    // Every accepted write is there.
    let mut assessments = 0;
    for id in &ids {
        assessments += app.get_json(&format!("/api/v1/agents/{id}/assessments"), &hr).await.as_array().unwrap().len();
    }
    assert_eq!(assessments, 2 + 60 + 5, "the fixture's, the posted ones and the imported ones");
    assert_eq!(agent_ids(&app, &hr).await.len(), 3 + 15 + 3);
    assert_eq!(app.get_json("/api/v1/activities", &production).await.as_array().unwrap().len(), 2 + 3);
    for path in [
        "/api/v1/competencies/concurrente-2",
        "/api/v1/job-profiles/JOB-2",
        "/api/v1/organisations/CAF-92",
        "/api/v1/users/lecteur.2",
    ] {
        app.get_json(path, &admin).await;
    }
    let plans = app.get_items("/api/v1/plans", &production).await;
    assert_eq!(plans.len(), 15);
    // Each queued plan is solved. Waiting for them also keeps a solve from running while the
    // test binary exits, which crashed it once (HiGHS is C++ and has static destructors).
    for plan in &plans {
        let done = finished(&app, &production, plan["id"].as_i64().unwrap()).await;
        assert_eq!(done["status"], "done", "{done}");
    }
    let loads = Value::from(app.get_items("/api/v1/loads", &production).await);
    assert!(loads.to_string().contains("2027-03"), "{loads}");

    // Every accepted write left exactly one audit record, under its own request id; the stale
    // edits left none.
    let trail = app.get_json("/api/v1/audit?per_page=500", &admin).await;
    assert_eq!(trail["total"].as_u64().unwrap() as usize, trail["items"].as_array().unwrap().len(), "one page");
    let mut recorded: HashMap<String, usize> = HashMap::new();
    for record in trail["items"].as_array().unwrap() {
        *recorded.entry(record["request_id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    for (label, status, _, id) in &answers {
        let expected = usize::from(status.is_success());
        assert_eq!(recorded.get(id).copied().unwrap_or(0), expected, "{label} ({status}, request {id})");
    }
}

#[actix_web::test]
async fn concurrent_assessments_of_one_pair_are_all_written_and_the_latest_is_current() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.workers = Some(2);
    config.pool_size = 8;
    let app = spawn_with(db, config).await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", USER_PASSWORD).await;
    let agent = agent_ids(&app, &hr).await[0];
    let path = format!("/api/v1/agents/{agent}/assessments");

    // Eight clients, 25 assessments each, all of one agent and competency, every date distinct.
    let clients = (0..8).map(|client| {
        let (app, hr, path) = (&app, &hr, &path);
        async move {
            let mut statuses = Vec::new();
            for k in 0..25 {
                let n = client * 25 + k;
                let body = json!({"competency": "qualite-expression", "level": 1 + (n % 4), "assessed_on": day(n), "source": "manager"});
                let res = app.post(path, hr, body).await;
                statuses.push((res.status(), res.text().await.unwrap()));
            }
            statuses
        }
    });
    let statuses: Vec<_> = join_all(clients).await.into_iter().flatten().collect();
    let refused: Vec<_> = statuses.iter().filter(|(s, _)| *s != StatusCode::CREATED).collect();
    assert!(refused.is_empty(), "{} of 200 refused: {:?}", refused.len(), &refused[..refused.len().min(3)]);

    let history = app.get_json(&path, &hr).await;
    assert_eq!(history.as_array().unwrap().iter().filter(|a| a["competency"] == "qualite-expression").count(), 200);
    // The latest date (n = 199, level 1 + 199 % 4 = 4) is the current level, whatever the order.
    let levels: Value = app.get_json(&format!("/api/v1/agents/{agent}/levels"), &hr).await;
    let current = levels.as_array().unwrap().iter().find(|l| l["competency"] == "qualite-expression").cloned();
    let current = current.unwrap_or_else(|| panic!("a current level in {levels}"));
    assert_eq!((current["level"].as_i64(), current["assessed_on"].as_str()), (Some(4), Some(day(199).as_str())));
}

#[actix_web::test]
async fn imports_and_single_assessments_of_other_agents_do_not_collide() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.workers = Some(2);
    config.pool_size = 8;
    let app = spawn_with(db, config).await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", USER_PASSWORD).await;
    let ids = agent_ids(&app, &hr).await;
    let (c, url) = (&app.client, |p: &str| app.url(p));
    let mut calls: Vec<Call> = Vec::new();
    for k in 0..40 {
        // An import of P3's assessments rebuilds P3's levels only, while P1 and P2 are written.
        calls.push(call(format!("import {k}"), import_p3(&app, &hr, 2000 + k)));
        for agent in &ids[..2] {
            let body = json!({"competency": "qualite-expression", "level": 3, "assessed_on": day(3000 + k), "source": "manager"});
            let req = c.post(url(&format!("/api/v1/agents/{agent}/assessments"))).bearer_auth(&hr).json(&body);
            calls.push(call(format!("agent {agent} {k}"), req));
        }
    }
    let answers = join_all(calls).await;
    let refused: Vec<_> = answers.iter().filter(|(_, s, _, _)| !s.is_success()).collect();
    assert!(
        refused.is_empty(),
        "{} of {} refused: {:?}",
        refused.len(),
        answers.len(),
        &refused[..refused.len().min(3)]
    );
}
