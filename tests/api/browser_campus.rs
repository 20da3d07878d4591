//! Campus flows in the browser: three parties agree to an engagement each for themselves, the
//! trainer with their own account; the trainer sees their hours and no one else's engagement.

use thirtyfour::prelude::*;

use crate::browser::{element, main_text, sign_in, wait_for_address, wait_for_text};
use crate::campus::{Campus, campus_in};
use crate::chromium::browser;
use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, spawn_app};

async fn sign_out(web: &WebDriver) {
    element(web, By::Css("form[action='/deconnexion'] button")).await.click().await.unwrap();
    wait_for_address(web, "/connexion?sortie=1").await;
}

/// Clicks the button that says `words`.
async fn click(web: &WebDriver, words: &str) {
    let xpath = format!("//main//button[normalize-space(.)=\"{words}\"]");
    element(web, By::XPath(xpath)).await.click().await.unwrap();
}

/// The trainer's first sign-in: the one-time password hr gave, replaced by their own.
async fn first_sign_in(web: &WebDriver, app: &TestApp) {
    sign_in(web, app, "formateur.p1", USER_PASSWORD).await;
    let chosen = crate::campus_consent::TRAINER_PASSWORD;
    for id in ["new", "confirmation"] {
        element(web, By::Id(id)).await.send_keys(chosen).await.unwrap();
    }
    let current = element(web, By::Id("current")).await;
    current.clear().await.unwrap();
    current.send_keys(USER_PASSWORD).await.unwrap();
    element(web, By::Css("#choisir button")).await.click().await.unwrap();
    wait_for_address(web, "/formateur").await;
}

/// Creates P1's trainer account (by CAF-33's hr, over the API).
async fn trainer_account(app: &TestApp, hr: &str) {
    let agents = app.get_json("/api/v1/agents?q=P1", hr).await;
    let p1 = agents["items"][0]["id"].as_i64().unwrap();
    let body = serde_json::json!({"username": "formateur.p1", "password": USER_PASSWORD});
    let res = app.post(&format!("/api/v1/agents/{p1}/trainer-account"), hr, body).await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
}

