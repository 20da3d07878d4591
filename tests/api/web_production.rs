//! The production manager's pages over HTTP: the ETP view, and plans requested from a form whose
//! list refreshes itself while a plan is pending, shows failures with their reason, cancels, and
//! downloads a done plan and its scenario.

use reqwest::StatusCode;

use crate::helpers::{TestDb, USER_PASSWORD, spawn_app, spawn_with, test_config};
use crate::planning::{fill, finished};
use crate::web::{WebClient, hidden};

#[actix_web::test]
async fn the_etp_view_shows_need_against_available_with_the_target_and_a_table_per_activity() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let report = app.get_json("/api/v1/etp?from=2027-01&to=2027-02", &production).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get("/etp?de=2027-01&a=2027-02").await.text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("ETP nécessaires et disponibles par mois"), "{page}");
    let target = crate::web::figure(&page, "cible");
    let expected = format!("{:.2}", report["target"]["fte"].as_f64().unwrap()).replace('.', ",");
    assert!(target.contains(expected.trim_end_matches('0').trim_end_matches(',')), "{target} vs {expected}");
    let activities = &page[page.find("id=\"activites\"").unwrap()..];
    assert!(activities.contains("<th scope=\"row\">AL</th>"), "{activities}");
    let res = web.get("/etp?de=2027-13&a=2027-02").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a month that does not exist");
}

#[actix_web::test]
async fn a_plan_requested_from_the_form_refreshes_on_the_page_until_done_and_downloads() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get("/plans").await.text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let form =
        [("csrf", csrf.as_str()), ("name", "Rentrée"), ("from", "2027-01"), ("to", "2027-02"), ("time_limit", "30")];
    let res = web.post("/plans", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let plans = app.get_json("/api/v1/plans", &production).await;
    let id = plans["items"][0]["id"].as_i64().unwrap();
    assert_eq!(plans["items"][0]["name"], "Rentrée");
    finished(&app, &production, id).await;
    let rows = web.get("/plans/lignes").await.text().await.unwrap();
    assert!(rows.contains("Terminé") && !rows.contains("hx-trigger"), "done: the rows stop polling: {rows}");
    let plan = web.get(&format!("/plans/{id}/plan.json")).await;
    assert_eq!(plan.headers()["content-type"], "application/json");
    let plan: serde_json::Value = plan.json().await.unwrap();
    assert_eq!(plan["objective"], 280.0);
    let scenario: serde_json::Value = web.get(&format!("/plans/{id}/scenario.json")).await.json().await.unwrap();
    assert!(scenario["activities"].is_array(), "{scenario}");

    // A bad horizon shows the form again, as typed, with the reason; nothing is queued.
    let bad =
        [("csrf", csrf.as_str()), ("name", "Trop long"), ("from", "2027-01"), ("to", "2031-01"), ("time_limit", "30")];
    let res = web.post("/plans", &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"refus\"") && page.contains("value=\"Trop long\""), "{page}");
    assert_eq!(app.get_json("/api/v1/plans", &production).await["total"], 1);
}

#[actix_web::test]
async fn a_queued_plan_polls_and_is_cancelled_from_the_page_and_a_viewer_may_not() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.plan_workers = 0; // plans stay queued
    let app = spawn_with(db, config).await;
    let production = fill(&app).await;
    let id = crate::planning::ask_plan(&app, &production, "en attente").await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let rows = web.get("/plans/lignes").await.text().await.unwrap();
    assert!(rows.contains("hx-trigger=\"every 2s\"") && rows.contains("En attente"), "{rows}");
    let page = web.get("/plans").await.text().await.unwrap();
    let csrf = hidden(&page, "csrf");

    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    let seen = viewer.get("/plans").await.text().await.unwrap();
    assert!(!seen.contains("/annuler") && !seen.contains("id=\"demander\""), "no buttons for a viewer");
    let viewer_csrf = hidden(&seen, "csrf");
    let res = viewer.post(&format!("/plans/{id}/annuler"), &[("csrf", viewer_csrf.as_str())]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = web.post(&format!("/plans/{id}/annuler"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let plan = app.get_json(&format!("/api/v1/plans/{id}"), &production).await;
    assert_eq!(plan["status"], "cancelled");
    let rows = web.get("/plans/lignes").await.text().await.unwrap();
    assert!(rows.contains("Annulé") && !rows.contains("hx-trigger"), "{rows}");

    // A plan that failed shows why (a worker's failure, set here past the product).
    let failed = crate::planning::ask_plan(&app, &production, "en échec").await;
    let sql =
        format!("UPDATE plans SET status = 'failed', error = 'le solveur a renvoyé une erreur' WHERE id = {failed}");
    crate::audit::raw_sql(&app.db, &sql).unwrap();
    let rows = web.get("/plans/lignes").await.text().await.unwrap();
    assert!(rows.contains("Échec") && rows.contains("le solveur a renvoyé une erreur"), "{rows}");
}
