//! Hand-computed trajectories: the projection's stock-flow arithmetic, and small plans whose
//! optimum is worked out in the comments.

use gpec_trajectory::case::{Case, Job, Organisation, Path, Penalties, Sheet};
use gpec_trajectory::departures::{Person, Reason, default_retirement_ages, per_year};
use gpec_trajectory::project::project;
use gpec_trajectory::result::Flow;
use gpec_trajectory::{Options, SolveError, Status, solve, validate};

fn job(sheet: &str, heads: u32, etp: f64) -> Job {
    Job {
        sheet: sheet.into(),
        heads,
        etp,
        departures: Vec::new(),
        movable: 0,
        exit_rate: 0.0,
        hire_cost: 0.0,
        hire_lead_months: 0,
        hire_cap: None,
        move_out_share: 1.0,
        target: Vec::new(),
        min_etp: Vec::new(),
    }
}

fn case(years: usize, jobs: Vec<Job>) -> Case {
    let sheets = ["GCA", "CSU", "ACCOMPAGNEMENT"].map(|c| Sheet { code: c.into(), label: String::new() }).to_vec();
    Case {
        first_year: 2027,
        years,
        hours_per_etp: 1600.0,
        ramp: vec![1.0, 1.0, 1.0],
        training_cost_per_hour: 50.0,
        penalties: Penalties {
            under_target_per_etp: 100_000.0,
            over_target_per_etp: 30_000.0,
            lost_capacity_per_etp: 50_000.0,
        },
        sheets,
        paths: vec![Path { from: "CSU".into(), to: "ACCOMPAGNEMENT".into(), training_hours: 160.0 }],
        national_training_hours: None,
        organisations: vec![Organisation { code: "CAF-33".into(), training_hours: None, jobs }],
    }
}

fn flow<'a>(flows: &'a [Flow], sheet: &str, year: i32) -> &'a Flow {
    flows.iter().find(|f| f.sheet == sheet && f.year == year).expect("a flow for the sheet and year")
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn the_projection_is_the_stock_flow_arithmetic_of_known_departures_and_exit_rates() {
    let table = default_retirement_ages();
    let person = |birth: (i32, u32), departure| Person { birth: Some(birth), departure };
    // GCA: one retires in 2027 (born 1964-05, 63 years), one in 2029 (1966-01, 63 years 6 months),
    // one leaves by mobility in 2028; seven are young.
    let mut gca =
        vec![person((1964, 5), None), person((1966, 1), None), person((1985, 1), Some(((2028, 3), Reason::Mobility)))];
    gca.extend((0..7).map(|_| person((1990, 6), None)));
    // CSU: one past the legal age already (leaves in the first year), one CDD ending in 2029.
    let mut csu = vec![person((1962, 3), None), person((1995, 1), Some(((2029, 6), Reason::EndOfContract)))];
    csu.extend((0..3).map(|_| person((1988, 1), None)));
    let mut g = job("GCA", 10, 9.0);
    g.departures = per_year(&table, &gca, 2027, 3);
    g.exit_rate = 0.1;
    g.target = vec![Some(8.0), Some(7.0), Some(6.0)];
    let mut c = job("CSU", 5, 5.0);
    c.departures = per_year(&table, &csu, 2027, 3);
    let mut a = job("ACCOMPAGNEMENT", 0, 0.0);
    a.target = vec![Some(2.0); 3];
    assert_eq!(g.departures, vec![1, 1, 1]);
    assert_eq!(c.departures, vec![1, 0, 1]);

    let case = case(3, vec![g, c, a]);
    let projection = project(&validate(&case).unwrap());
    assert_eq!(projection.status, Status::Projection);
    let f = &projection.flows;
    // 2027: 1 known + 10 % of the 7 with no known departure = 1.7 leave; 8.3 heads at 0.9 ETP.
    close(flow(f, "GCA", 2027).departures, 1.7);
    close(flow(f, "GCA", 2027).end, 8.3);
    close(flow(f, "GCA", 2027).end_etp, 7.47);
    close(flow(f, "GCA", 2027).gap.unwrap(), -0.53);
    // 2028: 1 + 0.1 × 6.3 = 1.63 leave, 6.67 stay; 2029: 1 + 0.1 × 5.67 = 1.567, 5.103 stay.
    close(flow(f, "GCA", 2028).start, 8.3);
    close(flow(f, "GCA", 2028).end, 6.67);
    close(flow(f, "GCA", 2029).departures, 1.567);
    close(flow(f, "GCA", 2029).end, 5.103);
    close(flow(f, "GCA", 2029).effective_etp, 4.5927);
    let csu_ends: Vec<f64> = [2027, 2028, 2029].iter().map(|&y| flow(f, "CSU", y).end).collect();
    assert_eq!(csu_ends, vec![4.0, 4.0, 3.0]);
    close(flow(f, "ACCOMPAGNEMENT", 2029).gap.unwrap(), -2.0);
    // Under target: GCA 0.53 + 0.997 + 1.4073, ACCOMPAGNEMENT 2 × 3, at 100,000 an ETP.
    close(projection.costs.under_target, (0.53 + 0.997 + 1.4073 + 6.0) * 100_000.0);
    close(projection.costs.lost_capacity, 0.0);
    for f in f {
        close(f.end, f.start - f.departures + f.hires + f.moves_in - f.moves_out);
    }
}

