//! Whole flows in a real browser: headless Chromium from Debian's `chromium` and
//! `chromium-driver`, driven over WebDriver. A missing browser fails the test with what to
//! install; it is never skipped.

use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::chromium::browser;
use crate::helpers::{TestApp, USER_PASSWORD, spawn_app};

/// Waits until the page's address ends with `end` (a click's navigation may still run).
pub async fn wait_for_address(web: &WebDriver, end: &str) {
    let started = Instant::now();
    loop {
        let url = web.current_url().await.unwrap();
        let address = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        if address.ends_with(end) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "still at {address}, waiting for {end}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The element `by` finds once it is there.
pub async fn element(web: &WebDriver, by: By) -> WebElement {
    web.query(by).first().await.unwrap()
}

pub async fn sign_in(web: &WebDriver, app: &TestApp, username: &str, password: &str) {
    web.goto(app.url("/")).await.unwrap();
    wait_for_address(web, "/connexion").await;
    element(web, By::Id("username")).await.send_keys(username).await.unwrap();
    element(web, By::Id("password")).await.send_keys(password).await.unwrap();
    element(web, By::Css("form[action='/connexion'] button")).await.click().await.unwrap();
}

/// The text of the page's main content; empty while a navigation leaves no page to read.
pub async fn main_text(web: &WebDriver) -> String {
    match web.find(By::Tag("main")).await {
        Ok(main) => main.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the page's main content says `words`.
pub async fn wait_for_text(web: &WebDriver, words: &str) {
    let started = Instant::now();
    while !main_text(web).await.contains(words) {
        assert!(started.elapsed() < Duration::from_secs(20), "the page never said {words:?}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn an_hr_officer_signs_in_searches_the_dictionary_diffs_a_sheet_records_an_assessment_and_signs_out() {
    let app = spawn_app().await;
    crate::planning::fill_org(&app, "CAF-33").await;
    // A second version of CSU, saved nationally, for the diff.
    let national = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    let mut csu = app.get_json("/api/v1/job-profiles/CSU", &national).await;
    csu["environment"] = serde_json::json!("Plateau téléphonique et accueil sur rendez-vous");
    assert_eq!(app.put("/api/v1/job-profiles/CSU", &national, csu).await.status(), reqwest::StatusCode::OK);
    let hr = app.token("rh33", USER_PASSWORD).await;
    let agent = serde_json::json!({"matricule": "C1", "last_name": "Conseiller", "first_name": "Lea", "unit": "ACCUEIL", "job_profile": "CSU", "fte": 1, "start_date": "2020-01-01"});
    assert_eq!(app.post("/api/v1/agents", &hr, agent).await.status(), reqwest::StatusCode::CREATED);
    let (web, _driver) = browser().await;

    sign_in(&web, &app, "rh33", "a wrong password").await;
    let notice = element(&web, By::Css("[role=alert]")).await.text().await.unwrap();
    assert_eq!(notice, "Identifiant ou mot de passe incorrect.");

    sign_in(&web, &app, "rh33", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    assert_eq!(element(&web, By::Tag("h1")).await.text().await.unwrap(), "Accueil");
    let agents = app.get_json("/api/v1/agents?per_page=1", &app.token("rh33", USER_PASSWORD).await).await;
    let shown = element(&web, By::Id("chiffre-agents")).await.text().await.unwrap();
    assert_eq!(shown, agents["total"].to_string());
    let stylesheet: String = web
        .execute("return getComputedStyle(document.querySelector('.bar')).backgroundColor", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(stylesheet, "rgb(11, 79, 138)", "the embedded stylesheet applies");

    // The dictionary filters as one types (htmx, under the page's strict CSP), then a
    // competency opens on its page.
    element(&web, By::LinkText("Dictionnaire")).await.click().await.unwrap();
    wait_for_address(&web, "/dictionnaire").await;
    let before = web.find_all(By::Css("#resultats tbody tr")).await.unwrap().len();
    element(&web, By::Id("q")).await.send_keys("écoute").await.unwrap();
    let started = Instant::now();
    loop {
        let rows = web.find_all(By::Css("#resultats tbody tr")).await.unwrap().len();
        if rows > 0 && rows < before {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the list was not filtered: {rows} of {before} rows");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_address(&web, "/dictionnaire?q=%C3%A9coute&category=&arc=").await;
    element(&web, By::Css("a[href='/dictionnaire/ecoute']")).await.click().await.unwrap();
    wait_for_address(&web, "/dictionnaire/ecoute").await;
    assert_eq!(element(&web, By::Tag("h1")).await.text().await.unwrap(), "Ecoute");
    assert_eq!(web.find_all(By::Css(".level")).await.unwrap().len(), 4);

    // A job sheet opens from the list; its two versions are diffed word by word.
    element(&web, By::LinkText("Fiches emploi")).await.click().await.unwrap();
    wait_for_address(&web, "/fiches").await;
    element(&web, By::Css("a[href='/fiches/CSU']")).await.click().await.unwrap();
    wait_for_address(&web, "/fiches/CSU").await;
    element(&web, By::Css("#comparer-versions #de option[value='1']")).await.click().await.unwrap();
    element(&web, By::Css("#comparer-versions button")).await.click().await.unwrap();
    wait_for_address(&web, "/fiches/CSU/versions?de=1&a=2").await;
    element(&web, By::Css(".diff ins")).await;
    let mut added = String::new();
    for ins in web.find_all(By::Css(".diff ins")).await.unwrap() {
        added.push_str(&ins.text().await.unwrap());
    }
    assert!(added.contains("rendez-vous"), "the words added are marked: {added}");

    // An agent of the fund opens from the list with their gaps; HR records an assessment and
    // sees the new level.
    element(&web, By::LinkText("Agents")).await.click().await.unwrap();
    wait_for_address(&web, "/agents").await;
    element(&web, By::PartialLinkText("Conseiller")).await.click().await.unwrap();
    let chart = element(&web, By::Css("#graphique svg[role=img] title")).await;
    assert!(chart.inner_html().await.unwrap().contains("au regard de la fiche"), "the gap chart has its title");
    let ecoute_row = || async {
        let rows = web.find_all(By::Css("#niveaux tbody tr")).await.unwrap();
        for row in rows {
            let text = row.text().await.unwrap();
            if text.starts_with("Ecoute") {
                return (text, row.attr("class").await.unwrap().unwrap_or_default());
            }
        }
        panic!("no Ecoute row")
    };
    let (before, _) = ecoute_row().await;
    element(&web, By::Css("#competence option[value='ecoute']")).await.click().await.unwrap();
    element(&web, By::Css("#niveau option[value='4']")).await.click().await.unwrap();
    element(&web, By::Css("#evaluer button")).await.click().await.unwrap();
    wait_for_address(&web, "?enregistre=1").await;
    assert_eq!(element(&web, By::Css("[role=status]")).await.text().await.unwrap(), "L'évaluation est enregistrée.");
    let history = element(&web, By::Id("historique")).await.text().await.unwrap();
    assert!(history.contains("Ecoute"), "{history}");
    let (after, class) = ecoute_row().await;
    assert!(after.contains(" 4 ") && class == "met", "the new level stands met: {after} ({class}), was {before}");

    // The team matrix follows its unit filter without reloading the page (htmx).
    element(&web, By::LinkText("Équipes")).await.click().await.unwrap();
    wait_for_address(&web, "/equipes").await;
    wait_for_text(&web, "Conseiller Lea").await;
    element(&web, By::Css("#unite option[value='PROD']")).await.click().await.unwrap();
    wait_for_text(&web, "3 agents, 0 compétences.").await;
    wait_for_address(&web, "unite=PROD&fiche=").await;

    element(&web, By::Css("form[action='/deconnexion'] button")).await.click().await.unwrap();
    wait_for_address(&web, "/connexion?sortie=1").await;
    assert_eq!(element(&web, By::Css("[role=alert]")).await.text().await.unwrap(), "Vous êtes déconnecté.");
    web.goto(app.url("/")).await.unwrap();
    wait_for_address(&web, "/connexion").await;
    web.quit().await.unwrap();
}

#[actix_web::test]
async fn refusals_in_the_browser_a_bad_import_a_viewer_another_fund_and_a_forged_token() {
    let app = spawn_app().await;
    for org in ["CAF-33", "CAF-44"] {
        app.create_organisation(org, "caf").await;
    }
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let hr44 = app.user_with_roles("rh44", "CAF-44", &["hr"]).await;
    let other = serde_json::json!({"matricule": "X1", "last_name": "Ailleurs", "unit": "GCA", "fte": 1, "start_date": "2020-01-01"});
    let other_id = app.post("/api/v1/agents", &hr44, other).await.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (web, _driver) = browser().await;

    // An import whose last line is bad shows that line and writes nothing.
    sign_in(&web, &app, "rh33", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agents.csv");
    std::fs::write(
        &file,
        "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n\
         CAF-33,I1,Un,Lea,GCA,,CSU,1,2021-09-01,\n\
         CAF-33,I2,Deux,Lea,GCA,,CSU,deux,2021-09-01,\n",
    )
    .unwrap();
    element(&web, By::LinkText("Import")).await.click().await.unwrap();
    wait_for_address(&web, "/import").await;
    element(&web, By::Id("fichier")).await.send_keys(file.display().to_string()).await.unwrap();
    element(&web, By::Css("#importer button")).await.click().await.unwrap();
    let refused = element(&web, By::Id("import-refuse")).await.text().await.unwrap();
    assert!(refused.contains("ligne 3, colonne fte"), "{refused}");
    assert_eq!(app.get_items("/api/v1/agents", &hr).await.len(), 0, "nothing was written");

    // Another fund's agent, typed in the address bar, does not exist.
    web.goto(app.url(&format!("/agents/{other_id}"))).await.unwrap();
    wait_for_text(&web, "Cette page n'existe pas").await;

    // A form whose token was tampered with is refused, and nothing is written.
    let mine = app.post("/api/v1/agents", &hr, serde_json::json!({"matricule": "E1", "last_name": "Evalue", "unit": "GCA", "job_profile": "CSU", "fte": 1, "start_date": "2020-01-01"})).await;
    let mine = mine.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    web.goto(app.url(&format!("/agents/{mine}"))).await.unwrap();
    web.execute("document.querySelector('#evaluer input[name=csrf]').value = 'forged'", vec![]).await.unwrap();
    element(&web, By::Css("#evaluer button")).await.click().await.unwrap();
    wait_for_text(&web, "jeton de sécurité").await;
    let assessments = app.get_json(&format!("/api/v1/agents/{mine}/assessments"), &hr).await;
    assert_eq!(assessments.as_array().unwrap().len(), 0);
    // The error page has no frame: sign out from the home page.
    web.goto(app.url("/")).await.unwrap();
    element(&web, By::Css("form[action='/deconnexion'] button")).await.click().await.unwrap();
    wait_for_address(&web, "/connexion?sortie=1").await;

    // A viewer sees no edit button; the same POST sent by hand, with their own token, is refused.
    sign_in(&web, &app, "lecteur33", USER_PASSWORD).await;
    wait_for_address(&web, "/").await;
    web.goto(app.url(&format!("/agents/{mine}"))).await.unwrap();
    assert!(web.find_all(By::Id("evaluer")).await.unwrap().is_empty(), "no assessment form for a viewer");
    let status: i64 = web
        .execute(
            "const csrf = document.querySelector('input[name=csrf]').value; \
             return fetch(arguments[0], {method: 'POST', body: new URLSearchParams({competence: 'ecoute', \
             niveau: '3', date: '2026-11-20', source: 'manager', csrf})}).then(r => r.status);",
            vec![serde_json::json!(format!("/agents/{mine}/evaluations"))],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(status, 403);
    assert_eq!(app.get_json(&format!("/api/v1/agents/{mine}/assessments"), &hr).await.as_array().unwrap().len(), 0);
    web.quit().await.unwrap();
}
