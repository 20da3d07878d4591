//! One module per screen: each reads its request, calls the domain and renders a template.

pub mod activity;
pub mod agents;
pub mod campus;
pub mod campus_reports;
pub mod campus_sessions;
pub mod dictionary;
pub mod engagements;
pub mod etp;
pub mod forecasts;
pub mod home;
pub mod import;
pub mod loads;
pub mod login;
pub mod mobility;
pub mod needs;
pub mod password;
pub mod plan;
pub mod plan_compare;
pub mod plans;
mod scope;
pub mod sheets;
pub mod team;
pub mod trainer;
pub mod trajectory;
pub mod trajectory_plans;
pub mod trajectory_settings;
pub mod variance;