/// CSU has two agents above its target of 8; ACCOMPAGNEMENT needs 2 and has none. A move costs
/// 160 h × 50 = 8,000 of training and 0.1 ETP of work (5,000); a hire costs 20,000.
fn conversion() -> Case {
    let mut csu = job("CSU", 10, 10.0);
    csu.movable = 10;
    csu.hire_cost = 20_000.0;
    csu.target = vec![Some(8.0)];
    let mut acc = job("ACCOMPAGNEMENT", 0, 0.0);
    acc.hire_cost = 20_000.0;
    acc.target = vec![Some(2.0)];
    case(1, vec![csu, acc])
}

#[test]
fn moving_csu_agents_is_cheaper_than_hiring_while_training_hours_last() {
    let case = conversion();
    let plan = solve(&validate(&case).unwrap(), Options::default()).unwrap();
    assert_eq!(plan.status, Status::Optimal);
    // Two moves: both jobs on target, 2 × 13,000 = 26,000. One move and one hire would cost
    // 63,000 (CSU 1 above target), two hires 100,000.
    assert_eq!(plan.moves.len(), 1);
    assert_eq!((plan.moves[0].heads, plan.moves[0].training_hours), (2.0, 320.0));
    let acc = flow(&plan.flows, "ACCOMPAGNEMENT", 2027);
    assert_eq!((acc.hires, acc.moves_in, acc.end, acc.gap), (0.0, 2.0, 2.0, Some(0.0)));
    // The training takes 320 h of the year's work: 0.2 ETP.
    close(acc.effective_etp, 1.8);
    close(plan.costs.training, 16_000.0);
    close(plan.costs.lost_capacity, 10_000.0);
    close(plan.costs.total, 26_000.0);
    assert_eq!(flow(&plan.flows, "CSU", 2027).moves_out, 2.0);
}

#[test]
fn when_the_training_hours_bind_hires_appear() {
    let mut case = conversion();
    case.organisations[0].training_hours = Some(vec![160.0]);
    let plan = solve(&validate(&case).unwrap(), Options::default()).unwrap();
    // One move (the 160 h) and one hire: CSU 1 above target (30,000), 13,000 + 20,000: 63,000.
    // Without the hire: 143,000; with two: 113,000.
    let acc = flow(&plan.flows, "ACCOMPAGNEMENT", 2027);
    assert_eq!((acc.moves_in, acc.hires), (1.0, 1.0));
    close(acc.effective_etp, 1.9);
    close(plan.costs.hiring, 20_000.0);
    close(plan.costs.over_target, 30_000.0);
    close(plan.costs.total, 63_000.0);
}

/// ACCOMPAGNEMENT alone over two years, a hire at 1,000, ramp 50 % the first year, a lost ETP
/// of work at 2,000.
fn ramping(lead_months: u32) -> Case {
    let mut acc = job("ACCOMPAGNEMENT", 0, 0.0);
    acc.hire_cost = 1_000.0;
    acc.hire_lead_months = lead_months;
    let mut case = case(2, vec![acc]);
    case.ramp = vec![0.5, 1.0, 1.0];
    case.penalties.over_target_per_etp = 1_000.0;
    case.penalties.lost_capacity_per_etp = 2_000.0;
    case
}

