//! The planning model on scenarios small enough to solve by hand, every validation refusal,
//! determinism, and a property check over many random scenarios.

use gpec_planning::breakdown::CostKind;
use gpec_planning::result::{Alert, Binding, Plan};
use gpec_planning::{Options, Scenario, Status, check, generate, solve, validate};
use serde_json::json;

mod common;
use common::{backlog, close, cut_short, hard_to_prove, one_activity, part, scenario, solved};

#[test]
fn the_backlog_flows_from_month_to_month() {
    let plan = solved(&scenario(one_activity(json!({}))));
    // 100 items a month: 10 + 150 - 100 = 60, 60 + 50 - 100 = 10, 10 + 120 - 100 = 30.
    let b: Vec<f64> = ["2027-01", "2027-02", "2027-03"].iter().map(|p| backlog(&plan, "AL", p)).collect();
    assert!(close(b[0], 60.0) && close(b[1], 10.0) && close(b[2], 30.0), "{b:?}");
    assert!(close(plan.objective, 100.0));
    let first = &plan.activities[0];
    assert!(close(first.processed, 100.0) && close(first.need_fte, 1.5) && close(first.allocated_fte, 1.0));
    assert_eq!(plan.periods[0].delta_fte, 1.0 - 1.5);
    // January ends tendue: the one agent works all their hours, which cannot clear 160 items.
    assert_eq!(
        first.binding,
        [
            Binding::AgentsCapacityExhausted,
            Binding::TooFewQualifiedAgents { qualified_hours: 100.0, hours_to_clear: 160.0 }
        ]
    );
    assert_eq!(first.extra_hours_to_tendue, None);
}

#[test]
fn overtime_is_used_only_when_cheaper_than_the_backlog_penalty() {
    let cheap = json!({"pools": {"overtime": {"max_share": 0.1, "cost_per_hour": 0.5}}});
    let plan = solved(&scenario(one_activity(cheap)));
    // Up to 10 h of overtime a month at 0.5 each, each hour saving at least one item-month at 1.
    // January: 10 h (10 + 150 - 110 = 50); February needs none (50 + 50 - 100 = 0); March: 10 h
    // (0 + 120 - 110 = 10). Cost 20 × 0.5, penalties 50 + 0 + 10.
    let b: Vec<f64> = ["2027-01", "2027-02", "2027-03"].iter().map(|p| backlog(&plan, "AL", p)).collect();
    assert!(close(b[0], 50.0) && close(b[1], 0.0) && close(b[2], 10.0), "{b:?}");
    assert!(close(plan.periods[0].overtime_hours, 10.0) && close(plan.periods[2].overtime_hours, 10.0));
    assert!(close(plan.objective, 20.0 * 0.5 + 60.0));
    assert_eq!(part(&plan, CostKind::Overtime, None), (10.0, vec![5.0, 0.0, 5.0]));
    assert_eq!(part(&plan, CostKind::BacklogOverNormal, None), (60.0, vec![50.0, 0.0, 10.0]));
    assert_eq!(part(&plan, CostKind::BacklogOverCritical, None), (0.0, vec![0.0, 0.0, 0.0]));

    // An item left over is paid for every month it stays, so an hour in January can save up to
    // three item-months: at 5 an hour, overtime never pays.
    let dear = json!({"pools": {"overtime": {"max_share": 0.1, "cost_per_hour": 5.0}}});
    let plan = solved(&scenario(one_activity(dear)));
    assert!(plan.periods.iter().all(|p| p.overtime_hours == 0.0), "dearer than the penalty: none");
    assert!(
        plan.activities[0].binding.contains(&Binding::ReinforcementDearerThanBacklog),
        "{:?}",
        plan.activities[0].binding
    );
    assert!(close(plan.objective, 100.0));
}

