//! The demo's production side: activities taken from the branch's "qui fait quoi" table, 48
//! months of loads with the seasonal peaks of seed `004` (rights renewed in January, housing
//! aid at the start of the academic year in September and October, a trough in summer), opening
//! backlogs, summer leave, and the reinforcement pools and penalties a plan draws on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use gpec_planning::scenario::{FlyingTeam, HirePool, InternalMobility, Overtime, Penalties, Pools, TemporaryStaff};
use rand::Rng;
use rand::rngs::StdRng;
use serde::Serialize;

use super::capacity;
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::csv_io;
use crate::domain::job_profiles;
use crate::domain::planning::csv::{ACTIVITY_COLUMNS, LOAD_COLUMNS, UNAVAILABILITY_COLUMNS};
use crate::domain::planning::settings::{self, Settings};
use crate::domain::referential_csv::{self, Entity};
use crate::domain::types::{ActivityRole, OrgCode, Period};
use crate::error::ApiError;

/// Monthly volume against the year's mean, January to December.
const SEASON: [f64; 12] = [1.25, 1.10, 1.00, 0.95, 0.95, 1.00, 0.90, 0.80, 1.30, 1.35, 1.10, 0.90];
/// How many activities the demo runs: the first principal ones of the branch's table.
const ACTIVITIES: usize = 6;
/// Months of history before the current one (three years: a forecast's backtest needs two
/// before its first origin), and months ahead of it (48 in all).
const HISTORY: i32 = 36;
const AHEAD: i32 = 12;
/// Share of the agents' time spent on the activities (the rest: management, projects).
const PRODUCTION_SHARE: f64 = 0.8;
/// An activity's mean monthly load against the hours its qualified agents give it (see `fill`).
const LOAD_FACTOR: f64 = 1.25;

#[derive(Debug, Serialize)]
pub struct Production {
    pub activities: usize,
    pub months: usize,
    pub unavailability: usize,
}

/// An activity of the demo: its branch activity, label and requirements (competency, level).
struct Chosen {
    branch: String,
    label: String,
    requirements: Vec<(String, i32)>,
}

/// The first branch activities some sheet leads (X), each needing that sheet's two highest
/// requirements a level lower: what a newcomer to the activity must hold.
fn choose(conn: &mut DbConnection) -> Result<Vec<Chosen>, ApiError> {
    let mut chosen: Vec<Chosen> = Vec::new();
    for sheet in job_profiles::list(conn)? {
        for (role, label) in sheet.content.activity_roles.iter().zip(&sheet.activity_labels) {
            if role.role != ActivityRole::Principal || chosen.iter().any(|c| c.branch == role.activity) {
                continue;
            }
            let mut requirements: Vec<(String, i32)> =
                sheet.requirements.iter().map(|r| (r.competency.clone(), (r.level.get() - 1).max(1))).collect();
            requirements.sort_by_key(|(_, level)| std::cmp::Reverse(*level));
            requirements.truncate(2);
            chosen.push(Chosen { branch: role.activity.clone(), label: label.clone(), requirements });
        }
    }
    chosen.truncate(ACTIVITIES);
    Ok(chosen)
}

