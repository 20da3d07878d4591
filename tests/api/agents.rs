//! Agents, assessments and analytics on a small fixture whose answers are computed by hand.
//!
//! Job TEST-JOB requires ecoute 3 (relationnel), connaissance-prestations 2 (analytique) and
//! connaissance-strategie-branche 2 (environnement): 7 levels in all. In unit U1 of CAF-78:
//! - A1 holds 3, 2, 2: everything met, fit 1.
//! - A2 holds ecoute 2 (a later self-assessment of 4 does not count), prestations 1, no strategy:
//!   gaps 1 + 1 + 2 = 4, nothing met, fit 1 - 4/7 = 0.429.
//! - A3 was assessed ecoute 3 in 2024 then 1 in 2025 (the latest wins), prestations 4 expired at
//!   the end of 2020, strategy 2: gaps 2 + 2 + 0 = 4, one met, fit 0.429.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

pub const ASSESSMENTS: &str = "\
organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until
CAF-78,A1,ecoute,3,2025-03-01,M. Martin,eaea,,,
CAF-78,A1,Connaissance des prestations,2,2025-03-01,M. Martin,manager,,,
CAF-78,A1,connaissance-strategie-branche,2,2025-03-01,M. Martin,eaea,,,
CAF-78,A2,Ecoute,2,2025-01-10,M. Martin,eaea,,,
CAF-78,A2,ecoute,4,2026-01-01,A2,self,,,
CAF-78,A2,connaissance-prestations,1,2025-01-10,M. Martin,eaea,,,
CAF-78,A3,ecoute,3,2024-02-01,M. Martin,manager,,,
CAF-78,A3,ecoute,1,2025-02-01,M. Martin,eaea,,,
CAF-78,A3,connaissance-prestations,4,2020-01-01,Campus,certification,,CERT-1,2020-12-31
CAF-78,A3,connaissance-strategie-branche,2,2025-02-01,M. Martin,eaea,,,
";

pub struct Fixture {
    pub app: TestApp,
    pub hr: String,
    pub ids: Vec<i64>,
}

pub async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let job = json!({"code": "TEST-JOB", "title": "Emploi de test", "requirements": [
        {"competency": "ecoute", "level": 3},
        {"competency": "connaissance-prestations", "level": 2},
        {"competency": "connaissance-strategie-branche", "level": 2}]});
    assert_eq!(app.post("/api/v1/job-profiles", &admin, job).await.status(), StatusCode::CREATED);
    app.create_organisation("CAF-78", "caf").await;
    let hr = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let mut ids = Vec::new();
    for m in ["A1", "A2", "A3"] {
        let agent = json!({"matricule": m, "last_name": format!("Agent {m}"), "unit": "U1",
                           "job_profile": "TEST-JOB", "fte": 0.8, "start_date": "2015-09-01"});
        let res = app.post("/api/v1/agents", &hr, agent).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        ids.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let res = app.post_csv("/api/v1/csv/assessments", &hr, ASSESSMENTS).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    Fixture { app, hr, ids }
}

