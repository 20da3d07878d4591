//! Competency analytics over agents' current levels: gaps against a job profile, the mobility
//! ranking, team matrices, arc profiles, training needs and cover. Loading is separate from the
//! computations, which are plain functions of the loaded data.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::agents::{self, Agent};
use super::job_profiles;
use super::levels::{self, CurrentLevel, LevelBook};
use super::paging::{Page, PageAsk};
use super::types::{Arc, Level};
use crate::db::DbConnection;
use crate::db::schema::{competencies as c, job_profiles as jp};
use crate::error::ApiError;

mod scoped;
pub use scoped::{
    ArcProfile, Scope, arc_profile, cover as cover_in, matrix_csv, mobility, team_matrix,
    training_needs as training_needs_in,
};

/// One requirement of a job profile, with its competency's id.
#[derive(Debug, Clone)]
pub struct Need {
    pub competency_id: i32,
    pub code: String,
    pub label: String,
    pub arc: Arc,
    pub level: Level,
}

/// Requirements of the current versions of job profiles (of `only`, when given), in one query:
/// (profile id, requirement), in each sheet's order.
fn current_needs(conn: &mut DbConnection, only: Option<&str>) -> Result<Vec<(i32, Need)>, ApiError> {
    use crate::db::schema::{job_profile_requirements as jr, job_profile_versions as jv};
    let mut query = jp::table
        .inner_join(jv::table.on(jv::job_profile_id.eq(jp::id).and(jv::version.eq(jp::current_version))))
        .inner_join(jr::table.on(jr::version_id.eq(jv::id)))
        .inner_join(c::table.on(c::id.eq(jr::competency_id)))
        .select((jp::id, c::id, c::code, c::label, c::arc, jr::level))
        .order((jp::id, jr::position))
        .into_boxed();
    if let Some(code) = only {
        query = query.filter(jp::code.eq(code.to_uppercase()));
    }
    let rows: Vec<(i32, i32, String, String, String, i32)> = query.load(conn)?;
    rows.into_iter()
        .map(|(profile, competency_id, code, label, arc, level)| {
            let level = Level::new(i64::from(level)).map_err(|e| ApiError::internal("stored level", e))?;
            Ok((profile, Need { competency_id, code, label, arc: Arc::parse("arc", &arc)?, level }))
        })
        .collect()
}

/// The requirements of a job profile's current version; 404 for an unknown profile.
pub fn needs(conn: &mut DbConnection, profile: &str) -> Result<Vec<Need>, ApiError> {
    job_profiles::head(conn, profile)?;
    Ok(current_needs(conn, Some(profile))?.into_iter().map(|(_, n)| n).collect())
}

/// The requirements of every job profile, by profile id.
pub fn needs_by_profile(conn: &mut DbConnection) -> Result<HashMap<i32, Vec<Need>>, ApiError> {
    let mut by_profile: HashMap<i32, Vec<Need>> = HashMap::new();
    for (profile, need) in current_needs(conn, None)? {
        by_profile.entry(profile).or_default().push(need);
    }
    Ok(by_profile)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GapRow {
    pub competency: String,
    pub competency_label: String,
    pub arc: Arc,
    pub required: Level,
    /// The current level, if any (an expired one is shown here and flagged).
    pub current: Option<Level>,
    pub expired: bool,
    /// `required - current`, counting a missing or expired level as 0; never negative.
    pub gap: i32,
    pub met: bool,
}

/// How a held level stands against a requirement: what the team matrix colours and the agent's
/// chart shows. A lapsed level is told apart from one never assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Met,
    /// One level short.
    Short1,
    /// Two or more levels short.
    Short2,
    NotAssessed,
    Expired,
    /// The job profile does not require the competency.
    NotRequired,
}

impl Standing {
    pub fn of(required: Option<i32>, held: Option<i32>, expired: bool) -> Self {
        match (required, held) {
            (None, _) => Self::NotRequired,
            (Some(_), None) if expired => Self::Expired,
            (Some(_), None) => Self::NotAssessed,
            (Some(r), Some(h)) if h >= r => Self::Met,
            (Some(r), Some(h)) if r - h == 1 => Self::Short1,
            _ => Self::Short2,
        }
    }

    /// A row of a gap, its expired level counting as not held.
    pub fn of_row(row: &GapRow) -> Self {
        let held = row.current.filter(|_| !row.expired).map(Level::get);
        Self::of(Some(row.required.get()), held, row.expired)
    }

