//! `gpec demo generate`: a realistic organisation for demonstrations and benchmarks. Units of
//! 12–15 agents under one manager (the branch norm), a mix of the national job profiles, and
//! assessments scattered around each profile's required levels, with a dated history; its
//! production (`production`) and a campus (`campus`); and a job sheet in draft. The data goes
//! through the CSV imports, so it is checked like any file; the same seed on the same day gives
//! the same data.

mod actuals;
mod campus;
mod capacity;
mod lifecycle;
mod production;
mod trajectory;

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::access::Principal;
use super::agents_csv::{AGENT_COLUMNS, ASSESSMENT_COLUMNS};
use super::analytics;
use super::csv_io;
use super::organisations;
use super::referential_csv::{self, Entity};
use super::types::{OrgCode, OrgKind};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{competencies as c, current_levels as cl};
use crate::error::ApiError;

/// National job profiles and their share of the workforce.
const MIX: &[(&str, u32)] = &[
    ("CSU", 30),
    ("ACCOMPAGNEMENT", 30),
    ("EXPERTISE", 15),
    ("GESTIONNAIRE-RISQUES", 12),
    ("CONSEILLER-SI", 8),
    ("DATA-ANALYST", 5),
];
const LAST: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
];
const FIRST: &[&str] = &[
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Sophie",
    "Julie",
    "Camille",
    "Léa",
    "Sarah",
    "Pierre",
    "Jean",
    "Nicolas",
    "Thomas",
    "Karim",
    "Mehdi",
    "Laurent",
    "Olivier",
    "Lucas",
    "Hugo",
    "Inès",
    "Aïcha",
];
/// Competencies assessed per agent beyond their job's requirements, so that each agent has
/// about 40 assessed competencies as in a mature EAEA campaign.
const EXTRA_COMPETENCIES: usize = 20;

#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub organisation: String,
    pub units: usize,
    pub agents: usize,
    pub assessments: usize,
    pub production: production::Production,
    /// None when the campus existed already.
    pub campus: Option<campus::Campus>,
    /// The job sheet put in draft, if one was.
    pub draft_sheet: Option<String>,
    /// Actual rows recorded (the last twelve months, and this month's weeks over).
    pub actuals: usize,
    /// The forecast made from the history.
    pub forecast: i32,
    /// Plans queued over the coming months, which the service's workers solve.
    pub plans: Vec<i32>,
    /// The workforce targets set, and the trajectory plan queued towards them.
    pub trajectory: trajectory::Trajectory,
}

/// Queues two plans of the coming months, a year and a half-year, and a variant of the
/// half-year with a fifth more items on the first activity and a CDD pool of twice the heads, so
/// that the plans' screens have something to show once the service's workers have solved them.
fn plans(conn: &mut DbConnection, who: &Principal, organisation: &str, today: NaiveDate) -> Result<Vec<i32>, ApiError> {
    use super::planning::overrides::{Overrides, PoolChange, VolumeChange};
    use super::planning::request::{self, PlanRequest, QueueQuota, Requested};
    let start = super::types::Period::of_date(today).plus(1);
    let org = super::planning::organisation_id(conn, who, Some(organisation))?;
    let first = super::planning::activities::list(conn, org)?.into_iter().next().map(|a| a.code);
    let variant = first.map(|activity| Overrides {
        volumes: vec![VolumeChange {
            activity,
            from: start.to_string(),
            to: start.plus(5).to_string(),
            multiplier: 1.2,
        }],
        pools: vec![PoolChange {
            pool: "CDD".into(),
            off: false,
            max_heads: Some(12),
            max_share: None,
            hours_factor: None,
            cost: None,
        }],
        ..Overrides::default()
    });
    let mut ids = Vec::new();
    for (name, months, overrides) in [
        ("Les douze prochains mois", 11, None),
        ("Le prochain semestre", 5, None),
        ("Variante : le semestre avec 20 % d'entrées en plus et 12 CDD", 5, variant),
    ] {
        let input = PlanRequest {
            organisation: Some(organisation.to_owned()),
            name: Some(name.to_owned()),
            from: start.to_string(),
            to: start.plus(months).to_string(),
            time_limit_seconds: Some(60.0),
            overrides,
            from_now: false,
            loads: None,
        };
        let (Requested::Queued(plan) | Requested::Replayed(plan)) =
            request::request(conn, who, input, None, QueueQuota::new(10), today)?;
        ids.push(plan.id);
    }
    Ok(ids)
}

