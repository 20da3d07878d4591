//! The administration commands, run as a user would run them.

use std::process::Command;

use crate::helpers::{TestDb, gpec, spawn_with, test_config};

#[actix_web::test]
async fn organisation_add_and_user_add_create_a_user_who_can_log_in() {
    let db = TestDb::new();
    let out =
        gpec(&db, &["organisation", "add", "--code", "CAF-78", "--name", "CAF des Yvelines", "--kind", "caf"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let args = [
        "user",
        "add",
        "--username",
        "rh.yvelines",
        "--password-stdin",
        "--role",
        "hr",
        "--role",
        "viewer",
        "--organisation",
        "CAF-78",
    ];
    let out = gpec(&db, &args, "gestion des compétences à Versailles\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("created user rh.yvelines in CAF-78 with roles hr,viewer"), "{stdout}");
    assert!(!stdout.contains("gestion des compétences à Versailles"));

    let out = gpec(
        &db,
        &["user", "add", "--username", "user-x1", "--password-stdin", "--role", "hr", "--organisation", "CAF-99"],
        "long-enough-and-more\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--organisation: no organisation CAF-99"));

    let out = gpec(
        &db,
        &["user", "add", "--username", "user-x2", "--password-stdin", "--role", "hr", "--organisation", "CAF-78"],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be at least 12 characters"));

    let config = test_config(&db);
    let app = spawn_with(db, config).await;
    let token = app.token("rh.yvelines", "gestion des compétences à Versailles").await;
    let me: serde_json::Value = app.get("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["organisation"], "CAF-78");
    assert_eq!(me["roles"], serde_json::json!(["hr", "viewer"]));
}

#[test]
fn help_documents_every_environment_variable() {
    let out = Command::new(env!("CARGO_BIN_EXE_gpec")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "GPEC_BIND",
        "DATABASE_URL",
        "GPEC_JWT_SECRET",
        "GPEC_ADMIN_PASSWORD",
        "GPEC_LOG",
        "GPEC_PLAN_QUEUE_LIMIT",
        "GPEC_PLAN_RETENTION_DAYS",
    ] {
        assert!(help.contains(var), "{var} missing from --help");
    }
}

fn plan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gpec")).arg("plan").args(args).output().expect("gpec runs")
}

#[test]
fn plan_generate_solve_and_check_work_together_and_bad_input_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("scenario.json");
    let result = dir.path().join("result.json");
    let out = plan(&["generate", "--agents", "40", "--activities", "4", "--months", "3", "--seed", "5"]);
    assert!(out.status.success());
    std::fs::write(&scenario, &out.stdout).unwrap();
    let out = plan(&["solve", scenario.to_str().unwrap(), "--time-limit", "30"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let solved: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(solved["status"], "optimal");
    std::fs::write(&result, &out.stdout).unwrap();
    let out = plan(&["check", scenario.to_str().unwrap(), result.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("the plan satisfies every constraint"));

    // A plan that claims a cheaper objective than its own hours cost is caught.
    let mut forged = solved.clone();
    forged["objective"] = serde_json::json!(solved["objective"].as_f64().unwrap() - 1000.0);
    std::fs::write(&result, forged.to_string()).unwrap();
    let out = plan(&["check", scenario.to_str().unwrap(), result.to_str().unwrap()]);
    assert!(!out.status.success());

    let bad = serde_json::json!({"periods": ["2027-01"], "activities": [],
        "agents": [{"id": "A1", "fte": 1.5}]});
    std::fs::write(&scenario, bad.to_string()).unwrap();
    let out = plan(&["solve", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("agents[0].fte: must be in (0, 1], got 1.5"));
}

#[test]
fn logs_written_to_a_file_or_pipe_carry_no_colour_codes() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpec"))
        .arg("serve")
        .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("gpec.db").display()))
        .env("GPEC_BIND", "127.0.0.1:0")
        .env("GPEC_ADMIN_PASSWORD", "a-long-enough-password")
        .env("GPEC_LOG", "info")
        .env("GPEC_SEED", "false")
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let listening = line.contains("gpec listening");
        lines.push(line);
        if listening || lines.len() > 200 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let log = lines.join("\n");
    assert!(log.contains("gpec listening") && log.contains("INFO"), "{log}");
    assert!(!log.contains('\u{1b}'), "no ANSI escape in a piped log: {log:?}");
}
