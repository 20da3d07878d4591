//! Test harness: a fresh database per test, the app on a random port, and an HTTP client.

use std::path::PathBuf;

use actix_web::dev::ServerHandle;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use gpec::config::Config;
use gpec::http::server::Application;
use rand::Rng;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";
pub const USER_PASSWORD: &str = "user-password-1";

/// A database that exists for one test and is removed when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// SQLite by default; PostgreSQL when `GPEC_TEST_DATABASE_URL` names a server, which then
    /// must be reachable (an unreachable server fails the test instead of skipping it).
    pub fn new() -> Self {
        match std::env::var("GPEC_TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("gpec_test_{:016x}", rand::rng().random::<u64>());
                gpec::db::init_tls();
                let mut conn = PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("GPEC_TEST_DATABASE_URL is set but unreachable: {e}"));
                conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                let base = admin_url.split('?').next().unwrap_or(&admin_url);
                let url = format!("{}/{name}", &base[..base.rfind('/').expect("database URL with a path")]);
                Self { url, cleanup: Cleanup::Postgres { admin_url, name } }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path: PathBuf = dir.path().join("gpec-test.db");
                Self { url: format!("sqlite://{}", path.display()), cleanup: Cleanup::Sqlite(dir) }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub fn test_config(db: &TestDb) -> Config {
    let mut config = Config::new(db.url.clone());
    config.bind = "127.0.0.1:0".to_owned();
    config.admin_password = Some(ADMIN_PASSWORD.to_owned());
    config.jwt_secret = Some(JWT_SECRET.to_owned());
    config.pool_size = 4;
    config.workers = Some(1);
    config.job_poll_ms = 50;
    config
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub generated_admin_password: Option<String>,
    handle: ServerHandle,
    // Dropped last: the server must not outlive its database.
    pub db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    let db = TestDb::new();
    let config = test_config(&db);
    spawn_with(db, config).await
}

/// An app whose database starts without the national referential.
pub async fn spawn_unseeded() -> TestApp {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.seed_on_start = false;
    spawn_with(db, config).await
}

/// Runs the `gpec` binary against `db`, with `stdin` as its input.
pub fn gpec(db: &TestDb, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpec"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("GPEC_JWT_SECRET", JWT_SECRET)
        .env("GPEC_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("GPEC_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gpec runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin written");
    child.wait_with_output().expect("gpec ends")
}

pub async fn spawn_with(db: TestDb, config: Config) -> TestApp {
    let app = Application::build(config).await.expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let generated_admin_password = app.generated_admin_password.clone();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp { address, client: reqwest::Client::new(), generated_admin_password, handle, db }
}

impl TestApp {
    /// Stops the server and hands back its database, e.g. to start it again.
    pub async fn stop(self) -> TestDb {
        self.handle.stop(true).await;
        self.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let method_name = method.as_str().to_owned();
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        checked(&method_name, path, res).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PUT, path, Some(token), Some(body)).await
    }

    /// The body of a GET that must succeed, as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let res = self.get(path, token).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("JSON body")
    }

    /// The items of the first page of a paged list (`per_page` 500 unless the path names one).
    pub async fn get_items(&self, path: &str, token: &str) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = if path.contains("per_page=") { path.to_owned() } else { format!("{path}{sep}per_page=500") };
        let page = self.get_json(&path, token).await;
        page["items"].as_array().unwrap_or_else(|| panic!("GET {path}: not a page: {page}")).clone()
    }

    /// The body of a GET that must succeed, as bytes (CSV exports).
    pub async fn get_bytes(&self, path: &str, token: &str) -> Vec<u8> {
        let res = self.get(path, token).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.bytes().await.expect("body").to_vec()
    }

    /// Sheet `sheet` of the workbook `GET path` answers, as rows of cells shown as text.
    pub async fn get_sheet(&self, path: &str, token: &str, sheet: &str) -> Vec<Vec<String>> {
        use calamine::Reader;
        let res = self.get(path, token).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let media = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(media, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "GET {path}");
        let bytes = res.bytes().await.unwrap().to_vec();
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let range = book.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
        range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
    }

    pub async fn post_csv(&self, path: &str, token: &str, body: impl Into<Vec<u8>>) -> Response {
        let req = self.client.post(self.url(path)).bearer_auth(token).header("Content-Type", "text/csv");
        req.body(body.into()).send().await.expect("request sent")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        let body = json!({"username": username, "password": password});
        self.request(Method::POST, "/api/v1/auth/token", None, Some(body)).await
    }

    pub async fn token(&self, username: &str, password: &str) -> String {
        let res = self.login(username, password).await;
        assert_eq!(res.status(), StatusCode::OK, "login of {username}");
        let body: Value = res.json().await.expect("token JSON");
        body["access_token"].as_str().expect("access_token").to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    pub async fn create_organisation(&self, code: &str, kind: &str) {
        let admin = self.admin_token().await;
        let res = self
            .post(
                "/api/v1/organisations",
                &admin,
                json!({"code": code, "name": format!("Organisation {code}"), "kind": kind}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create organisation {code}");
    }

    /// Creates a user (as the national admin) and returns their token.
    pub async fn user_with_roles(&self, username: &str, organisation: &str, roles: &[&str]) -> String {
        let admin = self.admin_token().await;
        let body =
            json!({"username": username, "password": USER_PASSWORD, "organisation": organisation, "roles": roles});
        let res = self.post("/api/v1/users", &admin, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create user {username}");
        self.token(username, USER_PASSWORD).await
    }
}

/// Asserts the status and the one error shape, an RFC 9457 problem, and returns the body.
pub async fn assert_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    let media = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(media.as_deref(), Some("application/problem+json"));
    let body: Value = res.json().await.expect("error body is JSON");
    assert_eq!(body["error"], code, "error code in {body}");
    assert_eq!(body["type"], "about:blank", "{body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert_eq!(body["title"], status.canonical_reason().unwrap(), "{body}");
    assert!(body["detail"].is_string() && body["detail"] == body["message"], "detail and message in {body}");
    assert!(body["details"].is_array(), "details in {body}");
    body
}

/// `res`, once checked against the API document (see `conformance`), rebuilt for the test.
async fn checked(method: &str, path: &str, res: Response) -> Response {
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.bytes().await.expect("the body");
    let media = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    crate::conformance::check(method, path, status.as_u16(), media, &body);
    let mut rebuilt = http::Response::builder().status(status);
    for (name, value) in &headers {
        rebuilt = rebuilt.header(name, value);
    }
    Response::from(rebuilt.body(body.to_vec()).expect("a response"))
}
