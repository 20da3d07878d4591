//! The bounds of every quantity a client sends, in one place. Checks refuse a value outside its
//! bound with the field named; the API schema states the same bounds (`minimum`, `maximum`),
//! which a test compares with these constants. Without them a value such as 1.7e308 was
//! stored, made the ETP report answer `null` and the solver fail after the plan was accepted.

/// A closed or half-open interval of one quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub min: f64,
    /// The minimum itself is refused: the quantity must be positive.
    pub min_exclusive: bool,
    pub max: f64,
    /// What the quantity counts, for the message.
    pub unit: &'static str,
}

impl Bound {
    /// Why `value` is refused, or `None` when it is within the bound.
    pub fn problem(&self, value: f64) -> Option<String> {
        let low_ok = if self.min_exclusive { value > self.min } else { value >= self.min };
        if value.is_finite() && low_ok && value <= self.max {
            return None;
        }
        let low = if self.min_exclusive { format!("more than {}", self.min) } else { format!("at least {}", self.min) };
        Some(format!("must be {low} and at most {} {}, got {value}", self.max, self.unit))
    }
}

/// Minutes one item takes: up to a week of work.
pub const MINUTES_PER_ITEM: Bound = Bound { min: 0.0, min_exclusive: true, max: 10_000.0, unit: "minutes" };
/// Items of a volume, an opening backlog or a backlog threshold: a hundred million, far above
/// the yearly volume of the largest fund.
pub const ITEMS: Bound = Bound { min: 0.0, min_exclusive: false, max: 100_000_000.0, unit: "items" };
/// Hours in one month (31 days of 24 hours): unavailability, a trainer's session hours.
pub const MONTH_HOURS: Bound = Bound { min: 0.0, min_exclusive: false, max: 744.0, unit: "hours" };
/// Productive hours of one full-time agent in one month: at least one, so that a load in ETP
/// (hours over this) stays a finite number.
pub const HOURS_PER_FTE: Bound = Bound { min: 1.0, min_exclusive: false, max: 744.0, unit: "hours" };
/// Weight of an activity's backlog penalties (planning model version 2).
pub const PRIORITY: Bound = Bound { min: 0.0, min_exclusive: true, max: 100.0, unit: "" };
/// ETP of agents an activity needs present every month.
pub const MIN_FTE: Bound = Bound { min: 0.0, min_exclusive: false, max: 10_000.0, unit: "ETP" };
/// Items an agent processes per hour, relative to the standard.
pub const PRODUCTIVITY: Bound = Bound { min: 0.0, min_exclusive: true, max: 2.0, unit: "" };
/// Length of a training module.
pub const MODULE_HOURS: Bound = Bound { min: 0.0, min_exclusive: true, max: 2_000.0, unit: "hours" };
/// Any other number of the planning settings (pool hours, costs, penalties, head counts): none
/// of them is negative.
pub const SETTING: Bound = Bound { min: 0.0, min_exclusive: false, max: 1_000_000_000.0, unit: "" };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_accepts_its_ends_as_stated_and_refuses_the_rest() {
        assert_eq!(ITEMS.problem(0.0), None);
        assert_eq!(ITEMS.problem(100_000_000.0), None);
        assert!(ITEMS.problem(100_000_001.0).unwrap().contains("at most 100000000 items"));
        assert!(ITEMS.problem(-1.0).is_some());
        assert!(MINUTES_PER_ITEM.problem(0.0).unwrap().contains("more than 0"));
        for bad in [f64::NAN, f64::INFINITY, 1.7e308] {
            assert!(ITEMS.problem(bad).is_some(), "{bad}");
        }
    }
}
