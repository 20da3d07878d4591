//! The HR screens over HTTP: job sheets (list, versions and their word diff, two sheets side by
//! side, the edit form with its conflict, validation), the team matrix and its CSV, mobility,
//! training needs and cover, and the CSV import.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};

use crate::helpers::{TestApp, USER_PASSWORD, spawn_app};
use crate::web::{WebClient, figure, hidden};

/// The form fields of the edit page as they would be sent back unchanged, with `changes`
/// applied: the text fields by name, the requirement rows as repeated pairs.
fn edit_form(page: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![("csrf".to_owned(), hidden(page, "csrf")), ("version".to_owned(), hidden(page, "version"))];
    let unescape = |text: &str| text.replace("&#39;", "'").replace("&#34;", "\"").replace("&#38;", "&");
    for name in ["title", "recruitment_diploma", "recruitment_internal_profile", "recruitment_selection"] {
        fields.push((name.to_owned(), unescape(&hidden(page, name))));
    }
    for name in ["purpose", "activities", "environment", "recruitment"] {
        let open = page.find(&format!("name=\"{name}\"")).unwrap();
        let start = open + page[open..].find('>').unwrap() + 1;
        let text = &page[start..start + page[start..].find("</textarea>").unwrap()];
        fields.push((name.to_owned(), unescape(text)));
    }
    // Each requirement row: the selected competency and level.
    for row in page.split("<tr>").filter(|r| r.contains("name=\"competence\"")) {
        let chosen = |select: &str| {
            let part = &row[row.find(&format!("name=\"{select}\"")).unwrap()..];
            let part = &part[..part.find("</select>").unwrap()];
            part.find("\" selected>").map_or(String::new(), |end| {
                let start = part[..end].rfind("value=\"").unwrap() + 7;
                part[start..end].to_owned()
            })
        };
        fields.push(("competence".to_owned(), chosen("competence")));
        fields.push(("niveau".to_owned(), chosen("niveau")));
    }
    for (name, value) in changes {
        let slot = fields.iter_mut().find(|(n, _)| n == name).unwrap();
        slot.1 = (*value).to_owned();
    }
    fields
}

async fn post_form(web: &WebClient<'_>, app: &TestApp, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    web.client.post(app.url(path)).form(fields).send().await.unwrap()
}

