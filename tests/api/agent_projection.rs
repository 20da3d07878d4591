//! The agent fields of the workforce trajectory: contract, known departure, and the birth date,
//! personal data that only hr and admin of the agent's organisation read, in the API, the CSV
//! exports, the audit trail and the pages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, USER_PASSWORD, assert_error, spawn_app};
use crate::web::WebClient;

struct Fixture {
    app: TestApp,
    hr: String,
    viewer: String,
    national_hr: String,
    other_hr: String,
    id: i64,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    app.create_organisation("CAF-33", "caf").await;
    app.create_organisation("CAF-78", "caf").await;
    let hr = app.user_with_roles("rh33", "CAF-33", &["hr"]).await;
    let viewer = app.user_with_roles("lecteur33", "CAF-33", &["viewer"]).await;
    let national_hr = app.user_with_roles("rh.national", "NATIONAL", &["hr"]).await;
    let other_hr = app.user_with_roles("rh78", "CAF-78", &["hr"]).await;
    let agent = json!({"matricule": "B1", "last_name": "Durand", "unit": "U1", "fte": 1.0,
                       "start_date": "1990-09-01", "birth_date": "1964-05-12", "contract": "cdd",
                       "departure_date": "2027-06-30", "departure_reason": "end_of_contract"});
    let res = app.post("/api/v1/agents", &hr, agent).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["birth_date"], "1964-05-12");
    Fixture { app, hr, viewer, national_hr, other_hr, id: created["id"].as_i64().unwrap() }
}

