//! The audit trail: what each write leaves, what it never holds (passwords), who may read it,
//! and that nothing can rewrite it.

use diesel::Connection;
use diesel::connection::SimpleConnection;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::campus::{Campus, campus_in};
use crate::helpers::{
    ADMIN_PASSWORD, TestApp, TestDb, USER_PASSWORD, assert_error, gpec, spawn_app, spawn_with, test_config,
};

const AGENTS: &str =
    "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n";

async fn trail(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page = app.get_json(&format!("/api/v1/audit?per_page=500&{query}"), token).await;
    page["items"].as_array().unwrap().clone()
}

/// An organisation CAF-78 with an HR officer and an administrator; their tokens.
async fn caf78(app: &TestApp) -> (String, String) {
    app.create_organisation("CAF-78", "caf").await;
    let hr = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let admin = app.user_with_roles("admin78", "CAF-78", &["admin"]).await;
    (hr, admin)
}

#[actix_web::test]
async fn an_agent_edit_is_recorded_with_the_fields_before_and_after_and_its_request_id() {
    let app = spawn_app().await;
    let (hr, admin) = caf78(&app).await;
    let agent =
        json!({"matricule": "A1", "last_name": "Martin", "unit": "GCA", "fte": 1.0, "start_date": "2015-09-01"});
    let res = app.post("/api/v1/agents", &hr, agent.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut edit = agent;
    edit["unit"] = json!("CSU");
    edit["version"] = json!(1);
    let res = app.put(&format!("/api/v1/agents/{id}"), &hr, edit).await;
    assert_eq!(res.status(), StatusCode::OK);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();

    let records = trail(&app, &admin, "entity=agent&key=A1").await;
    assert_eq!(records.len(), 2, "{records:?}");
    let (update, create) = (&records[0], &records[1]);
    assert_eq!(update["action"], "update");
    assert_eq!(update["actor"], "rh78");
    assert_eq!(update["channel"], "api");
    assert_eq!(update["organisation"], "CAF-78");
    assert_eq!(update["request_id"], request_id.as_str());
    assert_eq!(update["before"], json!({"unit": "GCA", "version": 1}));
    assert_eq!(update["after"], json!({"unit": "CSU", "version": 2}));
    assert_eq!(create["action"], "create");
    assert_eq!(create["after"]["last_name"], "Martin");
    assert!(create["before"].is_null());

    // An edit that changes nothing, and a refused one, leave nothing.
    let stale = json!({"matricule": "A1", "last_name": "Dupont", "unit": "CSU", "fte": 1.0,
                       "start_date": "2015-09-01", "version": 1});
    assert_eq!(app.put(&format!("/api/v1/agents/{id}"), &hr, stale).await.status(), StatusCode::CONFLICT);
    assert_eq!(trail(&app, &admin, "entity=agent").await.len(), 2);
}

#[actix_web::test]
async fn an_import_leaves_one_record_with_its_counts() {
    let app = spawn_app().await;
    let (hr, admin) = caf78(&app).await;
    let file = format!(
        "{AGENTS}CAF-78,B1,Durand,Anne,GCA,,,1,2012-01-01,\nCAF-78,B2,Petit,Luc,GCA,B1,,1,2013-01-01,\n\
         CAF-78,B3,Roux,Léa,CSU,B1,,0.5,2014-01-01,\n"
    );
    let res = app.post_csv("/api/v1/csv/agents", &hr, file.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let imports = trail(&app, &admin, "entity=agents").await;
    assert_eq!(imports.len(), 1, "{imports:?}");
    assert_eq!(imports[0]["action"], "import");
    assert_eq!(imports[0]["counts"], json!({"rows": 3, "created": 3, "updated": 0, "unchanged": 0}));
    assert!(trail(&app, &admin, "entity=agent").await.is_empty(), "no record per row");

    // A refused file writes nothing, its record included.
    let bad = format!("{AGENTS}CAF-78,B4,Blanc,Max,GCA,,,3,2012-01-01,\n");
    assert_eq!(app.post_csv("/api/v1/csv/agents", &hr, bad).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(trail(&app, &admin, "entity=agents").await.len(), 1);
}

#[actix_web::test]
async fn account_changes_are_recorded_and_no_password_ever_is() {
    let app = spawn_app().await;
    let (_, admin) = caf78(&app).await;
    let national = app.admin_token().await;
    let res = app.put("/api/v1/users/rh78/roles", &admin, json!({"roles": ["hr", "production"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.post("/api/v1/users/rh78/password-reset", &admin, json!({})).await;
    let one_time = res.json::<Value>().await.unwrap()["one_time_password"].as_str().unwrap().to_owned();
    let token = app.token("rh78", &one_time).await;
    let new_password = "une phrase de passe assez longue";
    let change = json!({"current_password": one_time, "new_password": new_password});
    assert_eq!(app.post("/api/v1/me/password", &token, change).await.status(), StatusCode::OK);
    assert_eq!(app.post("/api/v1/users/rh78/deactivate", &admin, json!({})).await.status(), StatusCode::OK);

    let records = trail(&app, &national, "entity=user&key=rh78").await;
    let actions: Vec<&str> = records.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["deactivate", "password_change", "password_reset", "roles", "create"]);
    let roles = &records[3];
    assert_eq!(roles["actor"], "admin78");
    assert_eq!(roles["before"], json!({"roles": ["hr"]}));
    assert_eq!(roles["after"], json!({"roles": ["hr", "production"]}));
    assert_eq!(records[1]["actor"], "rh78", "one's own password change is one's own record");
    assert_eq!(records[0]["after"], json!({"active": false}));

    let everything = serde_json::to_string(&trail(&app, &national, "").await).unwrap();
    for secret in [one_time.as_str(), new_password, USER_PASSWORD, ADMIN_PASSWORD, "$argon2"] {
        assert!(!everything.contains(secret), "the trail holds {secret:?}");
    }
}

#[actix_web::test]
async fn the_trail_is_read_by_administrators_within_their_reach_and_filtered() {
    let app = spawn_app().await;
    let (hr, admin) = caf78(&app).await;
    app.create_organisation("CAF-13", "caf").await;
    let national = app.admin_token().await;
    app.user_with_roles("rh13", "CAF-13", &["hr"]).await;

    assert_error(app.get("/api/v1/audit", &hr).await, StatusCode::FORBIDDEN, "forbidden").await;
    let mine = trail(&app, &admin, "").await;
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|r| r["organisation"] == "CAF-78"), "{mine:?}");
    let res = app.get("/api/v1/audit?organisation=CAF-13", &admin).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    let theirs = trail(&app, &national, "organisation=CAF-13").await;
    assert!(theirs.iter().any(|r| r["key"] == "rh13") && theirs.iter().all(|r| r["organisation"] == "CAF-13"));
    let by_admin = trail(&app, &national, "user=admin").await;
    assert!(by_admin.len() >= 4 && by_admin.iter().all(|r| r["actor"] == "admin"), "{by_admin:?}");
    let today = chrono::Utc::now().date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    assert!(trail(&app, &national, &format!("from={tomorrow}")).await.is_empty());
    assert!(trail(&app, &national, &format!("to={yesterday}")).await.is_empty());
    assert_eq!(
        trail(&app, &national, &format!("from={today}&to={today}")).await.len(),
        trail(&app, &national, "").await.len()
    );
    let res = app.get("/api/v1/audit?from=03/12/2026", &national).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "from");

    let page = app.get_json("/api/v1/audit?per_page=2&page=2", &national).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["total"].as_u64().unwrap() > 4);
}

#[actix_web::test]
async fn the_cli_and_start_up_leave_records_too() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let out = gpec(&app.db, &["user", "roles", "--username", "rh78", "--role", "viewer"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let national = app.admin_token().await;
    let roles = trail(&app, &national, "entity=user&key=rh78").await;
    assert_eq!(roles[0]["action"], "roles");
    assert_eq!(roles[0]["channel"], "cli");
    assert!(roles[0]["actor"].as_str().unwrap().starts_with("cli:"), "{}", roles[0]);
    assert!(roles[0]["request_id"].as_str().unwrap().starts_with("cli-"));

    let seed = trail(&app, &national, "entity=referential").await;
    assert_eq!(seed.len(), 1, "the national seed is one record");
    assert_eq!(seed[0]["actor"], "system");
    assert!(seed[0]["counts"]["competencies_created"].as_u64().unwrap() > 10);
    let first_admin = trail(&app, &national, "entity=user&key=admin").await;
    assert_eq!(first_admin[0]["channel"], "system");
}

/// Runs `sql` straight on the test database, past the product.
pub fn raw_sql(db: &TestDb, sql: &str) -> Result<(), String> {
    if db.is_postgres() {
        let mut conn = diesel::PgConnection::establish(&db.url).map_err(|e| e.to_string())?;
        conn.batch_execute(sql).map_err(|e| e.to_string())
    } else {
        let path = db.url.trim_start_matches("sqlite://");
        let mut conn = diesel::SqliteConnection::establish(path).map_err(|e| e.to_string())?;
        conn.batch_execute(sql).map_err(|e| e.to_string())
    }
}

#[actix_web::test]
async fn records_cannot_be_changed_or_deleted_even_in_the_database() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    let national = app.admin_token().await;
    let before = trail(&app, &national, "").await;
    assert!(!before.is_empty());
    for sql in ["UPDATE audit_records SET actor = 'nobody'", "DELETE FROM audit_records"] {
        let refused = raw_sql(&app.db, sql).expect_err(sql);
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
    if app.db.is_postgres() {
        assert!(raw_sql(&app.db, "TRUNCATE audit_records").unwrap_err().contains("append-only"));
    }
    assert_eq!(trail(&app, &national, "").await, before);
}

/// A write's label, status and request id.
struct Sent {
    label: &'static str,
    status: StatusCode,
    request_id: String,
    body: Value,
}

/// Sends a write that must succeed; a 201 must name in `Location` where what it made is read.
async fn send(app: &TestApp, label: &'static str, method: Method, path: &str, token: &str, body: Value) -> Sent {
    let res = app.request(method, path, Some(token), Some(body)).await;
    let (status, request_id) = (res.status(), res.headers()["x-request-id"].to_str().unwrap().to_owned());
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    let body = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{label}: {status} {body}");
    if status == StatusCode::CREATED {
        let location = location.unwrap_or_else(|| panic!("{label}: a 201 without Location"));
        assert_eq!(app.get(&location, token).await.status(), StatusCode::OK, "{label}: GET {location}");
    }
    Sent { label, status, request_id, body }
}

#[actix_web::test]
async fn every_kind_of_write_leaves_exactly_one_record_under_its_request_id() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.plan_workers = 0; // plans stay queued, so that one can be cancelled
    let Campus { app, coord, hr33, production, trainer, .. } = campus_in(spawn_with(db, config).await).await;
    let admin = app.admin_token().await;
    let mut sent = Vec::new();
    use Method as M;

    let module = json!({"version": 1, "code": "REC-01", "title": "Recouvrement amiable, 2e édition",
        "duration_hours": 14, "competencies": [{"competency": "ecoute", "target_level": 2}]});
    sent.push(send(&app, "module update", M::PUT, "/api/v1/modules/REC-01", &coord, module).await);
    let modules = json!({"modules": ["REC-01"], "adfo_date": "2025-06-01"});
    sent.push(send(&app, "trainer update", M::PUT, &format!("/api/v1/trainers/{trainer}"), &coord, modules).await);
    let engagement = json!({"trainer": trainer, "start_date": "2027-01-01", "hours_per_year": 60});
    let g = send(&app, "engagement", M::POST, "/api/v1/engagements", &coord, engagement).await;
    let agree = format!("/api/v1/engagements/{}/agreements", g.body["id"]);
    sent.push(g);
    let paper = crate::campus::paper("AC-3");
    for (token, body) in [(&coord, json!({"party": "campus"})), (&hr33, paper), (&hr33, json!({"party": "employer"}))] {
        sent.push(send(&app, "agreement", M::POST, &agree, token, body).await);
    }
    let transitions = agree.replace("agreements", "transitions");
    let activate = json!({"action": "activate", "version": 1});
    sent.push(send(&app, "transition", M::POST, &transitions, &coord, activate).await);
    let session = json!({"reference": "S-1", "module": "REC-01", "start_date": "2026-10-05",
        "end_date": "2026-10-06", "trainers": [{"trainer": trainer, "hours": 14}],
        "trainees": [{"organisation": "CAF-33", "matricule": "P2"}]});
    let s = send(&app, "session", M::POST, "/api/v1/sessions", &coord, session).await;
    let evaluations = format!("/api/v1/sessions/{}/evaluations", s.body["id"]);
    sent.push(s);
    let enrol = evaluations.replace("evaluations", "enrolments");
    let p2 = json!({"organisation": "CAF-33", "matricule": "P2"});
    sent.push(send(&app, "enrolment", M::POST, &enrol, &hr33, p2).await);
    let score = json!({"trainer": trainer, "score": 4});
    sent.push(send(&app, "evaluation", M::POST, &evaluations, &coord, score).await);
    let levels = json!({"trainee": {"organisation": "CAF-33", "matricule": "P2"},
        "levels": [{"competency": "ecoute", "level": 3}]});
    let validations = evaluations.replace("evaluations", "validations");
    sent.push(send(&app, "validation", M::POST, &validations, &coord, levels).await);

    let activity = json!({"code": "TMP", "label": "Temporaire", "minutes_per_item": 10,
        "backlog_normal_max": 0, "backlog_critical_max": 10});
    sent.push(send(&app, "activity", M::POST, "/api/v1/activities", &production, activity.clone()).await);
    let mut edit = activity;
    edit["version"] = json!(1);
    edit["minutes_per_item"] = json!(12);
    sent.push(send(&app, "activity update", M::PUT, "/api/v1/activities/TMP", &production, edit).await);
    sent.push(send(&app, "activity delete", M::DELETE, "/api/v1/activities/TMP", &production, json!(null)).await);
    let plan = json!({"from": "2027-01", "to": "2027-02", "name": "à annuler"});
    let p = send(&app, "plan", M::POST, "/api/v1/plans", &production, plan).await;
    let cancel = format!("/api/v1/plans/{}", p.body["id"]);
    sent.push(p);
    sent.push(send(&app, "plan cancel", M::DELETE, &cancel, &production, json!(null)).await);

    let competency = json!({"code": "auditee", "label": "Auditée", "category": "savoir", "arc": "analytique",
        "descriptors": ["a", "b", "c", "d"]});
    sent.push(send(&app, "competency", M::POST, "/api/v1/competencies", &admin, competency.clone()).await);
    let mut edit = competency;
    edit.as_object_mut().unwrap().remove("code");
    edit["version"] = json!(1);
    edit["label"] = json!("Auditée, deux fois");
    sent.push(send(&app, "competency update", M::PUT, "/api/v1/competencies/auditee", &admin, edit).await);
    let retire = json!({"version": 2});
    sent.push(send(&app, "competency retire", M::POST, "/api/v1/competencies/auditee/retire", &admin, retire).await);
    let job =
        json!({"code": "JOB-AUDIT", "title": "Emploi audité", "requirements": [{"competency": "ecoute", "level": 2}]});
    sent.push(send(&app, "job profile", M::POST, "/api/v1/job-profiles", &admin, job).await);
    let job =
        json!({"version": 1, "title": "Emploi audité, v2", "requirements": [{"competency": "ecoute", "level": 3}]});
    sent.push(send(&app, "job profile update", M::PUT, "/api/v1/job-profiles/JOB-AUDIT", &admin, job).await);
    for (label, action) in [("job profile validate", "validate"), ("job profile archive", "archive")] {
        let path = format!("/api/v1/job-profiles/JOB-AUDIT/{action}");
        sent.push(send(&app, label, M::POST, &path, &admin, json!({"version": 2})).await);
    }
    let res = app.delete("/api/v1/users/prod33", &admin).await;
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    sent.push(Sent { label: "user delete", status: res.status(), request_id, body: Value::Null });

    let records = trail(&app, &admin, "").await;
    for s in &sent {
        let mine: Vec<&Value> = records.iter().filter(|r| r["request_id"] == s.request_id.as_str()).collect();
        assert_eq!(mine.len(), 1, "{} ({}): {mine:?}", s.label, s.status);
        assert_eq!(mine[0]["channel"], "api", "{}", s.label);
    }
    let retired = records.iter().find(|r| r["action"] == "retire").unwrap();
    assert_eq!(retired["after"]["status"], "retired", "{retired}");
}
