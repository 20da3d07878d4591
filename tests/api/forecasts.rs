//! Forecasts saved as load sets (issue 17): made from the stored history (actual entries where a
//! month's actuals are whole, else loads), adjusted by hand with a version, and used by a plan at
//! a quantile. The months are counted from today, as the service counts them.

use chrono::{Datelike, Months, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, USER_PASSWORD, assert_error};
use crate::planning::{Fixture, fill_org, finished, fixture};
use crate::web::{WebClient, hidden};

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// 30 months of AL before this one (a yearly pattern on a climb), the last as whole actuals, and
/// 10 of ACC (too few to forecast); returns the first day of this month.
async fn history(app: &TestApp, production: &str) -> NaiveDate {
    let now = Utc::now().date_naive().with_day(1).unwrap();
    // 30 months of AL before this one (a yearly pattern on a climb), 10 of ACC: too few.
    let pattern = [0.0, 80.0, -40.0, 20.0, 0.0, -120.0, -300.0, -250.0, 260.0, 120.0, 60.0, 90.0];
    let mut rows = Vec::new();
    for back in 1..=30u32 {
        let m = now - Months::new(back);
        let t = 30 - back;
        let volume = 2000.0 + 10.0 * f64::from(t) + pattern[m.month0() as usize];
        rows.push(json!({"activity": "AL", "period": month(m), "volume": volume}));
        if back <= 10 {
            rows.push(json!({"activity": "ACC", "period": month(m), "volume": 100}));
        }
    }
    assert_eq!(app.put("/api/v1/loads", production, json!({"rows": rows})).await.status(), StatusCode::OK);
    // Last month's actuals are whole: its actual entries replace its load in the history.
    let last = month(now - Months::new(1));
    let actual =
        json!({"rows": [{"activity": "AL", "period": last, "entries": 2500, "processed": 2400, "stock": 300}]});
    assert_eq!(app.put("/api/v1/actuals", production, actual).await.status(), StatusCode::OK);

    now
}

