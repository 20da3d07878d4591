//! The analytics as use cases: resolve who may see which agents, load them with their levels,
//! compute. The REST handlers and the web pages call these, and nothing else, so that a figure
//! is worked out one way whichever front end shows it.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ArcComparison, Cover, Matrix, Ranked, TrainingNeed};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::agents::{self, Agent, Selection};
use crate::domain::paging::{Page, PageAsk};
use crate::domain::{csv_io, levels};
use crate::error::ApiError;

/// Which agents an analytic covers, as codes typed by the caller; empty means "any".
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Organisation code (national users; others always get their own).
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Only agents currently in this job profile.
    pub job_profile: Option<String>,
}

impl Scope {
    /// The agents' selection; an organisation the caller cannot see answers 404, like one that
    /// does not exist.
    fn selection(&self, conn: &mut DbConnection, who: &Principal) -> Result<Selection, ApiError> {
        let filter = agents::Filter {
            organisation: self.organisation.clone(),
            unit: self.unit.clone(),
            job_profile: self.job_profile.clone(),
            ..agents::Filter::default()
        };
        filter.selection(conn, who)
    }
}

/// Agents in `scope` ranked by fit to `profile` (see [`super::rank`]).
pub fn mobility(
    conn: &mut DbConnection,
    who: &Principal,
    scope: &Scope,
    profile: &str,
    ask: PageAsk,
    today: NaiveDate,
) -> Result<Page<Ranked>, ApiError> {
    let selection = scope.selection(conn, who)?;
    let needs = super::needs(conn, profile)?;
    let ids: Vec<i32> = needs.iter().map(|n| n.competency_id).collect();
    let (list, book) = super::load(conn, &selection, Some(&ids), today)?;
    let ranked = super::rank(&profile.to_uppercase(), &needs, list, &book, ask);
    Ok(ranked.map(|r| super::Ranked { agent: r.agent.for_reader(who), ..r }))
}

/// The team matrix of the agents in `scope`.
pub fn team_matrix(
    conn: &mut DbConnection,
    who: &Principal,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Matrix, ApiError> {
    let selection = scope.selection(conn, who)?;
    let needs = super::needs_by_profile(conn)?;
    let (list, book) = super::load(conn, &selection, None, today)?;
    Ok(super::matrix(&list, &needs, &book))
}

/// The matrix as CSV: one line per agent, a column per competency, `expired` where the level
/// has lapsed.
pub fn matrix_csv(m: &Matrix) -> Result<Vec<u8>, ApiError> {
    let mut header = vec!["matricule", "name", "job_profile"];
    header.extend(m.columns.iter().map(|c| c.competency.as_str()));
    let mut w = csv_io::writer(&header)?;
    for row in &m.rows {
        let mut fields = vec![row.matricule.clone(), row.name.clone(), row.job_profile.clone().unwrap_or_default()];
        for (col, level) in m.columns.iter().zip(&row.levels) {
            fields.push(match level {
                Some(l) => l.to_string(),
                None if row.expired.contains(&col.competency) => "expired".to_owned(),
                None => String::new(),
            });
        }
        csv_io::write_row(&mut w, fields)?;
    }
    csv_io::finish(w)
}

/// The training needs of the agents in `scope`, each against their own job profile.
pub fn training_needs(
    conn: &mut DbConnection,
    who: &Principal,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<TrainingNeed>, ApiError> {
    let selection = scope.selection(conn, who)?;
    let needs = super::needs_by_profile(conn)?;
    let (list, book) = super::load(conn, &selection, None, today)?;
    Ok(super::training_needs(&list, &needs, &book))
}

/// The cover of `profile`'s requirements by the agents in `scope` (whatever their own sheet).
pub fn cover(
    conn: &mut DbConnection,
    who: &Principal,
    scope: &Scope,
    profile: &str,
    min_holders: usize,
    today: NaiveDate,
) -> Result<Vec<Cover>, ApiError> {
    let selection = Scope { job_profile: None, ..scope.clone() }.selection(conn, who)?;
    let needs = super::needs(conn, profile)?;
    let ids: Vec<i32> = needs.iter().map(|n| n.competency_id).collect();
    let (list, book) = super::load(conn, &selection, Some(&ids), today)?;
    Ok(super::cover(&needs, &list, &book, min_holders))
}

/// An agent's or a team's arc profile beside a job's.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArcProfile {
    pub profile: String,
    pub agents: usize,
    pub arcs: Vec<ArcComparison>,
}

/// The arc profile of agent `agent`, or of the team in `scope`, against `profile` (default: the
/// agent's own job, or the team's most common); 422 when there is none to compare with.
pub fn arc_profile(
    conn: &mut DbConnection,
    who: &Principal,
    agent: Option<i32>,
    scope: &Scope,
    profile: Option<&str>,
    today: NaiveDate,
) -> Result<ArcProfile, ApiError> {
    let list = match agent {
        Some(id) => vec![agents::visible(conn, who, id)?],
        None => {
            let selection = scope.selection(conn, who)?;
            agents::select(conn, &selection, today)?
        }
    };
    let profile = match profile {
        Some(p) => p.to_uppercase(),
        None => most_common_profile(&list)
            .ok_or_else(|| ApiError::unusable("profile", "no job profile to compare with: name one"))?,
    };
    let needs = super::needs(conn, &profile)?;
    let ids: Vec<i32> = list.iter().map(|a| a.id).collect();
    let book = levels::load(conn, &ids, None, today)?;
    Ok(ArcProfile { arcs: super::arcs(&needs, &list, &book), agents: list.len(), profile })
}

/// The job profile most agents hold; ties go to the first code.
fn most_common_profile(list: &[Agent]) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for p in list.iter().filter_map(|a| a.input.job_profile.as_deref()) {
        *counts.entry(p).or_default() += 1;
    }
    // max_by_key keeps the last maximum: reversing makes it the first code.
    counts.into_iter().rev().max_by_key(|(_, n)| *n).map(|(p, _)| p.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agents::AgentInput;

    fn agent(id: i32, profile: Option<&str>) -> Agent {
        let input: AgentInput = serde_json::from_value(serde_json::json!({
            "matricule": format!("M{id}"), "last_name": "N", "first_name": "P", "unit": "U",
            "job_profile": profile, "fte": 1.0, "start_date": "2020-01-01",
        }))
        .unwrap();
        Agent {
            id,
            organisation: "CAF75".into(),
            organisation_id: 1,
            input,
            job_profile_id: None,
            version: 1,
            updated_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn the_most_common_profile_wins_and_a_tie_goes_to_the_first_code() {
        let list = [agent(1, Some("TEC")), agent(2, Some("CSU")), agent(3, Some("TEC")), agent(4, None)];
        assert_eq!(most_common_profile(&list).as_deref(), Some("TEC"));
        let tie = [agent(1, Some("TEC")), agent(2, Some("CSU"))];
        assert_eq!(most_common_profile(&tie).as_deref(), Some("CSU"));
        assert_eq!(most_common_profile(&[agent(1, None)]), None);
    }

    #[test]
    fn the_matrix_csv_marks_a_lapsed_level_and_leaves_a_missing_one_empty() {
        let mut m = super::super::sample_matrix();
        m.rows[0].levels[0] = None;
        let text = String::from_utf8(matrix_csv(&m).unwrap()).unwrap();
        assert!(text.ends_with("M1,Martin Anne,CSU,,expired\n"), "{text}");
    }
}