    /// A stable name, for style classes and message keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Short1 => "short1",
            Self::Short2 => "short2",
            Self::NotAssessed => "missing",
            Self::Expired => "expired",
            Self::NotRequired => "none",
        }
    }

    pub const SHOWN: [Standing; 5] = [Self::Met, Self::Short1, Self::Short2, Self::NotAssessed, Self::Expired];
}

/// An agent against a job profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Gap {
    pub profile: String,
    pub rows: Vec<GapRow>,
    pub requirements: usize,
    pub met: usize,
    /// `met / requirements` (1 for a profile without requirements).
    pub met_share: f64,
    pub total_gap: i32,
    /// `1 - total_gap / sum of required levels`: 1 when every level is met.
    pub fit: f64,
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Agent `id`'s gap to job profile `profile`, or to their own when none is named; 404 when
/// `who` may not see the agent, 422 when there is no profile to compare with.
pub fn agent_gap(
    conn: &mut DbConnection,
    who: &crate::domain::access::Principal,
    id: i32,
    profile: Option<&str>,
    today: NaiveDate,
) -> Result<Gap, ApiError> {
    let agent = agents::visible(conn, who, id)?;
    let profile = profile
        .map(str::to_owned)
        .or(agent.input.job_profile)
        .ok_or_else(|| ApiError::unusable("profile", "the agent has no job profile: name a target profile"))?;
    let needs = needs(conn, &profile)?;
    let ids: Vec<i32> = needs.iter().map(|n| n.competency_id).collect();
    let book = levels::load(conn, &[id], Some(&ids), today)?;
    Ok(gap(&profile.to_uppercase(), &needs, book.get(&id)))
}

pub fn gap(profile: &str, needs: &[Need], levels: Option<&HashMap<i32, CurrentLevel>>) -> Gap {
    let rows: Vec<GapRow> = needs
        .iter()
        .map(|n| {
            let current = levels.and_then(|l| l.get(&n.competency_id));
            let usable = current.and_then(CurrentLevel::usable).map_or(0, Level::get);
            let gap = (n.level.get() - usable).max(0);
            GapRow {
                competency: n.code.clone(),
                competency_label: n.label.clone(),
                arc: n.arc,
                required: n.level,
                current: current.map(|c| c.level),
                expired: current.is_some_and(|c| c.expired),
                gap,
                met: gap == 0,
            }
        })
        .collect();
    let met = rows.iter().filter(|r| r.met).count();
    let total_gap: i32 = rows.iter().map(|r| r.gap).sum();
    let required: i32 = needs.iter().map(|n| n.level.get()).sum();
    Gap {
        profile: profile.to_owned(),
        requirements: rows.len(),
        met,
        met_share: if rows.is_empty() { 1.0 } else { round(met as f64 / rows.len() as f64) },
        total_gap,
        fit: if required == 0 { 1.0 } else { round(1.0 - f64::from(total_gap) / f64::from(required)) },
        rows,
    }
}

/// The agents of `selection` and their current levels (only on `competencies` when given).
/// Levels are read by organisation rather than by binding every agent id.
pub fn load(
    conn: &mut DbConnection,
    selection: &agents::Selection,
    competencies: Option<&[i32]>,
    today: NaiveDate,
) -> Result<(Vec<Agent>, LevelBook), ApiError> {
    let list = agents::select(conn, selection, today)?;
    let book = match selection.organisation_id {
        Some(org) if list.len() > 100 => {
            let mut book = levels::load_organisation(conn, org, competencies, today)?;
            let kept: std::collections::HashSet<i32> = list.iter().map(|a| a.id).collect();
            book.retain(|id, _| kept.contains(id));
            book
        }
        _ => {
            let ids: Vec<i32> = list.iter().map(|a| a.id).collect();
            levels::load(conn, &ids, competencies, today)?
        }
    };
    Ok((list, book))
}

/// An agent and their gap to the target profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ranked {
    pub rank: usize,
    pub agent: Agent,
    pub gap: Gap,
}

/// The numbers of a gap, without its rows: what ranking needs for every agent.
#[derive(Clone, Copy)]
struct Score {
    met: usize,
    total_gap: i32,
}

fn score(needs: &[Need], levels: Option<&HashMap<i32, CurrentLevel>>) -> Score {
    let mut s = Score { met: 0, total_gap: 0 };
    for n in needs {
        let held = levels.and_then(|l| l.get(&n.competency_id)).and_then(CurrentLevel::usable).map_or(0, Level::get);
        let gap = (n.level.get() - held).max(0);
        s.total_gap += gap;
        s.met += usize::from(gap == 0);
    }
    s
}

