//! Plan workers: each claims one queued plan at a time from the database, solves it off the
//! async threads, renews its lease while it runs, and saves the outcome. Several server
//! instances sharing one PostgreSQL database share the queue; a plan whose worker stopped is
//! claimed again once its lease has expired.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::rt::time::sleep;
use gpec_planning::{Options, Scenario, Status};
use rand::Rng;

use crate::db::Db;
use crate::domain::planning::plans::{self, Job, Outcome, PlanKind};

/// How the workers of one server run.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Plans solved at the same time by this server (0: this server solves none).
    pub count: usize,
    /// A running plan whose heartbeat is older than this is taken over.
    pub lease: Duration,
    /// Wait between looks at an empty queue.
    pub poll: Duration,
    /// How long the scenario of a failed or cancelled plan is kept.
    pub retention: Duration,
}

/// How often an instance applies the retention rule.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// The running workers; they stop when this is stopped or dropped.
pub struct Workers {
    stop: Arc<AtomicBool>,
}

impl Workers {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts `config.count` workers on the current actix runtime.
pub fn start(db: Db, config: WorkerConfig) -> Workers {
    let stop = Arc::new(AtomicBool::new(false));
    let instance = format!("{}-{:06x}", std::process::id(), rand::rng().random::<u32>() & 0xff_ffff);
    for n in 0..config.count {
        let (db, stop, name) = (db.clone(), stop.clone(), format!("{instance}-{n}"));
        // The first worker of an instance also applies the retention rule, between jobs.
        let keeper = n == 0;
        actix_web::rt::spawn(async move { work(db, config, stop, name, keeper).await });
    }
    Workers { stop }
}

async fn work(db: Db, config: WorkerConfig, stop: Arc<AtomicBool>, name: String, keeper: bool) {
    tracing::debug!(worker = %name, "plan worker started");
    let mut retention_due = keeper.then(std::time::Instant::now);
    while !stop.load(Ordering::Relaxed) {
        if let Some(due) = retention_due
            && due <= std::time::Instant::now()
        {
            discard_old_scenarios(&db, config.retention).await;
            retention_due = Some(due + RETENTION_EVERY);
        }
        let claimer = name.clone();
        match db.run(move |conn| plans::claim(conn, &claimer, config.lease)).await {
            Ok(Some(job)) => run(&db, job, &name, config.lease).await,
            Ok(None) => sleep(config.poll).await,
            Err(e) => {
                tracing::warn!(worker = %name, error = %e, "cannot read the plan queue");
                sleep(config.poll * 10).await;
            }
        }
    }
}

async fn discard_old_scenarios(db: &Db, retention: Duration) {
    let before = crate::domain::now() - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(30));
    match db.run(move |conn| plans::discard_old_scenarios(conn, before)).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "discarded the scenarios of old failed or cancelled plans"),
        Err(e) => tracing::warn!(error = %e, "cannot apply the plan retention rule"),
    }
}

async fn run(db: &Db, job: Job, worker: &str, lease: Duration) {
    let id = job.id;
    tracing::info!(plan = id, kind = job.kind.as_str(), worker, attempt = job.attempts, "solving plan");
    let beat = {
        let (db, worker) = (db.clone(), worker.to_owned());
        actix_web::rt::spawn(async move {
            loop {
                sleep(lease / 3).await;
                let w = worker.clone();
                if !matches!(db.run(move |conn| plans::heartbeat(conn, id, &w)).await, Ok(true)) {
                    break;
                }
            }
        })
    };
    let outcome = actix_web::web::block(move || match job.kind {
        PlanKind::Monthly => solve(&job.scenario, job.time_limit),
        PlanKind::Trajectory => crate::domain::trajectory::plans::solve(&job.scenario, job.time_limit),
    })
    .await
    .unwrap_or_else(|e| Outcome::Failed(format!("the solver task failed: {e}")));
    beat.abort();
    let w = worker.to_owned();
    match db.run(move |conn| plans::finish(conn, id, &w, outcome)).await {
        Ok(true) => tracing::info!(plan = id, "plan finished"),
        Ok(false) => tracing::info!(plan = id, "plan was cancelled or taken over while solving; result dropped"),
        // The lease will expire and another worker will solve it again.
        Err(e) => tracing::error!(plan = id, error = %e, "cannot save the plan"),
    }
}

/// Solves a stored scenario; every failure becomes a message for the plan's `error`.
fn solve(scenario: &str, time_limit: f64) -> Outcome {
    let scenario: Scenario = match serde_json::from_str(scenario) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(format!("the stored scenario cannot be read: {e}")),
    };
    let prepared = match gpec_planning::validate(&scenario) {
        Ok(p) => p,
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            return Outcome::Failed(format!("the scenario is invalid: {}", lines.join("; ")));
        }
    };
    match gpec_planning::solve(&prepared, Options { time_limit }) {
        Err(e) => Outcome::Failed(e.to_string()),
        Ok(plan) => match serde_json::to_string(&plan) {
            Ok(result) => Outcome::Done {
                solver_status: match plan.status {
                    Status::Optimal => "optimal",
                    Status::TimeLimit => "time_limit",
                }
                .to_owned(),
                objective: plan.objective,
                result,
            },
            Err(e) => Outcome::Failed(format!("the plan cannot be saved: {e}")),
        },
    }
}
