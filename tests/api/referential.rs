//! The seeded national referential: counts, levels and wordings checked against the CNAF
//! document (shared/seeds/002_9576b68905d1fadb.txt), aliases, search, and idempotent seeding.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{assert_error, gpec, spawn_app, spawn_unseeded, spawn_with, test_config};

fn requirement<'a>(profile: &'a Value, competency: &str) -> &'a Value {
    profile["requirement_details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["competency"] == competency)
        .unwrap_or_else(|| panic!("{} requires {competency}", profile["code"]))
}

#[actix_web::test]
async fn the_first_start_seeds_the_dictionary_and_the_six_national_sheets() {
    let app = spawn_app().await;
    let token = app.user_with_roles("lecteur", "NATIONAL", &["viewer"]).await;

    let all: Vec<Value> = serde_json::from_value(app.get_json("/api/v1/competencies", &token).await).unwrap();
    assert_eq!(all.len(), 48, "31 dictionary entries and 17 knowledge items");
    let dictionary = all.iter().filter(|c| c["category"] != "savoir").count();
    assert_eq!(dictionary, 31);
    let relational = all.iter().filter(|c| c["category"] == "savoir-faire relationnel").count();
    assert_eq!(relational, 11);
    let new: Vec<&str> = all.iter().filter(|c| c["is_new"] == true).map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(new.len(), 15, "13 NEW in the dictionary, 2 NOUVEAU knowledge items: {new:?}");

    let profiles: Vec<Value> = serde_json::from_value(app.get_json("/api/v1/job-profiles", &token).await).unwrap();
    let counts: Vec<(&str, u64)> =
        profiles.iter().map(|p| (p["code"].as_str().unwrap(), p["requirements"].as_u64().unwrap())).collect();
    assert_eq!(
        counts,
        [
            ("ACCOMPAGNEMENT", 20),
            ("CONSEILLER-SI", 16),
            ("CSU", 19),
            ("DATA-ANALYST", 24),
            ("EXPERTISE", 16),
            ("GESTIONNAIRE-RISQUES", 16)
        ]
    );
    assert!(profiles.iter().all(|p| p["version"] == 1 && p["status"] == "validated"));
}

#[actix_web::test]
async fn requirement_levels_match_the_printed_sheets() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    // (sheet, competency, level, wording as printed), read off the source document.
    let expected: &[(&str, &str, i64, &str)] = &[
        ("ACCOMPAGNEMENT", "connaissance-prestations", 4, "Connaissance des prestations"),
        ("ACCOMPAGNEMENT", "connaissance-reseau-partenarial", 3, "Connaissance du réseau partenarial"),
        (
            "ACCOMPAGNEMENT",
            "connaissance-techniques-accompagnement-social",
            1,
            "Connaissance des techniques d'accompagnement social",
        ),
        ("ACCOMPAGNEMENT", "posture-service", 3, "Posture de service - NOUVEAU"),
        ("ACCOMPAGNEMENT", "qualite-expression", 3, "Expression orale et écrite"),
        ("CSU", "connaissance-prestations", 2, "Connaissance des prestations"),
        ("CSU", "gestion-situations-difficiles", 3, "Gestion des situations difficiles"),
        ("CSU", "autonomie", 1, "Autonomie"),
        ("CSU", "adaptabilite", 3, "Adaptabilité"),
        ("EXPERTISE", "conseil-assistance", 4, "Conseil / assistance"),
        ("EXPERTISE", "legislation-reglementation-partenaires", 1, "Législation et réglementation des partenaires"),
        ("EXPERTISE", "anticipation-veille-alerte", 2, "Anticipation / veille / alerte"),
        ("EXPERTISE", "capacite-investiguer", 3, "Capacité à investiguer / rechercher / retracer - NOUVEAU"),
        ("GESTIONNAIRE-RISQUES", "connaissance-reseau-partenarial", 1, "Connaissance du réseau partenarial"),
        ("GESTIONNAIRE-RISQUES", "proactivite", 1, "Proactivité - NOUVEAU"),
        ("GESTIONNAIRE-RISQUES", "anticipation-veille-alerte", 2, "Anticipation / Veille / Alerte"),
        ("CONSEILLER-SI", "maitrise-applicatifs-metiers", 4, "Maîtrise des applicatifs métiers"),
        ("CONSEILLER-SI", "pedagogie", 3, "Pédagogie - NOUVEAU"),
        ("CONSEILLER-SI", "autonomie", 2, "Autonomie"),
        ("DATA-ANALYST", "techniques-statistiques-compris-sondages", 4, "Techniques statistiques, y compris sondages"),
        ("DATA-ANALYST", "innovation", 1, "Innovation - NOUVEAU"),
        ("DATA-ANALYST", "developpement-sas-seg-sql", 3, "Développement (Sas, Seg, Sql)"),
        (
            "DATA-ANALYST",
            "connaissance-reseau-partenarial",
            2,
            "Connaissance du réseau partenarial (notamment inter-branches) et système de protection sociale",
        ),
        ("DATA-ANALYST", "conseil-assistance", 2, "Conseil/ assistance"),
    ];
    for (sheet, competency, level, wording) in expected {
        let profile = app.get_json(&format!("/api/v1/job-profiles/{sheet}"), &token).await;
        let req = requirement(&profile, competency);
        assert_eq!(req["level"], *level, "{sheet} {competency}");
        assert_eq!(req["source_label"], *wording, "{sheet} {competency}");
    }
    let csu = app.get_json("/api/v1/job-profiles/CSU", &token).await;
    assert_eq!(csu["recruitment_diploma"], "Bac à bac+2");
    let risks = app.get_json("/api/v1/job-profiles/GESTIONNAIRE-RISQUES", &token).await;
    assert_eq!(risks["recruitment_internal_profile"], "GCA expert");
    let roles = risks["activity_roles"].as_array().unwrap();
    let verification = roles.iter().find(|r| r["activity"] == "verification-avant-paiement").unwrap();
    assert_eq!(verification["role"], "principal", "X in the qui fait quoi table");
}

