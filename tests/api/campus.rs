//! Campus trainers on the planning fixture of CAF-33 (see `planning.rs`): P1 (prestations 3,
//! pédagogie 2) becomes a trainer of CAMPUS-NORD for module REC-01 (prestations 3, écoute 2);
//! CAF-33's hr accepts the listing, and an engagement agreed by the three parties (P1 on paper,
//! having no account) runs from 2026 to 2035, so that sessions can be scheduled under it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};
use crate::planning::{ask_plan, fill, finished};

pub struct Campus {
    pub app: TestApp,
    pub coord: String,
    pub hr33: String,
    pub production: String,
    pub trainer: i64,
    /// P1's active engagement, 2026-01-01 to 2035-12-31.
    pub engagement: i64,
}

async fn campus() -> Campus {
    campus_in(spawn_app().await).await
}

/// The campus fixture in `app`.
pub async fn campus_in(app: TestApp) -> Campus {
    let production = fill(&app).await;
    app.create_organisation("CAMPUS-NORD", "campus").await;
    let coord = app.user_with_roles("coord.nord", "CAMPUS-NORD", &["campus"]).await;
    let hr33 = app.token("rh33", crate::helpers::USER_PASSWORD).await;
    let pedagogie = "organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until\n\
                     CAF-33,P1,pedagogie,2,2026-01-10,M. Martin,eaea,,,\n";
    assert_eq!(app.post_csv("/api/v1/csv/assessments", &hr33, pedagogie).await.status(), StatusCode::OK);
    let module = json!({"code": "REC-01", "title": "Recouvrement amiable", "duration_hours": 14,
        "competencies": [{"competency": "connaissance-prestations", "target_level": 3},
                         {"competency": "ecoute", "target_level": 2}]});
    let res = app.post("/api/v1/modules", &coord, module).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let res = app
        .post("/api/v1/trainers", &coord, json!({"organisation": "CAF-33", "matricule": "P1", "modules": ["REC-01"]}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let trainer = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app.post(&format!("/api/v1/trainers/{trainer}/acceptance"), &hr33, json!(null)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", res.text().await.unwrap());
    let engagement = active_engagement(&app, &coord, &hr33, trainer, "2026-01-01", "2035-12-31").await;
    Campus { app, coord, hr33, production, trainer, engagement }
}

/// A paper consent of the trainer, as the employer's hr records it.
pub fn paper(reference: &str) -> Value {
    json!({"party": "trainer", "consent": {"reference": reference, "signed_on": "2026-11-02"}})
}

/// An engagement of `trainer` agreed by the campus, the employer and (on paper) the trainer, and
/// activated.
pub async fn active_engagement(app: &TestApp, coord: &str, hr: &str, trainer: i64, start: &str, end: &str) -> i64 {
    let body = json!({"trainer": trainer, "start_date": start, "end_date": end, "hours_per_year": 60});
    let res = app.post("/api/v1/engagements", coord, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let agree = format!("/api/v1/engagements/{id}/agreements");
    for (token, body) in [(coord, json!({"party": "campus"})), (hr, json!({"party": "employer"})), (hr, paper("AC-1"))]
    {
        let res = app.post(&agree, token, body).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    }
    let res = app
        .post(&format!("/api/v1/engagements/{id}/transitions"), coord, json!({"action": "activate", "version": 1}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    id
}

/// CAF-33's hr accepts the campus's proposal to enrol `matricule` in session `id`.
pub async fn accept_trainee(app: &TestApp, hr: &str, id: i64, matricule: &str) {
    let res = app
        .post(
            &format!("/api/v1/sessions/{id}/enrolments"),
            hr,
            json!({"organisation": "CAF-33", "matricule": matricule}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

async fn session(app: &TestApp, coord: &str, body: Value) -> i64 {
    let res = app.post("/api/v1/sessions", coord, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[actix_web::test]
async fn the_trainer_listing_shows_the_three_criteria_from_the_agents_data() {
    let Campus { app, coord, trainer, .. } = campus().await;
    let t = app.get_json(&format!("/api/v1/trainers/{trainer}"), &coord).await;
    assert_eq!(t["pedagogie"], 2);
    assert_eq!(t["satisfaction"]["status"], "not_yet_taught");
    let warnings = t["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("ADFO")), "no ADFO date: a warning");
    assert_eq!(t["facilitation"]["due"], true, "no facilitation training yet");
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("facilitation training within 24 months")));
    let lines = &t["modules"][0]["technicite"];
    assert_eq!(
        lines[0],
        json!({"competency": "connaissance-prestations", "target_level": 3, "current_level": 3, "met": true})
    );
    assert_eq!(lines[1], json!({"competency": "ecoute", "target_level": 2, "current_level": null, "met": false}));
    assert_eq!(t["modules"][0]["targets_met"], 1);

    // Trainees' evaluations feed satisfaction; the campus's own is kept apart.
    let id = session(
        &app,
        &coord,
        json!({"reference": "S-2027-02", "module": "REC-01", "start_date": "2027-02-08",
        "end_date": "2027-02-09", "trainers": [{"trainer": trainer, "hours": 20}],
        "trainees": [{"organisation": "CAF-33", "matricule": "P2"}, {"organisation": "CAF-33", "matricule": "P3"}]}),
    )
    .await;
    let path = format!("/api/v1/sessions/{id}/evaluations");
    for (matricule, score) in [("P2", 4), ("P3", 5)] {
        let body =
            json!({"trainer": trainer, "score": score, "trainee": {"organisation": "CAF-33", "matricule": matricule}});
        assert_eq!(app.post(&path, &coord, body).await.status(), StatusCode::CREATED);
    }
    assert_eq!(app.post(&path, &coord, json!({"trainer": trainer, "score": 3})).await.status(), StatusCode::CREATED);
    let again = json!({"trainer": trainer, "score": 1, "trainee": {"organisation": "CAF-33", "matricule": "P2"}});
    assert_error(app.post(&path, &coord, again).await, StatusCode::CONFLICT, "conflict").await;
    let outsider = json!({"trainer": trainer, "score": 1, "trainee": {"organisation": "CAF-33", "matricule": "P1"}});
    assert_error(app.post(&path, &coord, outsider).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    let zero = json!({"trainer": trainer, "score": 0});
    assert_error(app.post(&path, &coord, zero).await, StatusCode::BAD_REQUEST, "invalid_input").await;

    let t = app.get_json(&format!("/api/v1/trainers/{trainer}"), &coord).await;
    assert_eq!(t["satisfaction"]["status"], "evaluated");
    assert_eq!(t["satisfaction"]["mean"], 4.5);
    assert_eq!(t["satisfaction"]["campus_mean"], 3.0);
    let report = app.get_json("/api/v1/campus-reports/satisfaction", &coord).await;
    assert_eq!(report[0]["module"], "REC-01");
    assert_eq!((report[0]["mean"].as_f64(), report[0]["evaluations"].as_u64()), (Some(4.5), Some(2)));
    let hours = app.get_json("/api/v1/campus-reports/hours?year=2027", &coord).await;
    assert_eq!(hours[0]["delivered"], 20.0);
}

#[actix_web::test]
async fn an_engagement_needs_all_three_agreements_to_become_active_and_to_be_renewed() {
    let Campus { app, coord, hr33, trainer, .. } = campus().await;
    let res = app
        .post(
            "/api/v1/engagements",
            &coord,
            json!({"trainer": trainer, "start_date": "2027-01-01", "hours_per_year": 60}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let g: Value = res.json().await.unwrap();
    let id = g["id"].as_i64().unwrap();
    assert_eq!(
        (g["status"].as_str(), g["end_date"].as_str()),
        (Some("proposed"), Some("2029-12-31")),
        "3 years by default"
    );
    assert_eq!(g["employer"], "CAF-33");

    let transition = |action: &str, version: i64| json!({"action": action, "version": version});
    let path = format!("/api/v1/engagements/{id}/transitions");
    let body =
        assert_error(app.post(&path, &coord, transition("activate", 1)).await, StatusCode::CONFLICT, "conflict").await;
    let missing: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(missing, ["agreements.trainer", "agreements.employer", "agreements.campus"]);

    let agree = format!("/api/v1/engagements/{id}/agreements");
    // The campus cannot speak for the employer, nor the employer for the campus.
    assert_error(app.post(&agree, &coord, json!({"party": "employer"})).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    assert_error(app.post(&agree, &hr33, json!({"party": "campus"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    // Nor either of them for the trainer, but for the employer's hr from a signed paper consent.
    assert_error(app.post(&agree, &coord, json!({"party": "trainer"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(app.post(&agree, &hr33, json!({"party": "trainer"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(app.post(&agree, &coord, paper("AC-7")).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.post(&agree, &coord, json!({"party": "campus"})).await.status(), StatusCode::OK);
    assert_eq!(app.post(&agree, &hr33, paper("AC-7")).await.status(), StatusCode::OK);
    let body =
        assert_error(app.post(&path, &coord, transition("activate", 1)).await, StatusCode::CONFLICT, "conflict").await;
    assert!(body["message"].as_str().unwrap().contains("employer"), "{body}");
    let res = app.post(&agree, &hr33, json!({"party": "employer"})).await;
    let g: Value = res.json().await.unwrap();
    assert_eq!(g["agreements"][2]["agreed_by"], "rh33");
    assert_eq!(g["missing"], json!([]));
    assert_error(app.post(&agree, &hr33, json!({"party": "employer"})).await, StatusCode::CONFLICT, "conflict").await;

    let g: Value = app.post(&path, &coord, transition("activate", 1)).await.json().await.unwrap();
    assert_eq!(g["status"], "active");
    assert_error(app.post(&path, &coord, transition("end", 1)).await, StatusCode::CONFLICT, "conflict").await;

    let g: Value = app.post(&path, &coord, transition("request-renewal", 2)).await.json().await.unwrap();
    assert_eq!(g["status"], "renewal_requested");
    assert_eq!(g["next"]["start_date"], "2030-01-01");
    let body =
        assert_error(app.post(&path, &coord, transition("renew", 3)).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(body["details"].as_array().unwrap().len(), 3, "the new period needs all three again: {body}");
    for (token, body) in
        [(&coord, json!({"party": "campus"})), (&hr33, paper("AC-8")), (&hr33, json!({"party": "employer"}))]
    {
        assert_eq!(app.post(&agree, token, body).await.status(), StatusCode::OK);
    }
    let g: Value = app.post(&path, &coord, transition("renew", 3)).await.json().await.unwrap();
    assert_eq!((g["status"].as_str(), g["period"].as_i64()), (Some("renewed"), Some(2)));
    assert_eq!((g["start_date"].as_str(), g["end_date"].as_str()), (Some("2030-01-01"), Some("2032-12-31")));

    let view = app.get_json(&format!("/api/v1/engagements/{id}"), &hr33).await;
    let events = view["history"].as_array().unwrap();
    let steps: Vec<&str> =
        events.iter().filter(|e| e["kind"] == "transition").map(|e| e["to_status"].as_str().unwrap()).collect();
    assert_eq!(steps, ["proposed", "active", "renewal_requested", "renewed"]);
    let activation = events.iter().find(|e| e["to_status"] == "active" && e["kind"] == "transition").unwrap();
    assert_eq!(activation["changed_by"], "coord.nord");
    // Each agreement is an event; the trainer's, on paper, says so with the document.
    let agreements: Vec<&str> =
        events.iter().filter(|e| e["kind"] == "agreement").map(|e| e["note"].as_str().unwrap()).collect();
    assert_eq!(agreements.len(), 6, "{agreements:?}");
    assert!(
        agreements[1].contains("consentement écrit signé AC-7 du 02/11/2026, enregistré par rh33"),
        "{agreements:?}"
    );
    assert_eq!(agreements[0], "accord du campus pour la période 1");
}

#[actix_web::test]
async fn engagements_ending_soon_are_reported_and_each_organisation_sees_only_its_own() {
    let Campus { app, coord, hr33, trainer, .. } = campus().await;
    let today = chrono::Utc::now().date_naive();
    let start = today.checked_sub_months(chrono::Months::new(36)).unwrap() + chrono::Duration::days(30);
    let body = json!({"trainer": trainer, "start_date": start, "hours_per_year": 40});
    let id = app.post("/api/v1/engagements", &coord, body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for (token, body) in
        [(&coord, json!({"party": "campus"})), (&hr33, paper("AC-2")), (&hr33, json!({"party": "employer"}))]
    {
        let res = app.post(&format!("/api/v1/engagements/{id}/agreements"), token, body).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // The transition under If-Match: the ETag of a GET, a stale one refused with 412.
    let path = format!("/api/v1/engagements/{id}/transitions");
    let under = |tag: &str| {
        app.client.post(app.url(&path)).bearer_auth(&coord).header("If-Match", tag).json(&json!({"action": "activate"}))
    };
    let tag =
        app.get(&format!("/api/v1/engagements/{id}"), &coord).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(tag, "\"1\"");
    assert_error(under("\"0\"").send().await.unwrap(), StatusCode::PRECONDITION_FAILED, "precondition_failed").await;
    let res = under(&tag).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");

    let report = app.get_json("/api/v1/campus-reports/expiring", &coord).await;
    assert_eq!(report["by_campus"]["CAMPUS-NORD"][0]["id"], id, "{report}");
    let report = app.get_json("/api/v1/campus-reports/expiring", &hr33).await;
    assert_eq!(report["by_employer"]["CAF-33"][0]["id"], id);
    let report = app.get_json("/api/v1/campus-reports/expiring?days=10", &coord).await;
    assert_eq!(report["by_campus"], json!({}), "ends in 29 days, not within 10");

    app.create_organisation("CAF-44", "caf").await;
    let hr44 = app.user_with_roles("rh44", "CAF-44", &["hr"]).await;
    assert!(app.get_items("/api/v1/engagements", &hr44).await.is_empty());
    assert_eq!(app.get_json("/api/v1/campus-reports/expiring", &hr44).await["by_employer"], json!({}));
    assert_error(app.get(&format!("/api/v1/engagements/{id}"), &hr44).await, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.post(&format!("/api/v1/engagements/{id}/agreements"), &hr44, json!({"party": "employer"})).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.get("/api/v1/trainers?campus=CAMPUS-NORD", &hr44).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.get(&format!("/api/v1/trainers/{trainer}"), &hr33).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    // An employer's production role does not see engagements: they are the hr's.
    let prod33 = app.token("prod33", crate::helpers::USER_PASSWORD).await;
    assert!(app.get_items("/api/v1/engagements", &prod33).await.is_empty());
    let viewer = app.user_with_roles("lecteur.nord", "CAMPUS-NORD", &["viewer"]).await;
    let res = app.post("/api/v1/modules", &viewer, json!({"code": "X1", "title": "x", "duration_hours": 1})).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn session_hours_reduce_the_trainers_capacity_in_their_organisations_plan() {
    let Campus { app, coord, production, trainer, .. } = campus().await;
    let before = finished(&app, &production, ask_plan(&app, &production, "avant").await).await;
    assert_eq!(before["objective"], 280.0);
    session(
        &app,
        &coord,
        json!({"reference": "S-2027-02", "module": "REC-01", "start_date": "2027-02-08",
        "end_date": "2027-02-09", "trainers": [{"trainer": trainer, "hours": 20}], "trainees": []}),
    )
    .await;
    let after = finished(&app, &production, ask_plan(&app, &production, "après").await).await;
    // P1 has 20 hours fewer on AL in February: backlog 130, i.e. 80 over normal and 30 over critical.
    assert_eq!(after["objective"], 20.0 + 80.0 + 30.0 * 20.0, "{}", after["objective"]);
    let p1_feb = after["result"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent"] == "P1" && a["period"] == "2027-02")
        .unwrap()
        .clone();
    assert_eq!((p1_feb["campus_hours"].as_f64(), p1_feb["unavailable_hours"].as_f64()), (Some(20.0), Some(40.0)));
    assert_eq!(p1_feb["hours"]["AL"], 40.0);
    let contribution = app.get_json("/api/v1/campus-reports/contribution?year=2027", &production).await;
    assert_eq!(contribution["hours"], 20.0);
    assert!((contribution["fte"].as_f64().unwrap() - 20.0 / 1607.0).abs() < 1e-9);
}

#[actix_web::test]
async fn a_training_validation_records_an_assessment_with_source_training() {
    let Campus { app, coord, hr33, trainer, .. } = campus().await;
    let id = session(
        &app,
        &coord,
        json!({"reference": "S-2026-10", "module": "REC-01", "start_date": "2026-10-05",
        "end_date": "2026-10-06", "trainers": [{"trainer": trainer, "hours": 14}],
        "trainees": [{"organisation": "CAF-33", "matricule": "P2"}]}),
    )
    .await;
    accept_trainee(&app, &hr33, id, "P2").await;
    let body = json!({"trainee": {"organisation": "CAF-33", "matricule": "P2"},
        "levels": [{"competency": "connaissance-prestations", "level": 3}]});
    let res = app.post(&format!("/api/v1/sessions/{id}/validations"), &coord, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());

    let agents = app.get_json("/api/v1/agents?q=P2", &hr33).await;
    let p2 = agents["items"][0]["id"].as_i64().unwrap();
    let history = app.get_json(&format!("/api/v1/agents/{p2}/assessments"), &hr33).await;
    let training =
        history.as_array().unwrap().iter().find(|a| a["source"] == "training").expect("a training assessment");
    assert_eq!((training["level"].as_i64(), training["assessed_on"].as_str()), (Some(3), Some("2026-10-06")));
    assert_eq!(training["assessor"], "CAMPUS-NORD");
    let levels = app.get_json(&format!("/api/v1/agents/{p2}/levels"), &hr33).await;
    let prestations =
        levels.as_array().unwrap().iter().find(|l| l["competency"] == "connaissance-prestations").unwrap();
    assert_eq!(prestations["level"], 3, "the validation is now P2's current level");

    // Only the module's competencies, only its trainees, only once the session has ended.
    let off_module = json!({"trainee": {"organisation": "CAF-33", "matricule": "P2"}, "levels": [{"competency": "pedagogie", "level": 2}]});
    assert_error(
        app.post(&format!("/api/v1/sessions/{id}/validations"), &coord, off_module).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    let future = session(
        &app,
        &coord,
        json!({"reference": "S-2035", "module": "REC-01", "start_date": "2035-01-05",
        "end_date": "2035-01-06", "trainers": [{"trainer": trainer, "hours": 7}],
        "trainees": [{"organisation": "CAF-33", "matricule": "P2"}]}),
    )
    .await;
    let body = json!({"trainee": {"organisation": "CAF-33", "matricule": "P2"}, "levels": [{"competency": "ecoute", "level": 2}]});
    assert_error(
        app.post(&format!("/api/v1/sessions/{future}/validations"), &coord, body).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
}

#[actix_web::test]
async fn campus_files_are_imported_whole_or_not_at_all() {
    let Campus { app, coord, .. } = campus().await;
    let modules = "campus,code,title,duration_hours,competencies\n\
                   CAMPUS-NORD,REC-02,Recouvrement forcé,21,connaissance-prestations:4\n\
                   CAMPUS-NORD,REC-03,Contentieux,abc,nope:2\n";
    let body = assert_error(
        app.post_csv("/api/v1/csv/modules", &coord, modules).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    let lines: Vec<(u64, &str)> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [(3, "duration_hours"), (3, "competencies")], "{body}");
    assert_eq!(app.get_json("/api/v1/modules", &coord).await.as_array().unwrap().len(), 1, "REC-02 was not written");

    let good = "campus,code,title,duration_hours,competencies\nCAMPUS-NORD,REC-02,Recouvrement forcé,21,connaissance-prestations:4\n";
    assert_eq!(app.post_csv("/api/v1/csv/modules", &coord, good).await.status(), StatusCode::OK);
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/modules", &coord).await).unwrap();
    assert!(
        exported.contains("CAMPUS-NORD,REC-01,Recouvrement amiable,14,connaissance-prestations:3;ecoute:2\n"),
        "{exported}"
    );

    let trainers = "campus,organisation,matricule,modules,adfo_date\n\
                    CAMPUS-NORD,CAF-33,P2,REC-02,2026-03-01\n\
                    CAMPUS-NORD,CAF-33,P9,REC-02,\n";
    let body = assert_error(
        app.post_csv("/api/v1/csv/trainers", &coord, trainers).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(body["details"][0]["line"], 3);
    assert_eq!(app.get_json("/api/v1/trainers", &coord).await.as_array().unwrap().len(), 1, "P2 was not listed");

    let sessions = "campus,reference,module,start_date,end_date,trainers,trainees\n\
                    CAMPUS-NORD,S-1,REC-01,2027-03-01,2027-03-02,CAF-33:P1:14,CAF-33:P2;CAF-33:P3\n\
                    CAMPUS-NORD,S-2,REC-02,2027-03-01,2027-03-02,CAF-33:P1:14,\n";
    let body = assert_error(
        app.post_csv("/api/v1/csv/sessions", &coord, sessions).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(
        (body["details"][0]["line"].as_u64(), body["details"][0]["column"].as_str()),
        (Some(3), Some("trainers")),
        "{body}"
    );
    assert!(app.get_items("/api/v1/sessions", &coord).await.is_empty(), "S-1 was not written either");

    let engagements = "campus,organisation,matricule,start_date,end_date,hours_per_year,status\n\
                       CAMPUS-NORD,CAF-33,P1,2027-01-01,,60,\n";
    assert_eq!(app.post_csv("/api/v1/csv/engagements", &coord, engagements).await.status(), StatusCode::OK);
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/engagements", &coord).await).unwrap();
    assert!(exported.ends_with("CAMPUS-NORD,CAF-33,P1,2027-01-01,2029-12-31,60,proposed\n"), "{exported}");
    let active = "campus,organisation,matricule,start_date,end_date,hours_per_year,status\nCAMPUS-NORD,CAF-33,P1,2028-01-01,,60,active\n";
    assert_error(
        app.post_csv("/api/v1/csv/engagements", &coord, active).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
}
