//! The demo's campus: a regional campus with modules on the fund's largest training needs,
//! internal trainers taken from its agents, their three-year engagements (most agreed by the
//! three parties and active, some still proposed) and sessions past and to come.

use chrono::{Datelike, Months, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::analytics::{self, Scope};
use crate::domain::campus::csv::{ENGAGEMENT_COLUMNS, MODULE_COLUMNS, SESSION_COLUMNS, TRAINER_COLUMNS};
use crate::domain::campus::engagements::{self, Action, PaperConsent, TransitionInput};
use crate::domain::campus::sessions::{self, AgentRef, EvaluationInput};
use crate::domain::campus::{agreements, consent};
use crate::domain::referential_csv::{self, Entity};
use crate::domain::types::{OrgCode, OrgKind, Party};
use crate::domain::{csv_io, organisations};
use crate::error::ApiError;

const MODULES: usize = 5;
const TRAINERS: usize = 8;
/// Engagements left proposed, awaiting agreements: the coordinators' work list.
const PROPOSED: usize = 2;
const SESSIONS: usize = 12;
const TRAINEES: usize = 8;

/// Module `i`'s length: two days or three.
fn hours(i: usize) -> u32 {
    if i.is_multiple_of(2) { 14 } else { 21 }
}

#[derive(Debug, Serialize)]
pub struct Campus {
    pub campus: String,
    pub modules: usize,
    pub trainers: usize,
    pub engagements: usize,
    pub sessions: usize,
}

/// Creates campus `CAMPUS-<org>` for organisation `org`, unless it exists (then nothing is
/// added: a second run leaves the campus as the first made it).
pub fn fill(
    conn: &mut DbConnection,
    who: &Principal,
    org: &OrgCode,
    matricules: &[String],
    today: NaiveDate,
    rng: &mut StdRng,
) -> Result<Option<Campus>, ApiError> {
    let code = OrgCode::parse("campus", &format!("CAMPUS-{}", org.as_str()))?;
    if organisations::find_by_code(conn, code.as_str())?.is_some() || matricules.len() < TRAINERS + TRAINEES {
        return Ok(None);
    }
    let name = format!("Campus de démonstration ({})", org.as_str());
    let campus_id = organisations::create(conn, who, &code, &name, OrgKind::Campus)?.id;
    let (campus, org) = (code.as_str(), org.as_str());

    // Modules on the largest training needs of the fund.
    let scope = Scope { organisation: Some(org.to_owned()), ..Scope::default() };
    let needs = analytics::training_needs_in(conn, who, &scope, today)?;
    let mut modules = csv_io::writer(MODULE_COLUMNS)?;
    let mut module_codes = Vec::new();
    for (i, need) in needs.iter().take(MODULES).enumerate() {
        let module = format!("MOD-{:02}", i + 1);
        let title = format!("Progresser en {}", need.competency_label.to_lowercase());
        csv_io::write_row(
            &mut modules,
            [campus, &module, &title, &hours(i).to_string(), &format!("{}:3", need.competency)],
        )?;
        module_codes.push(module);
    }
    if module_codes.is_empty() {
        return Ok(None);
    }

    // Trainers: agents spread over the list, each teaching one or two modules.
    let step = matricules.len() / TRAINERS;
    let trainers: Vec<&String> = (0..TRAINERS).map(|i| &matricules[i * step + 1]).collect();
    let taught = |i: usize| -> Vec<&String> {
        let first = &module_codes[i % module_codes.len()];
        let second = &module_codes[(i + 2) % module_codes.len()];
        if i.is_multiple_of(3) && first != second { vec![first, second] } else { vec![first] }
    };
    let mut trainer_rows = csv_io::writer(TRAINER_COLUMNS)?;
    let mut engagement_rows = csv_io::writer(ENGAGEMENT_COLUMNS)?;
    let start = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).expect("a valid date");
    for (i, m) in trainers.iter().enumerate() {
        let list: Vec<&str> = taught(i).into_iter().map(String::as_str).collect();
        let adfo = format!("{}-{:02}-15", today.year() - 2, 3 + i % 9);
        csv_io::write_row(&mut trainer_rows, [campus, org, m, &list.join(";"), &adfo])?;
        let hours = (40 + 10 * rng.random_range(0..5)).to_string();
        csv_io::write_row(&mut engagement_rows, [campus, org, m, &start.to_string(), "", &hours, ""])?;
    }

    // Sessions from six months back to six months ahead, each by a trainer of its module under
    // an active engagement (the first PROPOSED trainers' engagements stay proposed).
    let mut sessions = csv_io::writer(SESSION_COLUMNS)?;
    for s in 0..SESSIONS {
        let i = PROPOSED + s % (TRAINERS - PROPOSED);
        let module = taught(i)[0];
        let first =
            today.checked_sub_months(Months::new(6)).expect("a valid date") + chrono::Days::new((s as u64) * 30 + 1);
        let last = first
            + chrono::Days::new(if module_codes.iter().position(|m| m == module).unwrap_or(0) % 2 == 0 {
                1
            } else {
                2
            });
        let reference = format!("S-{}-{:02}", first.format("%Y"), s + 1);
        let hours = if first == last { "7" } else { "14" };
        let trainer = format!("{org}:{}:{hours}", trainers[i]);
        let trainees: Vec<String> = (0..TRAINEES)
            .map(|k| format!("{org}:{}", matricules[(s * TRAINEES + k) * 7 % matricules.len()]))
            .filter(|t| !t.ends_with(&format!(":{}", trainers[i])))
            .collect();
        csv_io::write_row(
            &mut sessions,
            [campus, &reference, module.as_str(), &first.to_string(), &last.to_string(), &trainer, &trainees.join(";")],
        )?;
    }
    let scope = Some(campus_id);
    referential_csv::import(conn, who, Entity::Modules, &csv_io::finish(modules)?, scope)?;
    referential_csv::import(conn, who, Entity::Trainers, &csv_io::finish(trainer_rows)?, scope)?;
    referential_csv::import(conn, who, Entity::Engagements, &csv_io::finish(engagement_rows)?, scope)?;
    consent::accept_every_listing(conn, campus_id, &who.username)?;

    // The three parties agree to most engagements, which the campus then activates. The demo's
    // trainers have no account then: their agreement is their signed paper consent.
    let listed = engagements::of_campuses(conn, &[campus_id])?;
    for g in listed.iter().skip(PROPOSED) {
        for party in Party::ALL {
            let paper = PaperConsent {
                reference: format!("DEMO-ACC-{}", g.id),
                signed_on: g.start_date.pred_opt().unwrap_or(g.start_date),
            };
            let consent = (*party == Party::Trainer).then_some(&paper);
            agreements::agree(conn, g, *party, consent, &who.username, today)?;
        }
        let g = engagements::get(conn, g.id)?;
        engagements::transition(conn, &g, Action::Activate, g.version, &TransitionInput::default(), &who.username)?;
    }
    referential_csv::import(conn, who, Entity::Sessions, &csv_io::finish(sessions)?, scope)?;
    consent::accept_every_enrolment(conn, campus_id, &who.username)?;

    // Trainees of past sessions score their trainers, 3 to 5.
    for session in sessions::list(conn, campus_id)?.iter().filter(|s| s.end_date < today) {
        for trainee in &session.trainees {
            let input = EvaluationInput {
                trainer: session.trainers[0].trainer,
                score: rng.random_range(3..=5),
                comment: String::new(),
                trainee: Some(AgentRef {
                    organisation: trainee.organisation.clone(),
                    matricule: trainee.matricule.clone(),
                }),
            };
            sessions::evaluate(conn, session, &input, &who.username)?;
        }
    }

    // The first active engagement comes up for renewal: the three parties agree anew, the
    // trainer through the account the demo's users give them (see `demo::users`).
    if let Some(g) = listed.get(PROPOSED) {
        let g = engagements::get(conn, g.id)?;
        let renewal = TransitionInput::default();
        engagements::transition(conn, &g, Action::RequestRenewal, g.version, &renewal, &who.username)?;
    }
    Ok(Some(Campus {
        campus: campus.to_owned(),
        modules: module_codes.len(),
        trainers: trainers.len(),
        engagements: listed.len(),
        sessions: SESSIONS,
    }))
}
