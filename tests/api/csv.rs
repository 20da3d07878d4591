//! CSV export and import of the referential: the round trip into an empty database, and bad
//! files that are refused whole, each problem named by line and column, with nothing written.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_error, gpec, spawn_app, spawn_unseeded};

const ENTITIES: [&str; 4] = ["competencies", "job-profiles", "requirements", "activity-roles"];

async fn export_all(app: &TestApp, token: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for entity in ENTITIES {
        out.push(app.get_bytes(&format!("/api/v1/csv/{entity}"), token).await);
    }
    out
}

#[actix_web::test]
async fn exporting_the_seed_and_importing_it_into_an_empty_database_gives_the_same_state() {
    let seeded = spawn_app().await;
    let token = seeded.admin_token().await;
    let exported = export_all(&seeded, &token).await;
    // The export of a seeded database is the seed folder itself.
    assert_eq!(exported[0], include_bytes!("../../seeds/competencies.csv"));
    assert_eq!(exported[2], include_bytes!("../../seeds/job_profile_requirements.csv"));

    let empty = spawn_unseeded().await;
    let token = empty.admin_token().await;
    for (entity, file) in ENTITIES.iter().zip(&exported) {
        let res = empty.post_csv(&format!("/api/v1/csv/{entity}"), &token, file.clone()).await;
        assert_eq!(res.status(), StatusCode::OK, "import {entity}");
    }
    assert_eq!(export_all(&empty, &token).await, exported);

    // Importing the same files again changes nothing.
    let res = empty.post_csv("/api/v1/csv/requirements", &token, exported[2].clone()).await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (report["rows"].as_i64(), report["updated"].as_i64(), report["unchanged"].as_i64()),
        (Some(111), Some(0), Some(6))
    );
}

/// Posts a bad file and checks the 400 names each (line, column), then that nothing changed.
async fn refused(app: &TestApp, token: &str, entity: &str, file: &[u8], expected: &[(u64, &str)]) -> Value {
    let before = export_all(app, token).await;
    let res = app.post_csv(&format!("/api/v1/csv/{entity}"), token, file.to_vec()).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let found: Vec<(u64, String)> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_str().unwrap().to_owned()))
        .collect();
    let expected: Vec<(u64, String)> = expected.iter().map(|(l, c)| (*l, c.to_string())).collect();
    assert_eq!(found, expected, "{body}");
    assert!(body["message"].as_str().unwrap().contains("nothing was written"));
    assert_eq!(export_all(app, token).await, before, "nothing written");
    body
}

const REQ_HEADER: &str = "job_profile_code,job_profile_title,competency_code,competency_label,source_label,level\n";

#[actix_web::test]
async fn a_requirements_file_with_levels_0_and_5_and_an_unknown_competency_lists_every_bad_line() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let file = format!(
        "{REQ_HEADER}CSU,,autonomie,,Autonomie,2\nCSU,,ecoute,,Ecoute,0\nCSU,,pedagogie,,Pédagogie,5\n\
         CSU,,telepathie,,Télépathie,2\nNOPE,,autonomie,,,1\nCSU,,autonomie,,,3\n"
    );
    let body = refused(
        &app,
        &token,
        "requirements",
        file.as_bytes(),
        &[(3, "level"), (4, "level"), (5, "competency_code"), (6, "job_profile_code"), (7, "competency_code")],
    )
    .await;
    let messages: Vec<&str> =
        body["details"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(messages[0], "level must be 1 to 4, got 0");
    assert_eq!(messages[2], "unknown competency \"telepathie\"");
    assert_eq!(messages[3], "unknown job profile NOPE");
    assert_eq!(messages[4], "autonomie is already required by CSU in this file");
}

#[actix_web::test]
async fn a_missing_column_a_duplicate_code_and_broken_quoting_are_refused_whole() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let missing =
        "code,label,category,definition,is_new,level_1,level_2,level_3,level_4,aliases\nx,X,savoir,,false,,,,,\n";
    refused(&app, &token, "competencies", missing.as_bytes(), &[(1, "arc")]).await;

    let header = "code,label,category,definition,is_new,arc,level_1,level_2,level_3,level_4,aliases\n";
    let duplicate = format!(
        "{header}nouvelle,Nouvelle,savoir,,false,analytique,,,,,\nautre,Autre,savoir,,false,analytique,,,,,\n\
         nouvelle,Encore,savoir,,false,analytique,,,,,\n"
    );
    refused(&app, &token, "competencies", duplicate.as_bytes(), &[(4, "code")]).await;

    let broken = format!(
        "{header}nouvelle,\"Nouvelle,savoir,,false,analytique,,,,,\nautre,Autre,savoir,,false,analytique,,,,,\n"
    );
    let body = refused(&app, &token, "competencies", broken.as_bytes(), &[(2, "-")]).await;
    assert!(body["details"][0]["message"].as_str().unwrap().contains("quot"), "{body}");
}

#[actix_web::test]
async fn a_file_that_is_not_utf8_is_read_as_windows_1252_as_french_excel_saves_it() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    // "Pédagogie" in Windows-1252, as Excel saves "CSV (séparateur: point-virgule)".
    let mut file = REQ_HEADER.as_bytes().to_vec();
    file.extend_from_slice(b"CSU,,autonomie,,Autonomie,2\nCSU,,pedagogie,,P\xe9dagogie \x80 \x9c,2\n");
    let res = app.post_csv("/api/v1/csv/requirements", &token, file).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/requirements", &token).await).unwrap();
    assert!(exported.contains("Pédagogie € œ"), "{exported}");
}

#[actix_web::test]
async fn an_import_that_changes_a_level_makes_a_new_draft_version() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/requirements", &token).await).unwrap();
    let changed = exported.replace(
        "CSU,Conseiller service à l'usager (CSU),autonomie,Autonomie,Autonomie,1",
        "CSU,Conseiller service à l'usager (CSU),autonomie,Autonomie,Autonomie,2",
    );
    assert_ne!(changed, exported);
    let report: Value = app.post_csv("/api/v1/csv/requirements", &token, changed).await.json().await.unwrap();
    assert_eq!((report["updated"].as_i64(), report["unchanged"].as_i64()), (Some(1), Some(5)));
    let diff = app.get_json("/api/v1/job-profiles/CSU/diff?from=1", &token).await;
    assert_eq!(diff["level_changes"][0]["competency"], "autonomie");
    assert_eq!(diff["to"], 2);
}

#[actix_web::test]
async fn the_cli_import_lists_every_bad_line_exits_non_zero_and_writes_nothing() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let before = export_all(&app, &token).await;
    let db = app.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, format!("{REQ_HEADER}CSU,,autonomie,,,2\nCSU,,ecoute,,,0\nCSU,,inconnue,,,2\n")).unwrap();
    let out = gpec(&db, &["import", "requirements", path.to_str().unwrap()], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3, column level: level must be 1 to 4, got 0"), "{stderr}");
    assert!(stderr.contains("line 4, column competency_code: unknown competency \"inconnue\""), "{stderr}");

    let out = gpec(&db, &["export", "requirements"], "");
    assert!(out.status.success());
    assert_eq!(out.stdout, before[2], "nothing written");

    // What a good import did, for a script.
    std::fs::write(&path, &before[2]).unwrap();
    let out = gpec(&db, &["import", "requirements", path.to_str().unwrap(), "--output", "json"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(report["rows"].as_u64().unwrap() > 0, "{report}");
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(0), Some(0)), "{report}");
}
