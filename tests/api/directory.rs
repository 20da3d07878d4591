//! Directory sign-in against a real OpenLDAP server (Debian's `slapd`), started per test on a
//! free port with a small directory: people, and groups that the settings map to gpec roles.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use gpec::domain::directory::{self, DirectorySettings, UserLookup};
use ldap3::{LdapConnAsync, Mod};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, TestApp, TestDb, assert_error, spawn_with, test_config};

const SUFFIX: &str = "dc=gpec,dc=test";
const ROOT_DN: &str = "cn=admin,dc=gpec,dc=test";
const ROOT_PASSWORD: &str = "root-secret-for-tests";
const JEANNE: &str = "uid=jdupont,ou=people,dc=gpec,dc=test";
const JEANNE_PASSWORD: &str = "Annuaire-Jeanne-2026";
const HR_GROUP: &str = "cn=gpec-rh-caf78,ou=groups,dc=gpec,dc=test";

/// One `slapd` serving a fresh directory over `ldap://` (with StartTLS) and `ldaps://`, with a
/// certificate of its own test authority; stopped when dropped.
struct Slapd {
    dir: tempfile::TempDir,
    port: u16,
    tls_port: u16,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A test certificate authority, and a certificate it signed for 127.0.0.1.
fn certificates(dir: &Path) {
    let ca = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem"];
    openssl(dir, &[&ca[..], &["-days", "2", "-subj", "/CN=gpec test CA"]].concat());
    let request = ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr"];
    openssl(dir, &[&request[..], &["-subj", "/CN=localhost"]].concat());
    std::fs::write(dir.join("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n").unwrap();
    let sign = ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"];
    openssl(dir, &[&sign[..], &["-out", "server.pem", "-days", "2", "-extfile", "san.cnf"]].concat());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Slapd {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("db")).unwrap();
        certificates(root);
        let conf = format!(
            "include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n\
             pidfile {root}/slapd.pid\nTLSCACertificateFile {root}/ca.pem\n\
             TLSCertificateFile {root}/server.pem\nTLSCertificateKeyFile {root}/server.key\n\
             database mdb\nmaxsize 10485760\nsuffix \"{SUFFIX}\"\n\
             rootdn \"{ROOT_DN}\"\nrootpw {ROOT_PASSWORD}\ndirectory {root}/db\n",
            root = root.display()
        );
        std::fs::write(root.join("slapd.conf"), conf).unwrap();
        let people = [("jdupont", "Jeanne Dupont", JEANNE_PASSWORD), ("pmartin", "Paul Martin", "Annuaire-Paul-2026")];
        let mut ldif = format!(
            "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: gpec\ndc: gpec\n\n\
             dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n\n\
             dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n\n"
        );
        for (uid, name, password) in people {
            ldif.push_str(&format!(
                "dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\n\
                 sn: {name}\nuserPassword: {password}\n\n"
            ));
        }
        ldif.push_str(&format!(
            "dn: {HR_GROUP}\nobjectClass: groupOfNames\ncn: gpec-rh-caf78\nmember: {JEANNE}\nmember: {ROOT_DN}\n\n\
             dn: cn=gpec-admin-caf13,ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: gpec-admin-caf13\n\
             member: uid=pmartin,ou=people,{SUFFIX}\n\n\
             dn: cn=cantine,ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: cantine\nmember: {JEANNE}\n"
        ));
        std::fs::write(root.join("base.ldif"), ldif).unwrap();
        let conf_path = root.join("slapd.conf");
        let loaded = Command::new(slapd_tool("slapadd"))
            .args(["-f", conf_path.to_str().unwrap(), "-l", root.join("base.ldif").to_str().unwrap()])
            .output()
            .expect("slapadd runs: install Debian's slapd package");
        assert!(loaded.status.success(), "slapadd: {}", String::from_utf8_lossy(&loaded.stderr));
        let (port, tls_port) = (free_port(), free_port());
        let listen = format!("ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/");
        let started = Command::new(slapd_tool("slapd"))
            .args(["-f", conf_path.to_str().unwrap(), "-h", &listen])
            .output()
            .expect("slapd runs");
        assert!(started.status.success(), "slapd: {}", String::from_utf8_lossy(&started.stderr));
        let deadline = Instant::now() + Duration::from_secs(10);
        for p in [port, tls_port] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(Instant::now() < deadline, "slapd did not start listening");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Self { dir, port, tls_port }
    }

    fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    fn ldaps_url(&self) -> String {
        format!("ldaps://127.0.0.1:{}", self.tls_port)
    }

    /// The test authority that signed the server's certificate.
    fn ca_file(&self) -> std::path::PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Takes `member` out of `group`, as a directory administrator would.
    async fn remove_member(&self, group: &str, member: &str) {
        let (conn, mut ldap) = LdapConnAsync::new(&self.url()).await.unwrap();
        ldap3::drive!(conn);
        ldap.simple_bind(ROOT_DN, ROOT_PASSWORD).await.unwrap().success().unwrap();
        let change = vec![Mod::Delete("member", HashSet::from([member]))];
        ldap.modify(group, change).await.unwrap().success().unwrap();
        ldap.unbind().await.unwrap();
    }
}

/// `slapd` and its tools live in /usr/sbin, which a test's PATH may lack.
fn slapd_tool(name: &str) -> String {
    let sbin = format!("/usr/sbin/{name}");
    if Path::new(&sbin).exists() { sbin } else { name.to_owned() }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("slapd.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn settings(url: String, lookup: UserLookup) -> DirectorySettings {
    DirectorySettings {
        url,
        starttls: false,
        ca_file: None,
        timeout: Duration::from_secs(3),
        lookup,
        group_base: format!("ou=groups,{SUFFIX}"),
        group_filter: directory::DEFAULT_GROUP_FILTER.to_owned(),
        rules: directory::parse_rules(
            "GPEC_LDAP_GROUPS",
            &format!("{HR_GROUP} => CAF-78:hr,viewer; cn=gpec-admin-caf13,ou=groups,{SUFFIX} => CAF-13:admin"),
        )
        .unwrap(),
    }
}

async fn app_with(settings: DirectorySettings) -> TestApp {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.directory = Some(settings);
    let app = spawn_with(db, config).await;
    app.create_organisation("CAF-78", "caf").await;
    app.create_organisation("CAF-13", "caf").await;
    app
}

fn bind_template() -> UserLookup {
    UserLookup::BindTemplate(format!("uid={{username}},ou=people,{SUFFIX}"))
}

#[actix_web::test]
async fn a_directory_user_signs_in_with_the_directory_password_and_gets_the_mapped_roles() {
    let slapd = Slapd::start();
    for lookup in [
        bind_template(),
        UserLookup::Search {
            base: format!("ou=people,{SUFFIX}"),
            filter: directory::DEFAULT_SEARCH_FILTER.to_owned(),
            service: Some((ROOT_DN.to_owned(), ROOT_PASSWORD.to_owned())),
        },
    ] {
        let app = app_with(settings(slapd.url(), lookup.clone())).await;
        let token = app.token("JDupont", JEANNE_PASSWORD).await;
        let me = app.get_json("/api/v1/me", &token).await;
        assert_eq!(me["username"], "jdupont", "{lookup:?}: one account whatever the case typed");
        assert_eq!(me["organisation"], "CAF-78");
        assert_eq!(me["roles"], json!(["hr", "viewer"]));
        // The HR role works at once, within CAF-78.
        let agent =
            json!({"matricule": "D1", "last_name": "Dupont", "unit": "GCA", "fte": 1.0, "start_date": "2020-01-01"});
        assert_eq!(app.post("/api/v1/agents", &token, agent).await.status(), StatusCode::CREATED);

        let paul = app.token("pmartin", "Annuaire-Paul-2026").await;
        let me = app.get_json("/api/v1/me", &paul).await;
        assert_eq!((me["organisation"].clone(), me["roles"].clone()), (json!("CAF-13"), json!(["admin"])));

        // gpec keeps no password for them, and a local account still signs in beside them.
        let admin = app.token("admin", ADMIN_PASSWORD).await;
        let users = Value::from(app.get_items("/api/v1/users", &admin).await);
        assert!(users.to_string().contains("jdupont"));
        let created = app.get_json("/api/v1/audit?entity=user&key=jdupont", &admin).await;
        assert_eq!(created["items"][0]["actor"], "system");
        assert_eq!(created["items"][0]["after"]["roles"], json!(["hr", "viewer"]));
        let res = app.post("/api/v1/users/jdupont/password-reset", &admin, json!({})).await;
        assert_error(res, StatusCode::CONFLICT, "conflict").await;
    }
}

#[actix_web::test]
async fn a_wrong_or_empty_directory_password_is_refused_like_a_wrong_local_one() {
    let slapd = Slapd::start();
    let app = app_with(settings(slapd.url(), bind_template())).await;
    for (name, password) in [("jdupont", "not-the-password"), ("jdupont", ""), ("nobody", JEANNE_PASSWORD)] {
        let res = app.login(name, password).await;
        assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let long = "x".repeat(200);
    let body = assert_error(app.login("jdupont", &long).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["details"][0]["field"], "password", "refused before the directory is asked");
    // A name that is not a valid DN part cannot reach past the template.
    let res = app.login("jdupont,ou=people", JEANNE_PASSWORD).await;
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let admin = app.admin_token().await;
    let users = Value::from(app.get_items("/api/v1/users", &admin).await);
    assert!(!users.to_string().contains("jdupont"), "no account for a refused sign-in");
}

#[actix_web::test]
async fn a_user_taken_out_of_the_group_is_refused_at_the_next_sign_in_and_loses_their_tokens() {
    let slapd = Slapd::start();
    let app = app_with(settings(slapd.url(), bind_template())).await;
    let token = app.token("jdupont", JEANNE_PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status(), StatusCode::OK);

    slapd.remove_member(HR_GROUP, JEANNE).await;
    let res = app.login("jdupont", JEANNE_PASSWORD).await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(body["message"].as_str().unwrap().contains("directory groups"), "{body}");
    assert_error(app.get("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let admin = app.admin_token().await;
    let records = app.get_json("/api/v1/audit?entity=user&key=jdupont", &admin).await;
    assert_eq!(records["items"][0]["action"], "directory_revoke");
    assert_eq!(records["items"][0]["after"], json!({"roles": []}));
}

#[actix_web::test]
async fn the_directory_down_gives_a_clear_503_and_local_accounts_still_sign_in() {
    let slapd = Slapd::start();
    let url = slapd.url();
    drop(slapd);
    let app = app_with(settings(url, bind_template())).await;
    let res = app.login("jdupont", JEANNE_PASSWORD).await;
    let body = assert_error(res, StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable").await;
    assert!(body["message"].as_str().unwrap().contains("directory"), "{body}");
    app.admin_token().await;
}

#[actix_web::test]
async fn the_directory_is_reached_over_ldaps_or_starttls_and_its_certificate_is_checked() {
    let slapd = Slapd::start();
    let trusted = |url: String, starttls: bool| DirectorySettings {
        starttls,
        ca_file: Some(slapd.ca_file()),
        ..settings(url, bind_template())
    };
    for tls in [trusted(slapd.ldaps_url(), false), trusted(slapd.url(), true)] {
        let app = app_with(tls).await;
        app.token("jdupont", JEANNE_PASSWORD).await;
    }
    // Without the test authority, its certificate is not trusted: no password is sent.
    for untrusted in [
        settings(slapd.ldaps_url(), bind_template()),
        DirectorySettings { starttls: true, ..settings(slapd.url(), bind_template()) },
    ] {
        let app = app_with(untrusted).await;
        let res = app.login("jdupont", JEANNE_PASSWORD).await;
        assert_error(res, StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable").await;
    }
}
