//! The web application over HTTP: sign-in, sessions, CSRF, sign-out and the home page's
//! figures, with a client that keeps cookies as a browser does. `browser.rs` drives the same
//! flows in Chromium.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, spawn_app, spawn_with, test_config};

/// A browser-like client of `app`: it keeps cookies and does not follow redirects.
pub struct WebClient<'a> {
    app: &'a TestApp,
    pub client: reqwest::Client,
}

/// The value of `name="…" value="…"` in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in the page:\n{page}")) + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

impl<'a> WebClient<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { app, client }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.app.url(path)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.app.url(path)).form(form).send().await.unwrap()
    }

    /// Fills and sends the sign-in form.
    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        let form = self.get("/connexion").await.text().await.unwrap();
        let token = hidden(&form, "form_token");
        self.post("/connexion", &[("username", username), ("password", password), ("form_token", &token)]).await
    }

    /// The home page, which must show.
    pub async fn home(&self) -> String {
        let res = self.get("/").await;
        assert_eq!(res.status(), StatusCode::OK);
        res.text().await.unwrap()
    }
}

/// The text of the element `id` of a page (up to its first tag's end).
pub fn figure(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no #{id} in the page:\n{page}")) + marker.len();
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

fn location(res: &reqwest::Response) -> &str {
    res.headers()[LOCATION].to_str().unwrap()
}

#[actix_web::test]
async fn pages_send_whoever_is_not_signed_in_to_the_sign_in_page() {
    let app = spawn_app().await;
    let web = WebClient::new(&app);
    let res = web.get("/").await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/connexion"));
    let form = web.get("/connexion").await;
    assert_eq!(form.status(), StatusCode::OK);
    let policy = form.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    let page = form.text().await.unwrap();
    assert!(page.contains("<html lang=\"fr\">") && page.contains("<label for=\"password\">Mot de passe</label>"));
    assert!(page.contains("/static/htmx.min.js"), "htmx is served by gpec itself");
    let htmx = web.get("/static/htmx.min.js").await;
    assert_eq!(htmx.status(), StatusCode::OK);
    assert!(htmx.text().await.unwrap().contains("htmx"));
}

#[actix_web::test]
async fn signing_in_opens_a_strict_http_only_session_and_signing_out_ends_it() {
    let app = spawn_app().await;
    let web = WebClient::new(&app);

    let refused = web.sign_in("admin", "not-the-password").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.text().await.unwrap().contains("Identifiant ou mot de passe incorrect."));
    assert_eq!(web.get("/").await.status(), StatusCode::SEE_OTHER, "no session after a refusal");

    let res = web.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/"));
    let cookie =
        res.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap()).find(|c| c.starts_with("gpec_session="));
    let cookie = cookie.expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP unless GPEC_HTTPS says otherwise");
    let home = web.home().await;
    assert!(home.contains("Bonjour admin."), "{home}");

    // Signing out needs the session's CSRF token: another site cannot sign anyone out.
    assert_eq!(web.post("/deconnexion", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(web.post("/deconnexion", &[("csrf", "0".repeat(64).as_str())]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(web.get("/").await.status(), StatusCode::OK, "still signed in");
    let csrf = hidden(&home, "csrf");
    let res = web.post("/deconnexion", &[("csrf", &csrf)]).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/connexion?sortie=1"));
    let res = web.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the session is gone");
}

#[actix_web::test]
async fn a_sign_in_form_not_paired_with_its_cookie_is_refused() {
    let app = spawn_app().await;
    let web = WebClient::new(&app);
    let res =
        web.post("/connexion", &[("username", "admin"), ("password", ADMIN_PASSWORD), ("form_token", "forged")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Le formulaire a expiré"));
    assert_eq!(web.get("/").await.status(), StatusCode::SEE_OTHER, "no session was opened");
}

#[actix_web::test]
async fn a_session_ends_when_idle_too_long_or_when_the_password_changes() {
    let db = crate::helpers::TestDb::new();
    let mut config = test_config(&db);
    config.session_idle_minutes = 0;
    config.https = true;
    let app = spawn_with(db, config).await;
    let web = WebClient::new(&app);
    let res = web.sign_in("admin", ADMIN_PASSWORD).await;
    let cookies: Vec<&str> = res.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("gpec_session=") && c.contains("Secure")), "{cookies:?}");
    // The client keeps a Secure cookie for HTTPS only: send it by hand.
    let session = cookies.iter().find(|c| c.starts_with("gpec_session=")).unwrap().split(';').next().unwrap();
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/connexion?expiree=1"));

    let app = spawn_app().await;
    let web = WebClient::new(&app);
    app.user_with_roles("rh.nat", "NATIONAL", &["hr"]).await;
    web.sign_in("rh.nat", USER_PASSWORD).await;
    web.home().await;
    let token = app.token("rh.nat", USER_PASSWORD).await;
    let change = json!({"current_password": USER_PASSWORD, "new_password": "an-other-long-passphrase-42"});
    assert_eq!(app.post("/api/v1/me/password", &token, change).await.status(), StatusCode::OK);
    assert_eq!(web.get("/").await.status(), StatusCode::SEE_OTHER, "a new password closes the old sessions");
}

#[actix_web::test]
async fn the_home_page_shows_hr_the_figures_of_their_own_organisation_only() {
    let app = spawn_app().await;
    crate::planning::fill_org(&app, "CAF-33").await;
    crate::planning::fill_org(&app, "CAF-44").await;
    // An agent who left and one still here, each with a lapsed certification: only the second
    // counts.
    let hr = app.token("rh33", USER_PASSWORD).await;
    let agents = "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n\
                  CAF-33,D1,Parti,,PROD,,CSU,1,2015-01-01,2020-12-31\n\
                  CAF-33,E1,Expire,,PROD,,CSU,1,2015-01-01,\n";
    assert_eq!(app.post_csv("/api/v1/csv/agents", &hr, agents).await.status(), StatusCode::OK);
    let lapsed = "organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until\n\
                  CAF-33,D1,ecoute,3,2019-01-05,N. Chef,certification,,,2020-01-05\n\
                  CAF-33,E1,ecoute,3,2019-01-05,N. Chef,certification,,,2020-01-05\n";
    assert_eq!(app.post_csv("/api/v1/csv/assessments", &hr, lapsed).await.status(), StatusCode::OK);
    let agents_33 = app.get_json("/api/v1/agents?per_page=1", &hr).await["total"].as_u64().unwrap();

    let web = WebClient::new(&app);
    web.sign_in("rh33", USER_PASSWORD).await;
    let home = web.home().await;
    assert_eq!(figure(&home, "chiffre-agents"), agents_33.to_string(), "CAF-44's agents are not counted");
    assert_eq!(figure(&home, "chiffre-expires"), "1", "the lapsed level of the agent who left is not counted");
    assert!(home.contains("Ressources humaines") && !home.contains("id=\"administration\""));

    let production = WebClient::new(&app);
    production.sign_in("prod33", USER_PASSWORD).await;
    let home = production.home().await;
    assert!(home.contains("id=\"production\"") && !home.contains("chiffre-agents"), "no HR figures for production");
    assert!(home.contains("Activités, charges, ETP et plans de charge"), "the production paragraph, in words: {home}");
}

#[actix_web::test]
async fn the_dictionary_is_searched_by_text_category_arc_and_new_and_each_competency_has_its_page() {
    let app = spawn_app().await;
    let viewer = WebClient::new(&app);
    app.user_with_roles("lecteur", "NATIONAL", &["viewer"]).await;
    viewer.sign_in("lecteur", USER_PASSWORD).await;

    let all = viewer.get("/dictionnaire").await.text().await.unwrap();
    let listed = all.matches("href=\"/dictionnaire/").count();
    assert!(listed > 30, "the whole dictionary: {listed}");
    // Accents and case are ignored: « ÉCOUTE » finds Ecoute.
    let found = viewer.get("/dictionnaire?q=%C3%89COUTE").await.text().await.unwrap();
    assert!(found.contains("href=\"/dictionnaire/ecoute\""), "{found}");
    assert!(found.matches("href=\"/dictionnaire/").count() < listed);
    let knowledge = viewer.get("/dictionnaire?category=savoir&arc=").await.text().await.unwrap();
    assert!(
        knowledge.contains("/dictionnaire/connaissance-prestations") && !knowledge.contains("/dictionnaire/ecoute\"")
    );
    let new_only = viewer.get("/dictionnaire?nouveau=oui").await.text().await.unwrap();
    assert_eq!(new_only.matches("class=\"badge\"").count(), new_only.matches("href=\"/dictionnaire/").count());
    assert!(new_only.matches("href=\"/dictionnaire/").count() < listed);
    let none = viewer.get("/dictionnaire?q=zzzz-nothing").await.text().await.unwrap();
    assert!(none.contains("Aucune compétence ne correspond."));
    let bad = viewer.get("/dictionnaire?category=bricolage").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "an unknown category is named, not ignored");
    assert!(bad.text().await.unwrap().contains("bricolage"));

    let page = viewer.get("/dictionnaire/ecoute").await.text().await.unwrap();
    assert!(page.contains("<h1>Ecoute</h1>"), "{page}");
    assert_eq!(page.matches("class=\"level\"").count(), 4, "the four descriptors side by side");
    assert!(page.contains("Pratiquer une écoute active"), "level 3's descriptor");
    // CSU requires it at level 3, the data analyst at level 2.
    let level_3 = &page[page.find("id=\"niveau-3\"").unwrap()..page.find("id=\"niveau-4\"").unwrap()];
    assert!(
        level_3.contains("Conseiller service à l&#39;usager (CSU)")
            || level_3.contains("Conseiller service à l'usager (CSU)"),
        "{level_3}"
    );
    let level_2 = &page[page.find("id=\"niveau-2\"").unwrap()..page.find("id=\"niveau-3\"").unwrap()];
    assert!(level_2.contains("Data-analyst"), "{level_2}");
    assert!(page.contains("<td>1</td>"), "its first version is listed");

    let missing = viewer.get("/dictionnaire/no-such-thing").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Cette page n&#39;existe pas"));
}

#[actix_web::test]
async fn hr_lists_their_agents_by_page_and_opens_one_against_their_job_sheet() {
    let app = spawn_app().await;
    for org in ["CAF-33", "CAF-44"] {
        app.create_organisation(org, "caf").await;
    }
    let hr33 = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    let hr44 = app.user_with_roles("rh44", "CAF-44", &["hr"]).await;
    let mut file =
        "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n"
            .to_owned();
    for k in 0..27 {
        file.push_str(&format!("CAF-33,M{k:02},Martin{k:02},Lea,ACCUEIL,,CSU,0.8,2021-09-01,\n"));
    }
    assert_eq!(app.post_csv("/api/v1/csv/agents", &hr33, file).await.status(), StatusCode::OK);
    let other =
        json!({"matricule": "X1", "last_name": "Ailleurs", "unit": "GCA", "fte": 1, "start_date": "2020-01-01"});
    let other_id = app.post("/api/v1/agents", &hr44, other).await.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let first = app.get_json("/api/v1/agents?q=M00", &hr33).await["items"][0]["id"].as_i64().unwrap();
    let assessment = json!({"competency": "ecoute", "level": 3, "assessed_on": "2026-01-05", "source": "manager", "assessor": "N. Chef"});
    assert_eq!(
        app.post(&format!("/api/v1/agents/{first}/assessments"), &hr33, assessment).await.status(),
        StatusCode::CREATED
    );

    let web = WebClient::new(&app);
    web.sign_in("rh33", USER_PASSWORD).await;
    let list = web.get("/agents").await.text().await.unwrap();
    assert!(list.contains("27 agents.") && list.contains("Page 1 sur 2"), "{list}");
    assert_eq!(list.matches("href=\"/agents/").count(), 25, "25 a page");
    assert!(!list.contains("Ailleurs"), "another CAF's agents are not listed");
    let next = hidden(&list.replace("rel=\"next\" href=", "name=\"next\" value="), "next");
    let second = web.get(&next.replace("&#38;", "&")).await.text().await.unwrap();
    assert_eq!(second.matches("href=\"/agents/").count(), 2);
    let found = web.get("/agents?q=martin05").await.text().await.unwrap();
    assert!(found.contains("1 agent.") && found.contains("M05"), "{found}");

    let page = web.get(&format!("/agents/{first}")).await.text().await.unwrap();
    assert!(page.contains("<h1>Lea Martin00</h1>") && page.contains("0,8"), "French numbers: {page}");
    let ecoute = &page[page.find("/dictionnaire/ecoute").unwrap()..];
    let ecoute = &ecoute[..ecoute.find("</tr>").unwrap()];
    assert!(ecoute.contains("standing met") && ecoute.contains("atteint"), "{ecoute}");
    assert!(page.contains("standing missing"), "the requirements not assessed are shown as such");
    assert!(page.contains("<td>05/01/2026</td>") && page.contains("N. Chef"), "the history, dates dd/mm/yyyy");
    let compared = web.get(&format!("/agents/{first}?fiche=DATA-ANALYST")).await.text().await.unwrap();
    assert!(compared.contains("<option value=\"DATA-ANALYST\" selected>"), "the chosen sheet is compared");
    assert_ne!(figure(&compared, "adequation"), figure(&page, "adequation"));

    // Another CAF's agent, typed in the address bar, does not exist for this user.
    let res = web.get(&format!("/agents/{other_id}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("Ailleurs"));

    // The productivity the planning uses, and a newcomer's ramp-up.
    assert_eq!(figure(&page, "productivite"), "100 %");
    let newcomer = json!({"matricule": "N1", "last_name": "Nouveau", "unit": "GCA", "fte": 1,
        "start_date": "2026-09-01", "productivity": 1.1, "ramp_up": true});
    let res = app.post("/api/v1/agents", &hr33, newcomer).await;
    let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let page = web.get(&format!("/agents/{id}")).await.text().await.unwrap();
    assert!(figure(&page, "productivite").starts_with("110 % (nouvel arrivant"), "{page}");
}

#[actix_web::test]
async fn hr_records_an_assessment_from_the_agent_page_and_a_viewer_cannot() {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let agent = json!({"matricule": "E1", "last_name": "Evalue", "unit": "GCA", "job_profile": "CSU", "fte": 1, "start_date": "2020-01-01"});
    let id =
        app.post("/api/v1/agents", &hr, agent).await.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/agents/{id}");
    let post = format!("/agents/{id}/evaluations");
    let recorded =
        || async { app.get_json(&format!("/api/v1/agents/{id}/assessments"), &hr).await.as_array().unwrap().len() };

    let web = WebClient::new(&app);
    web.sign_in("rh33", USER_PASSWORD).await;
    let page = web.get(&path).await.text().await.unwrap();
    assert!(page.contains("id=\"evaluer\""), "HR sees the form");
    let csrf = hidden(&page, "csrf");
    let fields = |level: &'static str, csrf: String| {
        vec![
            ("competence", "ecoute".to_owned()),
            ("niveau", level.to_owned()),
            ("date", "2026-11-20".to_owned()),
            ("source", "manager".to_owned()),
            ("evaluateur", "N. Chef".to_owned()),
            ("csrf", csrf),
        ]
    };
    let send = |form: Vec<(&'static str, String)>| {
        let url = app.url(&post);
        let client = &web;
        async move { client.client.post(url).form(&form).send().await.unwrap() }
    };

    // Without the session's token nothing is written.
    let res = send(fields("3", String::new())).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(recorded().await, 0);
    // A bad level is named, the typed values stay, and nothing is written.
    let res = send(fields("5", csrf.clone())).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let refused = res.text().await.unwrap();
    assert!(figure(&refused, "refus").contains("niveau"), "{refused}");
    assert!(refused.contains("value=\"N. Chef\""), "what was typed is kept");
    assert_eq!(recorded().await, 0);

    let res = send(fields("3", csrf.clone())).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, format!("/agents/{id}?enregistre=1").as_str()));
    let page = web.get(&format!("/agents/{id}?enregistre=1")).await.text().await.unwrap();
    assert!(page.contains("L&#39;évaluation est enregistrée.") || page.contains("L'évaluation est enregistrée."));
    assert!(page.contains("<td>20/11/2026</td>"), "in the history");
    assert_eq!(recorded().await, 1);

    // A viewer sees no form, and the same POST sent by hand, with their own valid token, is refused.
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    let page = viewer.get(&path).await.text().await.unwrap();
    assert!(!page.contains("id=\"evaluer\""));
    let token = hidden(&page, "csrf");
    let res = viewer.client.post(app.url(&post)).form(&fields("4", token)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(recorded().await, 1, "nothing written");
}

#[actix_web::test]
async fn a_one_time_password_is_replaced_at_sign_in_before_any_session_opens() {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    let admin = app.admin_token().await;
    let reset = app.post("/api/v1/users/rh33/password-reset", &admin, json!({})).await;
    let one_time = reset.json::<serde_json::Value>().await.unwrap()["one_time_password"].as_str().unwrap().to_owned();

    let web = WebClient::new(&app);
    let res = web.sign_in("rh33", &one_time).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"choisir\""), "{page}");
    let res = web.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "no session yet");

    let chosen = "une phrase choisie par moi seule";
    let send = |page: String, new: &'static str, confirmation: &'static str| {
        let token = hidden(&page, "form_token");
        let one_time = one_time.clone();
        let web = &web;
        async move {
            let form = [
                ("username", "rh33"),
                ("current", one_time.as_str()),
                ("new", new),
                ("confirmation", confirmation),
                ("form_token", token.as_str()),
            ];
            web.post("/connexion/mot-de-passe", &form).await
        }
    };
    let res = send(page, chosen, "une autre phrase que la première").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(page.contains("diffèrent"), "{page}");
    let res = send(page, "azertyuiop12", "azertyuiop12").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a weak password is refused as by the API");
    let page = res.text().await.unwrap();
    assert!(page.contains("new_password"), "{page}");

    let res = send(page, chosen, chosen).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/"));
    assert!(web.home().await.contains("rh33"), "signed in");
    assert_eq!(app.login("rh33", &one_time).await.status(), StatusCode::UNAUTHORIZED, "the one-time password is gone");
    app.token("rh33", chosen).await;
}