#[actix_web::test]
async fn a_birth_date_is_read_only_by_hr_and_admin_of_the_agents_organisation() {
    let f = fixture().await;
    let path = format!("/api/v1/agents/{}", f.id);
    let own = f.app.get_json(&path, &f.hr).await;
    assert_eq!(
        (&own["birth_date"], &own["contract"], &own["departure_reason"]),
        (&json!("1964-05-12"), &json!("cdd"), &json!("end_of_contract"))
    );
    for token in [&f.viewer, &f.national_hr] {
        let seen = f.app.get_json(&path, token).await;
        assert!(seen.get("birth_date").is_none(), "{seen}");
        assert_eq!((&seen["contract"], &seen["departure_date"]), (&json!("cdd"), &json!("2027-06-30")));
        let listed = f.app.get_items("/api/v1/agents?organisation=CAF-33", token).await;
        assert!(listed.iter().all(|a| a.get("birth_date").is_none()), "{listed:?}");
    }
    assert_eq!(f.app.get(&path, &f.other_hr).await.status(), StatusCode::NOT_FOUND);
    // The mobility ranking lists agents too.
    let ranking = "/api/v1/analytics/mobility?profile=CSU&organisation=CAF-33";
    assert!(!f.app.get_json(ranking, &f.viewer).await.to_string().contains("1964-05-12"));
    assert!(f.app.get_json(ranking, &f.hr).await.to_string().contains("1964-05-12"));

    // The CSV export: the column for the organisation's hr only.
    let own_csv = String::from_utf8(f.app.get_bytes("/api/v1/csv/agents", &f.hr).await).unwrap();
    assert!(own_csv.lines().next().unwrap().ends_with(",birth_date"), "{own_csv}");
    assert!(own_csv.contains("1964-05-12"), "{own_csv}");
    for token in [&f.viewer, &f.national_hr] {
        let csv = String::from_utf8(f.app.get_bytes("/api/v1/csv/agents", token).await).unwrap();
        assert!(!csv.contains("birth_date") && !csv.contains("1964-05-12"), "{csv}");
        assert!(csv.contains("cdd,2027-06-30,end_of_contract"), "{csv}");
    }

    // National hr sends the agent back without the date: it stays; setting one is refused.
    let mut seen = f.app.get_json(&path, &f.national_hr).await;
    seen["unit"] = json!("U2");
    let res = f.app.put(&path, &f.national_hr, seen.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.unwrap().get("birth_date").is_none());
    assert_eq!(f.app.get_json(&path, &f.hr).await["birth_date"], "1964-05-12");
    seen["version"] = json!(2);
    seen["birth_date"] = json!("1970-01-01");
    assert_error(f.app.put(&path, &f.national_hr, seen).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(f.app.get_json(&path, &f.hr).await["birth_date"], "1964-05-12");

    // The audit trail says a birth date is set, not which.
    let admin = f.app.admin_token().await;
    let audit = f.app.get_json("/api/v1/audit?per_page=500", &admin).await.to_string();
    assert!(audit.contains("Durand") && !audit.contains("1964-05-12"), "{audit}");

    // The agent's page: the date for the organisation's hr, not for the viewer.
    let page = |user: &'static str| {
        let app = &f.app;
        let path = format!("/agents/{}", f.id);
        async move {
            let web = WebClient::new(app);
            assert_eq!(web.sign_in(user, USER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
            web.get(&path).await.text().await.unwrap()
        }
    };
    let hr_page = page("rh33").await;
    assert!(hr_page.contains("12/05/1964") && hr_page.contains("fin de contrat"), "{hr_page}");
    let viewer_page = page("lecteur33").await;
    assert!(!viewer_page.contains("1964") && viewer_page.contains("CDD"), "{viewer_page}");
}

#[actix_web::test]
async fn bad_projection_fields_are_named_and_nothing_is_written() {
    let f = fixture().await;
    let base = json!({"matricule": "B2", "last_name": "Petit", "unit": "U1", "fte": 1.0, "start_date": "2020-01-01"});
    let mut half = base.clone();
    half["departure_date"] = json!("2028-01-31");
    let body = f.app.post("/api/v1/agents", &f.hr, half).await.json::<Value>().await.unwrap();
    assert!(body.to_string().contains("departure_reason"), "{body}");
    let mut young = base.clone();
    young["birth_date"] = json!("2012-01-01");
    let body = f.app.post("/api/v1/agents", &f.hr, young).await.json::<Value>().await.unwrap();
    assert!(body.to_string().contains("birth_date"), "{body}");
    let mut contract = base.clone();
    contract["contract"] = json!("interim");
    let res = f.app.post("/api/v1/agents", &f.hr, contract).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("contract"));
    // Another organisation's hr cannot write birth dates there either (the agent is out of reach).
    let mut elsewhere = base.clone();
    elsewhere["birth_date"] = json!("1980-01-01");
    elsewhere["organisation"] = json!("CAF-33");
    assert_eq!(f.app.post("/api/v1/agents", &f.national_hr, elsewhere).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(f.app.get_items("/api/v1/agents?organisation=CAF-33", &f.hr).await.len(), 1);

    // A CSV with a bad reason on line 3 and a bad date on line 4: nothing lands.
    let header = "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date,productivity,ramp_up,contract,departure_date,departure_reason,birth_date";
    let csv = format!(
        "{header}\nCAF-33,C1,Roux,,U1,,,1,2010-01-01,,1,false,cdi,,,1970-03-04\n\
         CAF-33,C2,Blanc,,U1,,,1,2010-01-01,,1,false,cdi,2028-01-01,vacances,1971-01-01\n\
         CAF-33,C3,Noir,,U1,,,1,2010-01-01,,1,false,cdd,,,1971-02-30\n"
    );
    let res = f.app.post_csv("/api/v1/csv/agents", &f.hr, csv.clone()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let text = res.text().await.unwrap();
    assert!(text.contains("departure_reason") && text.contains("birth_date"), "{text}");
    assert!(text.contains("\"line\":3") && text.contains("\"line\":4"), "{text}");
    assert_eq!(f.app.get_items("/api/v1/agents?organisation=CAF-33", &f.hr).await.len(), 1);

    // The good lines land; a file without the birth_date column keeps the dates.
    let good: String = csv.lines().take(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(f.app.post_csv("/api/v1/csv/agents", &f.hr, good).await.status(), StatusCode::OK);
    let without = "organisation,matricule,last_name,first_name,unit,manager_matricule,job_profile,fte,start_date,end_date,productivity,ramp_up,contract\n\
                   CAF-33,C1,Roux,,U2,,,1,2010-01-01,,1,false,cdd\n";
    assert_eq!(f.app.post_csv("/api/v1/csv/agents", &f.hr, without).await.status(), StatusCode::OK);
    let c1 = f.app.get_items("/api/v1/agents?organisation=CAF-33&q=C1", &f.hr).await;
    assert_eq!(
        (&c1[0]["birth_date"], &c1[0]["unit"], &c1[0]["contract"]),
        (&json!("1970-03-04"), &json!("U2"), &json!("cdd"))
    );
    // A viewer's or national export re-imported by national hr changes nothing.
    let export = f.app.get_bytes("/api/v1/csv/agents", &f.national_hr).await;
    let res = f.app.post_csv("/api/v1/csv/agents", &f.national_hr, export).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(f.app.get_json(&format!("/api/v1/agents/{}", f.id), &f.hr).await["birth_date"], "1964-05-12");
}