/// The demo's users, one per role, all with `password`: `rh.<org>`, `production.<org>` and
/// `lecteur.<org>` in the organisation, `campus.<org>` in its campus, `formateur.<org>` the
/// account of a trainer of the campus. Those missing are created;
/// returns every one with its role.
pub fn users(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: &str,
    password: &super::types::Password,
) -> Result<Vec<(String, super::types::Role)>, ApiError> {
    use super::types::{Role, Username};
    let org = organisations::find_by_code(conn, &organisation.to_uppercase())?
        .ok_or_else(|| ApiError::not_found(format!("organisation {organisation} not found")))?;
    let campus = organisations::find_by_code(conn, &format!("CAMPUS-{}", org.code))?;
    let lower = org.code.to_lowercase();
    let mut wanted =
        vec![("rh", &org, Role::Hr), ("production", &org, Role::Production), ("lecteur", &org, Role::Viewer)];
    if let Some(campus) = &campus {
        wanted.push(("campus", campus, Role::Campus));
    }
    let mut made = Vec::new();
    for (prefix, at, role) in wanted {
        let name = Username::parse("username", &format!("{prefix}.{lower}"))?;
        if super::users::find_by_username(conn, name.as_str())?.is_none() {
            super::users::create_with_password(conn, who, &name, password, at, &[role])?;
        }
        made.push((name.as_str().to_owned(), role));
    }
    // `formateur.<org>`: the trainer whose engagement comes up for renewal, who records their
    // own agreement to the next period.
    let first = match &campus {
        Some(campus) => super::campus::engagements::of_campuses(conn, &[campus.id])?
            .into_iter()
            .find(|g| g.status == super::types::EngagementStatus::RenewalRequested),
        None => None,
    };
    if let Some(g) = first {
        let name = Username::parse("username", &format!("formateur.{lower}"))?;
        if super::users::find_by_username(conn, name.as_str())?.is_none() {
            let hash = super::password::hash(password)?;
            super::users::create_trainer(conn, who, &name, &hash, &org, g.agent_id)?;
        }
        made.push((name.as_str().to_owned(), Role::Trainer));
    }
    Ok(made)
}

/// The sheet the demo edits into a draft, so that the validation screens have one to show.
const DRAFT_SHEET: &str = "CSU";

/// A new draft version of [`DRAFT_SHEET`], unless its current version is a draft already. It
/// adds a line to the purpose and asks for expertise (level 4) in the competency the fund's
/// agents (of `organisation_id`) hold least at that level: the home page and the cover report
/// then have a competency resting on too few people to show.
fn draft_sheet(conn: &mut DbConnection, who: &Principal, organisation_id: i32) -> Result<Option<String>, ApiError> {
    let Ok(current) = super::job_profiles::get(conn, DRAFT_SHEET, None) else { return Ok(None) };
    if current.status == super::types::ProfileStatus::Draft {
        return Ok(None);
    }
    let mut content = current.content.clone();
    let added = "- Accompagner les usagers dans l'usage des services en ligne de la Caf";
    content.purpose =
        if content.purpose.is_empty() { added.to_owned() } else { format!("{}\n{added}", content.purpose) };
    // The competency outside the sheet that the fund's agents hold least at expertise level.
    let experts: Vec<(i32, i64)> = cl::table
        .filter(cl::organisation_id.eq(organisation_id))
        .filter(cl::level.eq(4))
        .group_by(cl::competency_id)
        .select((cl::competency_id, diesel::dsl::count_star()))
        .load(conn)?;
    let dictionary: Vec<(i32, String)> = c::table.select((c::id, c::code)).order(c::id).load(conn)?;
    let rarest = dictionary
        .into_iter()
        .filter(|(_, code)| !content.requirements.iter().any(|r| r.competency == *code))
        .min_by_key(|(id, _)| experts.iter().find(|(c, _)| c == id).map_or(0, |(_, n)| *n));
    if let Some((_, competency)) = rarest {
        let level = super::types::Level::new(4).map_err(|e| ApiError::internal("demo", e))?;
        content.requirements.push(super::job_profiles::Requirement { competency, level, source_label: String::new() });
    }
    super::referential_edits::update_job_profile(conn, who, DRAFT_SHEET, current.version, content)?;
    Ok(Some(DRAFT_SHEET.to_owned()))
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn profile(rng: &mut StdRng) -> &'static str {
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut draw = rng.random_range(0..total);
    for (code, weight) in MIX {
        if draw < *weight {
            return code;
        }
        draw -= weight;
    }
    MIX[0].0
}

/// A level near `required`: mostly at it, often one below, sometimes above or two below.
/// Expertise (4) is held only where a job requires it: it is rare, and comes with the job.
fn around(rng: &mut StdRng, required: i32) -> i32 {
    let delta = match rng.random_range(0..100) {
        0..5 => -2,
        5..30 => -1,
        30..80 => 0,
        _ => 1,
    };
    (required + delta).clamp(1, required.max(3))
}

