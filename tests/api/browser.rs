//! Whole flows in a real browser: headless Chromium from Debian's `chromium` and
//! `chromium-driver`, driven over WebDriver. A missing browser fails the test with what to
//! install; it is never skipped.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::helpers::{TestApp, USER_PASSWORD, spawn_app};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver of this test, stopped when dropped, with a browser profile of its own.
struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium, started with the flags a closed network needs.
async fn browser() -> (WebDriver, Driver) {
    for path in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            std::path::Path::new(path).exists(),
            "{path} is missing: browser tests need Debian's chromium and chromium-driver \
             (apt-get install -y chromium chromium-driver)"
        );
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver { child, _profile: profile };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not listen on {port}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(CHROMIUM).unwrap();
    let user_data = format!("--user-data-dir={}", driver._profile.path().display());
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        user_data.as_str(),
    ] {
        caps.add_arg(arg).unwrap();
    }
    let web = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("a Chromium session");
    (web, driver)
}

/// Waits until the page's address ends with `end` (a click's navigation may still run).
async fn wait_for_address(web: &WebDriver, end: &str) {
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
async fn element(web: &WebDriver, by: By) -> WebElement {
    web.query(by).first().await.unwrap()
}

async fn sign_in(web: &WebDriver, app: &TestApp, username: &str, password: &str) {
    web.goto(app.url("/")).await.unwrap();
    wait_for_address(web, "/connexion").await;
    element(web, By::Id("username")).await.send_keys(username).await.unwrap();
    element(web, By::Id("password")).await.send_keys(password).await.unwrap();
    element(web, By::Css("form[action='/connexion'] button")).await.click().await.unwrap();
}

#[actix_web::test]
async fn an_hr_officer_signs_in_searches_the_dictionary_records_an_assessment_and_signs_out() {
    let app = spawn_app().await;
    crate::planning::fill_org(&app, "CAF-33").await;
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

    // An agent of the fund opens from the list; HR records an assessment and sees it.
    element(&web, By::LinkText("Agents")).await.click().await.unwrap();
    wait_for_address(&web, "/agents").await;
    element(&web, By::PartialLinkText("Un")).await.click().await.unwrap();
    element(&web, By::Css("#competence option[value='ecoute']")).await.click().await.unwrap();
    element(&web, By::Css("#niveau option[value='4']")).await.click().await.unwrap();
    element(&web, By::Css("#evaluer button")).await.click().await.unwrap();
    wait_for_address(&web, "?enregistre=1").await;
    assert_eq!(element(&web, By::Css("[role=status]")).await.text().await.unwrap(), "L'évaluation est enregistrée.");
    let history = element(&web, By::Id("historique")).await.text().await.unwrap();
    assert!(history.contains("Ecoute"), "{history}");

    element(&web, By::Css("form[action='/deconnexion'] button")).await.click().await.unwrap();
    wait_for_address(&web, "/connexion?sortie=1").await;
    assert_eq!(element(&web, By::Css("[role=alert]")).await.text().await.unwrap(), "Vous êtes déconnecté.");
    web.goto(app.url("/")).await.unwrap();
    wait_for_address(&web, "/connexion").await;
    web.quit().await.unwrap();
}