#[actix_web::test]
async fn sheet_wordings_are_aliases_and_every_wording_finds_its_competency() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let expression = app.get_json("/api/v1/competencies/qualite-expression", &token).await;
    assert_eq!(expression["label"], "Qualité d'expression");
    assert_eq!(expression["aliases"], serde_json::json!(["Expression orale et écrite"]));
    assert_eq!(expression["arc"], "relationnel");
    assert_eq!(expression["levels"][2]["name"], "Maîtrise");
    let investigate = app.get_json("/api/v1/competencies/capacite-investiguer", &token).await;
    assert_eq!(investigate["aliases"], serde_json::json!(["Capacité à investiguer / rechercher / retracer"]));
    assert_eq!(investigate["is_new"], true);

    let found: Vec<Value> =
        serde_json::from_value(app.get_json("/api/v1/competencies?q=expression%20orale", &token).await).unwrap();
    assert_eq!(found.iter().map(|c| c["code"].as_str().unwrap()).collect::<Vec<_>>(), ["qualite-expression"]);
    let environment: Vec<Value> =
        serde_json::from_value(app.get_json("/api/v1/competencies?arc=environnement&category=savoir", &token).await)
            .unwrap();
    assert_eq!(environment.len(), 5, "strategy (2), partners, socio-economic issues, partners' legislation");
    let res = app.get("/api/v1/competencies?arc=emotionnel", &token).await;
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let knowledge = app.get_json("/api/v1/competencies/connaissance-prestations", &token).await;
    assert_eq!(knowledge["category"], "savoir");
    assert_eq!(knowledge["levels"][0]["descriptor"], "", "no specific descriptor");
    assert_eq!(knowledge["levels"][0]["name"], "Initiation");
}

#[actix_web::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let before = app.get_bytes("/api/v1/csv/requirements", &token).await;
    let db = app.stop().await;

    let out = gpec(&db, &["seed"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "the referential is already seeded: nothing to add");

    let config = test_config(&db);
    let app = spawn_with(db, config).await;
    assert_eq!(app.get_bytes("/api/v1/csv/requirements", &token).await, before);
    let versions = app.get_json("/api/v1/job-profiles/CSU/versions", &token).await;
    assert_eq!(versions.as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn gpec_seed_loads_an_empty_database() {
    let app = spawn_unseeded().await;
    let token = app.admin_token().await;
    assert_eq!(app.get_json("/api/v1/competencies", &token).await, serde_json::json!([]));
    let db = app.stop().await;
    let out = gpec(&db, &["seed"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "seeded 48 competencies, 10 branch activities, 6 job profiles"
    );
}
