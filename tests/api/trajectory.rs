//! The workforce trajectory from stored data: assumptions, targets, the projection computed by
//! hand, the plan solved as a queued job, the reports, and who may read them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{USER_PASSWORD, assert_error, spawn_app};
use crate::web::WebClient;

/// Asks for a trajectory plan and waits for it to finish; the plan and its report.
async fn trajectory_plan(app: &crate::helpers::TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/trajectory/plans", token, body).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let queued: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/trajectory/plans/{}", queued["id"]));
    crate::planning::finished_at(app, token, &location, "/plan/status").await
}

fn flow<'a>(report: &'a Value, sheet: &str, year: i64) -> &'a Value {
    report["flows"].as_array().unwrap().iter().find(|f| f["sheet"] == sheet && f["year"] == year).expect("a flow")
}

#[actix_web::test]
async fn the_projection_follows_known_departures_and_the_plan_meets_the_targets() {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    app.create_organisation("CAF-78", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    let viewer = app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let other = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let national = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    // CSU: one retires in 2027 (born May 1964: 63 years), one leaves by mobility in 2028, two
    // stay. ACCOMPAGNEMENT: one agent at half time.
    let agents = [
        ("S1", "CSU", 1.0, json!({"birth_date": "1964-05-10"})),
        (
            "S2",
            "CSU",
            1.0,
            json!({"birth_date": "1990-01-01", "departure_date": "2028-03-31", "departure_reason": "mobility"}),
        ),
        ("S3", "CSU", 1.0, json!({"birth_date": "1985-06-01"})),
        ("S4", "CSU", 1.0, json!({"birth_date": "1985-07-01"})),
        ("A1", "ACCOMPAGNEMENT", 0.5, json!({"birth_date": "1980-02-01"})),
    ];
    for (matricule, sheet, fte, extra) in agents {
        let mut agent = json!({"matricule": matricule, "last_name": "Agent", "unit": "U1", "job_profile": sheet,
                               "fte": fte, "start_date": "2010-01-01"});
        agent.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        assert_eq!(app.post("/api/v1/agents", &hr, agent).await.status(), StatusCode::CREATED);
    }
    // Assumptions: no exit besides the known ones, half a job may move in a year, a surplus ETP
    // costs more than a move; a second save from version 0 is stale.
    let assumptions = json!({"version": 0, "exit_rate": 0.0, "move_out_share": 0.5,
        "penalties": {"under_target_per_etp": 80000.0, "over_target_per_etp": 200000.0, "lost_capacity_per_etp": 45000.0}});
    let res = app.put("/api/v1/trajectory/assumptions", &hr, assumptions).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 1);
    let res = app.put("/api/v1/trajectory/assumptions", &hr, json!({"version": 0, "exit_rate": 0.01})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app.put("/api/v1/trajectory/assumptions", &hr, json!({"version": 1, "exit_rate": 1.5})).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(body.to_string().contains("exit_rate"), "{body}");
    // Targets: a bad sheet names its line and writes nothing.
    let bad = json!([{"job_profile": "ACCOMPAGNEMENT", "year": 2027, "etp": 2.0}, {"job_profile": "NOPE", "year": 2027, "etp": 1.0}]);
    let body = app.put("/api/v1/trajectory/targets", &hr, bad).await.json::<Value>().await.unwrap();
    assert!(body.to_string().contains("targets[1].job_profile"), "{body}");
    assert_eq!(app.get_json("/api/v1/trajectory/targets", &hr).await["targets"], json!([]));
    let targets = json!([{"job_profile": "ACCOMPAGNEMENT", "year": 2027, "etp": 2.0}, {"job_profile": "ACCOMPAGNEMENT", "year": 2028, "etp": 3.0},
                         {"job_profile": "CSU", "year": 2027, "etp": 2.0}, {"job_profile": "CSU", "year": 2028, "etp": 1.0}]);
    assert_eq!(app.put("/api/v1/trajectory/targets", &hr, targets).await.status(), StatusCode::OK);

    let path = "/api/v1/trajectory/projection?first_year=2027&years=3";
    let p = app.get_json(path, &hr).await;
    assert_eq!(p["status"], "projection");
    let csu: Vec<f64> = (2027..=2029).map(|y| flow(&p, "CSU", y)["end"].as_f64().unwrap()).collect();
    assert_eq!(csu, vec![3.0, 2.0, 2.0]);
    let acc = flow(&p, "ACCOMPAGNEMENT", 2027);
    assert_eq!((&acc["end_etp"], &acc["target"], &acc["gap"]), (&json!(0.5), &json!(2.0), &json!(-1.5)));
    let departures = p["departures"].as_array().unwrap();
    let known: Vec<(i64, &str, f64)> = departures
        .iter()
        .filter(|d| d["count"].as_f64().unwrap() > 0.0)
        .map(|d| (d["year"].as_i64().unwrap(), d["reason"].as_str().unwrap(), d["count"].as_f64().unwrap()))
        .collect();
    assert_eq!(known, vec![(2027, "retirement", 1.0), (2028, "mobility", 1.0)]);
    let pyramid = p["age_pyramid"].as_array().unwrap();
    let total = |key: &str| pyramid.iter().map(|b| b[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!((total("now"), total("at_horizon")), (5, 3));
    assert_eq!(pyramid.iter().find(|b| b["band"] == "60+").unwrap()["now"], 1);
    assert!(p["succession"].as_array().is_some_and(|s| !s.is_empty()), "{}", p["succession"]);
    let csv = String::from_utf8(app.get_bytes(&format!("{path}&format=csv"), &hr).await).unwrap();
    assert!(csv.starts_with("organisation,sheet,year,start,departures"), "{csv}");
    assert!(csv.contains("CAF-33,CSU,2028,3,1,1,0,0,0,2,2,2,1,1"), "{csv}");
    let departures =
        String::from_utf8(app.get_bytes(&format!("{path}&format=csv&table=departures"), &hr).await).unwrap();
    assert!(
        departures.starts_with("year,reason,count\n") && departures.contains("2027,retirement,1\n"),
        "{departures}"
    );
    let pyramid = String::from_utf8(app.get_bytes(&format!("{path}&format=csv&table=pyramid"), &hr).await).unwrap();
    assert!(pyramid.contains("60+,1,0\n"), "{pyramid}");
    let succession =
        String::from_utf8(app.get_bytes(&format!("{path}&format=csv&table=succession"), &hr).await).unwrap();
    assert!(succession.starts_with("competency,level,year,holders,at_risk\n"), "{succession}");

    // The plan, solved by a worker, fills ACCOMPAGNEMENT and costs less than doing nothing.
    let horizon = json!({"first_year": 2027, "years": 3, "name": "Cible 2029"});
    let view = trajectory_plan(&app, &hr, horizon.clone()).await;
    let id = view["plan"]["id"].as_i64().unwrap();
    let summary = &view["plan"];
    assert_eq!(
        (&summary["status"], &summary["solver_status"], &summary["name"], &summary["first_year"], &summary["years"]),
        (&json!("done"), &json!("optimal"), &json!("Cible 2029"), &json!(2027), &json!(3)),
        "{summary}"
    );
    let plan = &view["report"];
    assert_eq!(plan["status"], "optimal");
    assert_eq!(summary["total_cost"], plan["costs"]["total"]);
    let acc = flow(plan, "ACCOMPAGNEMENT", 2027);
    assert!(acc["hires"].as_f64().unwrap() + acc["moves_in"].as_f64().unwrap() >= 1.0, "{acc}");
    assert!(plan["costs"]["total"].as_f64().unwrap() < p["costs"]["total"].as_f64().unwrap());
    // The moves name the agents best placed, from the mobility ranking.
    let moves = plan["moves"].as_array().unwrap();
    assert!(!moves.is_empty(), "{plan}");
    // Each move names as many CSU agents as it moves heads, year by year, none twice, never S1
    // (retiring in 2027) nor S2 for a move from 2028 (leaving then); alternates follow.
    let candidates = plan["candidates"].as_array().unwrap();
    assert_eq!(candidates[0]["from"], "CSU", "{candidates:?}");
    let agents = candidates[0]["agents"].as_array().unwrap();
    assert!(agents.iter().all(|a| a["matricule"].as_str().unwrap().starts_with('S')), "{agents:?}");
    let proposed: Vec<(i64, &str)> =
        agents.iter().filter_map(|a| Some((a["year"].as_i64()?, a["matricule"].as_str().unwrap()))).collect();
    for m in moves.iter().filter(|m| m["from"] == "CSU") {
        let year = m["year"].as_i64().unwrap();
        let named = proposed.iter().filter(|(y, _)| *y == year).count();
        assert_eq!(named as f64, m["heads"].as_f64().unwrap(), "{m} {proposed:?}");
    }
    let distinct: std::collections::BTreeSet<&str> = proposed.iter().map(|(_, m)| *m).collect();
    assert_eq!(distinct.len(), proposed.len(), "{proposed:?}");
    assert!(!proposed.iter().any(|(y, m)| *m == "S1" || (*m == "S2" && *y >= 2028)), "{proposed:?}");
    let s1 = agents.iter().find(|a| a["matricule"] == "S1");
    assert!(s1.is_none_or(|a| a["leaves"] == 2027 && a["year"].is_null()), "{agents:?}");
    for f in plan["flows"].as_array().unwrap() {
        let n = |k: &str| f[k].as_f64().unwrap();
        assert!((n("end") - (n("start") - n("departures") + n("hires") + n("moves_in") - n("moves_out"))).abs() < 1e-9);
    }
    let plan_path = format!("/api/v1/trajectory/plans/{id}");
    let moves = String::from_utf8(app.get_bytes(&format!("{plan_path}?format=csv&table=moves"), &hr).await).unwrap();
    assert!(
        moves.starts_with("year,from,to,heads,training_hours\n") && moves.contains(",CSU,ACCOMPAGNEMENT,"),
        "{moves}"
    );
    let named =
        String::from_utf8(app.get_bytes(&format!("{plan_path}?format=csv&table=candidates"), &hr).await).unwrap();
    assert!(named.starts_with("from,to,year,matricule,last_name,first_name,total_gap,fit,leaves\n"), "{named}");
    assert_eq!(named.lines().count(), 1 + agents.len(), "{named}");
    // The case it was solved on, solved again by the command on files: the same optimum.
    let case = app.get_bytes(&format!("{plan_path}/case"), &hr).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.json");
    std::fs::write(&file, case).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gpec"))
        .args(["trajectory", "solve", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((again["costs"]["total"].as_f64().unwrap() - plan["costs"]["total"].as_f64().unwrap()).abs() < 1e-6);
    let listed = app.get_json("/api/v1/trajectory/plans", &hr).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    // A trajectory plan is not a monthly plan, nor the other way round; a done plan cannot be
    // cancelled; the viewer may not ask, another organisation's hr does not see it.
    assert_eq!(app.get(&format!("/api/v1/plans/{id}"), &hr).await.status(), StatusCode::NOT_FOUND);
    assert_error(app.delete(&plan_path, &hr).await, StatusCode::CONFLICT, "conflict").await;
    assert_error(app.post("/api/v1/trajectory/plans", &viewer, json!({})).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    assert_eq!(app.get(&plan_path, &other).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&plan_path, &national).await.status(), StatusCode::OK);
    let body = app.post("/api/v1/trajectory/plans", &hr, json!({"years": 7, "colour": "red"})).await;
    assert_eq!(body.status(), StatusCode::BAD_REQUEST);
    let res = app.post("/api/v1/trajectory/plans", &hr, json!({"years": 6})).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(body.to_string().contains("years"), "{body}");

    // Only hr reads; another organisation's hr does not reach CAF-33; national hr does, and
    // reads the branch's targets.
    assert_error(app.get(path, &viewer).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.get(&format!("{path}&organisation=CAF-33"), &other).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{path}&organisation=CAF-33"), &national).await.status(), StatusCode::OK);
    let theirs = json!([{"job_profile": "ACCOMPAGNEMENT", "year": 2027, "etp": 4.0}]);
    let res = app.put("/api/v1/trajectory/targets?organisation=CAF-78", &national, theirs).await;
    assert_eq!(res.status(), StatusCode::OK);
    let branch = app.get_json("/api/v1/trajectory/targets", &national).await;
    assert_eq!(branch["targets"].as_array().unwrap().len(), 5);
    assert!(
        branch["branch"]
            .as_array()
            .unwrap()
            .contains(&json!({"job_profile": "ACCOMPAGNEMENT", "year": 2027, "etp": 6.0})),
        "{branch}"
    );
    assert_eq!(app.get_json("/api/v1/trajectory/targets", &other).await["targets"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_json("/api/v1/trajectory/targets", &hr).await["targets"].as_array().unwrap().len(), 4);
    assert_eq!(app.get("/api/v1/trajectory/projection?years=9", &hr).await.status(), StatusCode::BAD_REQUEST);

    // The page: flows, departures in words, the pyramid's chart; the plan view lists the moves.
    let web = WebClient::new(&app);
    assert_eq!(web.sign_in("rh33", USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert!(web.home().await.contains("href=\"/trajectoire\""));
    let page = web.get("/trajectoire?annees=3").await.text().await.unwrap();
    assert!(page.contains("id=\"flux\"") && page.contains("CSU") && page.contains("retraite"), "{page}");
    assert!(page.contains("<svg") && page.contains("Pyramide des âges"), "{page}");
    assert!(page.contains("id=\"plans-trajectoire\"") && page.contains("Cible 2029"), "{page}");
    // Asking from the page queues a plan and goes to it; the page shows the report once done.
    let csrf = crate::web::hidden(&page, "csrf");
    let res = web.post("/trajectoire/plans", &[("csrf", &csrf), ("annees", "3"), ("name", "Depuis la page")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let address = res.headers()["location"].to_str().unwrap().to_owned();
    let web_id: i64 = address.trim_start_matches("/trajectoire/plans/").parse().unwrap();
    crate::planning::finished_at(&app, &hr, &format!("/api/v1/trajectory/plans/{web_id}"), "/plan/status").await;
    let planned = web.get(&address).await.text().await.unwrap();
    assert!(planned.contains("Plan optimal (prouvé)") && planned.contains("id=\"mobilites\""), "{planned}");
    assert!(planned.contains("id=\"candidats\"") && planned.contains("CSU → ACCOMPAGNEMENT"), "{planned}");
    let csv = web.get(&format!("{address}/flows.csv")).await.text().await.unwrap();
    assert!(csv.starts_with("organisation,sheet,year,start,departures"), "{csv}");
    assert_eq!(
        web.post("/trajectoire/plans", &[("csrf", "forged"), ("annees", "3")]).await.status(),
        StatusCode::FORBIDDEN
    );
    // National hr chooses the organisation on the pages: CAF-33's projection, a plan asked for
    // it, and CAF-78's targets set from the grid.
    let web = WebClient::new(&app);
    assert_eq!(web.sign_in("rh.national", USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let page = web.get("/trajectoire?annees=3&organisation=CAF-33").await.text().await.unwrap();
    assert!(page.contains("<option value=\"CAF-33\" selected") && page.contains("retraite"), "{page}");
    let csrf = crate::web::hidden(&page, "csrf");
    let asked = [("csrf", csrf.as_str()), ("annees", "3"), ("organisation", "CAF-33")];
    let res = web.post("/trajectoire/plans", &asked).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let theirs = web.get(res.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(theirs.contains("href=\"/trajectoire?organisation=CAF-33\""), "{theirs}");
    let listed = app.get_json("/api/v1/trajectory/plans?organisation=CAF-33", &national).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3, "{listed}");
    let grid = web.get("/trajectoire/hypotheses?organisation=CAF-78").await.text().await.unwrap();
    assert!(grid.contains("name=\"organisation\" value=\"CAF-78\""), "{grid}");
    let cells = [("csrf", csrf.as_str()), ("organisation", "CAF-78"), ("cible.EXPERTISE.2028", "7")];
    let res = web.post("/trajectoire/cibles", &cells).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/trajectoire/hypotheses?organisation=CAF-78&enregistre=1");
    let theirs = app.get_json("/api/v1/trajectory/targets?organisation=CAF-78", &national).await;
    assert_eq!(
        theirs["targets"],
        json!([{"organisation": "CAF-78", "job_profile": "EXPERTISE", "year": 2028, "etp": 7.0}])
    );
    // Another organisation's hr cannot name CAF-33.
    let web = WebClient::new(&app);
    assert_eq!(web.sign_in("rh78", USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(web.get("/trajectoire?organisation=CAF-33").await.status(), StatusCode::NOT_FOUND);
    let web = WebClient::new(&app);
    assert_eq!(web.sign_in("lecteur33", USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert!(!web.home().await.contains("href=\"/trajectoire\""));
    assert_eq!(web.get("/trajectoire").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(web.get(&address).await.status(), StatusCode::FORBIDDEN);

    // A minimum no plan can keep is refused, named, with what the limits allow.
    let stored = app.get_json("/api/v1/trajectory/assumptions", &hr).await;
    let mut floors = stored.clone();
    floors["min_etp"] = json!({"ACCOMPAGNEMENT": 40.0});
    floors["hiring"] = json!({"cost": 8000.0, "lead_months": 6, "cap": 2});
    for key in ["updated_at", "updated_by"] {
        floors.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(app.put("/api/v1/trajectory/assumptions", &hr, floors).await.status(), StatusCode::OK);
    let failed = trajectory_plan(&app, &hr, horizon).await;
    assert_eq!((&failed["plan"]["status"], &failed["report"]), (&json!("failed"), &Value::Null), "{failed}");
    let error = failed["plan"]["error"].as_str().unwrap();
    assert!(error.contains("min_etp.ACCOMPAGNEMENT 2027: minimum 40 ETP at work, at most"), "{error}");
    let id = failed["plan"]["id"].as_i64().unwrap();
    let res = app.get(&format!("/api/v1/trajectory/plans/{id}?format=csv"), &hr).await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn hr_edits_the_targets_and_the_assumptions_on_the_page_all_or_nothing_and_never_over_a_newer_save() {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let web = WebClient::new(&app);
    assert_eq!(web.sign_in("rh33", USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert!(web.get("/trajectoire").await.text().await.unwrap().contains("href=\"/trajectoire/hypotheses\""));
    let page = web.get("/trajectoire/hypotheses").await.text().await.unwrap();
    // The defaults, as the form shows them: 3 %, seed 002's paths, the 2023 reform's table.
    assert!(page.contains("name=\"exit_rate\" inputmode=\"decimal\" size=\"8\" value=\"3\""), "{page}");
    assert!(page.contains("CSU → ACCOMPAGNEMENT") && page.contains("1961-09 62 3"), "{page}");
    assert!(page.contains("name=\"cible.CSU.2027\""), "{page}");
    let csrf = crate::web::hidden(&page, "csrf");

    // Targets: a French decimal is read; a bad cell is named and nothing is written.
    let cells = [("csrf", csrf.as_str()), ("cible.CSU.2027", "12,5"), ("cible.ACCOMPAGNEMENT.2028", "3")];
    let res = web.post("/trajectoire/cibles", &cells).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let targets = app.get_json("/api/v1/trajectory/targets", &hr).await["targets"].clone();
    assert_eq!(targets.as_array().unwrap().len(), 2, "{targets}");
    assert!(targets.as_array().unwrap().iter().any(|t| t["job_profile"] == "CSU" && t["etp"] == 12.5), "{targets}");
    let bad = [("csrf", csrf.as_str()), ("cible.CSU.2027", "douze"), ("cible.EXPERTISE.2027", "4")];
    let res = web.post("/trajectoire/cibles", &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let refused = res.text().await.unwrap();
    assert!(refused.contains("id=\"refus-cibles\"") && refused.contains("cible.CSU.2027"), "{refused}");
    assert!(refused.contains("value=\"douze\""), "the form comes back as typed");
    assert_eq!(app.get_json("/api/v1/trajectory/targets", &hr).await["targets"], targets);

    // Assumptions: saved from version 0, then a second save from version 0 is refused and shows
    // the newer values; a bad field is named and nothing is written.
    fn form<'a>(version: &'a str, exit_rate: &'a str, paths: &'a str, csrf: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("csrf", csrf),
            ("version", version),
            ("exit_rate", exit_rate),
            ("ramp.1", "50"),
            ("ramp.2", "80"),
            ("ramp.3", "95"),
            ("move_out_share", "10"),
            ("succession_threshold", "3"),
            ("retirement_ages", "1961-09 62 3\n1968-01 64"),
            ("paths", paths),
            ("training_hours_per_level.savoir", "28"),
            ("training_hours_per_level.savoir-faire", "35"),
            ("training_hours_per_level.savoir-faire relationnel", "21"),
            ("training_cost_per_hour", "45"),
            ("training_hours_per_year", "1 500"),
            ("hiring.cost", "9000"),
            ("hiring.lead_months", "4"),
            ("hiring.cap", ""),
            ("penalties.under_target_per_etp", "80000"),
            ("penalties.over_target_per_etp", "45000"),
            ("penalties.lost_capacity_per_etp", "45000"),
            ("exit_rates.CSU", "6"),
            ("hiring_by_sheet.EXPERTISE.cost", "12000"),
            ("min_etp.ACCOMPAGNEMENT", "1,5"),
        ]
    }
    let res = web.post("/trajectoire/hypotheses", &form("0", "4", "CSU → ACCOMPAGNEMENT", &csrf)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.get_json("/api/v1/trajectory/assumptions", &hr).await;
    assert_eq!((&stored["version"], &stored["exit_rate"]), (&json!(1), &json!(0.04)), "{stored}");
    assert_eq!(stored["exit_rates"], json!({"CSU": 0.06}));
    assert_eq!(stored["hiring"], json!({"cost": 9000.0, "lead_months": 4, "cap": null}));
    assert_eq!(stored["hiring_by_sheet"]["EXPERTISE"], json!({"cost": 12000.0, "lead_months": 4, "cap": null}));
    assert_eq!(
        (&stored["training_hours_per_year"], &stored["min_etp"]),
        (&json!(1500.0), &json!({"ACCOMPAGNEMENT": 1.5}))
    );
    assert_eq!(stored["paths"], json!([{"from": "CSU", "to": "ACCOMPAGNEMENT"}]));
    assert_eq!(stored["retirement_ages"].as_array().unwrap().len(), 2);
    let res = web.post("/trajectoire/hypotheses", &form("0", "9", "CSU → EXPERTISE", &csrf)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let refused = res.text().await.unwrap();
    assert!(refused.contains("id=\"refus-hypotheses\"") && refused.contains("value=\"4\""), "{refused}");
    assert!(refused.contains("name=\"version\" value=\"1\""), "{refused}");
    let res = web.post("/trajectoire/hypotheses", &form("1", "beaucoup", "CSU ACCOMPAGNEMENT", &csrf)).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let refused = res.text().await.unwrap();
    assert!(refused.contains("exit_rate") && refused.contains("paths[0]"), "{refused}");
    assert_eq!(app.get_json("/api/v1/trajectory/assumptions", &hr).await, stored);
    let forged = form("1", "4", "CSU → ACCOMPAGNEMENT", "forged");
    assert_eq!(web.post("/trajectoire/hypotheses", &forged).await.status(), StatusCode::FORBIDDEN);

    // Each save is in the audit trail, before and after; the refused ones are not.
    let admin = app.user_with_roles("admin33", "CAF-33", &["admin"]).await;
    let trail = app.get_json("/api/v1/audit?per_page=500&entity=trajectory_assumptions", &admin).await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 1, "{trail}");
    let trail = app.get_json("/api/v1/audit?per_page=500&entity=trajectory_targets", &admin).await;
    let items = trail["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{trail}");
    assert!(items[0].to_string().contains("12.5"), "{trail}");

    // A viewer sees neither the page nor may post to it.
    let viewer = WebClient::new(&app);
    assert_eq!(viewer.sign_in("lecteur33", USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(viewer.get("/trajectoire/hypotheses").await.status(), StatusCode::FORBIDDEN);
}
