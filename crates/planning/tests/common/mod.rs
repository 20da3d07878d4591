//! Helpers shared by the model's test files.
#![allow(dead_code)]

use gpec_planning::breakdown::CostKind;
use gpec_planning::result::Plan;
use gpec_planning::{Options, Scenario, Status, check, solve, validate};
use serde_json::{Value, json};

pub fn scenario(value: Value) -> Scenario {
    serde_json::from_value(value).expect("a well-formed scenario")
}

pub fn solved(s: &Scenario) -> Plan {
    let prepared = validate(s).expect("valid");
    let plan = solve(&prepared, Options::default()).expect("solved");
    assert_eq!(plan.status, Status::Optimal);
    let recomputed = check(&prepared, &plan);
    assert!(recomputed.violations.is_empty(), "{:?}", recomputed.violations);
    assert!((recomputed.objective - plan.objective).abs() < 1e-6, "{} vs {}", recomputed.objective, plan.objective);
    let parts = gpec_planning::breakdown::total(&plan.objective_breakdown);
    assert!((parts - plan.objective).abs() < 1e-6, "the breakdown adds up to {parts}, not {}", plan.objective);
    plan
}

/// The part `kind` (of `pool`) of the plan's objective: its total and its months in order, to
/// nine decimals (a solver's arithmetic leaves noise around 1e-14 that the hand-computed figures
/// the tests compare with do not have).
pub fn part(plan: &Plan, kind: CostKind, pool: Option<&str>) -> (f64, Vec<f64>) {
    let part = plan.objective_breakdown.iter().find(|p| p.kind == kind && p.pool.as_deref() == pool).unwrap();
    (nine(part.total), part.by_period.values().map(|&v| nine(v)).collect())
}

/// `v` to nine decimals.
pub fn nine(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

pub fn backlog(plan: &Plan, activity: &str, period: &str) -> f64 {
    plan.activities.iter().find(|a| a.activity == activity && a.period == period).unwrap().backlog
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// One activity of one-hour items (so hours and items are the same number), thresholds at 0
/// and 1000 so that every item left over costs 1.
pub fn one_activity(extra: Value) -> Value {
    let mut base = json!({
        "periods": ["2027-01", "2027-02", "2027-03"],
        "hours_per_fte": 100,
        "activities": [{"code": "AL", "minutes_per_item": 60, "initial_backlog": 10,
                        "backlog_normal_max": 0, "backlog_critical_max": 1000}],
        "loads": [{"activity": "AL", "period": "2027-01", "volume": 150},
                  {"activity": "AL", "period": "2027-02", "volume": 50},
                  {"activity": "AL", "period": "2027-03", "volume": 120}],
        "agents": [{"id": "A1", "fte": 1.0}]
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}
