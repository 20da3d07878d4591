//! The national referential shipped in `seeds/` and embedded in the binary: loaded by
//! `gpec seed` and on the first start of an empty database. It only adds what is missing, so
//! seeding twice changes nothing and never undoes an edit made since.

use std::collections::HashSet;

use diesel::prelude::*;
use serde::Serialize;

use super::{competencies as comp_csv, profiles};
use crate::db::DbConnection;
use crate::db::schema::{branch_activities as ba, competencies as c};
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::competencies::{self, Resolver};
use crate::domain::job_profiles::{self, ProfileContent, write};
use crate::domain::types::ProfileStatus;
use crate::error::ApiError;

const COMPETENCIES: &[u8] = include_bytes!("../../../seeds/competencies.csv");
const PROFILES: &[u8] = include_bytes!("../../../seeds/job_profiles.csv");
const REQUIREMENTS: &[u8] = include_bytes!("../../../seeds/job_profile_requirements.csv");
const ROLES: &[u8] = include_bytes!("../../../seeds/activity_roles.csv");

pub const AUTHOR: &str = "seed";

#[derive(Debug, Default, Serialize)]
pub struct SeedReport {
    pub competencies_created: usize,
    pub activities_created: usize,
    pub job_profiles_created: usize,
}

impl SeedReport {
    pub fn is_empty(&self) -> bool {
        self.competencies_created + self.activities_created + self.job_profiles_created == 0
    }
}

/// True when the dictionary is empty: the first start of a new database.
pub fn is_unseeded(conn: &mut DbConnection) -> Result<bool, ApiError> {
    Ok(c::table.count().get_result::<i64>(conn)? == 0)
}

/// Adds every seed competency, activity and job profile that is missing, in one transaction.
/// The national sheets are created as validated version 1.
pub fn run(conn: &mut DbConnection, who: &Principal) -> Result<SeedReport, ApiError> {
    crate::db::transaction(conn, |conn| {
        let mut report = SeedReport::default();
        for (code, content) in comp_csv::parse(COMPETENCIES)? {
            if competencies::find(conn, code.as_str())?.is_none() {
                competencies::create(conn, &code, content, AUTHOR)?;
                report.competencies_created += 1;
            }
        }
        let sheets = profiles::parse_profiles(PROFILES)?;
        let codes: HashSet<String> = sheets.iter().map(|(c, _)| c.as_str().to_owned()).collect();
        let roles = profiles::parse_roles(ROLES, &codes)?;
        let existing: HashSet<String> = ba::table.select(ba::code).load::<String>(conn)?.into_iter().collect();
        let missing: Vec<_> = roles.activities.iter().filter(|(code, _)| !existing.contains(code)).cloned().collect();
        report.activities_created = write::upsert_activities(conn, &missing)?;
        let mut requirements = profiles::parse_requirements(REQUIREMENTS, &Resolver::load(conn)?, &codes)?;
        let mut roles = roles.roles;
        for (code, texts) in sheets {
            if job_profiles::head(conn, code.as_str()).is_ok() {
                continue;
            }
            let content = ProfileContent {
                requirements: take(&mut requirements, code.as_str()),
                activity_roles: take(&mut roles, code.as_str()),
                ..texts
            };
            write::create(conn, &code, content, ProfileStatus::Validated, AUTHOR)?;
            report.job_profiles_created += 1;
        }
        if !report.is_empty() {
            audit::record(conn, who, Change::new(None, "referential", "seed", "import").counts(&report))?;
        }
        Ok(report)
    })
}

/// Removes and returns the list kept for `code` (empty when there is none).
fn take<T>(lists: &mut Vec<(String, Vec<T>)>, code: &str) -> Vec<T> {
    lists.iter().position(|(c, _)| c == code).map(|i| lists.remove(i).1).unwrap_or_default()
}
