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

/// A lot-sizing-like scenario: 36 months, 6 activities served only by 12 temporary-staff pools
/// (432 integer head counts) of uneven productivity. HiGHS finds plans at once (hiring nobody is
/// one) but is still 0.2% from proving the optimum after 4 s of a release build.
pub fn hard_to_prove() -> Value {
    let periods: Vec<String> = (0..36).map(|m| format!("{}-{:02}", 2027 + m / 12, m % 12 + 1)).collect();
    let minutes = [7, 11, 13, 17, 23, 19];
    let activities: Vec<Value> = (0..6)
        .map(|a| {
            json!({"code": format!("A{a}"), "minutes_per_item": minutes[a], "backlog_normal_max": 50 + 90 * a,
                        "backlog_critical_max": 2000, "temp_eligible": true})
        })
        .collect();
    let loads: Vec<Value> = (0..6)
        .flat_map(|a| periods.iter().enumerate().map(move |(t, p)| (a, t, p.clone())))
        .map(|(a, t, p)| json!({"activity": format!("A{a}"), "period": p, "volume": 300 + (a * 7919 + t * 104_729) % 2700}))
        .collect();
    let pools: Vec<Value> = (0..12)
        .map(|k| json!({"code": format!("P{k}"), "cost_per_head_month": 2000.0 + ((k * 3571) % 2000) as f64 + 0.37 * k as f64,
                        "max_heads": 40, "productivity": 0.31 + ((k * 37) % 66) as f64 / 100.0}))
        .collect();
    json!({"periods": periods, "hours_per_fte": 133.9167, "activities": activities, "loads": loads,
        "pools": {"temporary_staff": pools}, "penalties": {"over_normal_per_item": 1.3, "over_critical_per_item": 20}})
}

/// Solves `s` with `seconds` of time, which must end the search before the proof: the plan found
/// is returned as such, with its gap, sound and at its own cost.
pub fn cut_short(s: &Scenario, seconds: f64) {
    let prepared = validate(s).unwrap();
    let plan = solve(&prepared, Options { time_limit: seconds }).expect("a plan is found before the limit");
    assert_eq!(plan.status, Status::TimeLimit);
    assert!(plan.mip_gap > 0.0 && plan.mip_gap <= 1.0, "gap {}", plan.mip_gap);
    let recomputed = check(&prepared, &plan);
    assert!(recomputed.violations.is_empty(), "{:?}", recomputed.violations);
    assert!(close(recomputed.objective, plan.objective), "the stated objective is the plan's own cost");
}
