//! Plans as durable jobs: they survive a restart, a plan whose worker stopped is taken over,
//! cancelled plans are never solved, and concurrent workers never claim the same plan.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use gpec::db::DatabaseUrl;
use gpec::domain::planning::plans::{self, NewPlan, Outcome, PlanKind};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestDb, assert_error, spawn_with, test_config};
use crate::planning::{ask_plan, fill, finished};

/// An app that queues plans but solves none, as an instance with `GPEC_PLAN_WORKERS=0`.
async fn without_workers(db: TestDb) -> TestApp {
    let mut config = test_config(&db);
    config.plan_workers = 0;
    spawn_with(db, config).await
}

async fn with_workers(db: TestDb, lease_secs: u64) -> TestApp {
    let mut config = test_config(&db);
    config.job_lease_secs = lease_secs;
    spawn_with(db, config).await
}

fn connect(db: &TestDb) -> gpec::db::DbConnection {
    DatabaseUrl::parse(&db.url).unwrap().connect().unwrap()
}

#[actix_web::test]
async fn a_queued_plan_survives_a_restart_and_is_solved_by_the_next_server() {
    let app = without_workers(TestDb::new()).await;
    let production = fill(&app).await;
    let id = ask_plan(&app, &production, "avant redémarrage").await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let plan = app.get_json(&format!("/api/v1/plans/{id}"), &production).await;
    assert_eq!(plan["status"], "queued");
    assert_eq!(plan["result"], json!(null));
    // Only done plans compare.
    let res = app.get(&format!("/api/v1/plans/{id}/compare/{id}"), &production).await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;

    let app = with_workers(app.stop().await, 60).await;
    let plan = finished(&app, &production, id).await;
    assert_eq!(plan["status"], "done", "{plan}");
    assert_eq!(plan["objective"], 280.0);
    assert_eq!(plan["attempts"], 1);
}

#[actix_web::test]
async fn a_plan_whose_worker_stopped_while_running_is_taken_over_after_its_lease() {
    let app = without_workers(TestDb::new()).await;
    let production = fill(&app).await;
    let id = ask_plan(&app, &production, "repris").await;
    // A worker claims it, then its server dies without a word.
    let job = plans::claim(&mut connect(&app.db), "dead-worker", Duration::from_secs(60)).unwrap().unwrap();
    assert_eq!(i64::from(job.id), id);
    assert_eq!(app.get_json(&format!("/api/v1/plans/{id}"), &production).await["status"], "running");

    let app = with_workers(app.stop().await, 1).await;
    let plan = finished(&app, &production, id).await;
    assert_eq!(plan["status"], "done", "{plan}");
    assert_eq!(plan["attempts"], 2, "claimed by the dead worker, then by the new server");
    // The dead worker's late answer is dropped: the plan is written once.
    let late = Outcome::Failed("late".into());
    assert!(!plans::finish(&mut connect(&app.db), job.id, "dead-worker", late).unwrap());
    assert_eq!(app.get_json(&format!("/api/v1/plans/{id}"), &production).await["status"], "done");
}

#[actix_web::test]
async fn a_cancelled_plan_is_never_solved() {
    let app = without_workers(TestDb::new()).await;
    let production = fill(&app).await;
    let id = ask_plan(&app, &production, "annulé").await;
    let res = app.delete(&format!("/api/v1/plans/{id}"), &production).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "cancelled");
    let res = app.delete(&format!("/api/v1/plans/{id}"), &production).await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;

    let app = with_workers(app.stop().await, 60).await;
    let other = ask_plan(&app, &production, "suivant").await;
    assert_eq!(finished(&app, &production, other).await["status"], "done");
    let plan = app.get_json(&format!("/api/v1/plans/{id}"), &production).await;
    assert_eq!(plan["status"], "cancelled");
    assert_eq!(plan["attempts"], 0);
}

#[actix_web::test]
async fn two_workers_never_claim_the_same_plan() {
    let app = without_workers(TestDb::new()).await;
    app.create_organisation("CAF-33", "caf").await;
    let mut conn = connect(&app.db);
    let org = gpec::domain::organisations::find_by_code(&mut conn, "CAF-33").unwrap().unwrap().id;
    let mut queued = BTreeSet::new();
    // Monthly and trajectory plans share the queue: every other job is a trajectory plan.
    let kind = |id: i32| if id % 2 == 0 { PlanKind::Monthly } else { PlanKind::Trajectory };
    for k in 0..40 {
        let plan = NewPlan {
            kind: kind(k),
            organisation_id: org,
            name: "charge",
            from: "2027-01".into(),
            to: "2027-01".into(),
            time_limit: 1.0,
            scenario: "{}".into(),
            author: "test",
            idempotency_key: None,
            overrides: None,
            closed_months: None,
            loads: None,
        };
        queued.insert((plans::enqueue(&mut conn, plan).unwrap(), kind(k)));
    }
    let barrier = Arc::new(Barrier::new(2));
    let workers: Vec<_> = ["worker-a", "worker-b"]
        .into_iter()
        .map(|name| {
            let (url, barrier) = (app.db.url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut conn = DatabaseUrl::parse(&url).unwrap().connect().unwrap();
                barrier.wait();
                let mut mine = Vec::new();
                while let Some(job) = plans::claim(&mut conn, name, Duration::from_secs(60)).unwrap() {
                    mine.push((job.id, job.kind));
                    let done = Outcome::Done { result: "{}".into(), solver_status: "optimal".into(), objective: 0.0 };
                    assert!(plans::finish(&mut conn, job.id, name, done).unwrap());
                }
                mine
            })
        })
        .collect();
    let claims: Vec<Vec<(i32, PlanKind)>> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let (a, b): (BTreeSet<_>, BTreeSet<_>) = (claims[0].iter().copied().collect(), claims[1].iter().copied().collect());
    assert_eq!(a.len() + b.len(), 40, "no plan was claimed twice: {claims:?}");
    assert!(a.is_disjoint(&b));
    assert_eq!(a.union(&b).copied().collect::<BTreeSet<_>>(), queued);
    for (id, kind) in queued {
        let plan = plans::get_of(&mut conn, kind, id).unwrap();
        assert_eq!((plan.status.as_str(), plan.attempts), ("done", 1));
    }
}
