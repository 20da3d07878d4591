//! Importing agents and assessments: all or nothing, every bad line named; editing agents.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::agents::{Fixture, fixture};
use crate::helpers::{assert_error, gpec};

const AGENTS: &str =
    "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n";
const HEADER: &str =
    "organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until\n";

fn lines(body: &Value) -> Vec<(u64, String)> {
    body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_str().unwrap().to_owned()))
        .collect()
}

#[actix_web::test]
async fn an_assessments_file_lists_every_bad_line_and_writes_nothing() {
    let Fixture { app, hr, ids } = fixture().await;
    app.create_organisation("CAF-13", "caf").await;
    let before = app.get_bytes("/api/v1/csv/assessments", &hr).await;
    let file = format!(
        "{HEADER}CAF-78,A1,ecoute,4,2026-02-01,,eaea,,,\n\
         CAF-78,Z9,ecoute,3,2026-02-01,,eaea,,,\n\
         CAF-78,A1,telepathie,3,2026-02-01,,eaea,,,\n\
         CAF-78,A1,pedagogie,5,2026-02-01,,eaea,,,\n\
         CAF-78,A1,pedagogie,2,2026-02-31,,eaea,,,\n\
         CAF-78,A1,ecoute,4,2026-02-01,,eaea,,,\n\
         CAF-78,A1,ecoute,3,2025-03-01,,eaea,,,\n\
         CAF-13,B1,ecoute,3,2026-02-01,,eaea,,,\n\
         CAF-78,A1,ecoute,3,2026-03-01,,rumeur,,,\n"
    );
    let res = app.post_csv("/api/v1/csv/assessments", &hr, file).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let expected: Vec<(u64, String)> = [
        (3, "matricule"),   // unknown matricule
        (4, "competency"),  // unknown competency
        (5, "level"),       // level outside 1–4
        (6, "assessed_on"), // bad date
        (7, "-"),           // duplicate of line 2
        (8, "-"),           // already recorded by the fixture
        (9, "organisation"),
        (10, "source"),
    ]
    .iter()
    .map(|(l, c)| (*l, c.to_string()))
    .collect();
    assert_eq!(lines(&body), expected, "{body}");
    assert!(body["details"][6]["message"].as_str().unwrap().starts_with("wrong organisation CAF-13"));
    assert_eq!(app.get_bytes("/api/v1/csv/assessments", &hr).await, before, "nothing written");
    let history = app.get_json(&format!("/api/v1/agents/{}/assessments", ids[0]), &hr).await;
    assert_eq!(history.as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn a_file_whose_last_line_is_bad_writes_nothing_at_all() {
    let Fixture { app, hr, .. } = fixture().await;
    let before = app.get_bytes("/api/v1/csv/agents", &hr).await;
    let mut file = AGENTS.to_owned();
    for i in 0..200 {
        file.push_str(&format!("CAF-78,N{i:03},Nouveau {i},,U2,,CSU,1,2024-01-01,\n"));
    }
    file.push_str("CAF-78,N999,Dernier,,U2,,CSU,1.5,2024-01-01,\n");
    let res = app.post_csv("/api/v1/csv/agents", &hr, file.clone()).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(lines(&body), [(202, "fte".to_owned())]);
    assert_eq!(body["details"][0]["message"], "fte must be in (0, 1], got 1.5");
    assert_eq!(app.get_bytes("/api/v1/csv/agents", &hr).await, before);

    // Corrected, the same file lands whole, and the CLI says the same.
    let good = file.replace("N999,Dernier,,U2,,CSU,1.5", "N999,Dernier,,U2,,CSU,0.5");
    let report: Value = app.post_csv("/api/v1/csv/agents", &hr, good).await.json().await.unwrap();
    assert_eq!((report["created"].as_i64(), report["unchanged"].as_i64()), (Some(201), Some(0)));
    let listed = app.get_json("/api/v1/agents?unit=U2&per_page=500", &hr).await;
    assert_eq!(listed["total"], 201);
    // Past 100 agents the ranking reads levels organisation-wide: the same answer is expected.
    let ranking = app.get_json("/api/v1/analytics/mobility?profile=TEST-JOB&per_page=3", &hr).await;
    let top: Vec<(&str, f64)> = ranking["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["agent"]["matricule"].as_str().unwrap(), r["gap"]["fit"].as_f64().unwrap()))
        .collect();
    assert_eq!(top, [("A1", 1.0), ("A3", 0.429), ("A2", 0.429)]);
    assert_eq!(ranking["total"], 204);

    let bad_assessments =
        format!("{HEADER}CAF-78,N001,ecoute,3,2026-01-01,,eaea,,,\nCAF-78,N002,ecoute,0,2026-01-01,,eaea,,,\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assessments.csv");
    std::fs::write(&path, bad_assessments).unwrap();
    let token = hr.clone();
    let before = app.get_bytes("/api/v1/csv/assessments", &token).await;
    let db = app.stop().await;
    let out = gpec(&db, &["import", "assessments", path.to_str().unwrap()], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3, column level: level must be 1 to 4, got 0"), "{stderr}");
    let out = gpec(&db, &["export", "assessments"], "");
    assert_eq!(out.stdout, before, "nothing written");
}

#[actix_web::test]
async fn agents_are_edited_with_their_version_and_listed_with_filters() {
    let Fixture { app, hr, ids } = fixture().await;
    let a1 = format!("/api/v1/agents/{}", ids[0]);
    let current = app.get_json(&a1, &hr).await;
    let mut edit = current.clone();
    edit["unit"] = json!("U2");
    edit["end_date"] = json!("2026-01-31");
    let res = app.put(&a1, &hr, edit.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);
    edit["unit"] = json!("U3");
    let body = assert_error(app.put(&a1, &hr, edit).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(body["details"][0]["field"], "version");
    assert_eq!(app.get_json(&a1, &hr).await["unit"], "U2");

    // A1 left at the end of January: out of lists and analytics, but the history stays.
    let listed = app.get_json("/api/v1/agents", &hr).await;
    let names: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|a| a["matricule"].as_str().unwrap()).collect();
    assert_eq!(names, ["A2", "A3"]);
    let all = app.get_json("/api/v1/agents?include_departed=true&q=A1", &hr).await;
    assert_eq!(all["total"], 1);
    assert_eq!(app.get_json(&format!("{a1}/assessments"), &hr).await.as_array().unwrap().len(), 3);

    let bad = json!({"matricule": "A4", "last_name": "", "unit": "U1", "fte": 0, "start_date": "2020-01-01"});
    let body = assert_error(app.post("/api/v1/agents", &hr, bad).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(body["message"].as_str().unwrap().contains("fte must be in (0, 1]"), "{body}");
    let twice = json!({"matricule": "A2", "last_name": "Doublon", "unit": "U1", "fte": 1, "start_date": "2020-01-01"});
    assert_error(app.post("/api/v1/agents", &hr, twice).await, StatusCode::CONFLICT, "conflict").await;
    let page = app.get_json("/api/v1/agents?per_page=1&page=2&include_departed=true", &hr).await;
    assert_eq!(
        (page["total"].as_i64(), page["items"][0]["matricule"].as_str()),
        (Some(3), Some("A3")),
        "ordered by unit, then matricule: A1 moved to U2"
    );
    assert_error(app.get("/api/v1/agents?per_page=0", &hr).await, StatusCode::BAD_REQUEST, "invalid_input").await;
}