#[actix_web::test]
async fn a_forecast_is_saved_adjusted_by_hand_and_planned_against_at_a_quantile() {
    let Fixture { app, production } = fixture().await;
    let now = history(&app, &production).await;
    let res = app.post("/api/v1/forecasts", &production, json!({"name": "Prévision", "horizon": 3})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let set: Value = res.json().await.unwrap();
    let id = set["id"].as_i64().unwrap();
    assert_eq!((set["from"].as_str(), set["version"].as_i64()), (Some(month(now).as_str()), Some(1)));
    let al = &set["method"]["activities"][0];
    assert_eq!(
        (al["activity"].as_str(), al["history_months"].as_u64(), al["actual_months"].as_u64()),
        (Some("AL"), Some(30), Some(1))
    );
    assert_eq!(al["backtest"]["origins"], 6, "30 months: the backtest starts after 24");
    assert!(al["backtest"]["mase"].is_number() && al["calibration"]["from"].is_string(), "{al}");
    let refused = &set["method"]["refused"][0];
    assert_eq!(refused["activity"], "ACC");
    assert!(refused["reason"].as_str().unwrap().starts_with("ACC: 10 months of history"), "{refused}");
    let rows = set["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "AL's three months");
    for r in rows {
        let f = |k: &str| r[k].as_f64().unwrap();
        assert!(f("lo95") <= f("lo80") && f("lo80") <= f("forecast") && f("forecast") <= f("p80"), "{r}");
        assert!(f("p80") <= f("p95") && f("p95") <= f("hi95") && f("volume") == f("forecast"), "{r}");
    }

    // Adjusted by hand at its version; a stale version is refused.
    let first = month(now);
    let adjust = json!({"version": 1, "rows": [{"activity": "AL", "period": first, "volume": 3000}]});
    let res = app.put(&format!("/api/v1/forecasts/{id}/rows"), &production, adjust.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let adjusted: Value = res.json().await.unwrap();
    let row = &adjusted["rows"][0];
    assert_eq!(
        (adjusted["version"].as_i64(), row["volume"].as_f64(), row["adjusted_by"].as_str()),
        (Some(2), Some(3000.0), Some("prod33"))
    );
    assert_error(
        app.put(&format!("/api/v1/forecasts/{id}/rows"), &production, adjust).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    let outside = json!({"version": 2, "rows": [{"activity": "ACC", "period": first, "volume": 1}]});
    let body = assert_error(
        app.put(&format!("/api/v1/forecasts/{id}/rows"), &production, outside).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable",
    )
    .await;
    assert_eq!(body["details"][0]["field"], "rows[0].period");

    // A plan at P80: the adjusted month moves with its adjustment, keeping the spread.
    let next = month(now + Months::new(1));
    let ask = json!({"from": first, "to": next, "loads": {"forecast": id, "quantile": "p80"}});
    let res = app.post("/api/v1/plans", &production, ask).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let plan_id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let scenario = app.get_json(&format!("/api/v1/plans/{plan_id}/scenario"), &production).await;
    let load = |period: &str| {
        scenario["loads"].as_array().unwrap().iter().find(|l| l["activity"] == "AL" && l["period"] == period).unwrap()["volume"].as_f64().unwrap()
    };
    let f = |k: &str, i: usize| set["rows"][i][k].as_f64().unwrap();
    assert!((load(&first) - (f("p80", 0) + 3000.0 - f("forecast", 0))).abs() < 1e-6);
    assert!((load(&next) - f("p80", 1)).abs() < 1e-6);
    let plan = finished(&app, &production, plan_id).await;
    assert_eq!(plan["loads"], json!({"forecast": id, "quantile": "p80", "version": 2}), "{plan}");

    // Readers read; only production makes; another fund neither sees nor plans with it.
    let viewer = app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    assert_eq!(app.get_items("/api/v1/forecasts", &viewer).await.len(), 1);
    assert_error(
        app.post("/api/v1/forecasts", &viewer, json!({"name": "x", "horizon": 3})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let other = fill_org(&app, "CAF-44").await;
    assert_error(app.get(&format!("/api/v1/forecasts/{id}"), &other).await, StatusCode::NOT_FOUND, "not_found").await;
    let theirs = json!({"from": "2027-01", "to": "2027-02", "loads": {"forecast": id}});
    let body = assert_error(
        app.post("/api/v1/plans", &other, theirs).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable",
    )
    .await;
    assert_eq!(body["details"][0]["field"], "loads.forecast");
    // Their history is too short for anything: refused naming each activity.
    let body = assert_error(
        app.post("/api/v1/forecasts", &other, json!({"name": "x", "horizon": 3})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable",
    )
    .await;
    assert!(
        body["details"].as_array().unwrap().iter().any(|d| d["message"].as_str().unwrap().starts_with("AL: 0 months")),
        "{body}"
    );
}

#[actix_web::test]
async fn forecasts_are_made_read_and_adjusted_on_their_pages_and_a_plan_is_asked_against_one() {
    let Fixture { app, production } = fixture().await;
    let now = history(&app, &production).await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", USER_PASSWORD).await;
    let list = web.get("/previsions").await.text().await.unwrap();
    let csrf = hidden(&list, "csrf");
    let res = web.post("/previsions", &[("csrf", &csrf), ("name", "Prévision de test"), ("horizon", "2")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = res.headers()["location"].to_str().unwrap().to_owned();
    let page = web.get(&at).await.text().await.unwrap();
    let method = &page[page.find("id=\"methode\"").unwrap()..page.find("id=\"mois\"").unwrap()];
    assert!(
        method.contains("<th scope=\"row\">AL</th><td>30 (") && page.contains("ACC: 10 months of history"),
        "{page}"
    );
    assert_eq!(page.matches("action=\"/previsions/").count(), 2, "a form per month of AL");
    // An adjustment at the version shown lands; the same form again is stale and says so.
    let month = format!("{:04}-{:02}", now.year(), now.month());
    let form = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("activity", "AL"),
        ("period", month.as_str()),
        ("volume", "4 200"),
    ];
    let res = web.post(&format!("{at}/ajuster"), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = web.get(&at).await.text().await.unwrap();
    assert!(page.contains("value=\"4200\""), "the adjusted volume in its form: {page}");
    assert!(page.contains("<td>prod33</td>"), "{page}");
    let res = web.post(&format!("{at}/ajuster"), &form).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("id=\"refus\""));
    // The plans' form offers the forecast and a quantile.
    let plans = web.get("/plans").await.text().await.unwrap();
    let id = at.rsplit('/').next().unwrap().to_owned();
    assert!(plans.contains(&format!("<option value=\"{id}\">{id} — Prévision de test")), "{plans}");
    let ask = [
        ("csrf", csrf.as_str()),
        ("from", month.as_str()),
        ("to", month.as_str()),
        ("time_limit", "30"),
        ("forecast", id.as_str()),
        ("quantile", "p95"),
    ];
    assert_eq!(web.post("/plans", &ask).await.status(), StatusCode::SEE_OTHER);
    let listed = app.get_items("/api/v1/plans", &production).await;
    assert_eq!(listed[0]["loads"]["quantile"], "p95", "{listed:?}");

    // A viewer reads the pages without forms, and a forged post is refused.
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    let seen = viewer.get(&at).await.text().await.unwrap();
    assert!(!seen.contains("/ajuster") && seen.contains("id=\"mois\""), "{seen}");
    let viewer_csrf = hidden(&viewer.get("/previsions").await.text().await.unwrap(), "csrf");
    let res = viewer.post("/previsions", &[("csrf", &viewer_csrf), ("name", "x"), ("horizon", "2")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Another fund's production manager does not find it, nor can adjust it.
    fill_org(&app, "CAF-44").await;
    let other = WebClient::new(&app);
    other.sign_in("prod44", USER_PASSWORD).await;
    assert_eq!(other.get(&at).await.status(), StatusCode::NOT_FOUND);
    let other_csrf = hidden(&other.get("/previsions").await.text().await.unwrap(), "csrf");
    let form = [
        ("csrf", other_csrf.as_str()),
        ("version", "2"),
        ("activity", "AL"),
        ("period", month.as_str()),
        ("volume", "1"),
    ];
    assert_eq!(other.post(&format!("{at}/ajuster"), &form).await.status(), StatusCode::NOT_FOUND);
}
