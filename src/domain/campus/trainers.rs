//! Trainers: agents of any organisation that a campus lists for some of its modules, shown with
//! the three selection criteria read from their data: technicité (current levels against the
//! modules' targets), pédagogie (current level on the dictionary's "Pédagogie") and satisfaction
//! (the mean of trainees' evaluations, or "not yet taught"). A missing ADFO date is a warning.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::modules::{self, Module};
use crate::db::DbConnection;
use crate::db::schema::{
    agents as a, competencies as c, organisations as o, session_trainers as st, trainer_evaluations as ev,
    trainer_modules as tmo, trainers as tr, training_sessions as ts,
};
use crate::domain::levels;
use crate::error::ApiError;

/// The dictionary's competency for the pédagogie criterion.
pub const PEDAGOGIE: &str = "pedagogie";

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainerInput {
    /// The agent's organisation code.
    pub organisation: String,
    pub matricule: String,
    /// Codes of the campus's modules the trainer teaches.
    pub modules: Vec<String>,
    /// When the trainer took the ADFO train-the-trainer course.
    #[serde(default)]
    pub adfo_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trainer {
    pub id: i32,
    pub campus: String,
    pub agent_id: i32,
    /// The agent's organisation, the trainer's employer.
    pub organisation: String,
    pub matricule: String,
    pub last_name: String,
    pub first_name: String,
    pub adfo_date: Option<NaiveDate>,
    /// The employer (or the trainer) accepted the listing: until then the campus does not see
    /// the agent's levels (`pedagogie` and `current_level` stay empty).
    pub accepted: bool,
    /// The trainer has their own `trainer` account, and so records their agreements themselves.
    pub has_account: bool,
    /// Facilitation training attended, and whether the trainer is flagged for lack of it.
    pub facilitation: super::facilitation::Facilitation,
    /// E.g. no ADFO date: a warning, not a block.
    pub warnings: Vec<String>,
    /// Current level on "Pédagogie" (none when not assessed or expired).
    pub pedagogie: Option<i32>,
    pub satisfaction: Satisfaction,
    pub modules: Vec<ModuleCriteria>,
}

/// Trainees' evaluations of a trainer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Satisfaction {
    /// `not_yet_taught`, `not_yet_evaluated` or `evaluated`.
    pub status: String,
    /// Mean score 1–5 of trainees' evaluations.
    pub mean: Option<f64>,
    pub evaluations: usize,
    /// Mean of the campus's own evaluations.
    pub campus_mean: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleCriteria {
    pub module: String,
    pub title: String,
    /// Technicité: each competency the module develops, the target and the trainer's level.
    pub technicite: Vec<TechniciteLine>,
    /// Targets the trainer meets, out of `technicite.len()`.
    pub targets_met: usize,
    /// Mean of trainees' evaluations on this module's sessions.
    pub satisfaction: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TechniciteLine {
    pub competency: String,
    pub target_level: i32,
    pub current_level: Option<i32>,
    pub met: bool,
}

/// Lists an agent as trainer of a campus for some of its modules; 409 if already listed.
pub fn register(conn: &mut DbConnection, campus_id: i32, input: &TrainerInput, author: &str) -> Result<i32, ApiError> {
    let agent = super::agent_id(conn, &input.organisation, &input.matricule)?.ok_or_else(|| {
        ApiError::invalid("matricule", format!("no agent {} in {}", input.matricule.trim(), input.organisation.trim()))
    })?;
    let exists =
        tr::table.filter(tr::campus_id.eq(campus_id)).filter(tr::agent_id.eq(agent)).count().get_result::<i64>(conn)?;
    if exists > 0 {
        return Err(ApiError::conflict(format!(
            "agent {} is already a trainer of this campus",
            input.matricule.trim()
        )));
    }
    let module_ids = module_ids(conn, campus_id, &input.modules)?;
    let id: i32 = diesel::insert_into(tr::table)
        .values((
            tr::campus_id.eq(campus_id),
            tr::agent_id.eq(agent),
            tr::adfo_date.eq(input.adfo_date),
            tr::listed_at.eq(crate::domain::now()),
            tr::listed_by.eq(author),
        ))
        .returning(tr::id)
        .get_result(conn)?;
    set_modules(conn, id, &module_ids)?;
    Ok(id)
}

/// Changes the modules and ADFO date of a trainer.
pub fn update(
    conn: &mut DbConnection,
    id: i32,
    campus_id: i32,
    modules: &[String],
    adfo: Option<NaiveDate>,
) -> Result<(), ApiError> {
    let module_ids = module_ids(conn, campus_id, modules)?;
    diesel::update(tr::table.filter(tr::id.eq(id))).set(tr::adfo_date.eq(adfo)).execute(conn)?;
    set_modules(conn, id, &module_ids)
}

fn module_ids(conn: &mut DbConnection, campus_id: i32, codes: &[String]) -> Result<Vec<i32>, ApiError> {
    if codes.is_empty() {
        return Err(ApiError::invalid("modules", "a trainer is listed for at least one module"));
    }
    codes
        .iter()
        .enumerate()
        .map(|(k, code)| {
            modules::find(conn, campus_id, code)?
                .map(|m| m.id)
                .ok_or_else(|| ApiError::unusable(&format!("modules[{k}]"), format!("unknown module {code:?}")))
        })
        .collect()
}

fn set_modules(conn: &mut DbConnection, id: i32, module_ids: &[i32]) -> Result<(), ApiError> {
    diesel::delete(tmo::table.filter(tmo::trainer_id.eq(id))).execute(conn)?;
    let unique: std::collections::BTreeSet<i32> = module_ids.iter().copied().collect();
    for m in unique {
        diesel::insert_into(tmo::table).values((tmo::trainer_id.eq(id), tmo::module_id.eq(m))).execute(conn)?;
    }
    Ok(())
}

fn mean(scores: &[i32]) -> Option<f64> {
    (!scores.is_empty()).then(|| f64::from(scores.iter().sum::<i32>()) / scores.len() as f64)
}

/// The trainers of a campus (or the one `only` trainer), with their criteria as of `today`.
pub fn list(
    conn: &mut DbConnection,
    campus_id: i32,
    only: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<Trainer>, ApiError> {
    let mut query = tr::table
        .inner_join(a::table.inner_join(o::table))
        .filter(tr::campus_id.eq(campus_id))
        .order((o::code, a::matricule))
        .select((
            tr::id,
            tr::agent_id,
            o::code,
            a::matricule,
            a::last_name,
            a::first_name,
            tr::adfo_date,
            tr::accepted_at.is_not_null(),
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(tr::id.eq(id));
    }
    let rows = query.load::<(i32, i32, String, String, String, String, Option<NaiveDate>, bool)>(conn)?;
    let campus = crate::domain::organisations::find_by_id(conn, campus_id)?.code;
    let modules: HashMap<i32, Module> = modules::list(conn, campus_id)?.into_iter().map(|m| (m.id, m)).collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let mut taught: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for (trainer, module) in tmo::table
        .filter(tmo::trainer_id.eq_any(&ids))
        .select((tmo::trainer_id, tmo::module_id))
        .load::<(i32, i32)>(conn)?
    {
        taught.entry(trainer).or_default().push(module);
    }
    let sessions: HashMap<i32, i64> = st::table
        .filter(st::trainer_id.eq_any(&ids))
        .group_by(st::trainer_id)
        .select((st::trainer_id, diesel::dsl::count_star()))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    // (trainer, module, evaluator, score)
    let evaluations = ev::table
        .inner_join(ts::table.on(ts::id.eq(ev::session_id)))
        .filter(ev::trainer_id.eq_any(&ids))
        .select((ev::trainer_id, ts::module_id, ev::evaluator, ev::score))
        .load::<(i32, i32, String, i32)>(conn)?;
    let pedagogie = c::table.filter(c::code.eq(PEDAGOGIE)).select(c::id).first::<i32>(conn).optional()?;
    // Only the levels of agents whose listing was accepted are read at all.
    let agent_ids: Vec<i32> = rows.iter().filter(|r| r.7).map(|r| r.1).collect();
    let book = levels::load(conn, &agent_ids, None, today)?;
    let accounts = super::accounts::with_account(conn, &rows.iter().map(|r| r.1).collect::<Vec<_>>())?;
    let mut facilitation = super::facilitation::of_trainers(conn, campus_id, &ids, today)?;
    Ok(rows
        .into_iter()
        .map(|(id, agent_id, organisation, matricule, last_name, first_name, adfo_date, accepted)| {
            let level =
                |cid: i32| book.get(&agent_id).and_then(|l| l.get(&cid)).and_then(|l| l.usable()).map(|l| l.get());
            let scores = |module: Option<i32>, evaluator: &str| -> Vec<i32> {
                evaluations
                    .iter()
                    .filter(|e| e.0 == id && e.2 == evaluator && module.is_none_or(|m| e.1 == m))
                    .map(|e| e.3)
                    .collect()
            };
            let trainee_scores = scores(None, "trainee");
            let status = if sessions.get(&id).copied().unwrap_or(0) == 0 {
                "not_yet_taught"
            } else if trainee_scores.is_empty() {
                "not_yet_evaluated"
            } else {
                "evaluated"
            };
            let satisfaction = Satisfaction {
                status: status.to_owned(),
                mean: mean(&trainee_scores),
                evaluations: trainee_scores.len(),
                campus_mean: mean(&scores(None, "campus")),
            };
            let module_criteria = taught
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|m| modules.get(m))
                .map(|m| {
                    let technicite: Vec<TechniciteLine> = m
                        .competencies
                        .iter()
                        .map(|t| {
                            let current_level = level(t.competency_id);
                            TechniciteLine {
                                competency: t.competency.clone(),
                                target_level: t.target_level.get(),
                                current_level,
                                met: current_level.is_some_and(|l| l >= t.target_level.get()),
                            }
                        })
                        .collect();
                    ModuleCriteria {
                        module: m.code.clone(),
                        title: m.title.clone(),
                        targets_met: technicite.iter().filter(|l| l.met).count(),
                        technicite,
                        satisfaction: mean(&scores(Some(m.id), "trainee")),
                    }
                })
                .collect();
            let mut warnings = Vec::new();
            if adfo_date.is_none() {
                warnings.push("no ADFO train-the-trainer course recorded: it is strongly recommended".to_owned());
            }
            let facilitation = facilitation.remove(&id).unwrap_or_else(|| super::facilitation::Facilitation {
                trainings: vec![],
                due: true,
                within_months: super::facilitation::DEFAULT_MONTHS,
            });
            if facilitation.due {
                warnings.push(format!(
                    "no facilitation training within {} months: occasional trainers attend one regularly",
                    facilitation.within_months
                ));
            }
            if !accepted {
                warnings.push(
                    "the listing awaits the acceptance of the agent's employer or of the trainer: levels are not shown"
                        .to_owned(),
                );
            }
            Trainer {
                id,
                campus: campus.clone(),
                agent_id,
                organisation,
                matricule,
                last_name,
                first_name,
                adfo_date,
                accepted,
                has_account: accounts.contains(&agent_id),
                facilitation,
                warnings,
                pedagogie: pedagogie.and_then(level),
                satisfaction,
                modules: module_criteria,
            }
        })
        .collect())
}

/// A trainer's campus and agent, or 404.
pub fn get_row(conn: &mut DbConnection, id: i32) -> Result<(i32, i32), ApiError> {
    tr::table
        .filter(tr::id.eq(id))
        .select((tr::campus_id, tr::agent_id))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("trainer {id} not found")))
}

/// The module ids a trainer is listed for.
pub fn module_ids_of(conn: &mut DbConnection, id: i32) -> Result<Vec<i32>, ApiError> {
    Ok(tmo::table.filter(tmo::trainer_id.eq(id)).select(tmo::module_id).load(conn)?)
}