/// Fills organisation `org` (`organisation_id`) of `agents` agents (`matricules`) for production.
pub fn fill(
    conn: &mut DbConnection,
    who: &Principal,
    org: &OrgCode,
    organisation_id: i32,
    matricules: &[String],
    today: NaiveDate,
    rng: &mut StdRng,
) -> Result<Production, ApiError> {
    let chosen = choose(conn)?;
    let hours_per_fte = gpec_planning::scenario::default_hours_per_fte();
    let units: Vec<String> = {
        use crate::db::schema::agents as a;
        use diesel::prelude::*;
        a::table.filter(a::organisation_id.eq(organisation_id)).select(a::unit).distinct().order(a::unit).load(conn)?
    };
    // Each unit has three activities, in turn.
    let n = chosen.len();
    let homes: BTreeMap<String, Vec<usize>> = units
        .iter()
        .enumerate()
        .filter(|_| n > 0)
        .map(|(u, unit)| (unit.clone(), (0..3.min(n)).map(|j| (2 * u + j) % n).collect()))
        .collect();
    let requirements: Vec<Vec<(String, i32)>> = chosen.iter().map(|a| a.requirements.clone()).collect();
    let available = capacity::hours_by_activity(
        conn,
        organisation_id,
        &requirements,
        &homes,
        hours_per_fte * PRODUCTION_SHARE,
        today,
    )?;
    let mut activities = csv_io::writer(ACTIVITY_COLUMNS)?;
    let mut loads = csv_io::writer(LOAD_COLUMNS)?;
    let now = Period::of_date(today);
    let first = now.plus(-HISTORY);
    let codes: Vec<String> = chosen.iter().map(|a| a.branch.to_uppercase()).collect();
    for (k, a) in chosen.iter().enumerate() {
        let code = a.branch.to_uppercase();
        let minutes = rng.random_range(20..=90);
        // Version 2: the first activity validates payments, present every day and first in
        // tense months; automation takes the simple files of the second in six months.
        let (priority, min_fte, changes) = match k {
            0 => (3.0, (available[k] / hours_per_fte * 0.4).round(), String::new()),
            1 => (1.0, 0.0, format!("{}:{}", now.plus(6), (f64::from(minutes) * 0.85).round())),
            _ if k % 2 == 0 => (2.0, 0.0, String::new()),
            _ => (1.0, 0.0, String::new()),
        };
        // Sized on the hours of the agents who can do the activity, a quarter above that even
        // split (the planner allocates them more freely): measured on 60, 500 and 1,500 agents,
        // the year's plan is then `normale` most months, `tendue` at the autumn peak and
        // `critique` in three activity-months of 72, with a cost in reinforcements.
        let base = available[k] * 60.0 / f64::from(minutes) * LOAD_FACTOR;
        let requirements: Vec<String> = a.requirements.iter().map(|(c, l)| format!("{c}:{l}")).collect();
        csv_io::write_row(
            &mut activities,
            [
                org.as_str(),
                &code,
                &a.label,
                &minutes.to_string(),
                &(base * 0.5).round().to_string(),
                &(base * 1.2).round().to_string(),
                if rng.random_bool(0.6) { "true" } else { "false" },
                &a.branch,
                &requirements.join(";"),
                &priority.to_string(),
                &min_fte.to_string(),
                &changes,
            ],
        )?;
        for offset in 0..HISTORY + AHEAD {
            let period = first.plus(offset);
            let trend = 1.0 + 0.02 * f64::from(offset) / 12.0;
            let noise = 1.0 + rng.random_range(-0.04..0.04);
            let volume = (base * SEASON[period.month0()] * trend * noise).round();
            let opening = if offset == 0 { (base * 0.3).round().to_string() } else { String::new() };
            csv_io::write_row(&mut loads, [org.as_str(), &code, &period.to_string(), &volume.to_string(), &opening])?;
        }
    }
    // Summer leave for a third of the agents this year and next; a training week for a tenth.
    let mut away = csv_io::writer(UNAVAILABILITY_COLUMNS)?;
    let mut unavailability = 0;
    let august = Period::parse("period", &format!("{}-08", today.format("%Y")))?;
    for m in matricules {
        for summer in [august, august.plus(12)] {
            if rng.random_range(0..3) == 0 {
                csv_io::write_row(&mut away, [org.as_str(), m, &summer.to_string(), "absence", "70"])?;
                unavailability += 1;
            }
        }
        if rng.random_range(0..10) == 0 {
            let month = now.plus(rng.random_range(1..=AHEAD)).to_string();
            csv_io::write_row(&mut away, [org.as_str(), m, &month, "training", "35"])?;
            unavailability += 1;
        }
    }
    let scope = Some(organisation_id);
    referential_csv::import(conn, who, Entity::Activities, &csv_io::finish(activities)?, scope)?;
    referential_csv::import(conn, who, Entity::Loads, &csv_io::finish(loads)?, scope)?;
    referential_csv::import(conn, who, Entity::Unavailability, &csv_io::finish(away)?, scope)?;
    let current = settings::get(conn, organisation_id)?;
    let flying_hours: BTreeMap<String, f64> = (0..AHEAD).map(|m| (now.plus(m).to_string(), 300.0)).collect();
    let wanted = Settings {
        hours_per_fte,
        pools: Pools {
            overtime: Some(Overtime { max_share: 0.1, cost_per_hour: 38.0 }),
            temporary_staff: vec![
                TemporaryStaff { code: "CDD".into(), cost_per_head_month: 3_300.0, max_heads: 6, productivity: 0.7 },
                TemporaryStaff {
                    code: "INTERIM".into(),
                    cost_per_head_month: 4_400.0,
                    max_heads: 4,
                    productivity: 0.6,
                },
            ],
            flying_teams: vec![FlyingTeam {
                code: "EQUIPE-VOLANTE".into(),
                cost_per_hour: 45.0,
                activities: None,
                hours_per_period: flying_hours,
            }],
            // Agents stay mostly on their unit's activities; permanent hires arrive after three
            // months of recruitment and ramp up.
            internal_mobility: Some(InternalMobility { max_share: super::capacity::MOBILITY }),
            hires: vec![HirePool {
                code: "CDI-GESTION".into(),
                cost_per_head_month: 3_400.0,
                lead_months: 3,
                max_heads: (matricules.len() / 60).max(1) as i64,
                ramp: vec![0.3, 0.5, 0.7],
                activities: codes.iter().take(3).cloned().collect(),
            }],
        },
        penalties: Penalties { over_normal_per_item: 1.0, over_critical_per_item: 20.0, ..Penalties::default() },
        variance: Default::default(),
        ramp_up: Default::default(),
        units: homes
            .into_iter()
            .map(|(unit, home)| (unit, home.into_iter().map(|k| codes[k].clone()).collect()))
            .collect(),
    };
    settings::put(conn, organisation_id, current.version, &wanted, &who.username)?;
    Ok(Production { activities: chosen.len(), months: (HISTORY + AHEAD) as usize, unavailability })
}
