//! Analytics at scale, measured over HTTP against the real app: `cargo bench --bench analytics`.
//!
//! Generates an organisation of 10,000 agents (about 40 assessed competencies each, with
//! history), then times one agent's gap, the ranking of all agents for a target profile, a
//! 15-agent team matrix, and an import of 200,000 assessments. SQLite by default; PostgreSQL
//! when `GPEC_BENCH_DATABASE_URL` names a server (a database is created and dropped).
//! Figures go to stdout; docs/benchmarks.md records them. Nothing here asserts a time.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use gpec::config::Config;
use gpec::db::DatabaseUrl;
use gpec::http::server::Application;
use serde_json::{Value, json};

const AGENTS: usize = 10_000;
const IMPORT_ROWS: usize = 200_000;
const PASSWORD: &str = "bench-admin-password";

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (database URL, cleanup) for the chosen backend.
fn database() -> (String, Box<dyn FnOnce()>) {
    match std::env::var("GPEC_BENCH_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!("gpec_bench_{}", std::process::id());
            let mut conn = PgConnection::establish(&admin).expect("PostgreSQL reachable");
            conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
            let base = &admin[..admin.rfind('/').expect("URL with a database")];
            let url = format!("{base}/{name}");
            let cleanup = move || {
                if let Ok(mut c) = PgConnection::establish(&admin) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            };
            (url, Box::new(cleanup))
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("bench.db").display());
            (url, Box::new(move || drop(dir)))
        }
    }
}

async fn timed(client: &reqwest::Client, url: &str, token: &str) -> (Duration, Value) {
    let started = Instant::now();
    let res = client.get(url).bearer_auth(token).send().await.expect("request");
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let body = res.json::<Value>().await.expect("JSON");
    (started.elapsed(), body)
}

fn main() {
    let (url, cleanup) = database();
    actix_web::rt::System::new().block_on(run(&url));
    cleanup();
}

async fn run(url: &str) {
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let mut config = Config::new(url);
    config.bind = "127.0.0.1:0".into();
    config.admin_password = Some(PASSWORD.into());
    config.jwt_secret = Some("bench-secret-that-is-long-enough-0123456789".into());
    config.workers = Some(2);
    let app = Application::build(config).await.expect("app starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());

    let started = Instant::now();
    let mut conn = DatabaseUrl::parse(url).unwrap().connect().expect("connect");
    let system = gpec::domain::access::Principal::system();
    let today = chrono::Utc::now().date_naive();
    let report = gpec::domain::demo::generate(&mut conn, &system, "CAF-BENCH", AGENTS, 7, today).expect("demo data");
    let password = gpec::domain::types::Password::parse("password", PASSWORD).unwrap();
    gpec::domain::demo::users(&mut conn, &system, "CAF-BENCH", &password).expect("demo users");
    println!(
        "[{backend}] generated {} agents, {} assessments in {:.1} s",
        report.agents,
        report.assessments,
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    let login = json!({"username": "admin", "password": PASSWORD});
    let token: Value =
        client.post(format!("{base}/api/v1/auth/token")).json(&login).send().await.unwrap().json().await.unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();

    // One agent's gap, 500 agents in turn.
    let page: Value =
        timed(&client, &format!("{base}/api/v1/agents?organisation=CAF-BENCH&per_page=500&job_profile=CSU"), &token)
            .await
            .1;
    let ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    let mut samples = Vec::new();
    for id in ids.iter().cycle().take(500) {
        samples.push(timed(&client, &format!("{base}/api/v1/agents/{id}/gap"), &token).await.0);
    }
    println!(
        "[{backend}] agent gap over HTTP: p50 {:.2} ms, p99 {:.2} ms ({} requests)",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99)),
        samples.len()
    );

    // The ranking of all agents of the organisation for one target profile.
    let mut samples = Vec::new();
    let mut ranked = 0;
    for _ in 0..10 {
        let (d, body) = timed(
            &client,
            &format!("{base}/api/v1/analytics/mobility?profile=ACCOMPAGNEMENT&organisation=CAF-BENCH"),
            &token,
        )
        .await;
        ranked = body["total"].as_i64().unwrap();
        samples.push(d);
    }
    println!(
        "[{backend}] mobility ranking of {ranked} agents: median {:.1} ms, max {:.1} ms (10 runs)",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 1.0))
    );

    // A team matrix (one unit of 12-15 agents).
    let mut samples = Vec::new();
    let mut size = 0;
    for _ in 0..200 {
        let (d, body) =
            timed(&client, &format!("{base}/api/v1/analytics/matrix?organisation=CAF-BENCH&unit=U042"), &token).await;
        size = body["rows"].as_array().unwrap().len();
        samples.push(d);
    }
    println!(
        "[{backend}] team matrix of {size} agents: p50 {:.2} ms, p99 {:.2} ms (200 requests)",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99))
    );

    pages(&base, backend, &ids).await;

    // 200,000 new assessments in one file, over HTTP.
    let export =
        client.get(format!("{base}/api/v1/csv/agents")).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
    let matricules: Vec<&str> = export.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    let competencies = ["ecoute", "autonomie", "adaptabilite", "pedagogie", "connaissance-prestations"];
    let mut file = String::from(
        "organisation,matricule,competency,level,assessed_on,assessor,source,comment,evidence_ref,valid_until\n",
    );
    let mut rows = 0;
    'fill: for (day, date) in (1..=28).map(|d| (d, format!("2026-02-{d:02}"))) {
        for m in &matricules {
            for c in competencies {
                if rows == IMPORT_ROWS {
                    break 'fill;
                }
                file.push_str(&format!("CAF-BENCH,{m},{c},{},{date},Bench,eaea,,,\n", 1 + (rows + day) % 4));
                rows += 1;
            }
        }
    }
    let bytes = file.len();
    let started = Instant::now();
    let res = client
        .post(format!("{base}/api/v1/csv/assessments"))
        .bearer_auth(&token)
        .header("Content-Type", "text/csv")
        .body(file)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let report: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{report}");
    println!(
        "[{backend}] import of {} assessments ({:.1} MB) over HTTP: {:.2} s",
        report["created"],
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}

