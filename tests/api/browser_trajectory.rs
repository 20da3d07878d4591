//! The workforce trajectory in the browser: hr sets an assumption and a target on the page, asks
//! for the optimal plan, and watches the plan's page turn into its report by itself once a worker
//! solved it.

use serde_json::json;
use thirtyfour::prelude::*;

use crate::browser::{element, sign_in, wait_for_address, wait_for_text};
use crate::chromium::browser;
use crate::helpers::{USER_PASSWORD, spawn_app};

#[actix_web::test]
async fn hr_sets_an_assumption_and_a_target_asks_for_a_plan_and_the_page_shows_its_report_once_solved() {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    for (matricule, birth) in [("S1", "1975-01-01"), ("S2", "1980-01-01"), ("S3", "1985-01-01"), ("S4", "1990-01-01")] {
        let agent = json!({"matricule": matricule, "last_name": "Agent", "unit": "U1", "job_profile": "CSU",
                           "fte": 1.0, "start_date": "2010-01-01", "birth_date": birth});
        assert_eq!(app.post("/api/v1/agents", &hr, agent).await.status(), reqwest::StatusCode::CREATED);
    }
    let (web, _driver) = browser().await;
    sign_in(&web, &app, "rh33", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;

    // No hiring this time and half of a job may move in a year (four CSU agents: two), then a
    // target for ACCOMPAGNEMENT next year, typed in the grid with a French decimal.
    web.goto(app.url("/trajectoire/hypotheses")).await.unwrap();
    for (field, value) in [("move_out_share", "50"), ("hiring.cap", "0")] {
        let input = element(&web, By::Id(field)).await;
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    element(&web, By::Css("#hypotheses button[type='submit']")).await.click().await.unwrap();
    wait_for_text(&web, "Enregistré.").await;
    let stored = app.get_json("/api/v1/trajectory/assumptions", &hr).await;
    assert_eq!((&stored["move_out_share"], &stored["hiring"]["cap"]), (&json!(0.5), &json!(0)), "{stored}");
    let next = chrono::Utc::now().date_naive().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let cell = element(&web, By::Id(format!("cible-ACCOMPAGNEMENT-{next}"))).await;
    cell.send_keys("1,5").await.unwrap();
    element(&web, By::Css("#cibles button[type='submit']")).await.click().await.unwrap();
    wait_for_text(&web, "Enregistré.").await;
    let targets = app.get_json("/api/v1/trajectory/targets", &hr).await;
    assert_eq!(targets["targets"][0]["etp"], 1.5, "{targets}");

    // The plan: asked from the projection page, solved in the background; its page polls until
    // the report is there, naming the agents proposed for the move.
    element(&web, By::LinkText("Retour à la trajectoire sans action")).await.click().await.unwrap();
    wait_for_address(&web, "/trajectoire").await;
    element(&web, By::Id("nom")).await.send_keys("Cible accompagnement").await.unwrap();
    element(&web, By::Css("#demande-plan button[type='submit']")).await.click().await.unwrap();
    wait_for_text(&web, "Plan optimal (prouvé)").await;
    assert!(web.current_url().await.unwrap().path().starts_with("/trajectoire/plans/"));
    wait_for_text(&web, "CSU → ACCOMPAGNEMENT").await;
    wait_for_text(&web, "Proposé pour").await;
    let link = element(&web, By::LinkText("Retour à la trajectoire sans action")).await;
    link.click().await.unwrap();
    wait_for_text(&web, "Cible accompagnement").await;
    wait_for_text(&web, "Terminé").await;
    // Ending the session before the driver stops saves two minutes of waiting on it.
    web.quit().await.unwrap();
}
