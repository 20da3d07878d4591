//! Each override kind on a small scenario: what it changes, and the refusals naming their field.

use gpec_planning::Scenario;
use serde_json::json;

use super::*;

fn scenario() -> Scenario {
    serde_json::from_value(json!({
        "periods": ["2027-01", "2027-02", "2027-03"],
        "hours_per_fte": 100,
        "activities": [{"code": "AL", "minutes_per_item": 60, "backlog_normal_max": 0, "backlog_critical_max": 10},
                       {"code": "ACC", "minutes_per_item": 30, "backlog_normal_max": 0, "backlog_critical_max": 10}],
        "loads": [{"activity": "AL", "period": "2027-01", "volume": 100},
                  {"activity": "AL", "period": "2027-02", "volume": 100},
                  {"activity": "ACC", "period": "2027-02", "volume": 50}],
        "agents": [{"id": "P1", "fte": 1.0, "unavailable_hours": {"2027-01": 100, "2027-02": 20}},
                   {"id": "P2", "fte": 0.5}],
        "pools": {"overtime": {"max_share": 0.1, "cost_per_hour": 30},
                  "temporary_staff": [{"code": "CDD", "cost_per_head_month": 3000, "max_heads": 2, "productivity": 0.6}],
                  "flying_teams": [{"code": "POLE", "cost_per_hour": 5, "hours_per_period": {"2027-02": 40}}]}
    }))
    .unwrap()
}

fn directory() -> Directory {
    let mut d = Directory::default();
    d.units.insert("PROD".into(), vec!["P1".into(), "P2".into()]);
    d.matricules.extend(["P1".to_owned(), "P2".to_owned()]);
    d
}

fn overrides(value: serde_json::Value) -> Overrides {
    serde_json::from_value(value).unwrap()
}

fn volume(s: &Scenario, activity: &str, period: &str) -> f64 {
    s.loads.iter().find(|l| l.activity == activity && l.period == period).map_or(0.0, |l| l.volume)
}

#[test]
fn volumes_are_multiplied_for_the_activity_and_months_named_only() {
    let mut s = scenario();
    let o = overrides(json!({"volumes": [{"activity": "al", "from": "2027-02", "to": "2027-06", "multiplier": 1.2}]}));
    apply(&mut s, &o, &directory()).unwrap();
    assert_eq!((volume(&s, "AL", "2027-01"), volume(&s, "AL", "2027-02")), (100.0, 120.0));
    assert_eq!(volume(&s, "ACC", "2027-02"), 50.0);
}

#[test]
fn pools_change_their_limits_and_costs_or_are_switched_off() {
    let mut s = scenario();
    let o = overrides(json!({"pools": [
        {"pool": "CDD", "max_heads": 5, "cost": 2500},
        {"pool": "POLE", "hours_factor": 2},
        {"pool": "overtime", "off": true}]}));
    apply(&mut s, &o, &directory()).unwrap();
    let cdd = &s.pools.temporary_staff[0];
    assert_eq!((cdd.max_heads, cdd.cost_per_head_month), (5, 2500.0));
    assert_eq!(s.pools.flying_teams[0].hours_per_period["2027-02"], 80.0);
    assert!(s.pools.overtime.is_none());
    let mut s = scenario();
    apply(&mut s, &overrides(json!({"pools": [{"pool": "overtime", "max_share": 0.2, "cost": 25}]})), &directory())
        .unwrap();
    let overtime = s.pools.overtime.unwrap();
    assert_eq!((overtime.max_share, overtime.cost_per_hour), (0.2, 25.0));
}

#[test]
fn a_unit_or_listed_agents_are_made_unavailable_on_top_of_what_is_recorded() {
    let mut s = scenario();
    let o = overrides(json!({"unavailability": [
        {"unit": "PROD", "from": "2027-02", "to": "2027-02", "share": 0.5},
        {"agents": ["P2"], "from": "2027-03", "to": "2027-03"}]}));
    apply(&mut s, &o, &directory()).unwrap();
    // P1: 20 recorded + half of 100; P2 (0.5 ETP): half of 50 in February, all of it in March.
    assert_eq!(s.agents[0].unavailable_hours["2027-02"], 70.0);
    assert_eq!(s.agents[0].unavailable_hours["2027-01"], 100.0, "already wholly away: capped");
    assert_eq!((s.agents[1].unavailable_hours["2027-02"], s.agents[1].unavailable_hours["2027-03"]), (25.0, 50.0));
}

#[test]
fn another_hours_per_fte_keeps_wholly_absent_months_whole() {
    let mut s = scenario();
    apply(&mut s, &overrides(json!({"hours_per_fte": 120})), &directory()).unwrap();
    assert_eq!(s.hours_per_fte, 120.0);
    assert_eq!(s.agents[0].unavailable_hours["2027-01"], 120.0, "a month wholly away stays whole");
    assert_eq!(s.agents[0].unavailable_hours["2027-02"], 20.0, "hours recorded stay hours");
}

#[test]
fn unknown_names_are_refused_with_their_field_and_malformed_values_first() {
    let o = overrides(json!({
        "volumes": [{"activity": "NOPE", "from": "2027-01", "to": "2027-02", "multiplier": 1.1}],
        "pools": [{"pool": "INTERIM"}],
        "unavailability": [{"unit": "NULLE", "agents": ["P1", "X9"], "from": "2027-01", "to": "2027-01"}]}));
    let error = apply(&mut scenario(), &o, &directory()).unwrap_err();
    let fields: Vec<String> = error.details().into_iter().filter_map(|d| d.field).collect();
    assert_eq!(
        fields,
        [
            "overrides.volumes[0].activity",
            "overrides.pools[0].pool",
            "overrides.unavailability[0].unit",
            "overrides.unavailability[0].agents[1]"
        ]
    );
    assert!(matches!(error, ApiError::Unprocessable { .. }));
    let o = overrides(json!({"volumes": [{"activity": "AL", "from": "2027-03", "to": "2027-01", "multiplier": -1}],
                             "pools": [{"pool": "POLE", "max_heads": 3}]}));
    let error = apply(&mut scenario(), &o, &directory()).unwrap_err();
    let fields: Vec<String> = error.details().into_iter().filter_map(|d| d.field).collect();
    assert_eq!(fields, ["overrides.volumes[0].multiplier", "overrides.volumes[0].to", "overrides.pools[0].max_heads"]);
    assert!(matches!(error, ApiError::BadRequest { .. }));
}