#[actix_web::test]
async fn a_coordinator_proposes_the_employer_and_the_trainer_agree_and_the_engagement_becomes_active() {
    let Campus { app, hr33, engagement: fixture, .. } = campus_in(spawn_app().await).await;
    trainer_account(&app, &hr33).await;
    let (web, _driver) = browser().await;

    // The coordinator proposes an engagement of P1 and gives the campus's agreement.
    sign_in(&web, &app, "coord.nord", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    element(&web, By::LinkText("Engagements des formateurs")).await.click().await.unwrap();
    wait_for_address(&web, "/campus/engagements").await;
    web.execute("document.getElementById('debut').value = '2027-09-01'", vec![]).await.unwrap();
    element(&web, By::Css("#proposer button")).await.click().await.unwrap();
    wait_for_text(&web, "Proposé").await;
    let address = web.current_url().await.unwrap().path().to_owned();
    let id: i64 = address.rsplit('/').next().unwrap().parse().unwrap();
    assert_ne!(id, fixture);
    click(&web, "Donner l'accord du campus").await;
    wait_for_text(&web, "C'est enregistré.").await;
    assert!(web.find_all(By::XPath("//main//button[contains(., 'employeur')]")).await.unwrap().is_empty());
    sign_out(&web).await;

    // The employer's hr agrees for the employer; the trainer has an account, so no paper form.
    sign_in(&web, &app, "rh33", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    web.goto(app.url(&format!("/campus/engagements/{id}"))).await.unwrap();
    wait_for_text(&web, "Accords pour la période en attente").await;
    assert!(web.find_all(By::Id("papier")).await.unwrap().is_empty(), "the trainer agrees themselves");
    click(&web, "Donner l'accord de l'employeur").await;
    wait_for_text(&web, "C'est enregistré.").await;
    sign_out(&web).await;

    // The trainer signs in to their own page, choosing their password, and agrees.
    first_sign_in(&web, &app).await;
    wait_for_text(&web, "Mon activité de formateur").await;
    element(&web, By::Css(format!("#mes-engagements a[href='/campus/engagements/{id}']"))).await.click().await.unwrap();
    wait_for_address(&web, &format!("/campus/engagements/{id}")).await;
    click(&web, "Donner mon accord de formateur").await;
    wait_for_text(&web, "C'est enregistré.").await;
    sign_out(&web).await;

    // All three agreed: the coordinator activates it.
    sign_in(&web, &app, "coord.nord", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    web.goto(app.url(&format!("/campus/engagements/{id}"))).await.unwrap();
    click(&web, "Activer l'engagement").await;
    wait_for_text(&web, "C'est enregistré.").await;
    let status = element(&web, By::Id("statut")).await.text().await.unwrap();
    assert_eq!(status, "Actif");
    let history = element(&web, By::Id("historique")).await.text().await.unwrap();
    for who in ["coord.nord", "rh33", "formateur.p1"] {
        assert!(history.contains(who), "{who} in {history}");
    }
    // Ending the session before the driver stops saves two minutes of waiting on it.
    web.quit().await.unwrap();
}

#[actix_web::test]
async fn a_trainer_sees_their_hours_and_not_another_trainers_engagement_and_an_admin_cannot_agree_for_them() {
    let Campus { app, coord, hr33, trainer, .. } = campus_in(spawn_app().await).await;
    trainer_account(&app, &hr33).await;
    let session = serde_json::json!({"reference": "S-2026-11", "module": "REC-01", "start_date": "2026-11-09",
        "end_date": "2026-11-10", "trainers": [{"trainer": trainer, "hours": 14}], "trainees": []});
    assert_eq!(app.post("/api/v1/sessions", &coord, session).await.status(), reqwest::StatusCode::CREATED);
    let body = serde_json::json!({"organisation": "CAF-33", "matricule": "P2", "modules": ["REC-01"]});
    let p2 = app.post("/api/v1/trainers", &coord, body).await.json::<serde_json::Value>().await.unwrap()["id"].clone();
    let body = serde_json::json!({"trainer": p2, "start_date": "2027-01-01", "hours_per_year": 30});
    let res = app.post("/api/v1/engagements", &coord, body).await;
    let other = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let (web, _driver) = browser().await;

    first_sign_in(&web, &app).await;
    web.goto(app.url("/formateur?annee=2026")).await.unwrap();
    wait_for_text(&web, "S-2026-11").await;
    let hours = element(&web, By::Id("heures")).await.text().await.unwrap();
    assert!(hours.contains("CAMPUS-NORD 60 14"), "planned 60, delivered 14: {hours}");
    assert!(element(&web, By::Id("part")).await.text().await.unwrap().contains('%'));
    web.goto(app.url(&format!("/campus/engagements/{other}"))).await.unwrap();
    wait_for_text(&web, "Cette page n'existe pas, ou n'est pas de votre périmètre.").await;
    web.goto(app.url("/agents")).await.unwrap();
    wait_for_text(&web, "Vous n'avez pas accès à cette action.").await;
    web.goto(app.url("/formateur")).await.unwrap();
    sign_out(&web).await;

    // The national administrator sees the engagement but is offered no agreement to record.
    sign_in(&web, &app, "admin", ADMIN_PASSWORD).await;
    wait_for_address(&web, "/").await;
    web.goto(app.url(&format!("/campus/engagements/{other}"))).await.unwrap();
    wait_for_text(&web, "Accords pour la période en attente").await;
    let text = main_text(&web).await;
    assert!(!text.contains("Donner") && !text.contains("consentement écrit"), "{text}");
    assert!(web.find_all(By::Css("form[action$='/accords']")).await.unwrap().is_empty());
    // Ending the session before the driver stops saves two minutes of waiting on it.
    web.quit().await.unwrap();
}

#[actix_web::test]
async fn a_production_manager_pastes_loads_requests_a_plan_watches_it_finish_opens_it_and_compares_it() {
    let app = spawn_app().await;
    let production = crate::planning::fill(&app).await;
    let (web, _driver) = browser().await;
    sign_in(&web, &app, "prod33", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    element(&web, By::LinkText("Activités et charges")).await.click().await.unwrap();
    wait_for_address(&web, "/charges").await;
    web.goto(app.url("/charges?de=2027-01&a=2027-02")).await.unwrap();
    // A block as a spreadsheet copies it, tab-separated, one row per month. Typing Tab would
    // move the focus, so the block is put in the field as a paste does.
    let block = serde_json::json!("mois\tACC\tAL\n2027-01\t110\t150\n2027-02\t95\t100");
    web.execute("document.getElementById('bloc').value = arguments[0]", vec![block]).await.unwrap();
    element(&web, By::Css("#coller button")).await.click().await.unwrap();
    wait_for_text(&web, "C'est enregistré.").await;
    let acc = element(&web, By::Css("input[aria-label='ACC 2027-01 volume']")).await;
    assert_eq!(acc.prop("value").await.unwrap().as_deref(), Some("110"));

    element(&web, By::LinkText("Plans de charge")).await.click().await.unwrap();
    wait_for_address(&web, "/plans").await;
    element(&web, By::Id("nom")).await.send_keys("Hiver").await.unwrap();
    for (id, value) in [("de", "2027-01"), ("a", "2027-02")] {
        let field = element(&web, By::Id(id)).await;
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }
    element(&web, By::Css("#demander button")).await.click().await.unwrap();
    wait_for_address(&web, "/plans").await;
    // The address was already /plans before the request: wait for the new page's row (the name
    // typed in the form is not text), else the marker below could land on the page being left.
    wait_for_text(&web, "Hiver").await;
    // The row turns from queued or running to done on its own: the page is not reloaded.
    let marker: String =
        web.execute("window.notReloaded = true; return 'ok'", vec![]).await.unwrap().convert().unwrap();
    assert_eq!(marker, "ok");
    wait_for_text(&web, "Terminé").await;
    let still: bool = web.execute("return window.notReloaded === true", vec![]).await.unwrap().convert().unwrap();
    assert!(still, "the status changed without a reload");
    assert!(main_text(&web).await.contains("Hiver"));
    element(&web, By::LinkText("Plan (JSON)")).await;

    // The plan opens: its alerts as a heatmap, each activity's backlog over its bands.
    element(&web, By::LinkText("Hiver")).await.click().await.unwrap();
    wait_for_text(&web, "Alertes par activité et par mois").await;
    assert_eq!(web.find_all(By::Css("#alertes tbody tr")).await.unwrap().len(), 2, "ACC and AL");
    assert_eq!(web.find_all(By::Css("#stocks svg")).await.unwrap().len(), 2);
    element(&web, By::Css("#sources svg")).await;

    // Compared with another plan of the same months.
    let other = crate::planning::ask_plan(&app, &production, "Hiver bis").await;
    crate::planning::finished(&app, &production, other).await;
    web.goto(app.url("/plans-compares")).await.unwrap();
    let first = app.get_json("/api/v1/plans", &production).await["items"][1]["id"].as_i64().unwrap();
    element(&web, By::Css(format!("#pa option[value='{first}']"))).await.click().await.unwrap();
    element(&web, By::Css(format!("#pb option[value='{other}']"))).await.click().await.unwrap();
    element(&web, By::Css("#choisir button")).await.click().await.unwrap();
    wait_for_address(&web, &format!("/plans-compares?a={first}&b={other}")).await;
    assert_eq!(web.find_all(By::Css("#ecarts tbody tr")).await.unwrap().len(), 4, "two activities, two months");
    assert_eq!(web.find_all(By::Css("figure svg")).await.unwrap().len(), 2, "costs and critical months");
    // Ending the session before the driver stops saves two minutes of waiting on it.
    web.quit().await.unwrap();
}