#[test]
fn ramp_up_delays_full_etp_and_lead_time_delays_arrivals() {
    // 1 ETP at work each year: two hires in 2027 give 1 ETP that year (half each) and 2 in 2028.
    // 2,000 of hiring and 1 ETP of work lost (2,000).
    let mut case = ramping(0);
    case.organisations[0].jobs[0].min_etp = vec![Some(1.0), Some(1.0)];
    let plan = solve(&validate(&case).unwrap(), Options::default()).unwrap();
    let (y1, y2) = (flow(&plan.flows, "ACCOMPAGNEMENT", 2027), flow(&plan.flows, "ACCOMPAGNEMENT", 2028));
    assert_eq!((y1.hires, y1.end, y2.hires, y2.end), (2.0, 2.0, 0.0, 2.0));
    close(y1.effective_etp, 1.0);
    close(y2.effective_etp, 2.0);
    close(plan.costs.lost_capacity, 2_000.0);
    close(plan.costs.total, 4_000.0);

    // A target of 1 ETP with twelve months of lead time: nobody arrives in 2027 (1 ETP missing,
    // 100,000); one hire in 2028 (1,000, and half a year's ETP of work, 1,000).
    let mut late = ramping(12);
    late.organisations[0].jobs[0].target = vec![Some(1.0), Some(1.0)];
    let plan = solve(&validate(&late).unwrap(), Options::default()).unwrap();
    let (y1, y2) = (flow(&plan.flows, "ACCOMPAGNEMENT", 2027), flow(&plan.flows, "ACCOMPAGNEMENT", 2028));
    assert_eq!((y1.hires, y2.hires), (0.0, 1.0));
    close(y2.effective_etp, 0.5);
    close(plan.costs.under_target, 100_000.0);
    close(plan.costs.total, 102_000.0);
}

#[test]
fn a_minimum_no_plan_reaches_is_named_with_what_the_limits_allow() {
    let mut case = conversion();
    case.organisations[0].training_hours = Some(vec![160.0]);
    case.organisations[0].jobs[1].hire_cap = Some(1);
    case.organisations[0].jobs[1].min_etp = vec![Some(3.0)];
    // At most one hire and one move: 1 + 0.9 = 1.9 ETP.
    match solve(&validate(&case).unwrap(), Options::default()) {
        Err(SolveError::Infeasible(shortfalls)) => {
            assert_eq!(shortfalls.len(), 1);
            let s = &shortfalls[0];
            assert_eq!((s.organisation.as_str(), s.sheet.as_str(), s.year), ("CAF-33", "ACCOMPAGNEMENT", 2027));
            close(s.min_etp, 3.0);
            close(s.reachable_etp, 1.9);
        }
        other => panic!("expected an infeasible answer, got {other:?}"),
    }
}

#[test]
fn every_bad_field_is_named() {
    let mut case = conversion();
    case.years = 6;
    case.ramp = vec![0.5, 1.2];
    case.paths.push(Path { from: "CSU".into(), to: "NOPE".into(), training_hours: -1.0 });
    let j = &mut case.organisations[0].jobs[0];
    j.etp = 11.0;
    j.departures = vec![4, 4, 4];
    j.exit_rate = 1.0;
    j.target = vec![Some(-1.0)];
    let fields: Vec<String> = validate(&case).unwrap_err().into_iter().map(|e| e.field).collect();
    for expected in [
        "years",
        "ramp",
        "ramp[1]",
        "paths[1].to",
        "paths[1].training_hours",
        "organisations[0].jobs[0].etp",
        "organisations[0].jobs[0].departures",
        "organisations[0].jobs[0].exit_rate",
    ] {
        assert!(fields.iter().any(|f| f == expected), "{expected} not in {fields:?}");
    }
}

#[test]
fn a_case_with_nothing_to_decide_is_its_projection() {
    let mut case = case(2, vec![job("GCA", 3, 3.0)]);
    case.paths.clear();
    case.organisations[0].jobs[0].hire_lead_months = 36;
    let plan = solve(&validate(&case).unwrap(), Options::default()).unwrap();
    assert_eq!(plan.status, Status::Optimal);
    assert_eq!(plan.flows.iter().map(|f| f.end).collect::<Vec<_>>(), vec![3.0, 3.0]);
    case.organisations[0].jobs.clear();
    let empty = solve(&validate(&case).unwrap(), Options::default()).unwrap();
    assert!(empty.flows.is_empty() && empty.costs.total == 0.0);
}
