//! Who agrees, consents and sees what in campus work (issue "Web application II", items 11–14),
//! on the campus fixture: each party agrees for itself, a trainer's own account sees only its
//! own work, a campus sees an agent's levels and writes their assessments only with the
//! employer's consent, sessions run under active engagements, and reserved hours count in plans.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campus::{Campus, accept_trainee, campus_in, paper};
use crate::helpers::{TestApp, USER_PASSWORD, assert_error, spawn_app};
use crate::planning::{ask_plan, finished};

async fn campus() -> Campus {
    campus_in(spawn_app().await).await
}

async fn agent_id(app: &TestApp, hr: &str, matricule: &str) -> i64 {
    let agents = app.get_json(&format!("/api/v1/agents?q={matricule}"), hr).await;
    agents["items"][0]["id"].as_i64().unwrap()
}

/// Lists `matricule` of CAF-33 as a trainer of REC-01; returns the listing's id.
async fn list_trainer(app: &TestApp, coord: &str, matricule: &str) -> i64 {
    let body = json!({"organisation": "CAF-33", "matricule": matricule, "modules": ["REC-01"]});
    let res = app.post("/api/v1/trainers", coord, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn propose(app: &TestApp, coord: &str, trainer: i64, start: &str) -> i64 {
    let body = json!({"trainer": trainer, "start_date": start, "hours_per_year": 40});
    let res = app.post("/api/v1/engagements", coord, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Creates an agent's trainer account (by CAF-33's hr) with a one-time password, which the
/// trainer replaces at first sign-in; returns the token they then get.
async fn trainer_account(app: &TestApp, hr: &str, matricule: &str, username: &str) -> String {
    let agent = agent_id(app, hr, matricule).await;
    let body = json!({"username": username, "password": USER_PASSWORD});
    let res = app.post(&format!("/api/v1/agents/{agent}/trainer-account"), hr, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert_eq!(res.json::<Value>().await.unwrap()["must_change_password"], true, "hr knows the password");
    let first = app.token(username, USER_PASSWORD).await;
    let res = app.get("/api/v1/engagements", &first).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let change = json!({"current_password": USER_PASSWORD, "new_password": TRAINER_PASSWORD});
    let res = app.post("/api/v1/me/password", &first, change).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
}

/// The password trainers choose at their first sign-in.
pub const TRAINER_PASSWORD: &str = "une phrase que le formateur seul connaît";

#[actix_web::test]
async fn each_party_records_its_own_agreement_and_a_national_admin_records_none() {
    let Campus { app, coord, hr33, trainer, .. } = campus().await;
    let id = propose(&app, &coord, trainer, "2027-01-01").await;
    let agree = format!("/api/v1/engagements/{id}/agreements");
    let admin = app.admin_token().await;
    for party in ["trainer", "employer", "campus"] {
        let res = app.post(&agree, &admin, json!({"party": party})).await;
        assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_error(app.post(&agree, &admin, paper("AC-9")).await, StatusCode::FORBIDDEN, "forbidden").await;

    // Only the agent's own organisation's hr creates the trainer account.
    let p1 = agent_id(&app, &hr33, "P1").await;
    let body = json!({"username": "formateur.p1", "password": USER_PASSWORD});
    let path = format!("/api/v1/agents/{p1}/trainer-account");
    assert_error(app.post(&path, &coord, body.clone()).await, StatusCode::NOT_FOUND, "not_found").await;
    let prod33 = app.token("prod33", USER_PASSWORD).await;
    assert_error(app.post(&path, &prod33, body.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    let me = trainer_account(&app, &hr33, "P1", "formateur.p1").await;
    assert_error(app.post(&path, &hr33, body).await, StatusCode::CONFLICT, "conflict").await;
    let listing = app.get_json(&format!("/api/v1/trainers/{trainer}"), &coord).await;
    assert_eq!(listing["has_account"], true, "the campus sees that the account exists");

    // The trainer has an account: the employer no longer records their agreement from paper.
    assert_error(app.post(&agree, &hr33, paper("AC-9")).await, StatusCode::CONFLICT, "conflict").await;
    for party in ["campus", "employer"] {
        assert_error(app.post(&agree, &me, json!({"party": party})).await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    for (token, party) in [(&me, "trainer"), (&coord, "campus"), (&hr33, "employer")] {
        let res = app.post(&agree, token, json!({"party": party})).await;
        assert_eq!(res.status(), StatusCode::OK, "{party}: {}", res.text().await.unwrap());
    }
    let transitions = format!("/api/v1/engagements/{id}/transitions");
    let g: Value =
        app.post(&transitions, &coord, json!({"action": "activate", "version": 1})).await.json().await.unwrap();
    assert_eq!(g["status"], "active");
    assert_eq!(g["agreements"], json!([]), "no period awaits agreements now");
    let view = app.get_json(&format!("/api/v1/engagements/{id}"), &me).await;
    let by: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "agreement")
        .map(|e| e["changed_by"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["formateur.p1", "coord.nord", "rh33"]);

    // A role change cannot make an ordinary account a trainer's, nor a trainer's anything else.
    let res = app.put("/api/v1/users/prod33/roles", &admin, json!({"roles": ["trainer"]})).await;
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let res = app.put("/api/v1/users/formateur.p1/roles", &admin, json!({"roles": ["trainer", "hr"]})).await;
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
}

#[actix_web::test]
async fn a_trainer_sees_only_their_own_work() {
    let Campus { app, coord, hr33, trainer, engagement, .. } = campus().await;
    let other = list_trainer(&app, &coord, "P2").await;
    let theirs = propose(&app, &coord, other, "2027-01-01").await;
    let me = trainer_account(&app, &hr33, "P1", "formateur.p1").await;
    let body = json!({"reference": "S-2026-11", "module": "REC-01", "start_date": "2026-11-09",
        "end_date": "2026-11-10", "trainers": [{"trainer": trainer, "hours": 14}], "trainees": []});
    assert_eq!(app.post("/api/v1/sessions", &coord, body).await.status(), StatusCode::CREATED);

    let mine: Vec<i64> =
        app.get_items("/api/v1/engagements", &me).await.iter().map(|g| g["id"].as_i64().unwrap()).collect();
    assert_eq!(mine, [engagement]);
    let res = app.get(&format!("/api/v1/engagements/{theirs}"), &me).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    for path in ["/api/v1/agents", "/api/v1/trainers", "/api/v1/sessions", "/api/v1/plans", "/api/v1/activities"] {
        assert_error(app.get(path, &me).await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_error(app.get(&format!("/api/v1/trainers/{trainer}"), &me).await, StatusCode::FORBIDDEN, "forbidden").await;

    let overview = app.get_json("/api/v1/me/trainer?year=2026", &me).await;
    assert_eq!(overview["matricule"], "P1");
    assert_eq!(overview["engagements"].as_array().unwrap().len(), 1);
    assert_eq!(overview["sessions"][0]["reference"], "S-2026-11");
    assert_eq!(overview["sessions"][0]["hours"], 14.0);
    assert_eq!(
        (overview["hours"][0]["planned"].as_f64(), overview["hours"][0]["delivered"].as_f64()),
        (Some(60.0), Some(14.0))
    );
    let fte = overview["fte"].as_f64().unwrap();
    assert!((overview["work_share"].as_f64().unwrap() - 14.0 / (fte * 1607.0)).abs() < 1e-9, "{overview}");
    // Anyone else's account has no trainer overview.
    assert_error(app.get("/api/v1/me/trainer", &hr33).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn a_campus_sees_a_trainers_levels_only_once_the_listing_is_accepted() {
    let Campus { app, coord, hr33, .. } = campus().await;
    let p2 = list_trainer(&app, &coord, "P2").await;
    let listing = app.get_json(&format!("/api/v1/trainers/{p2}"), &coord).await;
    assert_eq!(listing["accepted"], false);
    assert_eq!(listing["modules"][0]["technicite"][0]["current_level"], Value::Null, "{listing}");
    assert_eq!(listing["pedagogie"], Value::Null);

    let accept = format!("/api/v1/trainers/{p2}/acceptance");
    assert_error(app.post(&accept, &coord, json!(null)).await, StatusCode::FORBIDDEN, "forbidden").await;
    app.create_organisation("CAF-44", "caf").await;
    let hr44 = app.user_with_roles("rh44", "CAF-44", &["hr"]).await;
    assert_error(app.post(&accept, &hr44, json!(null)).await, StatusCode::NOT_FOUND, "not_found").await;
    let admin = app.admin_token().await;
    assert_error(app.post(&accept, &admin, json!(null)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let pending = app.get_json("/api/v1/campus-requests", &hr33).await;
    assert_eq!(pending["listings"][0]["trainer"], p2, "{pending}");
    assert_eq!(app.get_json("/api/v1/campus-requests", &hr44).await["listings"], json!([]));

    assert_eq!(app.post(&accept, &hr33, json!(null)).await.status(), StatusCode::NO_CONTENT);
    let listing = app.get_json(&format!("/api/v1/trainers/{p2}"), &coord).await;
    assert_eq!(listing["accepted"], true);
    assert_eq!(listing["modules"][0]["technicite"][0]["current_level"], 2, "{listing}");
    assert_error(app.post(&accept, &hr33, json!(null)).await, StatusCode::CONFLICT, "conflict").await;

    // A trainer with an account accepts their own listing.
    let p3 = list_trainer(&app, &coord, "P3").await;
    let me = trainer_account(&app, &hr33, "P3", "formateur.p3").await;
    assert_eq!(app.get_json("/api/v1/campus-requests", &me).await["listings"][0]["trainer"], p3);
    let res = app.post(&format!("/api/v1/trainers/{p3}/acceptance"), &me, json!(null)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.post(&format!("/api/v1/trainers/{p2}/acceptance"), &me, json!(null)).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn a_validation_becomes_an_assessment_only_for_an_enrolment_the_employer_accepted() {
    let Campus { app, coord, hr33, trainer, .. } = campus().await;
    let body = json!({"reference": "S-2026-10", "module": "REC-01", "start_date": "2026-10-05",
        "end_date": "2026-10-06", "trainers": [{"trainer": trainer, "hours": 14}],
        "trainees": [{"organisation": "CAF-33", "matricule": "P2"}]});
    let res = app.post("/api/v1/sessions", &coord, body).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let session = app.get_json(&format!("/api/v1/sessions/{id}"), &coord).await;
    assert_eq!(session["trainees"][0]["accepted"], false);

    let validations = format!("/api/v1/sessions/{id}/validations");
    let levels = |m: &str| json!({"trainee": {"organisation": "CAF-33", "matricule": m}, "levels": [{"competency": "ecoute", "level": 2}]});
    assert_error(app.post(&validations, &coord, levels("P2")).await, StatusCode::CONFLICT, "conflict").await;
    let p2 = agent_id(&app, &hr33, "P2").await;
    let history = app.get_json(&format!("/api/v1/agents/{p2}/assessments"), &hr33).await;
    assert!(history.as_array().unwrap().iter().all(|a| a["source"] != "training"), "nothing written: {history}");

    let pending = app.get_json("/api/v1/campus-requests", &hr33).await;
    assert_eq!(
        (pending["enrolments"][0]["session"].as_i64(), pending["enrolments"][0]["matricule"].as_str()),
        (Some(id), Some("P2"))
    );
    let enrol = format!("/api/v1/sessions/{id}/enrolments");
    app.create_organisation("CAF-44", "caf").await;
    let hr44 = app.user_with_roles("rh44", "CAF-44", &["hr"]).await;
    let p2_ref = json!({"organisation": "CAF-33", "matricule": "P2"});
    assert_error(app.post(&enrol, &hr44, p2_ref.clone()).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.post(&enrol, &coord, p2_ref).await, StatusCode::CONFLICT, "conflict").await;
    accept_trainee(&app, &hr33, id, "P2").await;
    assert_eq!(app.post(&validations, &coord, levels("P2")).await.status(), StatusCode::CREATED);

    // The employer enrols directly; the campus's proposal of another agent waits.
    let res = app.post(&enrol, &hr33, json!({"organisation": "CAF-33", "matricule": "P3"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["enrolment"], "accepted");
    let res = app.post(&enrol, &coord, json!({"organisation": "CAF-33", "matricule": "P1"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["enrolment"], "proposed");
    assert_eq!(app.post(&validations, &coord, levels("P3")).await.status(), StatusCode::CREATED);
    assert_error(app.post(&validations, &coord, levels("P1")).await, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn a_session_is_scheduled_only_under_an_engagement_active_for_its_dates() {
    let Campus { app, coord, trainer, .. } = campus().await;
    let session = |t: i64, start: &str| {
        json!({"reference": format!("S-{t}-{start}"), "module": "REC-01", "start_date": start, "end_date": start,
               "trainers": [{"trainer": t, "hours": 7}], "trainees": []})
    };
    let refusal = |body: Value| body["details"][0]["message"].as_str().unwrap().to_owned();
    let p2 = list_trainer(&app, &coord, "P2").await;
    let res = app.post("/api/v1/sessions", &coord, session(p2, "2027-03-01")).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(refusal(body.clone()).contains("has no engagement"), "{body}");
    let g = propose(&app, &coord, p2, "2027-01-01").await;
    let res = app.post("/api/v1/sessions", &coord, session(p2, "2027-03-01")).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "trainers[0].trainer");
    assert!(refusal(body.clone()).contains(&format!("engagement {g} of trainer {p2} is proposed")), "{body}");
    let res = app.post("/api/v1/sessions", &coord, session(trainer, "2036-03-02")).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(refusal(body.clone()).contains("is active from 2026-01-01 to 2035-12-31"), "{body}");
    assert!(app.get_items("/api/v1/sessions", &coord).await.is_empty(), "nothing was written");
    let res = app.post("/api/v1/sessions", &coord, session(trainer, "2027-03-01")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// P1's campus hours in `month` of a finished plan.
fn p1_in(plan: &Value, month: &str) -> f64 {
    let rows = plan["result"]["agents"].as_array().unwrap();
    let row = rows.iter().find(|a| a["agent"] == "P1" && a["period"] == month).unwrap();
    row["campus_hours"].as_f64().unwrap()
}

#[actix_web::test]
async fn reserved_engagement_hours_count_in_plans_once_with_the_sessions() {
    let Campus { app, coord, hr33, production, trainer, engagement, .. } = campus().await;
    let plain = finished(&app, &production, ask_plan(&app, &production, "sans réserve").await).await;
    assert_eq!((p1_in(&plain, "2027-01"), p1_in(&plain, "2027-02")), (0.0, 0.0));

    let path = format!("/api/v1/engagements/{engagement}/reservation");
    // The employer's production manager does not see engagements (they are the hr's).
    let res = app.post(&path, &production, json!({"reserve_in_plans": true, "version": 2})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.post(&path, &hr33, json!({"reserve_in_plans": true, "version": 1})).await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let res = app.post(&path, &hr33, json!({"reserve_in_plans": true, "version": 2})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let reserved = finished(&app, &production, ask_plan(&app, &production, "réservé").await).await;
    // 60 h a year, nothing scheduled: 5 h every month.
    assert_eq!((p1_in(&reserved, "2027-01"), p1_in(&reserved, "2027-02")), (5.0, 5.0));

    let body = json!({"reference": "S-2027-02", "module": "REC-01", "start_date": "2027-02-08",
        "end_date": "2027-02-09", "trainers": [{"trainer": trainer, "hours": 24}], "trainees": []});
    assert_eq!(app.post("/api/v1/sessions", &coord, body).await.status(), StatusCode::CREATED);
    let both = finished(&app, &production, ask_plan(&app, &production, "réservé et planifié").await).await;
    // 24 h scheduled in February; the other 36 h of the year spread, 3 h a month.
    assert_eq!((p1_in(&both, "2027-01"), p1_in(&both, "2027-02")), (3.0, 27.0));
}

#[actix_web::test]
async fn a_trainer_without_facilitation_training_within_the_campus_period_is_flagged() {
    let Campus { app, coord, trainer, .. } = campus().await;
    let path = format!("/api/v1/trainers/{trainer}");
    assert_eq!(app.get_json(&path, &coord).await["facilitation"]["due"], true);
    let trainings = format!("{path}/facilitation-trainings");
    let old = json!({"course": "Animer une formation à distance", "taken_on": "2024-03-12"});
    assert_eq!(app.post(&trainings, &coord, old).await.status(), StatusCode::CREATED);
    let t = app.get_json(&path, &coord).await;
    assert_eq!(
        (t["facilitation"]["due"].as_bool(), t["facilitation"]["within_months"].as_i64()),
        (Some(true), Some(24)),
        "{t}"
    );
    let recent = json!({"course": "Techniques d'animation", "taken_on": "2026-06-02"});
    assert_eq!(app.post(&trainings, &coord, recent).await.status(), StatusCode::CREATED);
    let t = app.get_json(&path, &coord).await;
    assert_eq!(t["facilitation"]["due"], false);
    assert_eq!(t["facilitation"]["trainings"][0]["course"], "Techniques d'animation", "newest first");

    // The campus shortens its period: the June training is now too old.
    let res = app.put("/api/v1/campus-settings", &coord, json!({"facilitation_months": 3})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.get_json(&path, &coord).await["facilitation"]["due"], true);
    let res = app.put("/api/v1/campus-settings", &coord, json!({"facilitation_months": 0})).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "facilitation_months");
    let future = json!({"course": "Plus tard", "taken_on": "2099-01-01"});
    assert_error(app.post(&trainings, &coord, future).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    let hr33 = app.token("rh33", USER_PASSWORD).await;
    let res = app.post(&trainings, &hr33, json!({"course": "x", "taken_on": "2026-01-01"})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
}
