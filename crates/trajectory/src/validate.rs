//! Checks a case and indexes it: every bad field is named (`organisations[2].jobs[0].target`),
//! and a valid case comes out as `Prepared`, with each organisation's allowed moves resolved to
//! its own jobs.

use std::collections::{HashMap, HashSet};

use crate::case::{Case, Job};

/// A field of the case and what is wrong with it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A move allowed in one organisation: `case.paths[path]`, from job `from` to job `to` (indices
/// in the organisation's `jobs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Move {
    pub path: usize,
    pub from: usize,
    pub to: usize,
    pub training_hours: f64,
}

/// A case that passed validation.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub case: &'a Case,
    /// Per organisation, the moves its jobs allow.
    pub moves: Vec<Vec<Move>>,
}

impl Prepared<'_> {
    pub fn years(&self) -> usize {
        self.case.years
    }
    pub fn year(&self, y: usize) -> i32 {
        self.case.first_year + y as i32
    }
    /// Share of full productivity in the `k`-th year in a job (0 = the year of arrival).
    pub fn ramp(&self, k: usize) -> f64 {
        self.case.ramp.get(k).copied().unwrap_or(1.0)
    }
}

impl Job {
    pub fn departures_in(&self, y: usize) -> f64 {
        self.departures.get(y).copied().unwrap_or(0) as f64
    }
    pub fn target_in(&self, y: usize) -> Option<f64> {
        self.target.get(y).copied().flatten()
    }
    pub fn min_etp_in(&self, y: usize) -> Option<f64> {
        self.min_etp.get(y).copied().flatten()
    }
    /// ETP per head: today's, or 1 for a job nobody holds yet.
    pub fn etp_per_head(&self) -> f64 {
        if self.heads == 0 { 1.0 } else { self.etp / self.heads as f64 }
    }
    /// The first year (index) in which a hire decided at the start can have arrived.
    pub fn first_hire_year(&self) -> usize {
        (self.hire_lead_months / 12) as usize
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
    fn share(&mut self, field: impl Into<String>, value: f64, open_top: bool) {
        let ok = value.is_finite() && value >= 0.0 && if open_top { value < 1.0 } else { value <= 1.0 };
        if !ok {
            let range = if open_top { "[0, 1)" } else { "[0, 1]" };
            self.push(field, format!("must be a share in {range}, got {value}"));
        }
    }
    /// A per-year list: empty, or one value a year.
    fn yearly(&mut self, field: &str, len: usize, years: usize) -> bool {
        if len != 0 && len != years {
            self.push(field, format!("must hold one value per year ({years}), got {len}"));
            return false;
        }
        true
    }
}

pub fn validate(case: &Case) -> Result<Prepared<'_>, Vec<FieldError>> {
    let mut e = Errors(Vec::new());
    let years = case.years;
    if !(1..=5).contains(&years) {
        e.push("years", format!("must be 1 to 5, got {years}"));
    }
    if !(1900..=2200).contains(&case.first_year) {
        e.push("first_year", format!("must be a year, got {}", case.first_year));
    }
    if !(case.hours_per_etp.is_finite() && case.hours_per_etp > 0.0) {
        e.push("hours_per_etp", format!("must be a positive number, got {}", case.hours_per_etp));
    }
    if case.ramp.len() != 3 {
        e.push("ramp", format!("must hold the first, second and third year's share, got {}", case.ramp.len()));
    }
    for (k, share) in case.ramp.iter().enumerate() {
        if !(share.is_finite() && *share > 0.0 && *share <= 1.0) {
            e.push(format!("ramp[{k}]"), format!("must be a share in (0, 1], got {share}"));
        }
    }
    e.non_negative("training_cost_per_hour", case.training_cost_per_hour);
    e.non_negative("penalties.under_target_per_etp", case.penalties.under_target_per_etp);
    e.non_negative("penalties.over_target_per_etp", case.penalties.over_target_per_etp);