/// Agents by fit to `profile`: best fit first, then most requirements met, then matricule.
/// Every agent is scored; the detailed gap is built for the `page` kept (1-based, `per_page` long).
pub fn rank(profile: &str, needs: &[Need], agents: Vec<Agent>, book: &LevelBook, ask: PageAsk) -> Page<Ranked> {
    // Fit decreases as the total gap grows (the required sum is the same for all), so sorting
    // by total gap orders by fit without dividing.
    let mut scored: Vec<(Score, Agent)> = agents.into_iter().map(|a| (score(needs, book.get(&a.id)), a)).collect();
    scored.sort_by(|(x, a), (y, b)| {
        x.total_gap.cmp(&y.total_gap).then(y.met.cmp(&x.met)).then(a.input.matricule.cmp(&b.input.matricule))
    });
    let total = scored.len();
    // The gaps are worked out for the page's agents only.
    let kept = scored
        .into_iter()
        .enumerate()
        .skip(ask.first())
        .take(ask.size())
        .map(|(i, (_, agent))| {
            let gap = gap(profile, needs, book.get(&agent.id));
            Ranked { rank: i + 1, agent, gap }
        })
        .collect();
    ask.answer(kept, total as i64)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixColumn {
    pub competency: String,
    pub competency_label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixRow {
    pub agent_id: i32,
    pub matricule: String,
    pub name: String,
    pub job_profile: Option<String>,
    /// Current level per column; `null` where there is none or it has expired.
    pub levels: Vec<Option<i32>>,
    /// The level the agent's own job profile requires per column; `null` where it requires none.
    pub required: Vec<Option<i32>>,
    /// Columns whose level has expired (their `levels` cell is null).
    pub expired: Vec<String>,
    /// The agent's mean held and required levels per arc, over their own profile's requirements.
    pub arcs: Vec<ArcComparison>,
}

/// Agents × competencies. The columns are the requirements of the agents' job profiles, in the
/// order of first appearance.
#[derive(Debug, Serialize, ToSchema)]
pub struct Matrix {
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
}

pub fn matrix(agents: &[Agent], needs: &HashMap<i32, Vec<Need>>, book: &LevelBook) -> Matrix {
    let mut columns: Vec<&Need> = Vec::new();
    for a in agents {
        for n in a.job_profile_id.and_then(|p| needs.get(&p)).into_iter().flatten() {
            if !columns.iter().any(|c| c.competency_id == n.competency_id) {
                columns.push(n);
            }
        }
    }
    let rows = agents
        .iter()
        .map(|a| {
            let levels = book.get(&a.id);
            let cell = |n: &Need| levels.and_then(|l| l.get(&n.competency_id));
            let own: &[Need] = a.job_profile_id.and_then(|p| needs.get(&p)).map_or(&[], Vec::as_slice);
            let required = |n: &Need| own.iter().find(|o| o.competency_id == n.competency_id).map(|o| o.level.get());
            MatrixRow {
                agent_id: a.id,
                matricule: a.input.matricule.clone(),
                name: format!("{} {}", a.input.last_name, a.input.first_name).trim().to_owned(),
                job_profile: a.input.job_profile.clone(),
                levels: columns.iter().map(|n| cell(n).and_then(CurrentLevel::usable).map(Level::get)).collect(),
                required: columns.iter().map(|n| required(n)).collect(),
                expired: columns
                    .iter()
                    .filter(|n| cell(n).is_some_and(|c| c.expired))
                    .map(|n| n.code.clone())
                    .collect(),
                arcs: arcs(own, std::slice::from_ref(a), book),
            }
        })
        .collect();
    Matrix {
        columns: columns
            .iter()
            .map(|n| MatrixColumn { competency: n.code.clone(), competency_label: n.label.clone() })
            .collect(),
        rows,
    }
}

/// On one arc: the mean current level of the agent (or team) and the job's mean required level,
/// both over the job's requirements on that arc.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArcComparison {
    pub arc: Arc,
    /// Mean current level, a missing or expired level counting 0; for a team, the mean of its
    /// agents' means.
    pub held: f64,
    pub required: f64,
    pub requirements: usize,
}

pub fn arcs(needs: &[Need], agents: &[Agent], book: &LevelBook) -> Vec<ArcComparison> {
    Arc::ALL
        .iter()
        .map(|&arc| {
            let on_arc: Vec<&Need> = needs.iter().filter(|n| n.arc == arc).collect();
            let mean = |values: &mut dyn Iterator<Item = f64>, count: usize| {
                if count == 0 { 0.0 } else { values.sum::<f64>() / count as f64 }
            };
            let agent_mean = |a: &Agent| {
                let levels = book.get(&a.id);
                let held = on_arc.iter().map(|n| {
                    f64::from(
                        levels
                            .and_then(|l| l.get(&n.competency_id))
                            .and_then(CurrentLevel::usable)
                            .map_or(0, Level::get),
                    )
                });
                mean(&mut held.into_iter(), on_arc.len())
            };
            ArcComparison {
                arc,
                held: round(mean(&mut agents.iter().map(agent_mean), agents.len())),
                required: round(mean(&mut on_arc.iter().map(|n| f64::from(n.level.get())), on_arc.len())),
                requirements: on_arc.len(),
            }
        })
        .collect()
}

/// How many agents fall below the level their own job profile requires, per competency.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingNeed {
    pub competency: String,
    pub competency_label: String,
    pub arc: Arc,
    pub agents_below: usize,
    /// Sum over those agents of `required - current` (missing or expired counting 0).
    pub total_gap: i32,
    /// Of those agents, how many must reach level 1, 2, 3 and 4.
    pub by_level: Vec<usize>,
}

