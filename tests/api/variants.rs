//! What-if variants (issue 17): a plan request's overrides change its scenario as stated, are
//! kept and shown with the plan, never touch the stored data, and name what they do not know.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::assert_error;
use crate::planning::{Fixture, finished, fixture};
use crate::web::WebClient;

fn agent<'a>(scenario: &'a Value, id: &str) -> &'a Value {
    scenario["agents"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap()
}

fn volume(scenario: &Value, activity: &str, period: &str) -> f64 {
    let load =
        scenario["loads"].as_array().unwrap().iter().find(|l| l["activity"] == activity && l["period"] == period);
    load.map_or(0.0, |l| l["volume"].as_f64().unwrap())
}

#[actix_web::test]
async fn a_variant_changes_its_scenario_only_and_shows_what_it_changed() {
    let Fixture { app, production } = fixture().await;
    let settings = app.get_json("/api/v1/planning-settings", &production).await;
    let pools = json!({"version": settings["version"], "hours_per_fte": 100, "pools": {
        "overtime": {"max_share": 0.1, "cost_per_hour": 0.5},
        "temporary_staff": [{"code": "CDD", "cost_per_head_month": 900, "max_heads": 1, "productivity": 1.0}],
        "flying_teams": [{"code": "POLE", "cost_per_hour": 2, "activities": ["ACC"], "hours_per_period": {"2027-01": 10}}]}});
    assert_eq!(app.put("/api/v1/planning-settings", &production, pools).await.status(), StatusCode::OK);
    let before = [
        app.get_json("/api/v1/planning-settings", &production).await,
        app.get_json("/api/v1/loads", &production).await,
        app.get_json("/api/v1/unavailability", &production).await,
    ];
    let base = crate::planning::ask_plan(&app, &production, "base").await;
    let overrides = json!({
        "volumes": [{"activity": "AL", "from": "2027-02", "to": "2027-02", "multiplier": 1.5}],
        "pools": [{"pool": "CDD", "max_heads": 3, "cost": 800.0}, {"pool": "overtime", "off": true},
                  {"pool": "POLE", "hours_factor": 2.0}],
        "unavailability": [{"agents": ["P3"], "from": "2027-01", "to": "2027-01", "share": 0.5},
                           {"unit": "PROD", "from": "2027-02", "to": "2027-02", "share": 0.1}],
        "hours_per_fte": 110.0});
    let res = app
        .post(
            "/api/v1/plans",
            &production,
            json!({"from": "2027-01", "to": "2027-02", "name": "variante", "overrides": overrides}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let variant = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let scenario = app.get_json(&format!("/api/v1/plans/{variant}/scenario"), &production).await;
    assert_eq!(scenario["hours_per_fte"], 110.0);
    assert_eq!((volume(&scenario, "AL", "2027-01"), volume(&scenario, "AL", "2027-02")), (150.0, 150.0));
    assert!(scenario["pools"]["overtime"].is_null(), "overtime switched off");
    assert_eq!(scenario["pools"]["temporary_staff"][0]["max_heads"], 3);
    assert_eq!(scenario["pools"]["temporary_staff"][0]["cost_per_head_month"], 800.0);
    assert_eq!(scenario["pools"]["flying_teams"][0]["hours_per_period"]["2027-01"], 20.0);
    // P3 (1 ETP at 110 h): half of January; every PROD agent a tenth of February, P1 on top of
    // the 40 hours recorded.
    assert_eq!(agent(&scenario, "P3")["unavailable_hours"]["2027-01"], 55.0);
    assert_eq!(agent(&scenario, "P1")["unavailable_hours"]["2027-02"], 40.0 + 11.0);
    assert_eq!(agent(&scenario, "P2")["unavailable_hours"]["2027-02"], 5.5);
    let base_scenario = app.get_json(&format!("/api/v1/plans/{base}/scenario"), &production).await;
    assert_eq!(volume(&base_scenario, "AL", "2027-02"), 100.0);
    assert_eq!(base_scenario["hours_per_fte"], 100.0);

    // Stored data unchanged; the variant keeps its overrides, which the comparison shows.
    let after = [
        app.get_json("/api/v1/planning-settings", &production).await,
        app.get_json("/api/v1/loads", &production).await,
        app.get_json("/api/v1/unavailability", &production).await,
    ];
    assert_eq!(before, after);
    let shown = finished(&app, &production, variant).await;
    assert_eq!(shown["status"], "done", "{shown}");
    assert_eq!(shown["overrides"], overrides);
    assert_eq!(finished(&app, &production, base).await["status"], "done");
    let cmp = app.get_json(&format!("/api/v1/plans/{base}/compare/{variant}"), &production).await;
    assert!(cmp.get("overrides_a").is_none() && cmp["overrides_b"] == overrides, "{cmp}");
    let web = WebClient::new(&app);
    web.sign_in("prod33", crate::helpers::USER_PASSWORD).await;
    let page = web.get(&format!("/plans/{variant}")).await.text().await.unwrap();
    let listed = &page[page.find("id=\"variante\"").expect("the overrides are shown")..];
    assert!(
        listed.contains("AL : entrées × 1,5 de 2027-02 à 2027-02") && listed.contains("overtime : supprimé"),
        "{listed}"
    );
    assert!(listed.contains("CDD : au plus 3 têtes, coût 800"), "{listed}");
    let compared = web.get(&format!("/plans-compares?a={base}&b={variant}")).await.text().await.unwrap();
    assert!(compared.contains("Variante B") && !compared.contains("Variante A"), "{compared}");
}

#[actix_web::test]
async fn overrides_naming_unknown_things_are_refused_with_their_field_and_nothing_is_queued() {
    let Fixture { app, production } = fixture().await;
    let overrides = json!({
        "volumes": [{"activity": "NOPE", "from": "2027-01", "to": "2027-01", "multiplier": 2}],
        "pools": [{"pool": "INTERIM", "off": true}],
        "unavailability": [{"unit": "NULLE", "agents": ["P1", "X9"], "from": "2027-01", "to": "2027-01"}]});
    let res = app
        .post("/api/v1/plans", &production, json!({"from": "2027-01", "to": "2027-02", "overrides": overrides}))
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    // Every unknown name, each with its field (the domain's tests list them all).
    let details = body["details"].as_array().unwrap();
    assert_eq!(details.len(), 4, "{body}");
    assert_eq!(details[0]["field"], "overrides.volumes[0].activity");
    assert_eq!(details[3]["field"], "overrides.unavailability[0].agents[1]");
    let res = app
        .post(
            "/api/v1/plans",
            &production,
            json!({"from": "2027-01", "to": "2027-02",
        "overrides": {"volumes": [{"activity": "AL", "from": "2027-01", "to": "2027-01", "multiplier": -2}]}}),
        )
        .await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "overrides.volumes[0].multiplier");
    assert!(app.get_items("/api/v1/plans", &production).await.is_empty(), "nothing queued");
}