#[actix_web::test]
async fn the_current_level_is_the_latest_non_self_assessment_and_an_expired_one_is_flagged() {
    let Fixture { app, hr, ids } = fixture().await;
    let levels = |v: Value| -> Vec<(String, i64, bool)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["competency"].as_str().unwrap().to_owned(),
                    l["level"].as_i64().unwrap(),
                    l["expired"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let a2 = levels(app.get_json(&format!("/api/v1/agents/{}/levels", ids[1]), &hr).await);
    assert!(a2.contains(&("ecoute".into(), 2, false)), "the self-assessment of 4 is ignored: {a2:?}");
    let a3 = levels(app.get_json(&format!("/api/v1/agents/{}/levels", ids[2]), &hr).await);
    assert!(a3.contains(&("ecoute".into(), 1, false)), "the latest wins, even lower: {a3:?}");
    assert!(a3.contains(&("connaissance-prestations".into(), 4, true)), "reported as expired: {a3:?}");

    let history = app.get_json(&format!("/api/v1/agents/{}/assessments", ids[1]), &hr).await;
    assert_eq!(history.as_array().unwrap().len(), 3, "the self-assessment stays in the history");
    assert_eq!(history[0]["source"], "self");

    // A new assessment supersedes at once.
    let new =
        json!({"competency": "Qualité d'expression", "level": 3, "assessed_on": "2026-06-01", "source": "manager"});
    let res = app.post(&format!("/api/v1/agents/{}/assessments", ids[1]), &hr, new).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let a2 = levels(app.get_json(&format!("/api/v1/agents/{}/levels", ids[1]), &hr).await);
    assert!(a2.contains(&("qualite-expression".into(), 3, false)), "{a2:?}");
}

#[actix_web::test]
async fn an_agents_gap_lists_each_requirement_with_required_and_current_levels() {
    let Fixture { app, hr, ids } = fixture().await;
    let gap = app.get_json(&format!("/api/v1/agents/{}/gap", ids[2]), &hr).await;
    assert_eq!(gap["profile"], "TEST-JOB");
    let rows: Vec<(&str, i64, Value, bool, i64, bool)> = gap["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let code = r["competency"].as_str().unwrap();
            (
                code,
                r["required"].as_i64().unwrap(),
                r["current"].clone(),
                r["expired"].as_bool().unwrap(),
                r["gap"].as_i64().unwrap(),
                r["met"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("ecoute", 3, json!(1), false, 2, false),
            ("connaissance-prestations", 2, json!(4), true, 2, false),
            ("connaissance-strategie-branche", 2, json!(2), false, 0, true),
        ]
    );
    assert_eq!(
        (gap["met"].as_i64(), gap["total_gap"].as_i64(), gap["met_share"].as_f64(), gap["fit"].as_f64()),
        (Some(1), Some(4), Some(0.333), Some(0.429))
    );

    // Against another target profile: CSU requires ecoute 3 too.
    let csu = app.get_json(&format!("/api/v1/agents/{}/gap?profile=CSU", ids[0]), &hr).await;
    assert_eq!(csu["requirements"], 19);
    let ecoute = csu["rows"].as_array().unwrap().iter().find(|r| r["competency"] == "ecoute").unwrap();
    assert_eq!(
        (ecoute["required"].as_i64(), ecoute["current"].as_i64(), ecoute["met"].as_bool()),
        (Some(3), Some(3), Some(true))
    );
}

#[actix_web::test]
async fn the_mobility_ranking_orders_agents_by_fit_then_requirements_met() {
    let Fixture { app, hr, .. } = fixture().await;
    let page = app.get_json("/api/v1/analytics/mobility?profile=TEST-JOB&unit=U1", &hr).await;
    let order: Vec<(&str, f64, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["agent"]["matricule"].as_str().unwrap(),
                r["gap"]["fit"].as_f64().unwrap(),
                r["gap"]["met"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order, [("A1", 1.0, 3), ("A3", 0.429, 1), ("A2", 0.429, 0)]);
    assert_eq!(page["total"], 3);
    let second = app.get_json("/api/v1/analytics/mobility?profile=TEST-JOB&per_page=1&page=2", &hr).await;
    assert_eq!(second["items"][0]["agent"]["matricule"], "A3");
    assert_eq!(second["items"][0]["rank"], 2);
}

#[actix_web::test]
async fn the_team_matrix_comes_as_json_and_csv() {
    let Fixture { app, hr, .. } = fixture().await;
    let m = app.get_json("/api/v1/analytics/matrix?unit=U1", &hr).await;
    let columns: Vec<&str> =
        m["columns"].as_array().unwrap().iter().map(|c| c["competency"].as_str().unwrap()).collect();
    assert_eq!(columns, ["ecoute", "connaissance-prestations", "connaissance-strategie-branche"]);
    let cells: Vec<Value> = m["rows"].as_array().unwrap().iter().map(|r| r["levels"].clone()).collect();
    assert_eq!(cells, [json!([3, 2, 2]), json!([2, 1, null]), json!([1, null, 2])]);
    assert_eq!(m["rows"][2]["expired"], json!(["connaissance-prestations"]));

    let csv = String::from_utf8(app.get_bytes("/api/v1/analytics/matrix?unit=U1&format=csv", &hr).await).unwrap();
    assert_eq!(
        csv,
        "matricule,name,job_profile,ecoute,connaissance-prestations,connaissance-strategie-branche\n\
         A1,Agent A1,TEST-JOB,3,2,2\nA2,Agent A2,TEST-JOB,2,1,\nA3,Agent A3,TEST-JOB,1,expired,2\n"
    );

    // The workbook to print: levels as numbers (coloured), an expired one marked, a legend.
    let sheet = app.get_sheet("/api/v1/analytics/matrix?unit=U1&format=xlsx", &hr, "Matrice").await;
    assert_eq!(sheet[0][..3], ["Matricule", "Agent", "Emploi"]);
    assert_eq!(sheet[1], ["A1", "Agent A1", "TEST-JOB", "3", "2", "2"]);
    assert_eq!(sheet[3][4], "expiré");
    let legend = app.get_sheet("/api/v1/analytics/matrix?unit=U1&format=xlsx", &hr, "Légende").await;
    assert_eq!(legend[4], ["4", "Expertise"]);
}

#[actix_web::test]
async fn arcs_training_needs_and_cover_are_computed_from_current_levels() {
    let Fixture { app, hr, ids } = fixture().await;
    let team = app.get_json("/api/v1/analytics/arcs?unit=U1", &hr).await;
    assert_eq!(team["profile"], "TEST-JOB", "the team's most common job");
    let arcs: Vec<(&str, f64, f64)> = team["arcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["arc"].as_str().unwrap(), a["held"].as_f64().unwrap(), a["required"].as_f64().unwrap()))
        .collect();
    assert_eq!(arcs, [("analytique", 1.0, 2.0), ("relationnel", 2.0, 3.0), ("environnement", 1.333, 2.0)]);
    let one = app.get_json(&format!("/api/v1/analytics/arcs?agent={}", ids[1]), &hr).await;
    let held: Vec<f64> = one["arcs"].as_array().unwrap().iter().map(|a| a["held"].as_f64().unwrap()).collect();
    assert_eq!(held, [1.0, 2.0, 0.0]);

    let needs = app.get_json("/api/v1/analytics/training-needs?unit=U1", &hr).await;
    let needs: Vec<(&str, i64, i64)> = needs
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (n["competency"].as_str().unwrap(), n["agents_below"].as_i64().unwrap(), n["total_gap"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(needs, [("connaissance-prestations", 2, 3), ("ecoute", 2, 3), ("connaissance-strategie-branche", 1, 2)]);

    let cover = app.get_json("/api/v1/analytics/cover?profile=TEST-JOB&unit=U1", &hr).await;
    let cover: Vec<(&str, i64, bool)> = cover
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["competency"].as_str().unwrap(), c["holders"].as_i64().unwrap(), c["at_risk"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        cover,
        [("ecoute", 1, true), ("connaissance-prestations", 1, true), ("connaissance-strategie-branche", 2, false)]
    );
    let strict = app.get_json("/api/v1/analytics/cover?profile=TEST-JOB&unit=U1&min_holders=3", &hr).await;
    assert!(strict.as_array().unwrap().iter().all(|c| c["at_risk"] == true));

    // The same reports as workbooks.
    let path = "/api/v1/analytics/training-needs?unit=U1&format=xlsx";
    let sheet = app.get_sheet(path, &hr, "Besoins de formation").await;
    assert_eq!(sheet.len(), 4);
    assert_eq!(
        (sheet[1][0].as_str(), sheet[1][3].as_str(), sheet[1][4].as_str()),
        ("connaissance-prestations", "2", "3")
    );
    let path = "/api/v1/analytics/cover?profile=TEST-JOB&unit=U1&format=xlsx";
    let sheet = app.get_sheet(path, &hr, "Couverture").await;
    assert_eq!((sheet[1][0].as_str(), sheet[1][3].as_str(), sheet[1][4].as_str()), ("ecoute", "1", "oui"));
    assert_eq!(sheet[3][4], "non");
}

#[actix_web::test]
async fn another_cafs_hr_gets_404_and_a_viewer_cannot_write() {
    let Fixture { app, hr, ids } = fixture().await;
    app.create_organisation("CAF-13", "caf").await;
    let other = app.user_with_roles("rh13", "CAF-13", &["hr"]).await;
    let a1 = format!("/api/v1/agents/{}", ids[0]);
    for path in [a1.clone(), format!("{a1}/assessments"), format!("{a1}/levels"), format!("{a1}/gap")] {
        assert_error(app.get(&path, &other).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let edit = json!({"version": 1, "matricule": "A1", "last_name": "X", "unit": "U1", "fte": 1.0, "start_date": "2015-09-01"});
    assert_error(app.put(&a1, &other, edit).await, StatusCode::NOT_FOUND, "not_found").await;
    let assessment = json!({"competency": "ecoute", "level": 4, "assessed_on": "2026-01-01", "source": "eaea"});
    assert_error(
        app.post(&format!("{a1}/assessments"), &other, assessment.clone()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.get("/api/v1/analytics/mobility?profile=CSU&organisation=CAF-78", &other).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The workbooks of another organisation's reports, likewise.
    for path in [
        "/api/v1/analytics/matrix?organisation=CAF-78&format=xlsx",
        "/api/v1/analytics/training-needs?organisation=CAF-78&format=xlsx",
        "/api/v1/analytics/cover?profile=TEST-JOB&organisation=CAF-78&format=xlsx",
    ] {
        assert_error(app.get(path, &other).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let listed = app.get_json("/api/v1/agents", &other).await;
    assert_eq!(listed["total"], 0);
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/assessments", &other).await).unwrap();
    assert_eq!(exported.lines().count(), 1, "only the header");
    let res = app.post_csv("/api/v1/csv/assessments", &other, ASSESSMENTS).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(body["details"][0]["message"].as_str().unwrap().starts_with("wrong organisation CAF-78"), "{body}");

    let viewer = app.user_with_roles("lecteur78", "CAF-78", &["viewer"]).await;
    assert_eq!(app.get(&a1, &viewer).await.status(), StatusCode::OK);
    assert_error(app.post(&format!("{a1}/assessments"), &viewer, assessment).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let agent = json!({"matricule": "A9", "last_name": "X", "unit": "U1", "fte": 1.0, "start_date": "2020-01-01"});
    assert_error(app.post("/api/v1/agents", &viewer, agent).await, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.post_csv("/api/v1/csv/agents", &viewer, "organisation\n").await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    // The writes refused above left A1's history as it was.
    let history = app.get_json(&format!("{a1}/assessments"), &hr).await;
    assert_eq!(history.as_array().unwrap().len(), 3);
}