    let mut sheets = HashSet::new();
    for (i, sheet) in case.sheets.iter().enumerate() {
        if sheet.code.trim().is_empty() {
            e.push(format!("sheets[{i}].code"), "must not be empty");
        } else if !sheets.insert(sheet.code.as_str()) {
            e.push(format!("sheets[{i}].code"), format!("{} appears twice", sheet.code));
        }
    }
    let mut pairs = HashSet::new();
    for (i, path) in case.paths.iter().enumerate() {
        for (name, code) in [("from", &path.from), ("to", &path.to)] {
            if !sheets.contains(code.as_str()) {
                e.push(format!("paths[{i}].{name}"), format!("unknown sheet {code}"));
            }
        }
        if path.from == path.to {
            e.push(format!("paths[{i}].to"), "must differ from `from`");
        } else if !pairs.insert((path.from.as_str(), path.to.as_str())) {
            e.push(format!("paths[{i}]"), format!("{} → {} appears twice", path.from, path.to));
        }
        e.non_negative(format!("paths[{i}].training_hours"), path.training_hours);
    }
    if let Some(hours) = &case.national_training_hours {
        if hours.len() != years {
            e.push("national_training_hours", format!("must hold one value per year ({years}), got {}", hours.len()));
        }
        for (y, h) in hours.iter().enumerate() {
            e.non_negative(format!("national_training_hours[{y}]"), *h);
        }
    }
    if case.organisations.is_empty() {
        e.push("organisations", "must hold at least one organisation");
    }
    let mut codes = HashSet::new();
    let mut moves = Vec::with_capacity(case.organisations.len());
    for (o, org) in case.organisations.iter().enumerate() {
        let at = format!("organisations[{o}]");
        if org.code.trim().is_empty() {
            e.push(format!("{at}.code"), "must not be empty");
        } else if !codes.insert(org.code.as_str()) {
            e.push(format!("{at}.code"), format!("{} appears twice", org.code));
        }
        if let Some(hours) = &org.training_hours {
            if hours.len() != years {
                e.push(
                    format!("{at}.training_hours"),
                    format!("must hold one value per year ({years}), got {}", hours.len()),
                );
            }
            for (y, h) in hours.iter().enumerate() {
                e.non_negative(format!("{at}.training_hours[{y}]"), *h);
            }
        }
        let mut index = HashMap::new();
        for (j, job) in org.jobs.iter().enumerate() {
            let at = format!("{at}.jobs[{j}]");
            if !sheets.contains(job.sheet.as_str()) {
                e.push(format!("{at}.sheet"), format!("unknown sheet {}", job.sheet));
            } else if index.insert(job.sheet.as_str(), j).is_some() {
                e.push(format!("{at}.sheet"), format!("{} appears twice in the organisation", job.sheet));
            }
            job_fields(&mut e, &at, job, years);
        }
        let allowed = case
            .paths
            .iter()
            .enumerate()
            .filter_map(|(path, p)| {
                let (from, to) = (*index.get(p.from.as_str())?, *index.get(p.to.as_str())?);
                Some(Move { path, from, to, training_hours: p.training_hours })
            })
            .collect();
        moves.push(allowed);
    }
    if e.0.is_empty() { Ok(Prepared { case, moves }) } else { Err(e.0) }
}

fn job_fields(e: &mut Errors, at: &str, job: &Job, years: usize) {
    let heads = job.heads as f64;
    if !(job.etp.is_finite() && job.etp >= 0.0 && job.etp <= heads) {
        e.push(format!("{at}.etp"), format!("must be between 0 and the heads ({heads}), got {}", job.etp));
    }
    if e.yearly(&format!("{at}.departures"), job.departures.len(), years) {
        let known: u32 = job.departures.iter().sum();
        if known > job.heads {
            e.push(format!("{at}.departures"), format!("{known} known departures for {} heads", job.heads));
        } else if job.movable > job.heads - known {
            let most = job.heads - known;
            e.push(
                format!("{at}.movable"),
                format!("at most the heads without a known departure ({most}), got {}", job.movable),
            );
        }
    }
    e.share(format!("{at}.exit_rate"), job.exit_rate, true);
    e.share(format!("{at}.move_out_share"), job.move_out_share, false);
    e.non_negative(format!("{at}.hire_cost"), job.hire_cost);
    if job.hire_lead_months > 120 {
        e.push(format!("{at}.hire_lead_months"), format!("must be at most 120, got {}", job.hire_lead_months));
    }
    for (name, list) in [("target", &job.target), ("min_etp", &job.min_etp)] {
        if e.yearly(&format!("{at}.{name}"), list.len(), years) {
            for (y, value) in list.iter().enumerate() {
                if let Some(v) = value {
                    e.non_negative(format!("{at}.{name}[{y}]"), *v);
                }
            }
        }
    }
}
