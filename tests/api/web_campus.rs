//! The campus pages over HTTP: the buttons each visitor gets match what the server accepts, and
//! a form sent by hand for another party is refused with nothing written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campus::{Campus, campus_in};
use crate::helpers::{ADMIN_PASSWORD, USER_PASSWORD, spawn_app};
use crate::web::{WebClient, hidden};

#[actix_web::test]
async fn no_one_records_another_partys_agreement_from_the_pages_a_national_admin_included() {
    let Campus { app, coord, trainer, .. } = campus_in(spawn_app().await).await;
    let body = json!({"trainer": trainer, "start_date": "2027-09-01", "hours_per_year": 40});
    let id = app.post("/api/v1/engagements", &coord, body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/campus/engagements/{id}");

    let admin = WebClient::new(&app);
    assert_eq!(admin.sign_in("admin", ADMIN_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let page = admin.get(&path).await.text().await.unwrap();
    assert!(!page.contains("/accords"), "no agreement form for the national admin");
    let csrf = hidden(&page, "csrf");
    for party in ["trainer", "employer", "campus"] {
        let res = admin.post(&format!("{path}/accords"), &[("csrf", &csrf), ("party", party)]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{party}");
    }
    let forged =
        [("csrf", csrf.as_str()), ("party", "trainer"), ("consent_reference", "X"), ("consent_date", "2026-11-01")];
    assert_eq!(admin.post(&format!("{path}/accords"), &forged).await.status(), StatusCode::FORBIDDEN);

    // The coordinator gets the campus's button only, and a forged employer's agreement is refused.
    let campus = WebClient::new(&app);
    campus.sign_in("coord.nord", USER_PASSWORD).await;
    let page = campus.get(&path).await.text().await.unwrap();
    assert!(page.contains("name=\"party\" value=\"campus\""), "{page}");
    assert!(!page.contains("name=\"party\" value=\"employer\"") && !page.contains("name=\"party\" value=\"trainer\""));
    let csrf = hidden(&page, "csrf");
    let res = campus.post(&format!("{path}/accords"), &[("csrf", &csrf), ("party", "employer")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = campus.post(&format!("{path}/accords"), &[("csrf", "forged"), ("party", "campus")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a wrong CSRF token, nothing written");

    let engagement = app.get_json(&format!("/api/v1/engagements/{id}"), &coord).await;
    assert_eq!(engagement["agreements"], json!([]), "nothing was recorded");
    let res = campus.post(&format!("{path}/accords"), &[("csrf", &csrf), ("party", "campus")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let engagement = app.get_json(&format!("/api/v1/engagements/{id}"), &coord).await;
    assert_eq!(engagement["agreements"][0]["party"], "campus");
}

#[actix_web::test]
async fn the_employers_hr_records_a_trainers_paper_consent_marked_as_such() {
    let Campus { app, coord, trainer, .. } = campus_in(spawn_app().await).await;
    let body = json!({"trainer": trainer, "start_date": "2027-09-01", "hours_per_year": 40});
    let id = app.post("/api/v1/engagements", &coord, body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/campus/engagements/{id}");
    let hr = WebClient::new(&app);
    hr.sign_in("rh33", USER_PASSWORD).await;
    let page = hr.get(&path).await.text().await.unwrap();
    assert!(page.contains("id=\"papier\""), "the trainer has no account: the paper form is offered");
    let csrf = hidden(&page, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("party", "trainer"),
        ("consent_reference", "AC-2027-14"),
        ("consent_date", "2026-11-20"),
    ];
    assert_eq!(hr.post(&format!("{path}/accords"), &form).await.status(), StatusCode::SEE_OTHER);
    let page = hr.get(&path).await.text().await.unwrap();
    assert!(page.contains("consentement écrit signé AC-2027-14 (20/11/2026)"), "{page}");
    assert!(page.contains("signed paper consent AC-2027-14 of 2026-11-20"), "the event says so");
}
