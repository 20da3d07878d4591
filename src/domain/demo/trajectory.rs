//! The demo's trajectory targets: three years from next year, today's ETP per job sheet moved
//! along the branch's direction (seed 002): front-office jobs shrink, accompaniment, expertise
//! and risk management grow. A plan towards them is queued, for the workers to solve.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::agents::{self, Selection};
use crate::domain::planning::request::QueueQuota;
use crate::domain::trajectory::plans::{self, PlanRequest};
use crate::domain::trajectory::targets::{self, Target};
use crate::error::ApiError;

const TRENDS: &[(&str, f64)] =
    &[("CSU", -0.15), ("ACCOMPAGNEMENT", 0.10), ("EXPERTISE", 0.05), ("GESTIONNAIRE-RISQUES", 0.08)];

/// What the demo set: targets, and the trajectory plan queued.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trajectory {
    pub targets: usize,
    pub plan: i32,
}

/// Sets the organisation's targets and queues a three-year plan towards them.
pub fn fill(
    conn: &mut DbConnection,
    who: &Principal,
    code: &str,
    organisation_id: i32,
    today: NaiveDate,
) -> Result<Trajectory, ApiError> {
    let selection = Selection { organisation_id: Some(organisation_id), ..Default::default() };
    let mut etp: BTreeMap<String, f64> = BTreeMap::new();
    for agent in agents::select(conn, &selection, today)? {
        if let Some(sheet) = agent.input.job_profile {
            *etp.entry(sheet).or_default() += agent.input.fte.get();
        }
    }
    let rows: Vec<Target> = etp
        .iter()
        .flat_map(|(sheet, now)| {
            let trend = TRENDS.iter().find(|(s, _)| s == sheet).map_or(0.0, |(_, t)| *t);
            (1..=3).map(move |y| Target {
                job_profile: sheet.clone(),
                year: today.year() + y,
                etp: (now * (1.0 + trend).powi(y) * 10.0).round() / 10.0,
            })
        })
        .collect();
    let count = rows.len();
    targets::put(conn, who, Some(code), rows)?;
    let ask = PlanRequest {
        organisation: Some(code.to_owned()),
        name: Some("Trajectoire à trois ans".to_owned()),
        years: Some(3),
        ..PlanRequest::default()
    };
    let plan = plans::request(conn, who, ask, QueueQuota::new(10), today)?;
    Ok(Trajectory { targets: count, plan: plan.id })
}
