//! Actuals (issue 17): months and ISO weeks, the flow check, the roll-up of weeks into months,
//! CSV both ways, and who may read and write them. On the planning fixture (CAF-33, activities AL
//! and ACC).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error};
use crate::planning::{fill, fill_org};

fn row(activity: &str, period: &str, entries: f64, processed: f64, stock: f64) -> Value {
    json!({"activity": activity, "period": period, "entries": entries, "processed": processed, "stock": stock})
}

async fn put(app: &TestApp, token: &str, rows: Vec<Value>) -> reqwest::Response {
    app.put("/api/v1/actuals", token, json!({"rows": rows})).await
}

#[actix_web::test]
async fn weeks_roll_up_into_months_and_a_month_recorded_whole_is_taken_as_it_is() {
    let app = crate::helpers::spawn_app().await;
    let production = fill(&app).await;
    // February 2027 has four ISO weeks (W05..W08, Mondays 1 to 22 February); three are in.
    let weeks = vec![
        row("AL", "2027-W05", 40.0, 30.0, 110.0),
        row("AL", "2027-W06", 35.0, 40.0, 105.0),
        row("AL", "2027-W07", 50.0, 45.0, 110.0),
        row("AL", "2027-01", 150.0, 140.0, 100.0),
    ];
    let res = put(&app, &production, weeks).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let months = app.get_items("/api/v1/actuals/months?from=2027-01&to=2027-02", &production).await;
    assert_eq!(months.len(), 2, "{months:?}");
    assert_eq!((months[0]["period"].as_str(), months[0]["weeks"].as_u64()), (Some("2027-01"), Some(0)));
    let feb = &months[1];
    assert_eq!(
        (feb["entries"].as_f64(), feb["processed"].as_f64(), feb["stock"].as_f64()),
        (Some(125.0), Some(115.0), Some(110.0))
    );
    assert_eq!((feb["weeks"].as_u64(), feb["complete"].as_bool()), (Some(3), Some(false)));
    // The fourth week completes the month.
    assert_eq!(put(&app, &production, vec![row("AL", "2027-W08", 20.0, 30.0, 100.0)]).await.status(), StatusCode::OK);
    let months = app.get_items("/api/v1/actuals/months?from=2027-02&to=2027-02", &production).await;
    assert_eq!((months[0]["complete"].as_bool(), months[0]["stock"].as_f64()), (Some(true), Some(100.0)));
    // As recorded: the month and the four weeks, by period.
    let recorded = app.get_items("/api/v1/actuals", &production).await;
    let periods: Vec<&str> = recorded.iter().map(|r| r["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2027-01", "2027-W05", "2027-W06", "2027-W07", "2027-W08"]);
}

#[actix_web::test]
async fn a_stock_that_breaks_the_flow_is_refused_naming_the_row_and_nothing_is_written() {
    let app = crate::helpers::spawn_app().await;
    let production = fill(&app).await;
    let good = vec![row("AL", "2027-01", 150.0, 140.0, 100.0), row("ACC", "2027-01", 100.0, 100.0, 0.0)];
    assert_eq!(put(&app, &production, good).await.status(), StatusCode::OK);
    // 100 + 120 − 100 = 120, not 160: the whole set is refused, the good ACC row included.
    let broken = vec![row("ACC", "2027-02", 100.0, 90.0, 10.0), row("AL", "2027-02", 120.0, 100.0, 160.0)];
    let body =
        assert_error(put(&app, &production, broken).await, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    assert_eq!(body["details"][0]["field"], "rows[1].stock", "{body}");
    let message = body["details"][0]["message"].as_str().unwrap();
    assert!(message.contains("100 + 120 entries − 100 processed = 120"), "{message}");
    assert_eq!(app.get_items("/api/v1/actuals?from=2027-02", &production).await.len(), 0, "nothing written");
    // A stock count that found 40 more is recorded as an adjustment, and the row follows.
    let mut counted = row("AL", "2027-02", 120.0, 100.0, 160.0);
    counted["adjustment"] = json!(40.0);
    assert_eq!(put(&app, &production, vec![counted]).await.status(), StatusCode::OK);
    // A period written before a stored one must keep that one's flow too.
    let before = vec![row("AL", "2027-01", 150.0, 140.0, 50.0)];
    let body =
        assert_error(put(&app, &production, before).await, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    assert!(body["details"][0]["message"].as_str().unwrap().starts_with("AL 2027-02: stock 160"), "{body}");
    // Malformed rows are named field by field.
    let bad = vec![
        json!({"activity": "AL", "period": "2027-W54", "entries": -1, "processed": 0, "stock": 0}),
        row("NOPE", "2027-03", 1.0, 1.0, 0.0),
    ];
    let body = assert_error(put(&app, &production, bad).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["rows[0].period", "rows[0].entries", "rows[1].activity"], "{body}");
}

#[actix_web::test]
async fn actuals_go_through_csv_both_ways_and_a_break_names_its_line() {
    let app = crate::helpers::spawn_app().await;
    let production = fill(&app).await;
    let file = "organisation,activity,period,entries,processed,stock,adjustment\n\
                CAF-33,AL,2027-01,150,140,100,\n\
                CAF-33,AL,2027-W05,40,30,110,\n\
                CAF-33,AL,2027-02,120,100,125,\n";
    let res = app.post_csv("/api/v1/csv/actuals", &production, file).await;
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(
        (body["details"][0]["line"].as_u64(), body["details"][0]["column"].as_str()),
        (Some(4), Some("stock")),
        "{body}"
    );
    assert_eq!(app.get_items("/api/v1/actuals", &production).await.len(), 0, "nothing written");
    let file = file.replace(",125,", ",120,");
    let res = app.post_csv("/api/v1/csv/actuals", &production, file.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let exported = app.get("/api/v1/csv/actuals", &production).await.text().await.unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(
        lines[1..],
        ["CAF-33,AL,2027-01,150,140,100,0", "CAF-33,AL,2027-02,120,100,120,0", "CAF-33,AL,2027-W05,40,30,110,0"]
    );
}

#[actix_web::test]
async fn actuals_are_read_within_the_organisation_and_written_by_production_only() {
    let app = crate::helpers::spawn_app().await;
    let production = fill(&app).await;
    let rows = vec![row("AL", "2027-01", 150.0, 140.0, 100.0)];
    assert_eq!(put(&app, &production, rows.clone()).await.status(), StatusCode::OK);
    let viewer = app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    assert_eq!(app.get_items("/api/v1/actuals", &viewer).await.len(), 1, "a viewer reads");
    assert_error(put(&app, &viewer, rows.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    let other = fill_org(&app, "CAF-44").await;
    assert_eq!(app.get_items("/api/v1/actuals", &other).await.len(), 0, "another fund sees its own only");
    assert_error(app.get("/api/v1/actuals?organisation=CAF-33", &other).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    // Their write of the same codes lands in their own fund.
    assert_eq!(put(&app, &other, rows).await.status(), StatusCode::OK);
    assert_eq!(app.get_items("/api/v1/actuals", &production).await.len(), 1);
    let admin = app.admin_token().await;
    assert_eq!(
        app.get_items("/api/v1/actuals/months?organisation=CAF-44", &admin).await.len(),
        1,
        "national reads any"
    );
}
