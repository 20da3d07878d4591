//! The production manager's pages over HTTP: the ETP view, and plans requested from a form whose
//! list refreshes itself while a plan is pending, shows failures with their reason, cancels, and
//! downloads a done plan and its scenario.

use reqwest::StatusCode;
use serde_json::json;

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

/// The loads of CAF-33 in `period` for `activity`, as the API reads them.
async fn load(app: &crate::helpers::TestApp, token: &str, activity: &str, period: &str) -> serde_json::Value {
    let loads = app.get_json("/api/v1/loads?from=2027-01&to=2027-12&per_page=100", token).await;
    loads["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["activity"] == activity && l["period"] == period)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

#[actix_web::test]
async fn a_pasted_block_lands_whole_or_names_every_bad_cell_and_a_cell_is_edited_in_place() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get("/charges?de=2027-01&a=2027-03").await.text().await.unwrap();
    assert!(page.contains("Aides au logement") && page.contains("connaissance-prestations ≥ 3"), "{page}");
    assert!(page.contains("aria-label=\"AL 2027-01 stock\" name=\"value\" value=\"20\""), "{page}");
    let csrf = hidden(&page, "csrf");

    // Two bad cells: both named, nothing written.
    let bad = "mois\tACC\tAL\n2027-02\t120\tbeaucoup\n2027-03\t-5\t90\n";
    let form = [("csrf", csrf.as_str()), ("de", "2027-01"), ("a", "2027-03"), ("measure", "volume"), ("block", bad)];
    let res = web.post("/charges/coller", &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let refused = res.text().await.unwrap();
    let list = &refused[refused.find("id=\"cellules-refusees\"").unwrap()..];
    assert!(
        list.contains("ligne 2, colonne 3 (AL 2027-02)") && list.contains("ligne 3, colonne 2 (ACC 2027-03)"),
        "{list}"
    );
    assert!(refused.contains("beaucoup"), "the block comes back as pasted");
    assert_eq!(load(&app, &production, "ACC", "2027-02").await["volume"], 100.0, "nothing was written");

    // An unknown activity is refused by the domain, named by its cell too.
    let unknown = "mois\tACC\tXYZ\n2027-02\t120\t5\n";
    let form =
        [("csrf", csrf.as_str()), ("de", "2027-01"), ("a", "2027-03"), ("measure", "volume"), ("block", unknown)];
    let refused = web.post("/charges/coller", &form).await.text().await.unwrap();
    assert!(refused.contains("ligne 2, colonne 3 (XYZ 2027-02)"), "{refused}");

    let good = "mois\tACC\tAL\n2027-02\t120\t\n2027-03\t1 234,5\t90\n";
    let form = [("csrf", csrf.as_str()), ("de", "2027-01"), ("a", "2027-03"), ("measure", "volume"), ("block", good)];
    assert_eq!(web.post("/charges/coller", &form).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(load(&app, &production, "ACC", "2027-02").await["volume"], 120.0);
    assert_eq!(load(&app, &production, "ACC", "2027-03").await["volume"], 1234.5);
    assert_eq!(load(&app, &production, "AL", "2027-02").await["volume"], 100.0, "an empty cell is left as it was");

    // One cell in place, as htmx sends it (the CSRF token in its header); the volume is kept.
    let cell = |value: &'static str| {
        web.client
            .post(app.url("/charges/cellule"))
            .header("X-CSRF-Token", &csrf)
            .form(&[("activity", "AL"), ("month", "2027-01"), ("measure", "stock"), ("value", value)])
            .send()
    };
    let td = cell("35").await.unwrap().text().await.unwrap();
    assert!(td.starts_with("<td class=\"cell-edit\"") && td.contains("value=\"35\""), "{td}");
    let stored = load(&app, &production, "AL", "2027-01").await;
    assert_eq!((stored["opening_backlog"].as_f64(), stored["volume"].as_f64()), (Some(35.0), Some(150.0)));
    let td = cell("trente").await.unwrap().text().await.unwrap();
    assert!(td.contains("refused") && td.contains("role=\"alert\"") && td.contains("value=\"trente\""), "{td}");
    assert_eq!(load(&app, &production, "AL", "2027-01").await["opening_backlog"], 35.0);

    // A viewer sees the grid, without inputs, and cannot write a cell.
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    let seen = viewer.get("/charges?de=2027-01&a=2027-03").await.text().await.unwrap();
    assert!(!seen.contains("hx-post=\"/charges/cellule\"") && !seen.contains("id=\"coller\""));
    let viewer_csrf = hidden(&seen, "csrf");
    let res = viewer
        .client
        .post(app.url("/charges/cellule"))
        .header("X-CSRF-Token", viewer_csrf)
        .form(&[("activity", "AL"), ("month", "2027-01"), ("measure", "stock"), ("value", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_done_plan_shows_its_alert_heatmap_what_binds_its_costs_and_its_agents_searchable() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let id = crate::planning::ask_plan(&app, &production, "hiver").await;
    let plan = finished(&app, &production, id).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get(&format!("/plans/{id}")).await.text().await.unwrap();
    let heat = &page[page.find("id=\"alertes\"").unwrap()..];
    let heat = &heat[..heat.find("</table>").unwrap()];
    for a in plan["result"]["activities"].as_array().unwrap() {
        let class = format!("alert-{}", a["alert"].as_str().unwrap());
        assert!(heat.contains(&class), "{class} in {heat}");
    }
    let strained = plan["result"]["activities"].as_array().unwrap().iter().any(|a| a["alert"] != "normale");
    assert_eq!(page.contains("id=\"tensions\""), strained, "what binds is listed where a backlog is above normal");
    assert!(page.contains("id=\"couts\"") && page.contains("id=\"agents-table\""));
    let costs = &page[page.find("id=\"couts\"").unwrap()..];
    let costs = &costs[..costs.find("</table>").unwrap()];
    let parts = plan["result"]["objective_breakdown"].as_array().unwrap();
    assert_eq!(costs.matches("<th scope=\"row\">").count(), parts.len(), "a row per part of the objective: {costs}");
    assert!(costs.contains("Pénalité du stock au-delà du seuil critique"), "{costs}");
    // Each activity's backlog over its bands (AL: normal up to 50, critical up to 100), and the
    // sources stacked against the need.
    assert!(page.contains("data-activite=\"AL\"") && page.contains("Stock de fin de mois : AL"), "{page}");
    assert!(page.contains("normale jusqu&#x27;à 50") || page.contains("normale jusqu'à 50"), "{page}");
    assert!(page.contains("id=\"sources\"") && page.contains("ETP mobilisés par source et par mois"));
    assert!(page.contains("<td>P1</td>") && page.contains("<td>P2</td>"), "{page}");
    let searched = web.get(&format!("/plans/{id}?q=p2")).await.text().await.unwrap();
    let table = &searched[searched.find("id=\"agents-table\"").unwrap()..];
    assert!(table.contains("<td>P2</td>") && !table.contains("<td>P1</td>"), "{table}");

    // Another fund's production manager does not see it.
    crate::planning::fill_org(&app, "CAF-44").await;
    let web44 = WebClient::new(&app);
    web44.sign_in("prod44", USER_PASSWORD).await;
    assert_eq!(web44.get(&format!("/plans/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(web44.get(&format!("/plans/{id}/plan.json")).await.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn two_plans_are_compared_with_charts_and_tables() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let a = crate::planning::ask_plan(&app, &production, "A").await;
    finished(&app, &production, a).await;
    let more = "organisation,activity,period,volume,opening_backlog\nCAF-33,AL,2027-02,160,\n";
    assert_eq!(app.post_csv("/api/v1/csv/loads", &production, more).await.status(), StatusCode::OK);
    let b = crate::planning::ask_plan(&app, &production, "B").await;
    finished(&app, &production, b).await;
    let api = app.get_json(&format!("/api/v1/plans/{a}/compare/{b}"), &production).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get(&format!("/plans-compares?a={a}&b={b}")).await.text().await.unwrap();
    assert_eq!(page.matches("<svg").count(), 2, "costs and critical months: {page}");
    let table = &page[page.find("id=\"ecarts\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><td>").count(), api["activities"].as_array().unwrap().len());
    assert!(page.contains(&format!("<option value=\"{b}\" selected>")), "{page}");
    let parts = &page[page.find("id=\"postes\"").unwrap()..];
    let parts = &parts[..parts.find("</table>").unwrap()];
    assert_eq!(parts.matches("<th scope=\"row\">").count(), api["objective_breakdown"].as_array().unwrap().len());
    // A plan of another fund is not found.
    crate::planning::fill_org(&app, "CAF-44").await;
    let other = app.token("prod44", USER_PASSWORD).await;
    let theirs = crate::planning::ask_plan(&app, &other, "ailleurs").await;
    finished(&app, &other, theirs).await;
    assert_eq!(web.get(&format!("/plans-compares?a={a}&b={theirs}")).await.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_activity_is_edited_from_the_version_shown_and_a_stale_edit_keeps_what_was_typed() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get("/charges/activites/AL").await.text().await.unwrap();
    assert!(
        page.contains("value=\"connaissance-prestations:3\"") && page.contains("name=\"version\" value=\"1\""),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let form = |version: &'static str, label: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("version", version.to_owned()),
            ("label", label.to_owned()),
            ("minutes_per_item", "55".to_owned()),
            ("backlog_normal_max", "50".to_owned()),
            ("backlog_critical_max", "100".to_owned()),
            ("requirements", "connaissance-prestations:2".to_owned()),
        ]
    };
    let res = web
        .client
        .post(app.url("/charges/activites/AL"))
        .form(&form("1", "Aides au logement (AL)"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let al = app.get_json("/api/v1/activities/AL", &production).await;
    assert_eq!((al["version"].as_i64(), al["minutes_per_item"].as_f64()), (Some(2), Some(55.0)));
    assert_eq!(al["requirements"][0]["min_level"], 2);

    // Made from version 1 again: refused, the form as typed, now made from version 2.
    let res =
        web.client.post(app.url("/charges/activites/AL")).form(&form("1", "Libellé périmé")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(page.contains("value=\"Libellé périmé\"") && page.contains("name=\"version\" value=\"2\""), "{page}");
    assert_eq!(app.get_json("/api/v1/activities/AL", &production).await["label"], "Aides au logement (AL)");
}

/// The settings form's fields, every one filled, made from `version`.
fn settings_form<'a>(csrf: &'a str, version: &'a str, temporary: &'a str, hires: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("version", version),
        ("hours_per_fte", "130,5"),
        ("overtime.max_share", "10"),
        ("overtime.cost_per_hour", "30"),
        ("mobility.max_share", "20"),
        ("ramp_up.months", "24"),
        ("ramp_up.start_share", "50"),
        ("units", "Production Est : ACC, al\nAccueil : ACC"),
        ("temporary_staff", temporary),
        ("flying_teams", "POLE-APPUI ; 5 ; AL ; 2027-02=500 2027-03=250,5\nRENFORT ; 6 ; *"),
        ("hires", hires),
        ("penalties.over_normal_per_item", "1"),
        ("penalties.over_critical_per_item", "20"),
        ("penalties.under_min_presence_per_hour", "100"),
        ("variance.threshold", "12"),
        ("variance.activities", "AL ; 15"),
    ]
}

#[actix_web::test]
async fn the_planning_settings_are_edited_on_their_page_all_or_nothing_and_never_over_a_newer_save() {
    let app = spawn_app().await;
    let production = fill(&app).await;
    let web = WebClient::new(&app);
    let anonymous = web.get("/plans/parametres").await;
    assert_eq!(
        (anonymous.status(), anonymous.headers()["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/connexion")
    );
    web.sign_in("prod33", USER_PASSWORD).await;
    assert!(web.get("/plans").await.text().await.unwrap().contains("href=\"/plans/parametres\""));
    let page = web.get("/plans/parametres").await.text().await.unwrap();
    // The stored settings (fill saved 100 hours per ETP, version 1), and the defaults.
    assert!(page.contains("name=\"hours_per_fte\" inputmode=\"decimal\" size=\"8\" value=\"100\""), "{page}");
    assert!(page.contains("name=\"version\" value=\"1\"") && page.contains("value=\"10\""), "{page}");
    let csrf = hidden(&page, "csrf");

    // Every field, French numbers included, lands in the API's document.
    let temporary = "CDD ; 3 150 ; 10 ; 60";
    let hires = "CDI-GESTION ; 3300 ; 2 ; 6 ; AL, ACC ; 30/50/70";
    let res = web.post("/plans/parametres", &settings_form(&csrf, "1", temporary, hires)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/plans/parametres?enregistre=1");
    let stored = app.get_json("/api/v1/planning-settings", &production).await;
    assert_eq!((&stored["version"], &stored["hours_per_fte"]), (&json!(2), &json!(130.5)), "{stored}");
    let pools = &stored["pools"];
    assert_eq!(pools["overtime"], json!({"max_share": 0.1, "cost_per_hour": 30.0}));
    assert_eq!(pools["internal_mobility"], json!({"max_share": 0.2}));
    assert_eq!(
        pools["temporary_staff"],
        json!([{"code": "CDD", "cost_per_head_month": 3150.0, "max_heads": 10, "productivity": 0.6}])
    );
    assert_eq!(
        pools["flying_teams"],
        json!([
            {"code": "POLE-APPUI", "cost_per_hour": 5.0, "activities": ["AL"],
             "hours_per_period": {"2027-02": 500.0, "2027-03": 250.5}},
            {"code": "RENFORT", "cost_per_hour": 6.0, "activities": null, "hours_per_period": {}}
        ])
    );
    assert_eq!(
        pools["hires"],
        json!([{"code": "CDI-GESTION", "cost_per_head_month": 3300.0, "lead_months": 2, "max_heads": 6,
                "ramp": [0.3, 0.5, 0.7], "activities": ["AL", "ACC"]}])
    );
    assert_eq!(stored["variance"], json!({"threshold": 0.12, "activities": {"AL": 0.15}}));
    assert_eq!(stored["ramp_up"], json!({"months": 24, "start_share": 0.5}));
    assert_eq!(stored["units"], json!({"Accueil": ["ACC"], "Production Est": ["ACC", "AL"]}));
    // The page shows them back as typed.
    let page = web.get("/plans/parametres?enregistre=1").await.text().await.unwrap();
    assert!(page.contains("id=\"enregistre\"") && page.contains("CDD ; 3150 ; 10 ; 60"), "{page}");
    assert!(page.contains("CDI-GESTION ; 3300 ; 2 ; 6 ; AL, ACC ; 30/50/70"), "{page}");
    assert!(page.contains("POLE-APPUI ; 5 ; AL ; 2027-02=500 2027-03=250,5"), "{page}");

    // Bad values are each named, the form comes back as typed, nothing is written.
    let res = web.post("/plans/parametres", &settings_form(&csrf, "2", "CDD ; beaucoup ; 10 ; 60", "CDI")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let refused = res.text().await.unwrap();
    assert!(refused.contains("pools.temporary_staff[0].cost_per_head_month"), "{refused}");
    assert!(refused.contains("pools.hires[0] : ") && refused.contains("CDD ; beaucoup"), "{refused}");
    assert_eq!(app.get_json("/api/v1/planning-settings", &production).await, stored);
    // An activity the organisation does not have: the model's own check, 422.
    let res = web.post("/plans/parametres", &settings_form(&csrf, "2", temporary, "CDI ; 1 ; 0 ; 1 ; ZZ")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("pools.hires[0].activities"));
    assert_eq!(app.get_json("/api/v1/planning-settings", &production).await, stored);

    // Made from version 1 again: refused, and the page shows version 2's values, not the form.
    let res = web.post("/plans/parametres", &settings_form(&csrf, "1", "INTERIM ; 1 ; 1 ; 100", hires)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let refused = res.text().await.unwrap();
    assert!(refused.contains("name=\"version\" value=\"2\"") && refused.contains("CDD ; 3150"), "{refused}");
    assert!(!refused.contains("INTERIM"), "{refused}");
    assert_eq!(app.get_json("/api/v1/planning-settings", &production).await, stored);
    let forged = settings_form("forged", "2", temporary, hires);
    assert_eq!(web.post("/plans/parametres", &forged).await.status(), StatusCode::FORBIDDEN);

    // The save is in the audit trail; the refused ones are not.
    let admin = app.user_with_roles("admin33", "CAF-33", &["admin"]).await;
    let trail = app.get_json("/api/v1/audit?per_page=500&entity=planning_settings", &admin).await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 2, "fill's save and the page's: {trail}");

    // A viewer reads them without a save button and may not post; another organisation's
    // production manager sees their own.
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    let page = viewer.get("/plans/parametres").await.text().await.unwrap();
    assert!(page.contains("value=\"130,5\"") && !page.contains("type=\"submit\">Enregistrer"), "{page}");
    let csrf = hidden(&page, "csrf");
    let res = viewer.post("/plans/parametres", &settings_form(&csrf, "2", temporary, hires)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    crate::planning::fill_org(&app, "CAF-78").await;
    let theirs = WebClient::new(&app);
    theirs.sign_in("prod78", USER_PASSWORD).await;
    let page = theirs.get("/plans/parametres").await.text().await.unwrap();
    assert!(page.contains("value=\"100\"") && !page.contains("CDD ; 3150"), "{page}");
}
