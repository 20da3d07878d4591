//! Planning data, the ETP report and plans, on a fixture computed by hand.
//!
//! CAF-33 counts 100 productive hours per ETP. Activity AL (60 min per item, normal 50,
//! critical 100) needs connaissance-prestations 3; ACC (30 min, normal 0, critical 100) is open
//! to everyone. Agents: P1 (1.0 ETP, level 3, 40 hours of absence in February), P2 (0.5, level
//! 2), P3 (1.0, no level). Over 2027-01..02, AL gets 150 then 100 items on an opening backlog
//! of 20; ACC 100 a month.
//!
//! Only P1 may work on AL: 100 hours in January (backlog 70, 20 over normal: cost 20) and 60 in
//! February (backlog 110: 60 over normal and 10 over critical: cost 60 + 200). ACC needs 50 hours
//! a month from P2 and P3. Without pools the optimum is 280. With overtime (10% of capacity at
//! 0.5 an hour), P1 adds 10 then 6 hours: backlogs 60 and 94, cost 10 + 5 + 44 + 3 = 62.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

const AGENTS: &str = "\
organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date
CAF-33,P1,Un,,PROD,,,1,2020-01-01,
CAF-33,P2,Deux,,PROD,,,0.5,2020-01-01,
CAF-33,P3,Trois,,PROD,,,1,2020-01-01,
";

const ASSESSMENTS: &str = "\
organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until
CAF-33,P1,connaissance-prestations,3,2026-01-10,M. Martin,eaea,,,
CAF-33,P2,connaissance-prestations,2,2026-01-10,M. Martin,eaea,,,
";

pub const ACTIVITIES: &str = "\
organisation,code,label,minutes_per_item,backlog_normal_max,backlog_critical_max,temp_eligible,branch_activity,requirements
CAF-33,ACC,Accueil,30,0,100,true,,
CAF-33,AL,Aides au logement,60,50,100,false,,connaissance-prestations:3
";

pub const LOADS: &str = "\
organisation,activity,period,volume,opening_backlog
CAF-33,ACC,2027-01,100,
CAF-33,ACC,2027-02,100,
CAF-33,AL,2027-01,150,20
CAF-33,AL,2027-02,100,
";

pub struct Fixture {
    pub app: TestApp,
    pub production: String,
}

/// CAF-33 with its agents, levels, activities, loads, unavailability and 100 hours per ETP.
pub async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let production = fill(&app).await;
    Fixture { app, production }
}

/// Fills CAF-33 in `app`; returns the token of its production manager.
pub async fn fill(app: &TestApp) -> String {
    fill_org(app, "CAF-33").await
}

/// Creates the CAF `org` in `app` and gives it CAF-33's planning data; returns the token of its
/// production manager (`prod` followed by the code's digits).
pub async fn fill_org(app: &TestApp, org: &str) -> String {
    app.create_organisation(org, "caf").await;
    let digits: String = org.chars().filter(char::is_ascii_digit).collect();
    let hr = app.user_with_roles(&format!("rh{digits}"), org, &["hr"]).await;
    let production = app.user_with_roles(&format!("prod{digits}"), org, &["production"]).await;
    for (entity, file, token) in [
        ("agents", AGENTS, &hr),
        ("assessments", ASSESSMENTS, &hr),
        ("activities", ACTIVITIES, &production),
        ("loads", LOADS, &production),
    ] {
        let file = file.replace("CAF-33", org);
        let res = app.post_csv(&format!("/api/v1/csv/{entity}"), token, file).await;
        assert_eq!(res.status(), StatusCode::OK, "{entity}: {}", res.text().await.unwrap());
    }
    let away = json!({"rows": [{"matricule": "P1", "period": "2027-02", "kind": "absence", "hours": 40}]});
    assert_eq!(app.put("/api/v1/unavailability", &production, away).await.status(), StatusCode::OK);
    let settings = json!({"version": 0, "hours_per_fte": 100});
    let res = app.put("/api/v1/planning-settings", &production, settings).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    production
}

