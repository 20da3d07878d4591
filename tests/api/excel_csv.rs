//! Files as French Excel saves and opens them: `;`, Windows-1252 or a UTF-8 BOM, `dd/mm/yyyy`,
//! decimal commas; and cells a spreadsheet would run as formulas.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::planning::fill_org;

/// `text` in Windows-1252, as Excel saves "CSV (séparateur: point-virgule)".
fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

async fn imported(app: &TestApp, token: &str, entity: &str, file: Vec<u8>) -> Value {
    let res = app.post_csv(&format!("/api/v1/csv/{entity}"), token, file).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{entity}: {body}");
    body
}

async fn agent(app: &TestApp, token: &str, matricule: &str) -> Value {
    let page = app.get_json(&format!("/api/v1/agents?q={matricule}"), token).await;
    page["items"].as_array().unwrap().iter().find(|a| a["matricule"] == matricule).unwrap().clone()
}

#[actix_web::test]
async fn agents_assessments_and_loads_saved_by_a_french_excel_are_imported() {
    let app = crate::helpers::spawn_app().await;
    let production = fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", crate::helpers::USER_PASSWORD).await;

    let agents = "organisation;matricule;last_name;first_name;unit;manager_matricule;job_profile;fte;start_date;end_date\r\n\
                  CAF-33;F1;Lefèvre;Léa;PRESTATIONS;;;0,8;01/09/2015;\r\n\
                  CAF-33;F2;Œuvray;Zoé;PRESTATIONS;F1;;1;15/03/2021;31/12/2027\r\n";
    let report = imported(&app, &hr, "agents", windows_1252(agents)).await;
    assert_eq!(report["created"], 2);
    let f1 = agent(&app, &hr, "F1").await;
    assert_eq!((f1["last_name"].as_str(), f1["first_name"].as_str()), (Some("Lefèvre"), Some("Léa")));
    assert_eq!((f1["fte"].as_f64(), f1["start_date"].as_str()), (Some(0.8), Some("2015-09-01")));
    assert_eq!(agent(&app, &hr, "F2").await["end_date"], "2027-12-31");

    // The same kind of file, saved as UTF-8 with a BOM.
    let assessments = "\u{feff}organisation;matricule;competency;level;assessed_on;assessor;source;comment;evidence_ref;valid_until\r\n\
                       CAF-33;F1;ecoute;3;05/02/2026;M. Martin;eaea;Très bien, à suivre;;31/12/2028\r\n";
    imported(&app, &hr, "assessments", assessments.as_bytes().to_vec()).await;
    let id = f1["id"].as_i64().unwrap();
    let history = app.get_json(&format!("/api/v1/agents/{id}/assessments"), &hr).await;
    assert_eq!(history[0]["assessed_on"], "2026-02-05");
    assert_eq!(history[0]["comment"], "Très bien, à suivre");
    assert_eq!(history[0]["valid_until"], "2028-12-31");

    let loads = "organisation;activity;period;volume;opening_backlog\r\nCAF-33;ACC;2027-05;1 234,5;12,5\r\n";
    imported(&app, &production, "loads", windows_1252(loads)).await;
    let stored = app.get_items("/api/v1/loads?from=2027-05&to=2027-05", &production).await;
    let may = stored.iter().find(|l| l["activity"] == "ACC").unwrap().clone();
    assert_eq!((may["volume"].as_f64(), may["opening_backlog"].as_f64()), (Some(1234.5), Some(12.5)), "{may}");

    // A French date that does not exist is named like any bad cell.
    let bad = "organisation;matricule;last_name;first_name;unit;manager_matricule;job_profile;fte;start_date;end_date\r\n\
               CAF-33;F3;Faux;;PRESTATIONS;;;1;31/02/2020;\r\n";
    let res = app.post_csv("/api/v1/csv/agents", &hr, windows_1252(bad)).await;
    let body = crate::helpers::assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(
        (body["details"][0]["line"].as_u64(), body["details"][0]["column"].as_str()),
        (Some(2), Some("start_date"))
    );
}

#[actix_web::test]
async fn the_french_dialect_opens_in_columns_and_reads_back_to_the_same_data() {
    let app = crate::helpers::spawn_app().await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", crate::helpers::USER_PASSWORD).await;
    let standard = app.get_bytes("/api/v1/csv/agents", &hr).await;
    let french = app.get_bytes("/api/v1/csv/agents?dialect=excel-fr", &hr).await;
    let text = String::from_utf8(french.clone()).unwrap();
    assert!(text.starts_with("\u{feff}organisation;matricule;"), "{text}");
    assert!(text.contains(";0,5;01/01/2020;"), "dates and decimals the French way: {text}");

    let report = imported(&app, &hr, "agents", french).await;
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(0), Some(0)), "{report}");
    assert_eq!(app.get_bytes("/api/v1/csv/agents", &hr).await, standard, "nothing changed");
    let res = app.get("/api/v1/csv/agents?dialect=lotus", &hr).await;
    crate::helpers::assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
}