/// Largest total gap first.
pub fn training_needs(agents: &[Agent], needs: &HashMap<i32, Vec<Need>>, book: &LevelBook) -> Vec<TrainingNeed> {
    let mut by_competency: Vec<TrainingNeed> = Vec::new();
    for a in agents {
        let Some(profile_needs) = a.job_profile_id.and_then(|p| needs.get(&p)) else { continue };
        let g = gap("", profile_needs, book.get(&a.id));
        for row in g.rows.iter().filter(|r| !r.met) {
            match by_competency.iter_mut().find(|t| t.competency == row.competency) {
                Some(t) => {
                    t.agents_below += 1;
                    t.total_gap += row.gap;
                    t.by_level[row.required.index()] += 1;
                }
                None => {
                    let mut by_level = vec![0; 4];
                    by_level[row.required.index()] = 1;
                    by_competency.push(TrainingNeed {
                        competency: row.competency.clone(),
                        competency_label: row.competency_label.clone(),
                        arc: row.arc,
                        agents_below: 1,
                        total_gap: row.gap,
                        by_level,
                    })
                }
            }
        }
    }
    by_competency.sort_by(|x, y| y.total_gap.cmp(&x.total_gap).then(x.competency.cmp(&y.competency)));
    by_competency
}

/// Per competency a job requires: how many agents hold at least that level.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cover {
    pub competency: String,
    pub competency_label: String,
    pub required: Level,
    pub holders: usize,
    /// Fewer holders than the threshold: the skill rests on too few people.
    pub at_risk: bool,
}

pub fn cover(needs: &[Need], agents: &[Agent], book: &LevelBook, min_holders: usize) -> Vec<Cover> {
    needs
        .iter()
        .map(|n| {
            let holders = agents
                .iter()
                .filter(|a| {
                    let level = book.get(&a.id).and_then(|l| l.get(&n.competency_id)).and_then(CurrentLevel::usable);
                    level.is_some_and(|l| l >= n.level)
                })
                .count();
            Cover {
                competency: n.code.clone(),
                competency_label: n.label.clone(),
                required: n.level,
                holders,
                at_risk: holders < min_holders,
            }
        })
        .collect()
}

/// One agent, level 3 held where 3 is required, and a lapsed level where 2 is: what the
/// matrix's outputs are tested on.
#[cfg(test)]
pub fn sample_matrix() -> Matrix {
    Matrix {
        columns: vec![
            MatrixColumn { competency: "ecoute".into(), competency_label: "Écoute".into() },
            MatrixColumn { competency: "droit".into(), competency_label: "Droit".into() },
        ],
        rows: vec![MatrixRow {
            agent_id: 1,
            matricule: "M1".into(),
            name: "Martin Anne".into(),
            job_profile: Some("CSU".into()),
            levels: vec![Some(3), None],
            required: vec![Some(3), Some(2)],
            expired: vec!["droit".into()],
            arcs: vec![],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::Standing;

    #[test]
    fn a_level_stands_met_short_by_one_short_by_more_missing_or_lapsed() {
        assert_eq!(Standing::of(Some(2), Some(3), false), Standing::Met);
        assert_eq!(Standing::of(Some(3), Some(3), false), Standing::Met);
        assert_eq!(Standing::of(Some(3), Some(2), false), Standing::Short1);
        assert_eq!(Standing::of(Some(4), Some(2), false), Standing::Short2);
        assert_eq!(Standing::of(Some(2), None, false), Standing::NotAssessed);
        assert_eq!(Standing::of(Some(2), None, true), Standing::Expired);
        assert_eq!(Standing::of(None, Some(4), false), Standing::NotRequired);
    }
}
