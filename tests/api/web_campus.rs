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
    assert!(page.contains("consentement écrit signé AC-2027-14 du 20/11/2026"), "the event says so: {page}");
}

#[actix_web::test]
async fn a_coordinator_reads_modules_trainers_calendar_and_reports_and_records_a_facilitation_training() {
    let Campus { app, coord, hr33, trainer, .. } = campus_in(spawn_app().await).await;
    let body = json!({"reference": "S-2026-11", "module": "REC-01", "start_date": "2026-11-09",
        "end_date": "2026-11-10", "trainers": [{"trainer": trainer, "hours": 14}],
        "trainees": [{"organisation": "CAF-33", "matricule": "P2"}, {"organisation": "CAF-33", "matricule": "P3"}]});
    let session =
        app.post("/api/v1/sessions", &coord, body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    crate::campus::accept_trainee(&app, &hr33, session, "P2").await;
    let web = WebClient::new(&app);
    web.sign_in("coord.nord", USER_PASSWORD).await;

    let modules = web.get("/campus/modules").await.text().await.unwrap();
    assert!(modules.contains("REC-01") && modules.contains("ecoute</a> : niveau 2 (Pratique courante)"), "{modules}");

    let trainers = web.get("/campus/formateurs").await.text().await.unwrap();
    let row = &trainers[trainers.find(&format!("id=\"formateur-{trainer}\"")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    for words in ["1/2 cibles atteintes", "pas encore évalué", "non renseigné", "à prévoir", "acceptée"] {
        assert!(row.contains(words), "{words} in {row}");
    }
    let csrf = hidden(&trainers, "csrf");
    let id = trainer.to_string();
    let form =
        [("csrf", csrf.as_str()), ("trainer", &id), ("course", "Techniques d'animation"), ("taken_on", "2026-06-02")];
    let res = web.post("/campus/formateurs/formations", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let trainers = web.get("/campus/formateurs?fait=1").await.text().await.unwrap();
    assert!(trainers.contains("animation, 02/06/2026"), "{trainers}");
    assert!(!trainers.contains("à prévoir"), "trained within 24 months: no flag");

    let calendar = web.get("/campus/sessions?mois=2026-11").await.text().await.unwrap();
    assert!(calendar.contains("Novembre 2026"), "{calendar}");
    assert_eq!(calendar.matches("<span class=\"session\">S-2026-11").count(), 2, "on the 9th and the 10th");
    assert!(calendar.contains("1 inscrits, 1 en attente de l"), "{calendar}");
    assert!(calendar.contains("CAF-33 P1 (14 h)"), "{calendar}");

    let reports = web.get("/campus/rapports?annee=2026").await.text().await.unwrap();
    assert!(reports.contains("<svg") && reports.contains("Heures données au campus par organisation en 2026"));
    let given = &reports[reports.find("id=\"organisations\"").unwrap()..];
    assert!(given.contains("<td>CAF-33</td><td class=\"num\">14</td>"), "{given}");

    // These are the campus's screens: an employer's hr has no campus here.
    let hr = WebClient::new(&app);
    hr.sign_in("rh33", USER_PASSWORD).await;
    for path in ["/campus/modules", "/campus/formateurs", "/campus/sessions", "/campus/rapports"] {
        assert_eq!(hr.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let form = [("csrf", "x"), ("trainer", id.as_str()), ("course", "x"), ("taken_on", "2026-06-02")];
    assert_eq!(hr.post("/campus/formateurs/formations", &form).await.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_employers_hr_creates_a_trainer_account_from_the_agents_page_and_no_one_else_sees_the_form() {
    let Campus { app, hr33, .. } = campus_in(spawn_app().await).await;
    let agents = app.get_json("/api/v1/agents?q=P1", &hr33).await;
    let p1 = agents["items"][0]["id"].as_i64().unwrap();
    let path = format!("/agents/{p1}");
    let hr = WebClient::new(&app);
    hr.sign_in("rh33", USER_PASSWORD).await;
    let page = hr.get(&path).await.text().await.unwrap();
    assert!(page.contains("id=\"compte-formateur\"") && page.contains("/compte-formateur\""), "{page}");
    let csrf = hidden(&page, "csrf");
    let form = [("csrf", csrf.as_str()), ("username", "formateur.p1"), ("password", USER_PASSWORD)];
    let res = hr.post(&format!("{path}/compte-formateur"), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = hr.get(&path).await.text().await.unwrap();
    assert!(page.contains("Cet agent a un compte formateur"), "{page}");
    // The password hr gave is one-time: the trainer chooses their own before any session opens.
    let trainer = WebClient::new(&app);
    let res = trainer.sign_in("formateur.p1", USER_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    let token = hidden(&page, "form_token");
    let chosen = crate::campus_consent::TRAINER_PASSWORD;
    let form = [
        ("username", "formateur.p1"),
        ("current", USER_PASSWORD),
        ("new", chosen),
        ("confirmation", chosen),
        ("form_token", token.as_str()),
    ];
    assert_eq!(trainer.post("/connexion/mot-de-passe", &form).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(trainer.get("/").await.headers()["location"], "/formateur");

    // The fund's production manager sees neither the form nor may post it.
    let prod = WebClient::new(&app);
    prod.sign_in("prod33", USER_PASSWORD).await;
    let page = prod.get(&path).await.text().await.unwrap();
    assert!(!page.contains("compte-formateur"));
    let csrf = hidden(&page, "csrf");
    let form = [("csrf", csrf.as_str()), ("username", "autre.p1"), ("password", USER_PASSWORD)];
    assert_eq!(prod.post(&format!("{path}/compte-formateur"), &form).await.status(), StatusCode::FORBIDDEN);
}