/// Asks for the fixture's plan over 2027-01..02; returns its id.
pub async fn ask_plan(app: &TestApp, token: &str, name: &str) -> i64 {
    let res = app.post("/api/v1/plans", token, json!({"from": "2027-01", "to": "2027-02", "name": name})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    assert!(res.headers().get("location").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "queued");
    body["id"].as_i64().unwrap()
}

/// Polls a plan until it has finished (done, failed or cancelled); panics after 60 s.
pub async fn finished(app: &TestApp, token: &str, id: i64) -> Value {
    finished_at(app, token, &format!("/api/v1/plans/{id}"), "/status").await
}

/// Polls `path` until the status at JSON pointer `status` is no longer queued or running.
pub async fn finished_at(app: &TestApp, token: &str, path: &str, status: &str) -> Value {
    for _ in 0..1200 {
        let plan = app.get_json(path, token).await;
        if !matches!(plan.pointer(status).and_then(Value::as_str), Some("queued" | "running")) {
            return plan;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} did not finish in 60 s");
}

fn close(actual: &Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

fn row<'a>(plan: &'a Value, activity: &str, period: &str) -> &'a Value {
    plan["result"]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["activity"] == activity && r["period"] == period)
        .unwrap_or_else(|| panic!("no row {activity} {period}"))
}

#[actix_web::test]
async fn a_plan_is_solved_in_the_background_to_the_hand_computed_optimum_and_saved() {
    let Fixture { app, production } = fixture().await;
    let id = ask_plan(&app, &production, "sans renfort").await;
    let plan = finished(&app, &production, id).await;
    assert_eq!(plan["status"], "done", "{plan}");
    assert_eq!(plan["solver_status"], "optimal");
    assert!(close(&plan["objective"], 280.0), "{}", plan["objective"]);
    let parts = plan["result"]["objective_breakdown"].as_array().unwrap();
    let kinds: Vec<&str> = parts.iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["backlog_over_normal", "backlog_over_critical"], "no pool, no pool part");
    assert!(close(&parts[0]["total"], 80.0) && close(&parts[1]["by_period"]["2027-02"], 200.0), "{parts:?}");
    assert!(close(&row(&plan, "AL", "2027-01")["backlog"], 70.0));
    assert_eq!(row(&plan, "AL", "2027-01")["alert"], "tendue");
    let feb = row(&plan, "AL", "2027-02");
    assert!(close(&feb["backlog"], 110.0));
    assert_eq!(feb["alert"], "critique");
    assert!(close(&feb["extra_hours_to_tendue"], 10.0), "{feb}");
    assert!(close(&row(&plan, "ACC", "2027-01")["backlog"], 0.0));
    // P1's absence and the levels from the assessments reached the scenario.
    let p1: Vec<&Value> = plan["result"]["agents"].as_array().unwrap().iter().filter(|a| a["agent"] == "P1").collect();
    assert!(close(&p1[1]["hours"]["AL"], 60.0), "{p1:?}");
    let scenario = app.get_json(&format!("/api/v1/plans/{id}/scenario"), &production).await;
    let agents = scenario["agents"].as_array().unwrap();
    assert_eq!(agents[0]["levels"]["connaissance-prestations"], 3);
    assert!(close(&agents[0]["unavailable_hours"]["2027-02"], 40.0));
    assert_eq!(scenario["activities"][1]["initial_backlog"], 20.0);

    // The per-agent rows, paged and searchable.
    let res = app.get(&format!("/api/v1/plans/{id}/agents?q=p1&per_page=1"), &production).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["link"].to_str().unwrap().contains("rel=\"next\""));
    let rows: Value = res.json().await.unwrap();
    assert_eq!((rows["total"].as_u64(), rows["items"][0]["agent"].as_str()), (Some(2), Some("P1")), "{rows}");
    let second = app.get_json(&format!("/api/v1/plans/{id}/agents?q=p1&per_page=1&page=2"), &production).await;
    assert!(close(&second["items"][0]["hours"]["AL"], 60.0), "{second}");

    // The plan as a workbook to share: a sheet per view.
    let path = format!("/api/v1/plans/{id}?format=xlsx");
    let stocks = app.get_sheet(&path, &production, "Stocks").await;
    assert_eq!(stocks[0][..3], ["Activité", "2027-01", "2027-02"]);
    let al = stocks.iter().find(|r| r[0] == "AL").expect("AL row");
    assert_eq!(al[1..3], ["70", "110"]);
    let hours = app.get_sheet(&path, &production, "Heures par agent").await;
    assert!(hours.iter().any(|r| r[0] == "P1" && r[1] == "2027-02"), "{hours:?}");
    app.get_sheet(&path, &production, "Renforts et coûts").await;

    // A finished plan is immutable: it cannot be cancelled, and it stays listed.
    assert_error(app.delete(&format!("/api/v1/plans/{id}"), &production).await, StatusCode::CONFLICT, "conflict").await;
    let list = app.get_items("/api/v1/plans", &production).await;
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["name"], "sans renfort");
    assert_eq!(list[0]["attempts"], 1);
}

