//! Checks a scenario against every rule of the model, naming the field of each problem, and
//! derives what the model and the checker share: volumes, capacities, qualifications.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::scenario::Scenario;

/// One refusal: the field (a JSON path such as `loads[3].activity`) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A scenario that passed validation, with its derived data, indexed by position.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub scenario: &'a Scenario,
    /// `volume[a][t]`.
    pub volume: Vec<Vec<f64>>,
    /// `cap[i][t]`: `max(0, fte * hours_per_fte - unavailable)`.
    pub cap: Vec<Vec<f64>>,
    /// The activities each agent is qualified for.
    pub qualified: Vec<Vec<usize>>,
    /// The activities each flying team may work on.
    pub flying_activities: Vec<Vec<usize>>,
    /// `flying_hours[f][t]`.
    pub flying_hours: Vec<Vec<f64>>,
    /// `minutes[a][t]`: the standard time of the month (version 2's `minutes_per_item_by_period`).
    pub minutes: Vec<Vec<f64>>,
    /// `prod[i][t]`: the agent's productivity in the month.
    pub prod: Vec<Vec<f64>>,
    /// Each agent's home activities, sorted; `None` when the agent has none.
    pub home: Vec<Option<Vec<usize>>>,
    /// The activities each hire pool's recruits may work on.
    pub hire_activities: Vec<Vec<usize>>,
}

