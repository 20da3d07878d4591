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

    // The same lists for a script.
    let out = gpec(&db, &["organisation", "list", "--output", "json"], "");
    let orgs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(orgs.as_array().unwrap().iter().any(|o| o["code"] == "CAF-78" && o["kind"] == "caf"), "{orgs}");
    let out = gpec(&db, &["user", "list", "--output", "json"], "");
    let users: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rh = users.as_array().unwrap().iter().find(|u| u["username"] == "rh.yvelines").expect("listed");
    assert_eq!(rh["roles"], serde_json::json!(["hr", "viewer"]));

    let config = test_config(&db);
    let app = spawn_with(db, config).await;
    let token = app.token("rh.yvelines", "gestion des compétences à Versailles").await;
    let me: serde_json::Value = app.get("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["organisation"], "CAF-78");
    assert_eq!(me["roles"], serde_json::json!(["hr", "viewer"]));
}

/// `gpec ARGS` without a database.
fn run_alone(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gpec")).args(args).output().expect("gpec runs")
}

/// How often `help` names `var` as an option's variable (`[env: VAR]`, or `[env: VAR=value]`).
fn env_mentions(help: &str, var: &str) -> usize {
    help.matches(&format!("[env: {var}]")).count() + help.matches(&format!("[env: {var}=")).count()
}

#[test]
fn the_server_options_are_the_serve_commands_and_help_names_each_variable_once() {
    let help = String::from_utf8_lossy(&run_alone(&["--help"]).stdout).into_owned();
    for var in ["DATABASE_URL", "GPEC_DB_POOL_SIZE", "GPEC_LOG", "GPEC_LOG_FORMAT"] {
        assert_eq!(env_mentions(&help, var), 1, "{var} once in --help:\n{help}");
    }
    assert!(!help.contains("--bind") && !help.contains("GPEC_JWT_SECRET"), "server options only on serve: {help}");
    let serve = String::from_utf8_lossy(&run_alone(&["serve", "--help"]).stdout).into_owned();
    for var in [
        "GPEC_BIND",
        "GPEC_JWT_SECRET",
        "GPEC_ADMIN_PASSWORD",
        "GPEC_WORKERS",
        "GPEC_PLAN_QUEUE_LIMIT",
        "GPEC_PLAN_RETENTION_DAYS",
        "GPEC_LDAP_URL",
    ] {
        assert_eq!(env_mentions(&serve, var), 1, "{var} once in serve --help:\n{serve}");
    }
    let out = run_alone(&["export", "competencies", "--bind", "127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--bind'"));
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
    // The solver's own log, when asked for, goes to stderr: stdout stays the plan alone.
    let out = Command::new(env!("CARGO_BIN_EXE_gpec"))
        .args(["plan", "solve", scenario.to_str().unwrap()])
        .env("GPEC_HIGHS_LOG", "1")
        .output()
        .unwrap();
    let logged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("only the plan on stdout");
    assert_eq!((&logged["status"], &logged["objective"]), (&solved["status"], &solved["objective"]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HiGHS"), "the log is on stderr");
    std::fs::write(&result, &out.stdout).unwrap();
    let out = plan(&["check", scenario.to_str().unwrap(), result.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("the plan satisfies every constraint"));
    // The same check as JSON, the plan read from standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpec"))
        .args(["plan", "check", scenario.to_str().unwrap(), "-", "--output", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &std::fs::read(&result).unwrap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("only JSON on stdout");
    assert_eq!(report["violations"], serde_json::json!([]));
    assert_eq!(report["objective_matches"], true);

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

#[test]
fn forecast_turns_a_history_file_into_a_forecast_file_and_names_what_it_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let mut text = String::from("activity,period,volume\n");
    for t in 0..36 {
        let (year, month) = (2023 + t / 12, t % 12 + 1);
        text.push_str(&format!("AL,{year}-{month:02},{}\n", 1000 + 10 * t + [0, 90, -60, 30][t as usize % 4]));
    }
    for t in 0..20 {
        text.push_str(&format!("NEUF,{}-{:02},{}\n", 2024 + t / 12, t % 12 + 1, 50 + t));
    }
    std::fs::write(&history, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gpec"))
        .args(["forecast", history.to_str().unwrap(), "--horizon", "4"])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "activity,period,forecast,lo80,hi80,lo95,hi95");
    assert_eq!(lines.len(), 5, "AL's four months and no NEUF: {stdout}");
    let first: Vec<f64> = lines[1].split(',').skip(2).map(|v| v.parse().unwrap()).collect();
    assert!(lines[1].starts_with("AL,2026-01,"));
    assert!(first[3] <= first[1] && first[1] <= first[0] && first[0] <= first[2] && first[2] <= first[4], "{first:?}");
    assert!(stderr.contains("refused: NEUF: 20 months of history"), "{stderr}");
    assert!(stderr.contains("AL: 36 months of history; backtest over 12 origins"), "{stderr}");

    std::fs::write(&history, "activity,period,volume\nAL,2023-01,10\nAL,2023-02,-4\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gpec")).args(["forecast", history.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 3, column volume"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn trajectory(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gpec")).arg("trajectory").args(args).output().expect("gpec runs")
}

#[test]
fn trajectory_generate_project_and_solve_work_together_and_refusals_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.json");
    let out = trajectory(&["generate", "--organisations", "3", "--years", "3", "--seed", "2"]);
    assert!(out.status.success());
    std::fs::write(&case, &out.stdout).unwrap();
    let out = trajectory(&["project", case.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let projection: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(projection["status"], "projection");
    let out = trajectory(&["solve", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["status"], "optimal");
    assert_eq!(plan["flows"].as_array().unwrap().len(), 3 * 8 * 3);
    let (planned, nothing) = (plan["costs"]["total"].as_f64().unwrap(), projection["costs"]["total"].as_f64().unwrap());
    assert!(planned < nothing, "{planned} >= {nothing}");

    // A bad field, then a minimum no plan reaches: exit 1, each named.
    let mut bad: serde_json::Value = serde_json::from_slice(&std::fs::read(&case).unwrap()).unwrap();
    bad["organisations"][1]["jobs"][2]["exit_rate"] = serde_json::json!(1.5);
    std::fs::write(&case, bad.to_string()).unwrap();
    let out = trajectory(&["solve", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("organisations[1].jobs[2].exit_rate"));
    bad["organisations"][1]["jobs"][2]["exit_rate"] = serde_json::json!(0.02);
    bad["organisations"][1]["jobs"][2]["min_etp"] = serde_json::json!([1e6, null, null]);
    std::fs::write(&case, bad.to_string()).unwrap();
    let out = trajectory(&["solve", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no plan keeps every minimum") && stderr.contains("CAF-002 ACCOMPAGNEMENT 2027"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
