//! Re-planning from now (issue 17): the closed months take their actuals, the plan starts from
//! the actual stock at the end of the last one, and only the months from now on are optimised.
//! The months are counted from today, as the service counts them.

use chrono::{Datelike, Months, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::assert_error;
use crate::planning::{Fixture, finished, fixture};
use crate::web::WebClient;

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

#[actix_web::test]
async fn a_plan_from_now_starts_from_the_actual_stock_and_optimises_the_open_months_only() {
    let Fixture { app, production } = fixture().await;
    let today = Utc::now().date_naive().with_day(1).unwrap();
    let [two_ago, last, now, next] =
        [today - Months::new(2), today - Months::new(1), today, today + Months::new(1)].map(month);
    let actuals = json!({"rows": [
        {"activity": "AL", "period": two_ago, "entries": 120, "processed": 100, "stock": 60},
        {"activity": "AL", "period": last, "entries": 130, "processed": 90, "stock": 100},
        {"activity": "ACC", "period": last, "entries": 90, "processed": 80, "stock": 15}]});
    assert_eq!(app.put("/api/v1/actuals", &production, actuals).await.status(), StatusCode::OK);
    let loads = json!({"rows": [{"activity": "AL", "period": now, "volume": 100}, {"activity": "AL", "period": next, "volume": 100},
                                {"activity": "AL", "period": two_ago, "volume": 9999, "opening_backlog": 5}]});
    assert_eq!(app.put("/api/v1/loads", &production, loads).await.status(), StatusCode::OK);

    let ask = json!({"from": two_ago, "to": next, "name": "re-plan", "from_now": true});
    let res = app.post("/api/v1/plans", &production, ask).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let scenario = app.get_json(&format!("/api/v1/plans/{id}/scenario"), &production).await;
    assert_eq!(scenario["periods"], json!([now, next]), "the closed months are not optimised");
    let initial: Vec<(&str, f64)> = scenario["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["code"].as_str().unwrap(), a["initial_backlog"].as_f64().unwrap()))
        .collect();
    assert_eq!(initial, [("ACC", 15.0), ("AL", 100.0)], "each activity starts from its recorded stock");
    let plan = finished(&app, &production, id).await;
    assert_eq!(plan["status"], "done", "{plan}");
    assert_eq!(plan["from_now"], true);
    assert_eq!((plan["from"].as_str(), plan["to"].as_str()), (Some(two_ago.as_str()), Some(next.as_str())));
    let closed: Vec<(&str, &str, f64)> = plan["closed_months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["activity"].as_str().unwrap(), m["period"].as_str().unwrap(), m["stock"].as_f64().unwrap()))
        .collect();
    assert_eq!(closed, [("ACC", last.as_str(), 15.0), ("AL", two_ago.as_str(), 60.0), ("AL", last.as_str(), 100.0)]);
    let first_al = plan["result"]["activities"].as_array().unwrap().iter().find(|a| a["activity"] == "AL").unwrap();
    assert_eq!(first_al["period"], now.as_str());
    // The page draws the actual months and the plan on one curve, and says where it starts.
    let web = WebClient::new(&app);
    web.sign_in("prod33", crate::helpers::USER_PASSWORD).await;
    let page = web.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Stock réel (mois clos)"), "{page}");
    assert!(
        page.contains(&format!(
            "2 mois clos au réel ; le plan part du stock réel du dernier et optimise à partir de {now}"
        )),
        "{page}"
    );

    // Without an actual stock for the last closed month an activity cannot be re-planned.
    let ask = json!({"from": last, "to": next, "from_now": true});
    let other = crate::planning::fill_org(&app, "CAF-44").await;
    let body =
        assert_error(app.post("/api/v1/plans", &other, ask).await, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable")
            .await;
    assert!(
        body["details"][0]["message"].as_str().unwrap().contains(&format!("no actual stock at the end of {last}")),
        "{body}"
    );
    // A horizon wholly in the future has nothing closed.
    let ask = json!({"from": next, "to": next, "from_now": true});
    assert_error(app.post("/api/v1/plans", &production, ask).await, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable")
        .await;
}