/// Creates `organisation` if needed (a CAF) and fills it with `agents` agents and their history.
pub fn generate(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: &str,
    agents: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<DemoReport, ApiError> {
    let code = OrgCode::parse("--organisation", organisation)?;
    if organisations::find_by_code(conn, code.as_str())?.is_none() {
        let name = format!("Organisation de démonstration {}", code.as_str());
        organisations::create(conn, who, &code, &name, OrgKind::Caf)?;
    }
    let needs = analytics::needs_by_profile(conn)?;
    let profile_ids = super::agents::Codes::load(conn)?;
    let dictionary: Vec<String> = super::competencies::all(conn)?.into_iter().map(|c| c.code).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    // Ages, contracts and departures draw from their own stream: the rest of the demo stays as it was.
    let mut life = StdRng::seed_from_u64(seed ^ 0xA6E5);
    let mut people = csv_io::writer(AGENT_COLUMNS)?;
    let mut history = csv_io::writer(ASSESSMENT_COLUMNS)?;
    let (mut units, mut assessments, mut made) = (0, 0, 0);
    let mut matricules = Vec::with_capacity(agents);
    while made < agents {
        units += 1;
        let unit = format!("U{units:03}");
        let manager = format!("M{made:06}");
        let team = rng.random_range(12..=15).min(agents - made - 1);
        for i in 0..=team {
            let matricule = if i == 0 { manager.clone() } else { format!("M{:06}", made + i) };
            matricules.push(matricule.clone());
            let job = if i == 0 { "" } else { profile(&mut rng) };
            let fte = if rng.random_range(0..100) < 20 { "0.8" } else { "1" };
            let mut start = format!("{}-{:02}-01", rng.random_range(1995..2024), rng.random_range(1..=12));
            // A newcomer in one team of three, still ramping up (seed 004: 18 to 36 months).
            let newcomer = i == 3 && units % 3 == 0;
            if newcomer {
                start = super::types::Period::of_date(today).plus(-(units as i32 % 12) - 1).first_day().to_string();
            }
            let boss = if i == 0 { "" } else { manager.as_str() };
            let (last, first) = (pick(&mut rng, LAST), pick(&mut rng, FIRST));
            let life = lifecycle::draw(&mut life, today, &mut start, newcomer);
            csv_io::write_row(
                &mut people,
                [
                    code.as_str(),
                    &matricule,
                    last,
                    first,
                    &unit,
                    boss,
                    job,
                    fte,
                    &start,
                    "",
                    "1",
                    &newcomer.to_string(),
                    life.contract,
                    &life.departure_date,
                    life.departure_reason,
                    &life.birth_date,
                ],
            )?;
            let required: Vec<(String, i32)> = profile_ids
                .profile_id(job)
                .and_then(|id| needs.get(&id))
                .map(|n| n.iter().map(|n| (n.code.clone(), n.level.get())).collect())
                .unwrap_or_default();
            let mut assessed: Vec<(String, i32)> = required.clone();
            while assessed.len() < required.len() + EXTRA_COMPETENCIES {
                let c = dictionary[rng.random_range(0..dictionary.len())].clone();
                if !assessed.iter().any(|(a, _)| *a == c) {
                    assessed.push((c, rng.random_range(1..=3)));
                }
            }
            for (competency, target) in assessed {
                // An older appraisal a level lower for some, then this year's campaign.
                if rng.random_range(0..100) < 40 {
                    let level = (around(&mut rng, target) - 1).max(1).to_string();
                    let row = [code.as_str(), &matricule, &competency, &level, "2023-03-15", boss, "eaea", "", "", ""];
                    csv_io::write_row(&mut history, row)?;
                    assessments += 1;
                }
                let level = around(&mut rng, target).to_string();
                // Some levels come from certifications, a third of which have expired since.
                let (source, on, valid) = match rng.random_range(0..100) {
                    0..4 => ("certification", "2022-06-15", "2024-12-31"),
                    4..10 => ("certification", "2025-03-15", "2028-12-31"),
                    10..25 => ("manager", "2025-03-15", ""),
                    _ => ("eaea", "2025-03-15", ""),
                };
                let row = [code.as_str(), &matricule, &competency, &level, on, boss, source, "", "", valid];
                csv_io::write_row(&mut history, row)?;
                assessments += 1;
            }
        }
        made += team + 1;
    }
    let people = csv_io::finish(people)?;
    let history = csv_io::finish(history)?;
    crate::db::transaction(conn, |conn| {
        referential_csv::import(conn, who, Entity::Agents, &people, None)?;
        referential_csv::import(conn, who, Entity::Assessments, &history, None)?;
        let organisation_id = organisations::find_by_code(conn, code.as_str())?
            .ok_or_else(|| ApiError::internal("demo", "the organisation just made is missing"))?
            .id;
        let production = production::fill(conn, who, &code, organisation_id, &matricules, today, &mut rng)?;
        let (actuals, forecast) = actuals::fill(conn, who, &code, organisation_id, today, &mut rng)?;
        let campus = campus::fill(conn, who, &code, &matricules, today, &mut rng)?;
        let draft_sheet = draft_sheet(conn, who, organisation_id)?;
        let plans = plans(conn, who, code.as_str(), today)?;
        // After the monthly plans, which thus keep the first ids.
        let trajectory = trajectory::fill(conn, who, code.as_str(), organisation_id, today)?;
        Ok(DemoReport {
            plans,
            trajectory,
            organisation: code.as_str().to_owned(),
            units,
            agents: made,
            assessments,
            production,
            campus,
            draft_sheet,
            actuals,
            forecast,
        })
    })
}