impl Prepared<'_> {
    pub fn periods(&self) -> usize {
        self.scenario.periods.len()
    }

    /// Items of activity `a` processed per effective hour in period `t`.
    pub fn rate(&self, a: usize, t: usize) -> f64 {
        60.0 / self.minutes[a][t]
    }

    /// Whether agent `i` works outside their home activities on `a`, under a mobility limit: only
    /// then do their hours on `a` count against `internal_mobility.max_share`.
    pub fn outside_home(&self, i: usize, a: usize) -> bool {
        self.scenario.pools.internal_mobility.is_some() && self.home[i].as_ref().is_some_and(|h| !h.contains(&a))
    }

    /// Share of a recruit's full-time hours in their `d`-th month (0 for the arrival month).
    pub fn ramp(&self, k: usize, d: usize) -> f64 {
        self.scenario.pools.hires[k].ramp.get(d).copied().unwrap_or(1.0)
    }
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    fn non_negative(&mut self, field: impl Into<String>, value: f64) {
        if !(value.is_finite() && value >= 0.0) {
            self.push(field, format!("must be a non-negative number, got {value}"));
        }
    }

    fn positive(&mut self, field: impl Into<String>, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            self.push(field, format!("must be a positive number, got {value}"));
        }
    }

    /// A value in `(low, high]`.
    fn within(&mut self, field: impl Into<String>, value: f64, low: f64, high: f64) {
        if !(value > low && value <= high) {
            self.push(field, format!("must be in ({low}, {high}], got {value}"));
        }
    }

    /// A row of values by period, from a map keyed by period: `default` where it names none.
    fn by_period(
        &mut self,
        field: &str,
        map: &BTreeMap<String, f64>,
        period: &HashMap<&str, usize>,
        default: f64,
        periods: usize,
        mut check: impl FnMut(&mut Self, String, f64),
    ) -> Vec<f64> {
        let mut row = vec![default; periods];
        for (p, &value) in map {
            let name = format!("{field}.{p}");
            match period.get(p.as_str()) {
                Some(&t) => row[t] = value,
                None => self.push(name.clone(), format!("unknown period {p}")),
            }
            check(self, name, value);
        }
        row
    }

    /// Positions of `codes` among the activities, each unknown one refused.
    fn activities(&mut self, field: &str, codes: &[String], activity: &HashMap<&str, usize>) -> Vec<usize> {
        let mut found: Vec<usize> = codes
            .iter()
            .enumerate()
            .filter_map(|(j, code)| {
                let a = activity.get(code.as_str()).copied();
                if a.is_none() {
                    self.push(format!("{field}[{j}]"), format!("unknown activity {code}"));
                }
                a
            })
            .collect();
        if codes.is_empty() {
            self.push(field, "must name at least one activity");
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Month number of `YYYY-MM`, if it is one.
fn month(text: &str) -> Option<i64> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let (year, month): (i64, i64) = (year.parse().ok()?, month.parse().ok()?);
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

pub fn validate(s: &Scenario) -> Result<Prepared<'_>, Vec<FieldError>> {
    let mut e = Errors(Vec::new());
    if s.periods.is_empty() || s.periods.len() > 36 {
        e.push("periods", format!("must hold 1 to 36 months, got {}", s.periods.len()));
    }
    let mut previous = None;
    for (t, p) in s.periods.iter().enumerate() {
        match month(p) {
            None => e.push(format!("periods[{t}]"), format!("{p:?} is not a month YYYY-MM")),
            Some(m) => {
                if previous.is_some_and(|prev| m != prev + 1) {
                    e.push(
                        format!("periods[{t}]"),
                        format!("{p} does not follow the previous period: periods must be consecutive"),
                    );
                }
                previous = Some(m);
            }
        }
    }
    let period: HashMap<&str, usize> = s.periods.iter().enumerate().map(|(t, p)| (p.as_str(), t)).collect();
    if !(s.hours_per_fte.is_finite() && s.hours_per_fte > 0.0) {
        e.push("hours_per_fte", "must be a positive number");
    }

    let mut activity = HashMap::new();
    let mut minutes = Vec::with_capacity(s.activities.len());
    for (a, act) in s.activities.iter().enumerate() {
        let f = |name: &str| format!("activities[{a}].{name}");
        if activity.insert(act.code.as_str(), a).is_some() {
            e.push(f("code"), format!("duplicate activity code {}", act.code));
        }
        if !(act.minutes_per_item.is_finite() && act.minutes_per_item > 0.0) {
            e.push(f("minutes_per_item"), "must be a positive number");
        }
        e.non_negative(f("initial_backlog"), act.initial_backlog);
        e.non_negative(f("backlog_normal_max"), act.backlog_normal_max);
        e.non_negative(f("backlog_critical_max"), act.backlog_critical_max);
        if act.backlog_critical_max < act.backlog_normal_max {
            e.push(f("backlog_critical_max"), "must not be below backlog_normal_max");
        }
        for (r, req) in act.requirements.iter().enumerate() {
            if !(1..=4).contains(&req.min_level) {
                e.push(
                    format!("activities[{a}].requirements[{r}].min_level"),
                    format!("must be 1 to 4, got {}", req.min_level),
                );
            }
        }
        e.positive(f("priority"), act.priority);
        e.non_negative(f("min_fte"), act.min_fte);
        minutes.push(e.by_period(
            &f("minutes_per_item_by_period"),
            &act.minutes_per_item_by_period,
            &period,
            act.minutes_per_item,
            s.periods.len(),
            |e, name, value| e.positive(name, value),
        ));
    }

    let mut volume = vec![vec![0.0; s.periods.len()]; s.activities.len()];
    let mut seen_loads = HashSet::new();
    for (l, load) in s.loads.iter().enumerate() {
        let (a, t) = (activity.get(load.activity.as_str()), period.get(load.period.as_str()));
        if a.is_none() {
            e.push(format!("loads[{l}].activity"), format!("unknown activity {}", load.activity));
        }
        if t.is_none() {
            e.push(format!("loads[{l}].period"), format!("unknown period {}", load.period));
        }
        e.non_negative(format!("loads[{l}].volume"), load.volume);
        if let (Some(&a), Some(&t)) = (a, t) {
            if !seen_loads.insert((a, t)) {
                e.push(format!("loads[{l}]"), format!("a second load for {} in {}", load.activity, load.period));
            }
            volume[a][t] = load.volume;
        }
    }

    let mut ids = HashSet::new();
    let mut cap = Vec::with_capacity(s.agents.len());
    let mut qualified = Vec::with_capacity(s.agents.len());
    let mut prod = Vec::with_capacity(s.agents.len());
    let mut home = Vec::with_capacity(s.agents.len());
    for (i, agent) in s.agents.iter().enumerate() {
        let f = |name: &str| format!("agents[{i}].{name}");
        if !ids.insert(agent.id.as_str()) {
            e.push(f("id"), format!("duplicate agent id {}", agent.id));
        }
        if !(agent.fte > 0.0 && agent.fte <= 1.0) {
            e.push(f("fte"), format!("must be in (0, 1], got {}", agent.fte));
        }
        for (c, level) in &agent.levels {
            if !(0..=4).contains(level) {
                e.push(format!("agents[{i}].levels.{c}"), format!("must be 0 to 4, got {level}"));
            }
        }
        let mut row = vec![agent.fte * s.hours_per_fte; s.periods.len()];
        for (name, away) in [("unavailable_hours", &agent.unavailable_hours), ("campus_hours", &agent.campus_hours)] {
            for (p, hours) in away {
                e.non_negative(format!("agents[{i}].{name}.{p}"), *hours);
                match period.get(p.as_str()) {
                    Some(&t) => row[t] = (row[t] - hours).max(0.0),
                    None => e.push(format!("agents[{i}].{name}.{p}"), format!("unknown period {p}")),
                }
            }
        }
        cap.push(row);
        e.within(f("productivity"), agent.productivity, 0.0, 2.0);
        prod.push(e.by_period(
            &f("productivity_by_period"),
            &agent.productivity_by_period,
            &period,
            agent.productivity,
            s.periods.len(),
            |e, name, value| e.within(name, value, 0.0, 2.0),
        ));
        home.push(agent.home_activities.as_ref().map(|codes| e.activities(&f("home_activities"), codes, &activity)));
        let level = |c: &str| agent.levels.get(c).copied().unwrap_or(0);
        qualified.push(
            s.activities
                .iter()
                .enumerate()
                .filter(|(_, act)| act.requirements.iter().all(|r| level(&r.competency) >= r.min_level))
                .map(|(a, _)| a)
                .collect(),
        );
    }

    if let Some(ot) = &s.pools.overtime {
        e.non_negative("pools.overtime.max_share", ot.max_share);
        e.non_negative("pools.overtime.cost_per_hour", ot.cost_per_hour);
    }
    let mut pool_codes = HashSet::new();
    for (p, pool) in s.pools.temporary_staff.iter().enumerate() {
        let f = |name: &str| format!("pools.temporary_staff[{p}].{name}");
        if !pool_codes.insert(pool.code.as_str()) {
            e.push(f("code"), format!("duplicate pool code {}", pool.code));
        }
        e.non_negative(f("cost_per_head_month"), pool.cost_per_head_month);
        if pool.max_heads < 0 {
            e.push(f("max_heads"), format!("must not be negative, got {}", pool.max_heads));
        }
        if !(pool.productivity > 0.0 && pool.productivity <= 1.0) {
            e.push(f("productivity"), format!("must be in (0, 1], got {}", pool.productivity));
        }
    }
    let mut flying_activities = Vec::new();
    let mut flying_hours = Vec::new();
    for (k, team) in s.pools.flying_teams.iter().enumerate() {
        let f = |name: &str| format!("pools.flying_teams[{k}].{name}");
        if !pool_codes.insert(team.code.as_str()) {
            e.push(f("code"), format!("duplicate pool code {}", team.code));
        }
        e.non_negative(f("cost_per_hour"), team.cost_per_hour);
        let acts = match &team.activities {
            None => (0..s.activities.len()).collect(),
            Some(list) => list
                .iter()
                .enumerate()
                .filter_map(|(j, code)| {
                    let found = activity.get(code.as_str()).copied();
                    if found.is_none() {
                        e.push(format!("pools.flying_teams[{k}].activities[{j}]"), format!("unknown activity {code}"));
                    }
                    found
                })
                .collect(),
        };
        flying_activities.push(acts);
        let mut hours = vec![0.0; s.periods.len()];
        for (p, h) in &team.hours_per_period {
            e.non_negative(format!("pools.flying_teams[{k}].hours_per_period.{p}"), *h);
            match period.get(p.as_str()) {
                Some(&t) => hours[t] = *h,
                None => e.push(format!("pools.flying_teams[{k}].hours_per_period.{p}"), format!("unknown period {p}")),
            }
        }
        flying_hours.push(hours);
    }
    if let Some(mobility) = &s.pools.internal_mobility
        && !(0.0..=1.0).contains(&mobility.max_share)
    {
        e.push("pools.internal_mobility.max_share", format!("must be 0 to 1, got {}", mobility.max_share));
    }
    let mut hire_activities = Vec::new();
    for (k, pool) in s.pools.hires.iter().enumerate() {
        let f = |name: &str| format!("pools.hires[{k}].{name}");
        if !pool_codes.insert(pool.code.as_str()) {
            e.push(f("code"), format!("duplicate pool code {}", pool.code));
        }
        e.non_negative(f("cost_per_head_month"), pool.cost_per_head_month);
        if pool.lead_months < 0 {
            e.push(f("lead_months"), format!("must not be negative, got {}", pool.lead_months));
        }
        if pool.max_heads < 0 {
            e.push(f("max_heads"), format!("must not be negative, got {}", pool.max_heads));
        }
        for (d, &share) in pool.ramp.iter().enumerate() {
            e.within(format!("pools.hires[{k}].ramp[{d}]"), share, 0.0, 1.0);
        }
        hire_activities.push(e.activities(&f("activities"), &pool.activities, &activity));
    }
    e.non_negative("penalties.over_normal_per_item", s.penalties.over_normal_per_item);
    e.non_negative("penalties.under_min_presence_per_hour", s.penalties.under_min_presence_per_hour);
    e.non_negative("penalties.over_critical_per_item", s.penalties.over_critical_per_item);

    if e.0.is_empty() {
        Ok(Prepared {
            scenario: s,
            volume,
            cap,
            qualified,
            flying_activities,
            flying_hours,
            minutes,
            prod,
            home,
            hire_activities,
        })
    } else {
        Err(e.0)
    }
}