#[test]
fn temporary_staff_heads_are_whole_numbers() {
    // 150 items over both thresholds cost 21 each; a head gives 100 h for 1500. One head saves
    // 2100; a second would save only 50 × 21 = 1050: one head (a relaxation would hire 1.5).
    let s = json!({
        "periods": ["2027-09"], "hours_per_fte": 100,
        "activities": [{"code": "AL", "minutes_per_item": 60, "backlog_normal_max": 0,
                        "backlog_critical_max": 0, "temp_eligible": true}],
        "loads": [{"activity": "AL", "period": "2027-09", "volume": 150}],
        "pools": {"temporary_staff": [{"code": "CDD", "cost_per_head_month": 1500, "max_heads": 5, "productivity": 1.0}]}
    });
    let plan = solved(&scenario(s));
    let cdd = plan.pools.iter().find(|p| p.pool == "CDD").unwrap();
    assert_eq!(cdd.heads, Some(1));
    let row = &plan.activities[0];
    assert!(
        row.binding.contains(&Binding::ReinforcementDearerThanBacklog),
        "a second head was left: {:?}",
        row.binding
    );
    assert_eq!(row.extra_hours_to_tendue, Some(50.0));
    assert!(close(cdd.hours, 100.0));
    assert!(close(plan.objective, 1500.0 + 50.0 * 21.0));
    assert_eq!(part(&plan, CostKind::TemporaryStaff, Some("CDD")), (1500.0, vec![1500.0]));
    assert_eq!(part(&plan, CostKind::BacklogOverNormal, None).0, 50.0);
    assert_eq!(part(&plan, CostKind::BacklogOverCritical, None).0, 50.0 * 20.0);
}

#[test]
fn a_flying_team_works_only_on_its_activities() {
    let s = json!({
        "periods": ["2027-09"], "hours_per_fte": 100,
        "activities": [
            {"code": "X", "minutes_per_item": 60, "backlog_normal_max": 0, "backlog_critical_max": 1000},
            {"code": "Y", "minutes_per_item": 60, "backlog_normal_max": 0, "backlog_critical_max": 1000}],
        "loads": [{"activity": "X", "period": "2027-09", "volume": 50}, {"activity": "Y", "period": "2027-09", "volume": 50}],
        "pools": {"flying_teams": [{"code": "POLE-APPUI", "cost_per_hour": 0, "activities": ["X"],
                                    "hours_per_period": {"2027-09": 100}}]}
    });
    let plan = solved(&scenario(s));
    let team = plan.pools.iter().find(|p| p.pool == "POLE-APPUI").unwrap();
    assert_eq!(team.hours_by_activity.keys().collect::<Vec<_>>(), ["X"]);
    assert!(close(backlog(&plan, "X", "2027-09"), 0.0) && close(backlog(&plan, "Y", "2027-09"), 50.0));
    assert!(close(plan.objective, 50.0));
}

#[test]
fn a_missing_competency_level_excludes_an_agent() {
    let s = json!({
        "periods": ["2027-01"], "hours_per_fte": 100,
        "activities": [{"code": "AL", "minutes_per_item": 60, "backlog_normal_max": 0, "backlog_critical_max": 1000,
                        "requirements": [{"competency": "connaissance-prestations", "min_level": 2}]}],
        "loads": [{"activity": "AL", "period": "2027-01", "volume": 300}],
        "agents": [{"id": "QUALIFIED", "fte": 1, "levels": {"connaissance-prestations": 2}},
                   {"id": "TOO-LOW", "fte": 1, "levels": {"connaissance-prestations": 1}},
                   {"id": "NONE", "fte": 1}]
    });
    let plan = solved(&scenario(s));
    let hours = |id: &str| plan.agents.iter().find(|a| a.agent == id).unwrap().hours.values().sum::<f64>();
    assert!(close(hours("QUALIFIED"), 100.0));
    assert_eq!((hours("TOO-LOW"), hours("NONE")), (0.0, 0.0));
    assert!(close(backlog(&plan, "AL", "2027-01"), 200.0));
    assert!(close(plan.periods[0].available_fte, 3.0), "available ETP counts every agent");
}