#[actix_web::test]
async fn an_editor_diffs_compares_and_edits_a_sheet_keeps_what_was_typed_on_a_conflict_and_validates_it() {
    let app = spawn_app().await;
    let hr = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    app.create_organisation("CAF-33", "caf").await;
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let web = WebClient::new(&app);
    web.sign_in("rh.national", USER_PASSWORD).await;

    let list = web.get("/fiches").await.text().await.unwrap();
    assert_eq!(list.matches("href=\"/fiches/").count(), 6, "the six national sheets: {list}");
    let sheet = web.get("/fiches/CSU").await.text().await.unwrap();
    assert!(
        sheet.contains("id=\"modifier\"") && !sheet.contains("id=\"valider\""),
        "a validated sheet is edited, not validated"
    );
    assert!(sheet.contains("<h3>analytique</h3>") || sheet.contains("<h3>relationnel</h3>"), "requirements by arc");

    // The editor opens the form; meanwhile another editor saves a version through the API.
    let form = web.get("/fiches/CSU/modifier").await.text().await.unwrap();
    let mut theirs = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    theirs["environment"] = json!("Plateau téléphonique et accueil sur rendez-vous");
    assert_eq!(app.put("/api/v1/job-profiles/CSU", &hr, theirs).await.status(), StatusCode::OK);

    let typed = "Apporter une réponse de qualité et personnalisée aux usagers";
    let res = post_form(&web, &app, "/fiches/CSU/modifier", &edit_form(&form, &[("purpose", typed)])).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let conflict = res.text().await.unwrap();
    assert!(conflict.contains("id=\"conflit\"") && conflict.contains("la version 2"), "{conflict}");
    assert!(conflict.contains(typed), "what was typed is kept");
    assert_eq!(hidden(&conflict, "version"), "2", "saving again knowingly replaces version 2");
    assert_eq!(app.get_json("/api/v1/job-profiles/CSU", &hr).await["version"], 2, "nothing was written");

    let res = post_form(&web, &app, "/fiches/CSU/modifier", &edit_form(&conflict, &[])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/fiches/CSU?enregistre=1");
    let saved = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    assert_eq!((saved["version"].as_i64(), saved["purpose"].as_str()), (Some(3), Some(typed)));
    assert_eq!(saved["requirements"], app.get_json("/api/v1/job-profiles/CSU/versions/1", &hr).await["requirements"]);

    let diff = web.get("/fiches/CSU/versions?de=1&a=3").await.text().await.unwrap();
    assert!(diff.contains("<ins>personnalisée</ins>") && diff.contains("<del>orienter</del>"), "{diff}");
    let same = web.get("/fiches/CSU/versions?de=3&a=3").await.text().await.unwrap();
    assert!(same.contains("id=\"aucune-difference\""));

    // The draft is validated by its button.
    let draft = web.get("/fiches/CSU").await.text().await.unwrap();
    assert!(draft.contains("id=\"valider\""), "{draft}");
    let csrf = hidden(&draft, "csrf");
    let res = web.post("/fiches/CSU/valider", &[("csrf", &csrf), ("version", "3")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_json("/api/v1/job-profiles/CSU", &hr).await["status"], "validated");

    let side = web.get("/fiches-comparees?a=CSU&b=DATA-ANALYST").await.text().await.unwrap();
    assert!(figure(&side, "synthese").contains("niveaux à gagner"), "{side}");
    assert!(side.contains("id=\"comparaison\""));

    // A viewer sees no edit button, and the same POST sent by hand is refused.
    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    let page = viewer.get("/fiches/CSU").await.text().await.unwrap();
    assert!(!page.contains("id=\"modifier\"") && !page.contains("id=\"valider\""));
    assert_eq!(viewer.get("/fiches/CSU/modifier").await.status(), StatusCode::FORBIDDEN);
    let mut forged = edit_form(&form, &[("purpose", "Forgé"), ("version", "3")]);
    forged[0].1 = hidden(&page, "csrf");
    assert_eq!(post_form(&viewer, &app, "/fiches/CSU/modifier", &forged).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json("/api/v1/job-profiles/CSU", &hr).await["version"], 3);
    // Nor may a viewer validate a draft by hand.
    let mut theirs = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    theirs["environment"] = json!("Accueil sur rendez-vous seulement");
    assert_eq!(app.put("/api/v1/job-profiles/CSU", &hr, theirs).await.status(), StatusCode::OK);
    let res = viewer.post("/fiches/CSU/valider", &[("csrf", &hidden(&page, "csrf")), ("version", "4")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json("/api/v1/job-profiles/CSU", &hr).await["status"], "draft");
}

/// An organisation with four CSU agents in ACCUEIL whose levels on one requirement of CSU
/// (at level 3 or more) are: met, one short, lapsed, and never assessed. Returns the HR token
/// and the requirement's competency code.
async fn accueil(app: &TestApp) -> (String, String) {
    app.create_organisation("CAF-33", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    let csu = app.get_json("/api/v1/job-profiles/CSU", &hr).await;
    let need = csu["requirement_details"].as_array().unwrap().iter().find(|r| r["level"].as_i64() >= Some(3)).unwrap();
    let (code, level) = (need["competency"].as_str().unwrap().to_owned(), need["level"].as_i64().unwrap());
    let mut agents =
        "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n"
            .to_owned();
    for (m, name) in [("A1", "Atteint"), ("A2", "Court"), ("A3", "Expire"), ("A4", "Jamais")] {
        agents.push_str(&format!("CAF-33,{m},{name},Lea,ACCUEIL,,CSU,1,2021-09-01,\n"));
    }
    assert_eq!(app.post_csv("/api/v1/csv/agents", &hr, agents).await.status(), StatusCode::OK);
    let assessments = format!(
        "organisation,matricule,competency,level,assessed_on,source,assessor,comment,evidence_ref,valid_until\n\
         CAF-33,A1,{code},{level},2026-01-05,manager,N. Chef,,,\n\
         CAF-33,A2,{code},{},2026-01-05,manager,N. Chef,,,\n\
         CAF-33,A3,{code},{level},2019-01-05,manager,N. Chef,,,2020-01-05\n",
        level - 1
    );
    let res = app.post_csv("/api/v1/csv/assessments", &hr, assessments).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    (hr, code)
}

/// The `<td>` of agent `name`'s row in the matrix's column of `code`.
fn cell(page: &str, name: &str, column: usize) -> String {
    let row = &page[page.find(&format!(">{name} Lea</a>")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cells: Vec<&str> = row.split("<td class=\"cell ").skip(1).collect();
    cells[column].split('"').next().unwrap().to_owned()
}

#[actix_web::test]
async fn the_team_matrix_colours_each_level_against_the_sheet_and_downloads_as_csv() {
    let app = spawn_app().await;
    let (_, code) = accueil(&app).await;
    let web = WebClient::new(&app);
    web.sign_in("rh33", USER_PASSWORD).await;
    let page = web.get("/equipes?unite=ACCUEIL").await.text().await.unwrap();
    let column =
        page[..page.find(&format!("href=\"/dictionnaire/{code}\"")).unwrap()].matches("class=\"competency\"").count();
    let column = column - 1;
    let standings: Vec<String> =
        ["Atteint", "Court", "Expire", "Jamais"].iter().map(|n| cell(&page, n, column)).collect();
    assert_eq!(standings, ["met", "short1", "expired", "missing"], "{page}");
    assert!(page.contains("4 agents,"), "{page}");
    assert!(page.contains(" / "), "arcs summarised per agent");

    let res = web.get("/equipes/matrice.csv?unite=ACCUEIL").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == code).unwrap();
    let expired = csv.lines().find(|l| l.starts_with("A3,")).unwrap();
    assert_eq!(expired.split(',').nth(at), Some("expired"), "{csv}");

    // Another organisation's HR sees none of these agents.
    app.create_organisation("CAF-44", "caf").await;
    app.user_with_roles("rh44", "CAF-44", &["hr"]).await;
    let other = WebClient::new(&app);
    other.sign_in("rh44", USER_PASSWORD).await;
    let theirs = other.get("/equipes?unite=ACCUEIL").await.text().await.unwrap();
    assert!(!theirs.contains("Atteint") && theirs.contains("Aucun agent"), "{theirs}");
    assert_eq!(other.get("/equipes?organisation=CAF-33").await.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn mobility_ranks_the_agents_and_needs_and_cover_show_as_tables_and_charts() {
    let app = spawn_app().await;
    let (hr, code) = accueil(&app).await;
    let web = WebClient::new(&app);
    web.sign_in("rh33", USER_PASSWORD).await;

    let ranking = web.get("/mobilite?cible=CSU").await.text().await.unwrap();
    let table = &ranking[ranking.find("id=\"classement\"").expect(&ranking)..];
    let first = table.find("Atteint").unwrap();
    for later in ["Court", "Expire", "Jamais"] {
        assert!(table.find(later).unwrap() > first, "{later} ranks below the agent who meets the level");
    }
    let api = app.get_items("/api/v1/analytics/mobility?profile=CSU", &hr).await;
    assert_eq!(api[0]["agent"]["last_name"], "Atteint", "the page and the API rank alike");

    let needs = web.get("/besoins?cible=CSU&seuil=2").await.text().await.unwrap();
    assert_eq!(needs.matches("<svg role=\"img\"").count(), 2, "a chart for needs, one for cover");
    assert!(needs.contains("<title id=\"besoins-graphique-titre\">"), "charts have a title");
    let row = &needs[needs.find("id=\"besoins-table\"").unwrap()..];
    let row = &row[row.find(&format!("/dictionnaire/{code}\"")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td class=\"num\">3</td>"), "three agents below the level: {row}");
    let cover = &needs[needs.find("id=\"couverture-table\"").unwrap()..];
    let cover = &cover[cover.find(&format!("/dictionnaire/{code}\"")).unwrap()..];
    let cover = &cover[..cover.find("</tr>").unwrap()];
    assert!(cover.contains("<td class=\"num\">1</td>") && cover.contains("à risque"), "one holder, under 2: {cover}");
}

#[actix_web::test]
async fn an_import_with_a_bad_last_line_names_it_and_writes_nothing_and_a_good_one_lands() {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let web = WebClient::new(&app);
    web.sign_in("rh33", USER_PASSWORD).await;
    let page = web.get("/import").await.text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let header =
        "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date\n";
    let good = "CAF-33,I1,Un,Lea,GCA,,CSU,1,2021-09-01,\nCAF-33,I2,Deux,Lea,GCA,,CSU,1,2021-09-01,\n";
    let upload = |file: String, csrf: String| {
        let part =
            reqwest::multipart::Part::bytes(file.into_bytes()).file_name("agents.csv").mime_str("text/csv").unwrap();
        let form = reqwest::multipart::Form::new().text("csrf", csrf).text("type", "agents").part("fichier", part);
        web.client.post(app.url("/import")).multipart(form).send()
    };

    let res =
        upload(format!("{header}{good}CAF-33,I3,Trois,Lea,GCA,,CSU,deux,2021-09-01,\n"), csrf.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let refused = res.text().await.unwrap();
    let table = &refused[refused.find("id=\"import-refuse\"").expect(&refused)..];
    assert!(table.contains("ligne 4, colonne fte"), "{table}");
    assert_eq!(app.get_items("/api/v1/agents", &hr).await.len(), 0, "nothing was written");

    let res = upload(format!("{header}{good}"), String::new()).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no CSRF token, no import");
    let res = upload(format!("{header}{good}"), csrf).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(figure(&res.text().await.unwrap(), "import-reussi").contains("2 créées"));
    assert_eq!(app.get_items("/api/v1/agents", &hr).await.len(), 2);

    let viewer = WebClient::new(&app);
    viewer.sign_in("lecteur33", USER_PASSWORD).await;
    assert!(!viewer.home().await.contains("href=\"/import\""), "no import link for a viewer");
    assert_eq!(viewer.get("/import").await.status(), StatusCode::FORBIDDEN);
    let _: Value = app.get_json("/api/v1/agents", &hr).await;
}
