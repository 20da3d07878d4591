//! What the home page shows an HR officer of their reach: agents, expired levels, competencies
//! resting on too few people, job sheets waiting in draft.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::access::Principal;
use super::analytics::{self, Cover, Need};
use super::organisations;
use super::types::{ProfileStatus, Role};
use crate::db::DbConnection;
use crate::db::schema::{agents as a, current_levels as cl, job_profile_versions as jv};
use crate::error::ApiError;

/// Most departed agents' ids bound in one query (PostgreSQL takes 65,535 parameters).
const MAX_DEPARTED_BOUND: usize = 60_000;

/// Fewer holders than this at the level a job sheet requires, and a competency is at risk.
pub const MIN_HOLDERS: usize = 2;

pub struct HrSummary {
    /// Agents present today.
    pub agents: usize,
    /// Current levels whose assessment's validity has passed.
    pub expired_levels: usize,
    /// The requirements of the agents' job sheets held by fewer than [`MIN_HOLDERS`] agents,
    /// fewest holders first.
    pub at_risk: Vec<Cover>,
    /// National job sheets whose latest version is a draft.
    pub draft_sheets: usize,
}

/// The HR summary of `who`'s reach (every organisation for national users).
pub fn hr_summary(conn: &mut DbConnection, who: &Principal, today: NaiveDate) -> Result<HrSummary, ApiError> {
    who.require_any(&[Role::Hr, Role::Admin, Role::Viewer])?;
    // Counted in SQL: the page must not load every agent's levels to count them.
    let orgs: Vec<i32> = match who.scope() {
        Some(org) => vec![org],
        None => organisations::list(conn, None)?.into_iter().map(|o| o.id).collect(),
    };
    let present = || a::end_date.is_null().or(a::end_date.ge(today));
    let count: i64 = a::table.filter(a::organisation_id.eq_any(&orgs)).filter(present()).count().get_result(conn)?;
    let (expired, held) = level_counts(conn, &orgs, today)?;
    let profiles: HashSet<i32> = a::table
        .filter(a::organisation_id.eq_any(&orgs))
        .filter(present())
        .select(a::job_profile_id)
        .distinct()
        .load::<Option<i32>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    let mut needs: BTreeMap<(String, i32), Need> = BTreeMap::new();
    for (profile, list) in analytics::needs_by_profile(conn)? {
        if profiles.contains(&profile) {
            for need in list {
                needs.entry((need.code.clone(), need.level.get())).or_insert(need);
            }
        }
    }
    let mut at_risk: Vec<Cover> = needs
        .into_values()
        .map(|n| {
            let holders: i64 =
                held.iter().filter(|(c, l, _)| *c == n.competency_id && *l >= n.level.get()).map(|(_, _, k)| k).sum();
            let holders = holders as usize;
            Cover {
                competency: n.code,
                competency_label: n.label,
                required: n.level,
                holders,
                at_risk: holders < MIN_HOLDERS,
            }
        })
        .filter(|c| c.at_risk)
        .collect();
    at_risk.sort_by(|a, b| a.holders.cmp(&b.holders).then_with(|| a.competency.cmp(&b.competency)));
    Ok(HrSummary {
        agents: count as usize,
        expired_levels: expired as usize,
        at_risk,
        draft_sheets: draft_sheets(conn)?,
    })
}

/// Holders per (competency, level) of the levels still valid.
type Held = Vec<(i32, i32, i64)>;

/// Of the present agents of `orgs`: how many current levels have expired, and the holders of
/// the others. The levels of agents who left are set aside by their ids, usually few: joining
/// the agents reads every level twice as slowly (210 against about 100 ms at 10,000 agents).
fn level_counts(conn: &mut DbConnection, orgs: &[i32], today: NaiveDate) -> Result<(i64, Held), ApiError> {
    let departed: Vec<i32> =
        a::table.filter(a::organisation_id.eq_any(orgs)).filter(a::end_date.lt(today)).select(a::id).load(conn)?;
    let valid = || cl::valid_until.is_null().or(cl::valid_until.ge(today));
    let group = (cl::competency_id, cl::level);
    let select = (cl::competency_id, cl::level, diesel::dsl::count_star());
    if departed.len() <= MAX_DEPARTED_BOUND {
        let levels = || cl::table.filter(cl::organisation_id.eq_any(orgs)).filter(cl::agent_id.ne_all(&departed));
        let expired = levels().filter(cl::valid_until.lt(today)).count().get_result(conn)?;
        let held = levels().filter(valid()).group_by(group).select(select).load(conn)?;
        return Ok((expired, held));
    }
    let present = || a::end_date.is_null().or(a::end_date.ge(today));
    let levels = || cl::table.inner_join(a::table).filter(cl::organisation_id.eq_any(orgs)).filter(present());
    let expired = levels().filter(cl::valid_until.lt(today)).count().get_result(conn)?;
    let held = levels().filter(valid()).group_by(group).select(select).load(conn)?;
    Ok((expired, held))
}

/// Job sheets whose latest version is a draft.
fn draft_sheets(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let versions: Vec<(i32, i32, String)> =
        jv::table.select((jv::job_profile_id, jv::version, jv::status)).load(conn)?;
    let mut latest: BTreeMap<i32, (i32, String)> = BTreeMap::new();
    for (profile, version, status) in versions {
        let entry = latest.entry(profile).or_insert((version, status.clone()));
        if version > entry.0 {
            *entry = (version, status);
        }
    }
    Ok(latest.values().filter(|(_, status)| status == ProfileStatus::Draft.as_str()).count())
}
