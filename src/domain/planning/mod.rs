//! Production planning data of each organisation (activities, forecasts, unavailability, pools
//! and penalties), the scenarios built from it, and plans with their durable job queue.

pub mod activities;
pub mod actuals;
pub mod csv;
pub mod forecasts;
pub mod grid;
pub mod overrides;
pub mod plans;
pub mod replan;
pub mod request;
pub mod scenario;
pub mod settings;
pub mod variance;
pub mod writes;

use super::access::Principal;
use crate::db::DbConnection;
use crate::error::ApiError;

/// The organisation a planning request is about: [`organisations::one`].
pub use super::organisations::one as organisation_id;

/// The ETP report of organisation `code` (default: the caller's) over `from..=to`: the
/// scenario built from the stored data, checked, and turned into needed and available ETP.
pub fn etp_report(
    conn: &mut DbConnection,
    who: &Principal,
    code: Option<&str>,
    from: &str,
    to: &str,
    today: chrono::NaiveDate,
) -> Result<gpec_planning::etp::EtpReport, ApiError> {
    let (from, to) = (super::types::Period::parse("from", from)?, super::types::Period::parse("to", to)?);
    let org = organisation_id(conn, who, code)?;
    let built = scenario::build(conn, org, from, to, today)?;
    let prepared = gpec_planning::validate(&built).map_err(scenario::refused)?;
    Ok(gpec_planning::etp::report(&prepared))
}

/// Two plans compared, with what each changed from the stored data (a variant's overrides), so
/// that a variant compared with its base shows its changes beside their effects.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PlanComparison {
    #[serde(flatten)]
    pub comparison: gpec_planning::compare::Comparison,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides_a: Option<overrides::Overrides>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides_b: Option<overrides::Overrides>,
}

/// Plans `a` and `b`, both done and visible to `who`, compared month by month.
pub fn compare_plans(conn: &mut DbConnection, who: &Principal, a: i32, b: i32) -> Result<PlanComparison, ApiError> {
    let (plan_a, plan_b) = (writes::done_plan(conn, who, a)?, writes::done_plan(conn, who, b)?);
    Ok(PlanComparison {
        comparison: gpec_planning::compare::compare(&plan_a, &plan_b),
        overrides_a: plans::get(conn, a)?.overrides,
        overrides_b: plans::get(conn, b)?.overrides,
    })
}
