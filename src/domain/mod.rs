//! Domain rules and queries: values parsed at the edge, access rules, and the data they act on.

pub mod access;
pub mod accounts;
pub mod agent_projection;
pub mod agents;
pub mod agents_csv;
pub mod analytics;
pub mod assessments;
pub mod audit;
pub mod bootstrap;
pub mod bounds;
pub mod campus;
pub mod competencies;
pub mod csv_io;
pub mod demo;
pub mod directory;
pub mod forecasting;
pub mod home;
pub mod job_profiles;
pub mod levels;
pub mod organisations;
pub mod paging;
pub mod password;
pub mod planning;
pub mod referential_csv;
pub mod referential_edits;
pub mod report_workbooks;
pub mod sign_in;
pub mod trajectory;
pub mod types;
pub mod users;
pub mod utc;
pub mod web_sessions;
pub mod xlsx;

/// The current time as stored: UTC, to the microsecond (PostgreSQL's precision), so that both
/// backends give back exactly what was written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}
