//! What the home page shows an HR officer of their reach: agents, expired levels, competencies
//! resting on too few people, job sheets waiting in draft.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::access::Principal;
use super::agents::Selection;
use super::analytics::{self, Cover, Need};
use super::types::{ProfileStatus, Role};
use crate::db::DbConnection;
use crate::db::schema::job_profile_versions as jv;
use crate::error::ApiError;

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
    let selection = Selection {
        organisation_id: who.scope(),
        unit: None,
        job_profile_id: None,
        text: None,
        include_departed: false,
    };
    let (agents, book) = analytics::load(conn, &selection, None, today)?;
    let expired_levels = book.values().flat_map(|levels| levels.values()).filter(|l| l.expired).count();
    let held: HashSet<i32> = agents.iter().filter_map(|a| a.job_profile_id).collect();
    let mut needs: BTreeMap<(String, i32), Need> = BTreeMap::new();
    for (profile, list) in analytics::needs_by_profile(conn)? {
        if held.contains(&profile) {
            for need in list {
                needs.entry((need.code.clone(), need.level.get())).or_insert(need);
            }
        }
    }
    let needs: Vec<Need> = needs.into_values().collect();
    let mut at_risk: Vec<Cover> =
        analytics::cover(&needs, &agents, &book, MIN_HOLDERS).into_iter().filter(|c| c.at_risk).collect();
    at_risk.sort_by(|a, b| a.holders.cmp(&b.holders).then_with(|| a.competency.cmp(&b.competency)));
    Ok(HrSummary { agents: agents.len(), expired_levels, at_risk, draft_sheets: draft_sheets(conn)? })
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
