//! Editing the referential: every change a new version, old versions readable, diffs, the 409
//! on a stale edit, status changes, comparisons between jobs, and who may write.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

/// The CSU sheet as read, changed: autonomie 1 → 2, conseil-assistance removed, pilotage added
/// (by its label), a new purpose.
fn edited_csu(current: &Value) -> Value {
    let mut body = current.clone();
    let reqs = body["requirements"].as_array_mut().unwrap();
    reqs.retain(|r| r["competency"] != "conseil-assistance");
    for r in reqs.iter_mut() {
        if r["competency"] == "autonomie" {
            r["level"] = json!(2);
        }
    }
    reqs.push(json!({"competency": "Pilotage", "level": 1}));
    body["purpose"] = json!("- Apporter une réponse de qualité aux usagers");
    body
}

#[actix_web::test]
async fn a_job_profile_edit_makes_a_new_version_and_the_old_one_stays_readable() {
    let app = spawn_app().await;
    let hr = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    let v1 = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    assert_eq!(v1["version"], 1);

    // What was read can be sent back with its version: read-only fields are ignored.
    let res = app.put("/api/v1/job-profiles/CSU", &hr, edited_csu(&v1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v2: Value = res.json().await.unwrap();
    assert_eq!(
        (v2["version"].as_i64(), v2["status"].as_str(), v2["author"].as_str()),
        (Some(2), Some("draft"), Some("rh.national"))
    );
    let pilotage = v2["requirements"].as_array().unwrap().iter().find(|r| r["competency"] == "pilotage").unwrap();
    assert_eq!(pilotage["source_label"], "Pilotage", "a label is stored as the code, the wording kept");

    let old = app.get_json("/api/v1/job-profiles/CSU/versions/1", &hr).await;
    assert_eq!(old["requirements"], v1["requirements"]);
    assert_eq!(old["current_version"], 2);
    let history = app.get_json("/api/v1/job-profiles/CSU/versions", &hr).await;
    let statuses: Vec<(i64, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [(1, "validated"), (2, "draft")]);

    let diff = app.get_json("/api/v1/job-profiles/CSU/diff?from=1&to=2", &hr).await;
    assert_eq!(
        diff["level_changes"],
        json!([{"competency": "autonomie", "competency_label": "Autonomie", "from": 1, "to": 2}])
    );
    let added: Vec<&str> =
        diff["requirements_added"].as_array().unwrap().iter().map(|r| r["competency"].as_str().unwrap()).collect();
    let removed: Vec<&str> =
        diff["requirements_removed"].as_array().unwrap().iter().map(|r| r["competency"].as_str().unwrap()).collect();
    assert_eq!((added, removed), (vec!["pilotage"], vec!["conseil-assistance"]));
    let fields: Vec<&str> =
        diff["text_changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["purpose"]);

    // Sending the same content again saves nothing.
    let again = app.put("/api/v1/job-profiles/CSU", &hr, v2.clone()).await;
    assert_eq!(again.json::<Value>().await.unwrap()["version"], 2);
}

#[actix_web::test]
async fn a_stale_edit_gets_409_and_the_newer_version_is_kept() {
    let app = spawn_app().await;
    let hr = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    let v1 = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    assert_eq!(app.put("/api/v1/job-profiles/CSU", &hr, edited_csu(&v1)).await.status(), StatusCode::OK);

    // A second editor still holds version 1.
    let mut stale = v1.clone();
    stale["title"] = json!("Autre titre");
    let body =
        assert_error(app.put("/api/v1/job-profiles/CSU", &hr, stale).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(body["details"][0]["field"], "version");
    let current = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    assert_eq!(current["version"], 2);
    assert_eq!(current["title"], v1["title"]);
    assert_eq!(current["purpose"], "- Apporter une réponse de qualité aux usagers");

    // Competencies too.
    let pedagogie = app.get_json("/api/v1/competencies/pedagogie", &hr).await;
    let mut edit = pedagogie.clone();
    edit["arc"] = json!("analytique");
    let res = app.put("/api/v1/competencies/pedagogie", &hr, edit.clone()).await;
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);
    edit["label"] = json!("Pédagogie (stale)");
    assert_error(app.put("/api/v1/competencies/pedagogie", &hr, edit).await, StatusCode::CONFLICT, "conflict").await;
    let versions = app.get_json("/api/v1/competencies/pedagogie/versions", &hr).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let first = app.get_json("/api/v1/competencies/pedagogie/versions/1", &hr).await;
    assert_eq!((first["arc"].as_str(), first["label"].as_str()), (Some("relationnel"), Some("Pédagogie")));
    let diff = app.get_json("/api/v1/competencies/pedagogie/diff?from=1&to=2", &hr).await;
    assert_eq!(diff, json!([{"field": "arc", "from": "relationnel", "to": "analytique"}]));
    let now = app.get_json("/api/v1/competencies/pedagogie", &hr).await;
    assert_eq!((now["arc"].as_str(), now["label"].as_str()), (Some("analytique"), Some("Pédagogie")));
}

#[actix_web::test]
async fn validating_a_draft_archives_the_version_validated_before() {
    let app = spawn_app().await;
    let hr = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    let v1 = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    app.put("/api/v1/job-profiles/CSU", &hr, edited_csu(&v1)).await;
    let stale = app.post("/api/v1/job-profiles/CSU/validate", &hr, json!({"version": 1})).await;
    assert_error(stale, StatusCode::CONFLICT, "conflict").await;
    let res = app.post("/api/v1/job-profiles/CSU/validate", &hr, json!({"version": 2})).await;
    let validated: Value = res.json().await.unwrap();
    assert_eq!(
        (validated["status"].as_str(), validated["status_changed_by"].as_str()),
        (Some("validated"), Some("rh.national"))
    );
    let history = app.get_json("/api/v1/job-profiles/CSU/versions", &hr).await;
    assert_eq!(history[0]["status"], "archived");

    let archived = app.post("/api/v1/job-profiles/CSU/archive", &hr, json!({"version": 2})).await;
    assert_eq!(archived.json::<Value>().await.unwrap()["status"], "archived");
    let back = app.post("/api/v1/job-profiles/CSU/validate", &hr, json!({"version": 2})).await;
    assert_error(back, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn compare_says_what_a_csu_must_gain_to_become_a_charge_d_accompagnement() {
    let app = spawn_app().await;
    let token = app.user_with_roles("lecteur", "NATIONAL", &["viewer"]).await;
    let cmp = app.get_json("/api/v1/job-profiles/CSU/compare/ACCOMPAGNEMENT", &token).await;
    let rows = cmp["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    let row = |code: &str| rows.iter().find(|r| r["competency"] == code).unwrap().clone();
    assert_eq!(row("connaissance-prestations")["from_level"], 2);
    assert_eq!(row("connaissance-prestations")["to_level"], 4);
    assert_eq!(row("connaissance-prestations")["gap"], 2);
    assert_eq!(row("connaissance-techniques-accompagnement-social")["from_level"], Value::Null);
    assert_eq!(row("connaissance-techniques-accompagnement-social")["gap"], 1);
    assert_eq!(row("gestion-situations-difficiles")["gap"], -1, "the CSU sheet asks more here");
    // Hand count from the two sheets: +2 prestations, +1 each for réseau partenarial, applicatifs,
    // conseil / assistance, accompagnement social and autonomie.
    assert_eq!((cmp["levels_to_gain"].as_i64(), cmp["competencies_to_raise"].as_i64()), (Some(7), Some(6)));
    let arcs = cmp["to_arcs"].as_array().unwrap();
    assert_eq!(arcs.len(), 3);
    assert!(arcs.iter().all(|a| a["mean_level"].as_f64().unwrap() > 0.0));
    assert_error(app.get("/api/v1/job-profiles/CSU/compare/NOPE", &token).await, StatusCode::NOT_FOUND, "not_found")
        .await;
}

#[actix_web::test]
async fn only_national_hr_and_admins_edit_the_referential() {
    let app = spawn_app().await;
    app.create_organisation("CAF-78", "caf").await;
    let caf_hr = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let viewer = app.user_with_roles("lecteur", "NATIONAL", &["viewer"]).await;
    let csu = app.get_json("/api/v1/job-profiles/CSU", &caf_hr).await;
    for token in [&caf_hr, &viewer] {
        assert_error(app.put("/api/v1/job-profiles/CSU", token, csu.clone()).await, StatusCode::FORBIDDEN, "forbidden")
            .await;
        let res = app.post_csv("/api/v1/csv/competencies", token, "code\n").await;
        assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let new = json!({"code": "ecoute-active", "label": "Écoute active", "category": "savoir-faire relationnel",
                     "arc": "relationnel", "descriptors": ["a", "b", "c", "d"]});
    assert_error(app.post("/api/v1/competencies", &caf_hr, new.clone()).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/competencies", &admin, new).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let bad = json!({"code": "x-y", "label": "X", "category": "savoir", "arc": "analytique", "descriptors": ["a"]});
    let body =
        assert_error(app.post("/api/v1/competencies", &admin, bad).await, StatusCode::BAD_REQUEST, "invalid_input")
            .await;
    assert_eq!(body["details"][0]["field"], "descriptors");
}