#[test]
fn unavailable_hours_reduce_capacity() {
    let s = one_activity(json!({"agents": [{"id": "A1", "fte": 0.8, "unavailable_hours": {"2027-02": 50}}]}));
    let plan = solved(&scenario(s));
    // 80 h in January and March, 30 h in February: 10+150-80 = 80, 80+50-30 = 100, 100+120-80 = 140.
    let b: Vec<f64> = ["2027-01", "2027-02", "2027-03"].iter().map(|p| backlog(&plan, "AL", p)).collect();
    assert!(close(b[0], 80.0) && close(b[1], 100.0) && close(b[2], 140.0), "{b:?}");
    assert!(close(plan.periods[1].available_fte, 0.3));
}

#[test]
fn thresholds_give_the_alert() {
    let act = |code: &str, initial: f64| json!({"code": code, "minutes_per_item": 60, "initial_backlog": initial, "backlog_normal_max": 10, "backlog_critical_max": 20});
    let s = json!({"periods": ["2027-01"], "activities": [act("N", 10.0), act("T", 15.0), act("C", 25.0)]});
    let plan = solved(&scenario(s));
    let alerts: Vec<Alert> = plan.activities.iter().map(|a| a.alert).collect();
    assert_eq!(alerts, [Alert::Normale, Alert::Tendue, Alert::Critique]);
    // No agent at all: 5 items (of one hour) above the critical threshold.
    assert_eq!(plan.activities[2].extra_hours_to_tendue, Some(5.0));
    assert!(plan.activities[0].binding.is_empty(), "nothing binds when the backlog is normal");
    assert_eq!(
        plan.activities[2].binding,
        [Binding::TooFewQualifiedAgents { qualified_hours: 0.0, hours_to_clear: 25.0 }]
    );
    assert!(close(plan.objective, (5.0) + (15.0 + 5.0 * 20.0)));
}