/// `requests` timings of the page at `path` as the signed-in `web` client gets it: until the
/// whole body is read, or until the headers when `first_byte`.
async fn page_times(web: &reqwest::Client, url: &str, requests: usize, first_byte: bool) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let res = web.get(url).send().await.expect("request");
        assert!(res.status().is_success(), "{url}: {}", res.status());
        if first_byte {
            samples.push(started.elapsed());
            res.bytes().await.unwrap();
        } else {
            res.bytes().await.unwrap();
            samples.push(started.elapsed());
        }
    }
    samples
}

/// The web pages HR uses most, as the organisation's HR officer (`rh.caf-bench`) sees them.
async fn pages(base: &str, backend: &str, agents: &[i64]) {
    let web =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = web.get(format!("{base}/connexion")).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"form_token\" value=\"";
    let start = form.find(marker).expect("the sign-in form") + marker.len();
    let token = &form[start..start + form[start..].find('"').unwrap()];
    let signed = web
        .post(format!("{base}/connexion"))
        .form(&[("username", "rh.caf-bench"), ("password", PASSWORD), ("form_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), reqwest::StatusCode::SEE_OTHER, "signed in");

    let mut samples = Vec::new();
    for id in agents.iter().cycle().take(300) {
        samples.extend(page_times(&web, &format!("{base}/agents/{id}"), 1, false).await);
    }
    report_page(backend, "agent page (levels, chart, history, form)", &mut samples);
    let mut samples = page_times(&web, &format!("{base}/equipes?unite=U042"), 200, false).await;
    report_page(backend, "unit matrix page (U042)", &mut samples);
    let url = format!("{base}/mobilite?cible=ACCOMPAGNEMENT");
    let mut samples = page_times(&web, &url, 10, false).await;
    report_page(backend, "mobility ranking page, first 25 of 10,000", &mut samples);
    let mut samples = page_times(&web, &format!("{base}/"), 20, true).await;
    report_page(backend, "home page, first byte (HR figures over 10,000 agents)", &mut samples);
}

fn report_page(backend: &str, what: &str, samples: &mut [Duration]) {
    println!(
        "[{backend}] {what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests)",
        ms(percentile(samples, 0.5)),
        ms(percentile(samples, 0.99)),
        ms(percentile(samples, 1.0)),
        samples.len()
    );
}
