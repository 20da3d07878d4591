//! Version 2 of the planning model fed from stored data: activities' priority, minimum presence
//! and standard times by month; agents' productivity and ramp-up; units' home activities, the
//! mobility share and hire pools in the planning settings. Each goes through the API and CSV with
//! the usual checks, reaches the plan's scenario, and shows in the plan and the ETP report.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, USER_PASSWORD, assert_error};
use crate::planning::{Fixture, finished, fixture};
use crate::web::WebClient;

fn fields(body: &Value) -> Vec<String> {
    body["details"].as_array().unwrap().iter().filter_map(|d| d["field"].as_str().map(str::to_owned)).collect()
}

fn close(actual: &Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

/// AL gets priority 3, a minimum presence of 0.5 ETP and a standard of 30 minutes from February.
async fn set_al(app: &TestApp, production: &str) {
    let mut al = app.get_json("/api/v1/activities/AL", production).await;
    assert_eq!((al["priority"].as_f64(), al["min_fte"].as_f64()), (Some(1.0), Some(0.0)), "defaults: {al}");
    al.as_object_mut().unwrap().retain(|k, _| !["updated_at", "updated_by"].contains(&k.as_str()));
    al["priority"] = json!(3);
    al["min_fte"] = json!(0.5);
    al["standard_changes"] = json!([{"from": "2027-02", "minutes_per_item": 30}]);
    let res = app.put("/api/v1/activities/AL", production, al).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

/// P2 becomes a newcomer who started in December 2026 and ramps up.
async fn set_newcomer(app: &TestApp) -> String {
    let hr = app.user_with_roles("rh-v2", "CAF-33", &["hr"]).await;
    let agents = app.get_json("/api/v1/agents", &hr).await;
    let p2 = agents["items"].as_array().unwrap().iter().find(|a| a["matricule"] == "P2").unwrap().clone();
    let mut edit = p2.clone();
    edit["start_date"] = json!("2026-12-01");
    edit["ramp_up"] = json!(true);
    edit["productivity"] = json!(1.0);
    let res = app.put(&format!("/api/v1/agents/{}", p2["id"]), &hr, edit).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    hr
}

#[actix_web::test]
async fn version_2_fields_are_stored_checked_and_reach_the_plan() {
    let Fixture { app, production } = fixture().await;
    set_al(&app, &production).await;
    let al = app.get_json("/api/v1/activities/AL", &production).await;
    assert_eq!(al["standard_changes"], json!([{"from": "2027-02", "minutes_per_item": 30.0}]));
    set_newcomer(&app).await;
    // Units and mobility, a hire pool for AL, a six-month ramp-up from 50 %.
    let settings = json!({"version": 1, "hours_per_fte": 100,
        "pools": {"internal_mobility": {"max_share": 0.2},
                  "hires": [{"code": "CDI-AL", "cost_per_head_month": 100, "lead_months": 1, "max_heads": 2,
                             "ramp": [0.5], "activities": ["AL"]}]},
        "ramp_up": {"months": 6, "start_share": 0.5},
        "units": {"PROD": ["ACC"]}});
    let res = app.put("/api/v1/planning-settings", &production, settings).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());

    // The ETP report uses February's standard: 100 AL items at 30 min are 0.5 ETP, not 1.
    let report = app.get_json("/api/v1/etp?from=2027-01&to=2027-02", &production).await;
    let al_feb =
        report["activities"].as_array().unwrap().iter().find(|r| r["activity"] == "AL" && r["period"] == "2027-02");
    assert!(close(&al_feb.unwrap()["need_fte"], 0.5), "{report}");

    let res = app.post("/api/v1/plans", &production, json!({"from": "2027-01", "to": "2027-02"})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let plan = finished(&app, &production, id).await;
    assert_eq!(plan["status"], "done", "{plan}");
    let scenario = app.get_json(&format!("/api/v1/plans/{id}/scenario"), &production).await;
    let al = scenario["activities"].as_array().unwrap().iter().find(|a| a["code"] == "AL").unwrap();
    assert_eq!((&al["priority"], &al["min_fte"]), (&json!(3.0), &json!(0.5)));
    assert_eq!(al["minutes_per_item_by_period"], json!({"2027-02": 30.0}));
    let agent = |m: &str| scenario["agents"].as_array().unwrap().iter().find(|a| a["id"] == m).unwrap().clone();
    assert_eq!(agent("P1")["home_activities"], json!(["ACC"]));
    // P2 started in December: January is their second month, 50 % + 50 % × 1/6; February 50 % + 50 % × 2/6.
    let ramp = &agent("P2")["productivity_by_period"];
    assert!(close(&ramp["2027-01"], 0.5 + 0.5 / 6.0) && close(&ramp["2027-02"], 0.5 + 1.0 / 6.0), "{ramp}");
    assert_eq!(scenario["pools"]["internal_mobility"]["max_share"], json!(0.2));

    // P1, the only agent qualified for AL, gives it at most 20 % of 100 h: AL goes critique in
    // January, and recruits could only arrive from February.
    let result = &plan["result"];
    let p1 = result["agents"].as_array().unwrap().iter().find(|r| r["agent"] == "P1" && r["period"] == "2027-01");
    assert!(close(&p1.unwrap()["hours_outside_home"], 20.0), "{p1:?}");
    let al_jan = result["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["activity"] == "AL" && r["period"] == "2027-01")
        .unwrap();
    assert!(close(&al_jan["presence_shortfall_hours"], 30.0), "{al_jan}");
    let kinds: Vec<&str> = al_jan["binding"].as_array().unwrap().iter().map(|b| b["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"mobility_limit") && kinds.contains(&"hires_too_late"), "{kinds:?}");
    let hires: Vec<&Value> = result["pools"].as_array().unwrap().iter().filter(|p| p["kind"] == "hire").collect();
    assert_eq!(hires.iter().map(|p| p["arrivals"].as_i64().unwrap()).collect::<Vec<_>>(), [0, 2]);
    let parts: Vec<&str> =
        result["objective_breakdown"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert!(parts.contains(&"hire") && parts.contains(&"presence_shortfall"), "{parts:?}");

    // The plan's page says it in words: the mobility limit and the late hires among what binds,
    // the recruits, the presence not met, the hours spent outside one's team.
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let page = web.get(&format!("/plans/{id}")).await.text().await.unwrap();
    let tensions = &page[page.find("id=\"tensions\"").unwrap()..];
    assert!(tensions.contains("la limite de mobilité a tenu"), "{tensions}");
    assert!(
        tensions.contains("arrivent trop tard (délai de 1 mois, première arrivée possible : 2027-02)"),
        "{tensions}"
    );
    let recruits = &page[page.find("id=\"recrutements\"").unwrap()..];
    assert!(recruits.contains("<td>CDI-AL</td><td>2027-02</td><td class=\"num\">2</td>"), "{recruits}");
    assert!(page.contains("id=\"presence\"") && page.contains("Présence minimale manquante"), "{page}");
}

#[actix_web::test]
async fn bad_version_2_values_are_refused_field_by_field_and_nothing_is_written() {
    let Fixture { app, production } = fixture().await;
    let mut al = app.get_json("/api/v1/activities/AL", &production).await;
    al.as_object_mut().unwrap().retain(|k, _| !["updated_at", "updated_by"].contains(&k.as_str()));
    al["priority"] = json!(0);
    al["min_fte"] = json!(-1);
    al["standard_changes"] = json!([{"from": "2027-13", "minutes_per_item": 0}]);
    let body =
        assert_error(app.put("/api/v1/activities/AL", &production, al).await, StatusCode::BAD_REQUEST, "invalid_input")
            .await;
    for f in ["priority", "min_fte", "standard_changes[0].from", "standard_changes[0].minutes_per_item"] {
        assert!(fields(&body).iter().any(|x| x == f), "{f} in {body}");
    }
    assert_eq!(app.get_json("/api/v1/activities/AL", &production).await["priority"], json!(1.0));

    let settings = json!({"version": 1, "pools": {"internal_mobility": {"max_share": 1.5},
        "hires": [{"code": "CDI", "cost_per_head_month": 1, "lead_months": 0, "max_heads": 1, "activities": ["NOPE"]}]},
        "ramp_up": {"months": 0, "start_share": 0}, "units": {"PROD": ["NOPE"]}});
    let body = assert_error(
        app.put("/api/v1/planning-settings", &production, settings).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    for f in [
        "ramp_up.months",
        "ramp_up.start_share",
        "units.PROD[0]",
        "pools.hires[0].activities[0]",
        "pools.internal_mobility.max_share",
    ] {
        assert!(fields(&body).iter().any(|x| x == f), "{f} in {body}");
    }
    assert_eq!(app.get_json("/api/v1/planning-settings", &production).await["version"], json!(1));

    // A CSV line with a bad productivity: the line and column are named, nothing is written.
    let hr = app.user_with_roles("rh-v2", "CAF-33", &["hr"]).await;
    let file = "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date,productivity,ramp_up\n\
                CAF-33,P9,Neuf,,PROD,,,1,2026-01-01,,1.2,true\n\
                CAF-33,P8,Huit,,PROD,,,1,2026-01-01,,3,oui\n";
    let body =
        assert_error(app.post_csv("/api/v1/csv/agents", &hr, file).await, StatusCode::BAD_REQUEST, "invalid_input")
            .await;
    assert!(body.to_string().contains("productivity"), "{body}");
    assert_eq!(body["details"][0]["line"], json!(3), "{body}");
    let agents = app.get_json("/api/v1/agents", &hr).await;
    assert!(!agents["items"].as_array().unwrap().iter().any(|a| a["matricule"] == "P9"));
}

#[actix_web::test]
async fn version_2_fields_go_through_csv_both_ways() {
    let Fixture { app, production } = fixture().await;
    set_al(&app, &production).await;
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/activities", &production).await).unwrap();
    assert!(exported.lines().next().unwrap().ends_with(",priority,min_fte,standard_changes"), "{exported}");
    assert!(exported.contains(",3,0.5,2027-02:30"), "{exported}");
    // Re-importing the export changes nothing; a file from before these columns still imports.
    let report: Value = app.post_csv("/api/v1/csv/activities", &production, exported).await.json().await.unwrap();
    assert_eq!(report["unchanged"], json!(2), "{report}");
    let old = crate::planning::ACTIVITIES.replace("Accueil", "Accueil physique");
    let res = app.post_csv("/api/v1/csv/activities", &production, old).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());

    let hr = app.user_with_roles("rh-v2", "CAF-33", &["hr"]).await;
    let file = "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date,productivity,ramp_up\n\
                CAF-33,P9,Neuf,,PROD,,,1,2026-01-01,,1.2,true\n";
    let res = app.post_csv("/api/v1/csv/agents", &hr, file).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let exported = String::from_utf8(app.get_bytes("/api/v1/csv/agents", &hr).await).unwrap();
    assert!(exported.contains("P9,Neuf,,PROD,,,1,2026-01-01,,1.2,true"), "{exported}");
}