#[actix_web::test]
async fn two_plans_compare_activity_by_activity_and_month_by_month() {
    let Fixture { app, production } = fixture().await;
    let first = ask_plan(&app, &production, "sans renfort").await;
    assert_eq!(finished(&app, &production, first).await["status"], "done");
    let settings = app.get_json("/api/v1/planning-settings", &production).await;
    let with_overtime = json!({"version": settings["version"], "hours_per_fte": 100,
        "pools": {"overtime": {"max_share": 0.1, "cost_per_hour": 0.5}}});
    let res = app.put("/api/v1/planning-settings", &production, with_overtime).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let second = ask_plan(&app, &production, "heures sup").await;
    let plan = finished(&app, &production, second).await;
    assert!(close(&plan["objective"], 62.0), "{}", plan["objective"]);

    let cmp = app.get_json(&format!("/api/v1/plans/{first}/compare/{second}"), &production).await;
    assert!(close(&cmp["objective"]["delta"], -218.0), "{}", cmp["objective"]);
    let al_feb = cmp["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["activity"] == "AL" && r["period"] == "2027-02")
        .unwrap();
    assert!(close(&al_feb["backlog"]["delta"], -16.0), "{al_feb}");
    assert_eq!(al_feb["alert_a"], "critique");
    assert_eq!(al_feb["alert_b"], "tendue");
    assert!(close(&al_feb["allocated_fte"]["delta"], 0.06), "{al_feb}");
    let jan = &cmp["periods"][0];
    assert!(close(&jan["overtime_cost"]["a"], 0.0) && close(&jan["overtime_cost"]["b"], 5.0), "{jan}");
    assert!(close(&jan["pool_cost"]["delta"], 5.0));
    // The objective by part in both: overtime only in the second (16 h at 0.5), the backlog
    // above normal 20 + 60 then 10 + 44, above critical 10 × 20 then none.
    let part = |kind: &str| cmp["objective_breakdown"].as_array().unwrap().iter().find(|p| p["kind"] == kind).cloned();
    let overtime = part("overtime").expect("overtime in the second plan");
    assert_eq!((overtime["total"]["a"].clone(), overtime["total"]["b"].as_f64()), (Value::Null, Some(8.0)));
    let normal = part("backlog_over_normal").unwrap();
    assert!(close(&normal["total"]["a"], 80.0) && close(&normal["total"]["b"], 54.0), "{normal}");
    assert!(close(&normal["by_period"]["2027-02"]["delta"], 44.0 - 60.0), "{normal}");
    assert!(close(&part("backlog_over_critical").unwrap()["total"]["delta"], -200.0));
    let res = app.get(&format!("/api/v1/plans/{first}/compare/999"), &production).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn the_etp_report_converts_loads_and_sets_the_target_without_solving() {
    let Fixture { app, production } = fixture().await;
    let report = app.get_json("/api/v1/etp?from=2027-01&to=2027-02", &production).await;
    let need = |activity: &str, period: &str| {
        report["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["activity"] == activity && r["period"] == period)
            .unwrap()["need_fte"]
            .clone()
    };
    assert!(close(&need("AL", "2027-01"), 1.5));
    assert!(close(&need("ACC", "2027-02"), 0.5));
    let periods = report["periods"].as_array().unwrap();
    assert!(close(&periods[0]["available_fte"], 2.5) && close(&periods[1]["available_fte"], 2.1));
    assert!(close(&periods[0]["delta_fte"], 0.5) && close(&periods[1]["delta_fte"], 0.6));
    assert!(close(&report["etpma_need"], 1.75) && close(&report["etpma_available"], 2.3));
    // AL: 20 waiting + 150 in January, 50 may wait: 120 items a month (1.2 ETP); ACC: 0.5 ETP.
    assert!(close(&report["target"]["fte"], 1.7), "{}", report["target"]);
    assert!(close(&report["target"]["gap_fte"], -0.6));
    let months = app.get_sheet("/api/v1/etp?from=2027-01&to=2027-02&format=xlsx", &production, "Mois").await;
    assert_eq!(months[0], ["Mois", "Besoin (ETP)", "Disponible (ETP)", "Écart (ETP)"]);
    assert_eq!(months[1][0], "2027-01");
    assert_eq!(months.last().unwrap()[0], "ETPMA");

    // A reversed horizon is well-formed (422); a month 13 is not (400).
    let res = app.get("/api/v1/etp?from=2027-03&to=2027-01", &production).await;
    assert_eq!(assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await["details"][0]["field"], "to");
    let res = app.get("/api/v1/etp?from=2027-13&to=2028-01", &production).await;
    assert_eq!(assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await["details"][0]["field"], "from");
}

#[actix_web::test]
async fn activities_are_edited_with_their_version_and_checked_field_by_field() {
    let Fixture { app, production } = fixture().await;
    let al = app.get_json("/api/v1/activities/AL", &production).await;
    assert_eq!(al["requirements"][0]["competency"], "connaissance-prestations");
    let mut change = al.clone();
    change["label"] = json!("Aides au logement (AL, APL)");
    change.as_object_mut().unwrap().retain(|k, _| !["updated_at", "updated_by"].contains(&k.as_str()));
    let res = app.put("/api/v1/activities/AL", &production, change.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    // The same edit again is stale: 409, and nothing is overwritten.
    assert_error(app.put("/api/v1/activities/AL", &production, change).await, StatusCode::CONFLICT, "conflict").await;

    let bad = json!({"code": "X", "label": "", "minutes_per_item": 0, "backlog_normal_max": 10,
        "backlog_critical_max": 5, "requirements": [{"competency": "nope", "min_level": 5}]});
    let body =
        assert_error(app.post("/api/v1/activities", &production, bad).await, StatusCode::BAD_REQUEST, "invalid_input")
            .await;
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    for f in [
        "code",
        "label",
        "minutes_per_item",
        "backlog_critical_max",
        "requirements[0].min_level",
        "requirements[0].competency",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(app.get_json("/api/v1/activities", &production).await.as_array().unwrap().len(), 2);

    // A stale settings save is refused too.
    let res = app.put("/api/v1/planning-settings", &production, json!({"version": 0, "hours_per_fte": 120})).await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .put(
            "/api/v1/planning-settings",
            &production,
            json!({"version": 1, "pools": {"flying_teams": [{"code": "POLE", "cost_per_hour": 5,
                "activities": ["NOPE"], "hours_per_period": {"2027-13": 10}}]}}),
        )
        .await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"pools.flying_teams[0].activities[0]"), "{fields:?}");
    assert!(fields.contains(&"pools.flying_teams[0].hours_per_period.2027-13"), "{fields:?}");
    // Well-formed, but on an activity the organisation lacks: 422.
    let res = app
        .put(
            "/api/v1/planning-settings",
            &production,
            json!({"version": 1, "pools": {"flying_teams": [{"code": "POLE", "cost_per_hour": 5, "activities": ["NOPE"]}]}}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    assert_eq!(body["details"][0]["field"], "pools.flying_teams[0].activities[0]", "{body}");
}

#[actix_web::test]
async fn bad_planning_rows_and_files_write_nothing_and_name_each_problem() {
    let Fixture { app, production } = fixture().await;
    let rows = json!({"rows": [
        {"activity": "AL", "period": "2027-03", "volume": 10},
        {"activity": "AL", "period": "2027-3", "volume": -1},
        {"activity": "ZZ", "period": "2027-04", "volume": 1}]});
    let body =
        assert_error(app.put("/api/v1/loads", &production, rows).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["rows[1].period", "rows[1].volume", "rows[2].activity"]);
    // Well-formed rows the data refuses (an unknown activity, a month given twice): 422.
    let rows = json!({"rows": [
        {"activity": "AL", "period": "2027-03", "volume": 10},
        {"activity": "AL", "period": "2027-03", "volume": 11},
        {"activity": "ZZ", "period": "2027-04", "volume": 1}]});
    let res = app.put("/api/v1/loads", &production, rows).await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["rows[1].period", "rows[2].activity"]);
    let stored = app.get_items("/api/v1/loads?from=2027-03&to=2027-12", &production).await;
    assert!(stored.is_empty(), "the good first row was not written either");

    let file = format!(
        "{LOADS}CAF-33,AL,2027-03,abc,
CAF-33,AL,2027-01,5,
"
    );
    let res = app.post_csv("/api/v1/csv/loads", &production, file).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    let lines: Vec<(u64, &str)> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [(6, "volume"), (7, "period")], "a bad number, then a month given twice");
    assert_eq!(app.get_bytes("/api/v1/csv/loads", &production).await, LOADS.as_bytes(), "unchanged");
    // The export adds the version 2 columns at their defaults to what was imported.
    let exported: String = ACTIVITIES
        .lines()
        .enumerate()
        .map(|(i, line)| format!("{line}{}\n", if i == 0 { ",priority,min_fte,standard_changes" } else { ",1,0," }))
        .collect();
    assert_eq!(String::from_utf8(app.get_bytes("/api/v1/csv/activities", &production).await).unwrap(), exported);

    let file = "organisation,matricule,period,kind,hours
CAF-33,P1,2027-03,training,7
CAF-33,P9,2027-03,holiday,7
";
    let body = assert_error(
        app.post_csv("/api/v1/csv/unavailability", &production, file).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    let columns: Vec<&str> =
        body["details"].as_array().unwrap().iter().map(|d| d["column"].as_str().unwrap()).collect();
    assert_eq!(columns, ["kind"], "the kind is refused before the matricule is looked up: {body}");
    assert_eq!(app.get_items("/api/v1/unavailability", &production).await.len(), 1);
}

#[actix_web::test]
async fn planning_is_scoped_by_organisation_and_written_by_production_only() {
    let Fixture { app, production } = fixture().await;
    let id = ask_plan(&app, &production, "p").await;
    app.create_organisation("CAF-44", "caf").await;
    let other = app.user_with_roles("prod44", "CAF-44", &["production"]).await;
    let viewer = app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;

    for path in [
        format!("/api/v1/plans/{id}"),
        format!("/api/v1/plans/{id}/scenario"),
        format!("/api/v1/plans/{id}/agents"),
        format!("/api/v1/plans/{id}?format=xlsx"),
    ] {
        assert_error(app.get(&path, &other).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_error(app.delete(&format!("/api/v1/plans/{id}"), &other).await, StatusCode::NOT_FOUND, "not_found").await;
    for path in [
        "/api/v1/activities?organisation=CAF-33",
        "/api/v1/etp?organisation=CAF-33&from=2027-01&to=2027-02",
        "/api/v1/etp?organisation=CAF-33&from=2027-01&to=2027-02&format=xlsx",
    ] {
        assert_error(app.get(path, &other).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_eq!(app.get_json("/api/v1/activities", &other).await, json!([]));
    assert!(app.get_items("/api/v1/plans", &other).await.is_empty());
    let res = app.post("/api/v1/plans", &other, json!({"from": "2027-01", "to": "2027-02"})).await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;

    // The viewer reads, and may not write or plan.
    assert_eq!(app.get_json("/api/v1/activities", &viewer).await.as_array().unwrap().len(), 2);
    let res = app.post("/api/v1/plans", &viewer, json!({"from": "2027-01", "to": "2027-02"})).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(app.delete("/api/v1/activities/AL", &viewer).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(app.post_csv("/api/v1/csv/loads", &viewer, LOADS).await, StatusCode::FORBIDDEN, "forbidden").await;

    // The national administrator reaches CAF-33 by naming it.
    let admin = app.admin_token().await;
    let list = app.get_json("/api/v1/activities?organisation=CAF-33", &admin).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
}
