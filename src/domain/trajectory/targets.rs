//! Target ETP per job sheet, year and organisation: the trajectoire effectifs. An organisation's
//! hr sets its own; national hr sets any organisation's and reads the branch's sum.

use std::collections::{BTreeMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::{job_profiles as jp, organisations as o, trajectory_targets as tt};
use crate::domain::access::Principal;
use crate::domain::agents::Codes;
use crate::domain::audit::{self, Change};
use crate::error::{ApiError, Detail};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = TrajectoryTarget)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Job sheet code.
    pub job_profile: String,
    pub year: i32,
    /// Target ETP at the end of the year.
    pub etp: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryOrganisationTarget)]
pub struct OrganisationTarget {
    pub organisation: String,
    pub job_profile: String,
    pub year: i32,
    pub etp: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TrajectoryTargets)]
pub struct Targets {
    pub targets: Vec<OrganisationTarget>,
    /// The sum over the organisations listed, per job sheet and year.
    pub branch: Vec<Target>,
}

/// The targets `who` reads: one organisation's (`organisation`, default their own), or, for
/// national users naming none, every organisation's with the branch's sum.
pub fn list(conn: &mut DbConnection, who: &Principal, organisation: Option<&str>) -> Result<Targets, ApiError> {
    let only = if organisation.is_none() && who.national {
        who.require_any(&[crate::domain::types::Role::Hr])?;
        None
    } else {
        Some(super::organisation(conn, who, organisation)?)
    };
    let mut query = tt::table
        .inner_join(o::table)
        .inner_join(jp::table)
        .select((o::code, jp::code, tt::year, tt::etp))
        .order((o::code, jp::code, tt::year))
        .into_boxed();
    if let Some(org) = only {
        query = query.filter(tt::organisation_id.eq(org));
    }
    let rows: Vec<(String, String, i32, f64)> = query.load(conn)?;
    let mut branch: BTreeMap<(String, i32), f64> = BTreeMap::new();
    for (_, sheet, year, etp) in &rows {
        *branch.entry((sheet.clone(), *year)).or_default() += etp;
    }
    Ok(Targets {
        targets: rows
            .into_iter()
            .map(|(organisation, job_profile, year, etp)| OrganisationTarget { organisation, job_profile, year, etp })
            .collect(),
        branch: branch.into_iter().map(|((job_profile, year), etp)| Target { job_profile, year, etp }).collect(),
    })
}

/// Replaces an organisation's targets with `targets`, all or nothing.
pub fn put(
    conn: &mut DbConnection,
    who: &Principal,
    organisation: Option<&str>,
    targets: Vec<Target>,
) -> Result<Targets, ApiError> {
    let organisation_id = super::organisation(conn, who, organisation)?;
    let codes = Codes::load(conn)?;
    let mut details = Vec::new();
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(targets.len());
    for (i, t) in targets.iter().enumerate() {
        let sheet = t.job_profile.trim().to_uppercase();
        let profile = codes.profile_id(&sheet);
        if profile.is_none() {
            details.push(Detail::field(format!("targets[{i}].job_profile"), format!("unknown job profile {sheet}")));
        }
        if !(1900..=2200).contains(&t.year) {
            details.push(Detail::field(format!("targets[{i}].year"), "must be a year"));
        }
        if !(t.etp.is_finite() && t.etp >= 0.0) {
            details.push(Detail::field(format!("targets[{i}].etp"), "must be a non-negative number"));
        }
        if !seen.insert((sheet.clone(), t.year)) {
            details.push(Detail::field(format!("targets[{i}]"), format!("{sheet} {} appears twice", t.year)));
        }
        if let Some(profile) = profile {
            rows.push((
                tt::organisation_id.eq(organisation_id),
                tt::job_profile_id.eq(profile),
                tt::year.eq(t.year),
                tt::etp.eq(t.etp),
            ));
        }
    }
    if !details.is_empty() {
        return Err(ApiError::problems("the targets", details));
    }
    crate::db::transaction(conn, |conn| {
        let before = listed(conn, organisation_id)?;
        diesel::delete(tt::table.filter(tt::organisation_id.eq(organisation_id))).execute(conn)?;
        for row in rows {
            diesel::insert_into(tt::table).values(row).execute(conn)?;
        }
        let after = listed(conn, organisation_id)?;
        let change = Change::new(Some(organisation_id), "trajectory_targets", organisation_id, "replace");
        // A trail entry's states are objects.
        let state = |targets: Vec<Target>| serde_json::json!({ "targets": targets });
        audit::record(conn, who, change.changed(&state(before), &state(after)))
    })?;
    let code = crate::domain::organisations::code_of(conn, organisation_id)?;
    list(conn, who, Some(&code))
}

/// An organisation's targets, as the audit trail records them.
fn listed(conn: &mut DbConnection, organisation_id: i32) -> Result<Vec<Target>, ApiError> {
    Ok(of(conn, organisation_id)?
        .into_iter()
        .map(|((job_profile, year), etp)| Target { job_profile, year, etp })
        .collect())
}

/// An organisation's targets by (sheet code, year).
pub fn of(conn: &mut DbConnection, organisation_id: i32) -> Result<BTreeMap<(String, i32), f64>, ApiError> {
    let rows: Vec<(String, i32, f64)> = tt::table
        .inner_join(jp::table)
        .filter(tt::organisation_id.eq(organisation_id))
        .select((jp::code, tt::year, tt::etp))
        .load(conn)?;
    Ok(rows.into_iter().map(|(sheet, year, etp)| ((sheet, year), etp)).collect())
}
