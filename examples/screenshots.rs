//! `cargo run --example screenshots`: a screenshot of every screen, filled by the demo, written
//! to `docs/screenshots/` as full-page PNGs taken by a headless Chromium (Debian's `chromium`
//! and `chromium-driver`). It fills a temporary SQLite database with `gpec demo generate`,
//! serves it, signs in as each of the demo's users (HR, the national administrator, the campus,
//! a trainer) and visits their pages.

#[path = "../tests/api/chromium.rs"]
mod chromium;

use std::path::Path;

use gpec::config::Config;
use gpec::db::DatabaseUrl;
use gpec::domain::types::Password;
use gpec::http::server::Application;
use thirtyfour::prelude::*;

const PASSWORD: &str = "une démonstration bien remplie";
const AGENTS: usize = 400;

/// The screens only the referential's editors see, shot as the national administrator.
const EDITOR_SCREENS: &[(&str, &str)] = &[("08-fiche-modifier", "/fiches/CSU/modifier")];

/// File name and address of each screen an HR officer of the fund sees, in the order of the menu.
const SCREENS: &[(&str, &str)] = &[
    ("01-accueil", "/"),
    ("02-dictionnaire", "/dictionnaire?arc=relationnel"),
    ("03-competence", "/dictionnaire/ecoute"),
    ("04-fiches", "/fiches"),
    ("05-fiche", "/fiches/CSU"),
    ("06-fiche-versions", "/fiches/CSU/versions?de=1&a=2"),
    ("07-fiches-comparees", "/fiches-comparees?a=CSU&b=ACCOMPAGNEMENT"),
    ("09-agents", "/agents"),
    ("10-agent", "/agents/2"),
    ("11-equipe", "/equipes?unite=U003"),
    ("12-mobilite", "/mobilite?cible=ACCOMPAGNEMENT&fiche=CSU"),
    ("13-besoins", "/besoins?cible=CSU"),
    ("14-import", "/import"),
    ("14b-trajectoire", "/trajectoire"),
    ("14c-trajectoire-plan", "/trajectoire/plans/4"),
    ("14d-trajectoire-hypotheses", "/trajectoire/hypotheses"),
];

/// The production manager's screens, shot as the demo's production user.
const PRODUCTION_SCREENS: &[(&str, &str)] = &[
    ("15-charges", "/charges"),
    ("15b-activite", "/charges/activites/ACCOMPAGNEMENT-DOSSIER"),
    ("16-etp", "/etp"),
    ("17-plans", "/plans"),
    ("17b-plans-parametres", "/plans/parametres"),
    ("18-plan", "/plans/1"),
    ("19-plans-compares", "/plans-compares?a=1&b=2"),
    ("19b-plan-variante", "/plans/3"),
    ("19c-variante-comparee", "/plans-compares?a=2&b=3"),
    ("19d-previsions", "/previsions"),
    ("19e-prevision", "/previsions/1"),
    ("19f-suivi-du-reel", "/ecarts"),
];

/// The campus coordinator's screens, shot as the demo's campus user.
const CAMPUS_SCREENS: &[(&str, &str)] = &[
    ("20-campus-modules", "/campus/modules"),
    ("21-campus-formateurs", "/campus/formateurs"),
    ("22-campus-sessions", "/campus/sessions"),
    ("23-campus-engagements", "/campus/engagements"),
    ("24-campus-engagement", "/campus/engagements/4"),
    ("25-campus-rapports", "/campus/rapports"),
];

/// The trainer's own screens, shot as the demo's trainer, whose engagement's renewal awaits
/// their agreement.
const TRAINER_SCREENS: &[(&str, &str)] =
    &[("30-formateur", "/formateur"), ("31-formateur-engagement", "/campus/engagements/3")];

fn main() {
    actix_web::rt::System::new().block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let mut config = Config::new(url.clone());
    config.bind = "127.0.0.1:0".into();
    config.admin_password = Some(PASSWORD.into());
    config.jwt_secret = Some("screenshots-secret-that-is-long-enough-0123".into());
    let app = Application::build(config).await.expect("the app starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());

    let mut conn = DatabaseUrl::parse(&url).unwrap().connect().expect("the database");
    let system = gpec::domain::access::Principal::system();
    let today = chrono::Utc::now().date_naive();
    gpec::domain::demo::generate(&mut conn, &system, "CAF-DEMO", AGENTS, 1, today).expect("the demo data");
    let password = Password::parse("password", PASSWORD).unwrap();
    gpec::domain::demo::users(&mut conn, &system, "CAF-DEMO", &password).expect("the demo's users");

    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&out).expect("docs/screenshots");
    let (web, _driver) = chromium::browser().await;
    shoot(&web, &format!("{base}/connexion"), &out.join("00-connexion.png")).await;
    let shots = [
        ("rh.caf-demo", SCREENS),
        ("admin", EDITOR_SCREENS),
        ("production.caf-demo", PRODUCTION_SCREENS),
        ("campus.caf-demo", CAMPUS_SCREENS),
        ("formateur.caf-demo", TRAINER_SCREENS),
    ];
    for (user, screens) in shots {
        sign_in(&web, &base, user).await;
        for (name, path) in screens {
            shoot(&web, &format!("{base}{path}"), &out.join(format!("{name}.png"))).await;
        }
        web.find(By::Css("form[action='/deconnexion'] button")).await.unwrap().click().await.unwrap();
    }
    web.quit().await.unwrap();
    let count: usize = shots.iter().map(|(_, screens)| screens.len()).sum();
    println!("{} screenshots in {}", count + 1, out.display());
}

async fn sign_in(web: &WebDriver, base: &str, user: &str) {
    web.goto(format!("{base}/connexion")).await.unwrap();
    web.find(By::Id("username")).await.unwrap().send_keys(user).await.unwrap();
    web.find(By::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    web.find(By::Css("form[action='/connexion'] button")).await.unwrap().click().await.unwrap();
    web.query(By::Css("form[action='/deconnexion']")).first().await.expect("signed in");
}

/// The width of the screenshots: the desktop size the pages are designed for.
const WIDTH: u32 = 1280;

/// Opens `address` and writes the whole page to `file`: the window is made as tall as the page.
async fn shoot(web: &WebDriver, address: &str, file: &Path) {
    web.set_window_rect(0, 0, WIDTH, 800).await.unwrap();
    web.goto(address).await.unwrap();
    web.query(By::Tag("main")).first().await.unwrap_or_else(|_| panic!("{address} shows no page"));
    let height: i64 =
        web.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap().convert().unwrap();
    // The window's frame takes some height of its own.
    web.set_window_rect(0, 0, WIDTH, height.clamp(800, 8000) as u32 + 100).await.unwrap();
    web.screenshot(file).await.unwrap();
    println!("{}", file.display());
}