#[actix_web::test]
async fn a_cell_a_spreadsheet_would_run_is_exported_as_text_and_read_back_unchanged() {
    let app = crate::helpers::spawn_app().await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", crate::helpers::USER_PASSWORD).await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"Cliquez\")";
    let body = json!({"matricule": "X1", "last_name": formula, "first_name": "+33 1 23 45", "unit": "@PROD",
                      "fte": 1, "start_date": "2024-01-01"});
    assert_eq!(app.post("/api/v1/agents", &hr, body).await.status(), StatusCode::CREATED);

    for dialect in ["standard", "excel-fr"] {
        let file = app.get_bytes(&format!("/api/v1/csv/agents?dialect={dialect}"), &hr).await;
        let text = String::from_utf8(file.clone()).unwrap();
        let line = text.lines().find(|l| l.contains("X1")).unwrap();
        assert!(line.contains("'=HYPERLINK") && line.contains("'+33") && line.contains("'@PROD"), "{line}");
        assert!(!line.contains(",=") && !line.contains(";="), "{line}");
        let report = imported(&app, &hr, "agents", file).await;
        assert_eq!(report["updated"], 0, "{dialect}: read back unchanged");
    }
    let x1 = agent(&app, &hr, "X1").await;
    assert_eq!((x1["last_name"].as_str(), x1["unit"].as_str()), (Some(formula), Some("@PROD")));
}

const ENTITIES: [&str; 13] = [
    "competencies",
    "job-profiles",
    "requirements",
    "activity-roles",
    "agents",
    "assessments",
    "activities",
    "loads",
    "unavailability",
    "modules",
    "trainers",
    "engagements",
    "sessions",
];

#[actix_web::test]
async fn every_entity_goes_out_as_a_workbook_and_back_in_unchanged() {
    let crate::campus::Campus { app, coord, trainer, .. } =
        crate::campus::campus_in(crate::helpers::spawn_app().await).await;
    let engagement = json!({"trainer": trainer, "start_date": "2027-01-01", "hours_per_year": 60});
    assert_eq!(app.post("/api/v1/engagements", &coord, engagement).await.status(), StatusCode::CREATED);
    let session = json!({"reference": "S-1", "module": "REC-01", "start_date": "2026-10-05", "end_date": "2026-10-06",
        "trainers": [{"trainer": trainer, "hours": 14}], "trainees": [{"organisation": "CAF-33", "matricule": "P2"}]});
    assert_eq!(app.post("/api/v1/sessions", &coord, session).await.status(), StatusCode::CREATED);
    let admin = app.admin_token().await;
    for entity in ENTITIES {
        let before = app.get_bytes(&format!("/api/v1/csv/{entity}"), &admin).await;
        let res = app.get(&format!("/api/v1/csv/{entity}?format=xlsx"), &admin).await;
        assert_eq!(res.status(), StatusCode::OK, "{entity}");
        let media = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(media, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let book = res.bytes().await.unwrap().to_vec();
        assert!(book.starts_with(b"PK"), "{entity}");
        let back = gpec::domain::xlsx::to_csv(&book, entity).unwrap();
        assert_eq!(String::from_utf8(back.csv).unwrap(), String::from_utf8(before.clone()).unwrap(), "{entity}");
        if matches!(entity, "assessments" | "sessions") {
            continue; // recorded once: a second import of the same is refused, file or workbook
        }
        // Loads and unavailability count every row they write as updated, the same or not.
        let report = imported(&app, &admin, entity, book).await;
        assert_eq!(report["created"], 0, "{entity}: {report}");
        assert_eq!(app.get_bytes(&format!("/api/v1/csv/{entity}"), &admin).await, before, "{entity}");
    }
}

#[actix_web::test]
async fn a_workbook_s_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_written() {
    let app = crate::helpers::spawn_app().await;
    fill_org(&app, "CAF-33").await;
    let hr = app.token("rh33", crate::helpers::USER_PASSWORD).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Agents").unwrap();
    for (c, name) in gpec::domain::agents_csv::AGENT_COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    for (r, (matricule, fte)) in [("W1", "1"), ("W2", "trois")].iter().enumerate() {
        let row = r as u32 + 1;
        for (c, value) in ["CAF-33", matricule, "Classeur", "", "PROD", "", "", fte, "2024-01-01"].iter().enumerate() {
            sheet.write_string(row, c as u16, *value).unwrap();
        }
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 2, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_datetime_with_format(1, 8, date, &format).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let res = app.post_csv("/api/v1/csv/agents", &hr, bytes).await;
    let body = crate::helpers::assert_error(res, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(
        (body["details"][0]["field"].as_str(), body["details"][0]["line"].as_u64()),
        (Some("Agents!H3"), Some(3))
    );
    let page = app.get_json("/api/v1/agents?q=W1", &hr).await;
    assert_eq!(page["total"], 0, "nothing written");
}