#[test]
fn every_refusal_names_its_field() {
    let bad = json!({
        "periods": ["2027-01", "2027-03"],
        "activities": [
            {"code": "AL", "minutes_per_item": 25, "backlog_normal_max": 2000, "backlog_critical_max": 1000,
             "requirements": [{"competency": "c", "min_level": 5}]},
            {"code": "AL", "minutes_per_item": 10, "backlog_normal_max": 0, "backlog_critical_max": 0}],
        "loads": [{"activity": "RSA", "period": "2027-01", "volume": 10},
                  {"activity": "AL", "period": "2026-12", "volume": -5}],
        "agents": [{"id": "A1", "fte": 1.2}, {"id": "A1", "fte": 1}],
        "pools": {"temporary_staff": [{"code": "CDD", "cost_per_head_month": -1, "max_heads": 2, "productivity": 0.5}]}
    });
    let errors = validate(&scenario(bad)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for expected in [
        "periods[1]",
        "activities[0].backlog_critical_max",
        "activities[0].requirements[0].min_level",
        "activities[1].code",
        "loads[0].activity",
        "loads[1].period",
        "loads[1].volume",
        "agents[0].fte",
        "agents[1].id",
        "pools.temporary_staff[0].cost_per_head_month",
    ] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    let unknown = serde_json::from_value::<Scenario>(json!({"periods": ["2027-01"], "activities": [], "horizon": 3}));
    assert!(unknown.unwrap_err().to_string().contains("unknown field `horizon`"));
}

#[test]
fn the_same_input_gives_the_same_plan() {
    let s = generate::scenario(60, 6, 4, 11);
    let prepared = validate(&s).unwrap();
    let strip = |mut p: Plan| {
        p.stats.build_ms = 0.0;
        p.stats.solve_ms = 0.0;
        serde_json::to_string(&p).unwrap()
    };
    let first = strip(solve(&prepared, Options::default()).unwrap());
    let second = strip(solve(&prepared, Options::default()).unwrap());
    assert_eq!(first, second);
}

#[test]
fn random_plans_pass_the_checker_with_the_objective_they_report() {
    for seed in 1..=25 {
        let s = generate::scenario(30, 5, 3, seed);
        let prepared = validate(&s).unwrap();
        let plan = solve(&prepared, Options::default()).unwrap();
        assert_eq!(plan.status, Status::Optimal, "seed {seed}");
        let recomputed = check(&prepared, &plan);
        assert!(recomputed.violations.is_empty(), "seed {seed}: {:?}", recomputed.violations);
        let tolerance = 1e-6 * plan.objective.abs().max(1.0);
        assert!(
            (recomputed.objective - plan.objective).abs() <= tolerance,
            "seed {seed}: {} vs {}",
            recomputed.objective,
            plan.objective
        );
        // And the checker does catch a plan that cheats.
        let mut forged = plan.clone();
        if let Some(row) = forged.agents.iter_mut().find(|r| !r.hours.is_empty()) {
            let first = row.hours.keys().next().unwrap().clone();
            *row.hours.get_mut(&first).unwrap() += 1000.0;
            assert!(!check(&prepared, &forged).violations.is_empty(), "seed {seed}: forged hours pass");
        }
        // And a breakdown that does not add up to the plan's costs.
        let mut forged = plan.clone();
        forged.objective_breakdown[0].total += 100.0;
        let caught = check(&prepared, &forged).violations;
        assert!(caught.iter().any(|v| v.constraint == "objective_breakdown"), "seed {seed}: {caught:?}");
    }
}

#[test]
fn campus_hours_take_capacity_and_are_reported_apart() {
    let s = one_activity(json!({"agents": [{"id": "A1", "fte": 0.8,
        "unavailable_hours": {"2027-02": 50}, "campus_hours": {"2027-02": 20}}]}));
    let s = scenario(s);
    let plan = solved(&s);
    let feb = plan.agents.iter().find(|a| a.period == "2027-02").unwrap();
    assert!(close(feb.unavailable_hours, 50.0) && close(feb.campus_hours, 20.0));
    // 80 h in January, 80 - 50 - 20 = 10 h in February: backlog 10+150-80 = 80, then 80+50-10 = 120.
    assert!(close(backlog(&plan, "AL", "2027-02"), 120.0));
    let prepared = validate(&s).unwrap();
    assert!(close(prepared.cap[0][1], 0.8 * s.hours_per_fte - 70.0));
}

#[test]
fn a_search_cut_short_by_the_time_limit_is_never_reported_optimal() {
    // 15,000 agents take HiGHS far more than a millisecond to presolve alone: the limit ends the
    // search first, with the best plan found (which must still be a valid plan) or none.
    let s = generate::scenario(15_000, 30, 12, 3);
    let prepared = validate(&s).unwrap();
    match solve(&prepared, Options { time_limit: 0.001 }) {
        Ok(plan) => {
            assert_eq!(plan.status, Status::TimeLimit);
            assert!(plan.mip_gap >= 0.0);
            assert!(check(&prepared, &plan).violations.is_empty(), "the best plan found is still a plan");
        }
        Err(e) => assert!(matches!(e, gpec_planning::SolveError::NoPlanInTime), "{e}"),
    }
}

#[test]
fn the_time_limit_returns_the_best_plan_found_with_its_gap() {
    cut_short(&scenario(hard_to_prove()), 0.5);
}

#[test]
fn a_comparison_shows_each_part_of_the_objective_in_both_plans() {
    let cheap =
        solved(&scenario(one_activity(json!({"pools": {"overtime": {"max_share": 0.1, "cost_per_hour": 0.5}}}))));
    let without = solved(&scenario(one_activity(json!({}))));
    let comparison = gpec_planning::compare::compare(&cheap, &without);
    let overtime = comparison.objective_breakdown.iter().find(|p| p.kind == CostKind::Overtime).unwrap();
    assert_eq!((overtime.total.a, overtime.total.b), (Some(10.0), None), "the second plan has no overtime pool");
    let normal = comparison.objective_breakdown.iter().find(|p| p.kind == CostKind::BacklogOverNormal).unwrap();
    let totals = [normal.total.a, normal.total.b, normal.total.delta].map(|v| v.map(common::nine));
    assert_eq!(totals, [Some(60.0), Some(100.0), Some(40.0)]);
    assert!(close(normal.by_period["2027-01"].delta.unwrap(), 60.0 - 50.0));
}
