//! `gpec demo generate`: one command fills an organisation so that every screen has something
//! real to show, and makes a user per role to see it with.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestDb, gpec, spawn_with, test_config};
use crate::web::{WebClient, figure};

#[actix_web::test]
async fn the_demo_fills_the_hr_production_and_campus_screens_and_makes_a_user_per_role() {
    let db = TestDb::new();
    let args = ["demo", "generate", "--organisation", "CAF-DEMO", "--agents", "60", "--output", "json"];
    let out = gpec(&db, &args, "");
    // Without a password one is generated and shown once.
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["report"]["agents"], 60);
    assert_eq!(report["report"]["production"]["months"], 48);
    assert_eq!(report["report"]["campus"]["sessions"], 12);
    assert_eq!(report["report"]["draft_sheet"], "CSU");
    assert_eq!(report["report"]["plans"].as_array().map(Vec::len), Some(3), "two plans and a variant queued");
    assert_eq!(report["generated_password"].as_str().map(str::len), Some(20));
    let weak = gpec(
        &db,
        &["demo", "generate", "--organisation", "CAF-AUTRE", "--agents", "20", "--password", "azertyuiop12"],
        "",
    );
    assert!(!weak.status.success() && String::from_utf8_lossy(&weak.stderr).contains("GPEC_DEMO_PASSWORD"));

    let mut config = test_config(&db);
    config.seed_on_start = false;
    let app = spawn_with(db, config).await;
    let token = |user: &'static str| {
        let password = report["generated_password"].as_str().unwrap().to_owned();
        let app = &app;
        async move { app.token(user, &password).await }
    };
    let production = token("production.caf-demo").await;
    assert_eq!(app.get_json("/api/v1/activities", &production).await.as_array().unwrap().len(), 6);
    let loads = app.get_json("/api/v1/loads?per_page=1", &production).await;
    assert_eq!(loads["total"], 6 * 48, "48 months of loads per activity");
    let settings = app.get_json("/api/v1/planning-settings", &production).await;
    assert_eq!(settings["pools"]["temporary_staff"].as_array().unwrap().len(), 2, "{settings}");
    let plan = report["report"]["plans"][1].as_i64().unwrap();
    let solved = crate::planning::finished(&app, &production, plan).await;
    assert_eq!(solved["status"], "done", "the workers solve the demo's plan: {solved}");
    // The year's plan reads like a fund's: normal most months, strained at the autumn peak, a few
    // critical activity-months at most, not a backlog out of hand all year.
    let year = crate::planning::finished(&app, &production, report["report"]["plans"][0].as_i64().unwrap()).await;
    let alerts: Vec<&str> =
        year["result"]["activities"].as_array().unwrap().iter().map(|a| a["alert"].as_str().unwrap()).collect();
    let count = |alert: &str| alerts.iter().filter(|a| **a == alert).count();
    assert!(count("normale") * 2 > alerts.len() && count("tendue") > 0, "{alerts:?}");
    assert!(count("critique") * 10 < alerts.len(), "{alerts:?}");
    let variant = app.get_json(&format!("/api/v1/plans/{}", report["report"]["plans"][2]), &production).await;
    assert_eq!(variant["overrides"]["pools"][0]["max_heads"], 12, "the variant keeps its overrides: {variant}");
    assert_eq!(app.get_json("/api/v1/planning-settings", &production).await, settings, "settings untouched");
    // Twelve closed months of actuals and a forecast made from the history.
    let months = app.get_json("/api/v1/actuals/months?per_page=1", &production).await;
    assert!(months["total"].as_u64().unwrap() >= 6 * 12, "{months}");
    let forecast = app.get_json(&format!("/api/v1/forecasts/{}", report["report"]["forecast"]), &production).await;
    assert_eq!(forecast["method"]["activities"].as_array().unwrap().len(), 6, "{forecast}");
    assert_eq!(forecast["method"]["activities"][0]["backtest"]["origins"], 12, "three years of history");
    assert_eq!(forecast["rows"].as_array().unwrap().len(), 6 * 12);
    assert_eq!(app.get_items("/api/v1/variance", &production).await.len(), 6);
    // The trajectory: targets for three years, departures of several reasons, birth dates for
    // hr, and a plan that meets the targets better than doing nothing.
    let hr = token("rh.caf-demo").await;
    let projection = app.get_json("/api/v1/trajectory/projection", &hr).await;
    assert!(projection["flows"].as_array().unwrap().iter().all(|f| !f["target"].is_null()), "{projection}");
    let reasons: std::collections::BTreeSet<&str> =
        projection["departures"].as_array().unwrap().iter().filter_map(|d| d["reason"].as_str()).collect();
    assert!(reasons.contains("retirement") && reasons.contains("end_of_contract"), "{reasons:?}");
    assert_eq!(projection["unknown_birth_dates"], 0);
    // The demo queued a three-year plan, which the workers solve.
    let id = report["report"]["trajectory"]["plan"].as_i64().unwrap();
    let view = crate::planning::finished_at(&app, &hr, &format!("/api/v1/trajectory/plans/{id}"), "/plan/status").await;
    assert_eq!(view["plan"]["name"], "Trajectoire à trois ans");
    let plan = &view["report"];
    assert_eq!(plan["status"], "optimal", "{view}");
    assert!(plan["costs"]["total"].as_f64() < projection["costs"]["total"].as_f64(), "{}", plan["costs"]);
    let campus = token("campus.caf-demo").await;
    assert_eq!(app.get_json("/api/v1/modules", &campus).await.as_array().unwrap().len(), 5);
    let engagements = app.get_items("/api/v1/engagements", &campus).await;
    let active = engagements.iter().filter(|g| g["status"] == "active").count();
    let renewing = engagements.iter().filter(|g| g["status"] == "renewal_requested").count();
    assert_eq!((engagements.len(), active, renewing), (8, 5, 1), "most engagements agreed and active, one renewing");

    let web = WebClient::new(&app);
    let res = web.sign_in("rh.caf-demo", report["generated_password"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = web.home().await;
    assert_eq!(figure(&home, "chiffre-agents"), "60");
    assert_eq!(figure(&home, "chiffre-brouillons"), "1", "the demo's draft sheet");
    assert_ne!(figure(&home, "chiffre-expires"), "0", "some certifications have lapsed");
    assert_ne!(figure(&home, "chiffre-risque"), "0", "the draft sheet's new expertise rests on nobody");
    let team = web.get("/equipes").await.text().await.unwrap();
    assert!(team.contains("<td class=\"cell met\"") && team.contains("<td class=\"cell short1\""), "{team}");
    let trajectory = web.get("/trajectoire").await.text().await.unwrap();
    assert!(trajectory.contains("Trajectoire à trois ans") && trajectory.contains("<svg"), "{trajectory}");
    let planned = web.get(&format!("/trajectoire/plans/{id}")).await.text().await.unwrap();
    assert!(planned.contains("id=\"flux\"") && planned.contains("Plan optimal"), "{planned}");
    let settings = web.get("/trajectoire/hypotheses").await.text().await.unwrap();
    assert!(settings.contains("name=\"cible.CSU."), "{settings}");
    let planning = web.get("/plans/parametres").await.text().await.unwrap();
    assert!(
        planning.contains("INTERIM ; 4400 ; 4 ; 60") && planning.contains("CDI-GESTION ; 3400 ; 3 ;"),
        "{planning}"
    );
    let ranking = web.get("/mobilite?cible=EXPERTISE").await.text().await.unwrap();
    assert!(ranking.contains("id=\"classement\""));
    let needs = web.get("/besoins").await.text().await.unwrap();
    assert!(needs.contains("id=\"besoins-table\"") && needs.contains("id=\"couverture-table\""));
    let sheet = web.get("/fiches/CSU").await.text().await.unwrap();
    assert!(sheet.contains("brouillon"), "{sheet}");

    // The campus's screens, and a trainer whose proposed engagement awaits their own agreement.
    let campus = WebClient::new(&app);
    campus.sign_in("campus.caf-demo", report["generated_password"].as_str().unwrap()).await;
    let trainers = campus.get("/campus/formateurs").await.text().await.unwrap();
    assert!(trainers.contains("acceptée") && !trainers.contains("en attente de l&#x27;employeur"), "{trainers}");
    let reports = campus.get("/campus/rapports").await.text().await.unwrap();
    assert!(reports.contains("<svg"), "hours given per organisation: {reports}");
    let trainer = WebClient::new(&app);
    let res = trainer.sign_in("formateur.caf-demo", report["generated_password"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let own = trainer.get("/formateur").await.text().await.unwrap();
    assert!(own.contains("des accords sont attendus"), "{own}");
    assert!(own.contains("Renouvellement demandé") && own.contains("S-"), "their sessions: {own}");
    let engagement = trainer.get("/campus/engagements/3").await.text().await.unwrap();
    assert!(engagement.contains("name=\"party\" value=\"trainer\""), "the trainer's own button: {engagement}");
}
