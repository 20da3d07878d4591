//! The variance watch (issue 17): this month's actual entries against the forecast pro rata of
//! the weeks recorded, the stock against the plan, and signals beyond the threshold. The months
//! and weeks are counted from today, as the service counts them.

use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::planning::{Fixture, fill_org, finished, fixture};
use crate::web::WebClient;

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// The ISO weeks of this month: those whose Thursday falls in it.
fn weeks_of_this_month() -> Vec<String> {
    let first = Utc::now().date_naive().with_day(1).unwrap();
    (0..31)
        .filter_map(|d| first.checked_add_days(Days::new(d)))
        .filter(|d| d.month() == first.month() && d.weekday() == Weekday::Thu)
        .map(|thursday| thursday.format("%G-W%V").to_string())
        .collect()
}

/// Two weeks of AL with `entries` items in all, 60 % processed, from a stock of 50.
async fn record_two_weeks(app: &TestApp, token: &str, entries: f64) {
    let weeks = weeks_of_this_month();
    let (e, p) = (entries / 2.0, entries * 0.3);
    let rows = json!({"rows": [
        {"activity": "AL", "period": weeks[0], "entries": e, "processed": p, "stock": 50},
        {"activity": "AL", "period": weeks[1], "entries": e, "processed": p, "stock": 50.0 + e - p}]});
    let res = app.put("/api/v1/actuals", token, rows).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

fn al(watch: &[Value]) -> &Value {
    watch.iter().find(|w| w["activity"] == "AL").unwrap()
}

#[actix_web::test]
async fn entries_twenty_percent_above_the_forecast_signal_and_five_percent_do_not() {
    let Fixture { app, production } = fixture().await;
    let this = month(Utc::now().date_naive());
    let load = json!({"rows": [{"activity": "AL", "period": this, "volume": 400}]});
    assert_eq!(app.put("/api/v1/loads", &production, load).await.status(), StatusCode::OK);
    let in_month = weeks_of_this_month().len() as f64;
    let expected = 400.0 * 2.0 / in_month;

    record_two_weeks(&app, &production, expected * 1.2).await;
    let watch = app.get_items("/api/v1/variance", &production).await;
    let w = al(&watch);
    assert_eq!((w["weeks_recorded"].as_u64(), w["weeks_in_month"].as_f64()), (Some(2), Some(in_month)));
    assert!((w["expected_to_date"].as_f64().unwrap() - expected).abs() < 1e-9, "{w}");
    assert_eq!(w["expected_source"]["kind"], "load");
    let signal = &w["signals"][0];
    assert_eq!((signal["kind"].as_str(), signal["threshold"].as_f64()), (Some("entries"), Some(0.1)));
    assert!((signal["deviation"].as_f64().unwrap() - 0.2).abs() < 1e-9, "{signal}");
    // The pace of the two weeks, carried to the month's end.
    let (stock, net) = (50.0 + expected * 0.6 - expected * 0.36, expected * 1.2 * 0.4 / 2.0);
    let projected = stock + net * (in_month - 2.0);
    assert!((w["projected_month_end_stock"].as_f64().unwrap() - projected).abs() < 1e-6, "{w}");
    assert_eq!(
        w["alert"],
        if stock <= 50.0 {
            "normale"
        } else if stock <= 100.0 {
            "tendue"
        } else {
            "critique"
        }
    );

    // The page shows the same watch and its signal.
    let web = WebClient::new(&app);
    web.sign_in("prod33", crate::helpers::USER_PASSWORD).await;
    let page = web.get("/ecarts").await.text().await.unwrap();
    let signals = &page[page.find("id=\"signaux\"").unwrap()..page.find("id=\"suivi\"").unwrap()];
    assert!(signals.contains("AL : entrées +20 % par rapport à la prévision"), "{signals}");
    assert!(page.contains("2 semaine(s) sur"), "{page}");

    // National users see every organisation's signals; another fund sees its own (none).
    let admin = app.admin_token().await;
    let all = app.get_items("/api/v1/variance/signals", &admin).await;
    assert!(all.iter().any(|s| s["organisation"] == "CAF-33" && s["activity"] == "AL"), "{all:?}");
    let other = fill_org(&app, "CAF-44").await;
    assert!(app.get_items("/api/v1/variance/signals", &other).await.is_empty());
    let res = app.get("/api/v1/variance?organisation=CAF-33", &other).await;
    crate::helpers::assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let viewer = app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    assert_eq!(app.get_items("/api/v1/variance/signals", &viewer).await.len(), 1, "a viewer reads");

    // At 5 % above, no signal on entries.
    record_two_weeks(&app, &production, expected * 1.05).await;
    let watch = app.get_items("/api/v1/variance", &production).await;
    assert!(al(&watch)["signals"].as_array().unwrap().iter().all(|s| s["kind"] != "entries"), "{watch:?}");
    // A per-activity threshold of 3 % makes it one.
    let settings = app.get_json("/api/v1/planning-settings", &production).await;
    let tight = json!({"version": settings["version"], "hours_per_fte": 100, "variance": {"threshold": 0.1, "activities": {"AL": 0.03}}});
    let res = app.put("/api/v1/planning-settings", &production, tight).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let watch = app.get_items("/api/v1/variance", &production).await;
    assert!((al(&watch)["signals"][0]["deviation"].as_f64().unwrap() - 0.05).abs() < 1e-9, "{watch:?}");

    // With a plan of the month, the stock is compared with its expected backlog, pro rata.
    let res = app.post("/api/v1/plans", &production, json!({"from": this, "to": this})).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let plan = finished(&app, &production, id).await;
    let watch = app.get_items("/api/v1/variance", &production).await;
    let w = al(&watch);
    assert_eq!(w["plan"].as_i64(), Some(id));
    let end =
        plan["result"]["activities"].as_array().unwrap().iter().find(|a| a["activity"] == "AL").unwrap()["backlog"]
            .as_f64()
            .unwrap();
    assert!(
        (w["planned_stock"].as_f64().unwrap() - end).abs() < 1e-6,
        "no month before: the plan's month-end backlog; {w}"
    );
}

#[actix_web::test]
async fn actuals_pasted_on_the_watch_page_land_together_or_not_at_all() {
    let Fixture { app, .. } = fixture().await;
    let web = WebClient::new(&app);
    web.sign_in("prod33", crate::helpers::USER_PASSWORD).await;
    let page = web.get("/ecarts").await.text().await.unwrap();
    let csrf = crate::web::hidden(&page, "csrf");
    let weeks = weeks_of_this_month();
    // The second line's stock does not follow the first's: 100 + 40 − 30 = 110, not 150.
    let block = format!("AL\t{}\t40\t30\t100\nAL\t{}\t40\t30\t150\n", weeks[0], weeks[1]);
    let res = web.post("/ecarts/coller", &[("csrf", &csrf), ("block", &block)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = res.text().await.unwrap();
    assert!(refused.contains("ligne 2, colonne stock"), "{refused}");
    assert!(refused.contains(&format!("{}\t40\t30\t150", weeks[1])), "the block is kept: {refused}");
    let production = app.token("prod33", crate::helpers::USER_PASSWORD).await;
    assert!(app.get_items("/api/v1/actuals", &production).await.is_empty(), "nothing written");
    let block = block.replace("\t150\n", "\t110\n");
    let res = web.post("/ecarts/coller", &[("csrf", &csrf), ("block", &block)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = web.get("/ecarts?fait=1").await.text().await.unwrap();
    assert!(page.contains("id=\"fait\"") && page.contains("2 semaine(s) sur"), "{page}");
    // A viewer has no form, and a forged post is refused.
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", crate::helpers::USER_PASSWORD).await;
    let seen = viewer.get("/ecarts").await.text().await.unwrap();
    assert!(!seen.contains("id=\"saisir-reel\""));
    let res = viewer.post("/ecarts/coller", &[("csrf", &crate::web::hidden(&seen, "csrf")), ("block", &block)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
