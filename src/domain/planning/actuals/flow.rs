//! The rules on actuals, apart from storage: the flow a stock must follow, and weeks rolled up
//! into months.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::period::ActualPeriod;
use crate::domain::types::Period;

/// What one period of one activity recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub entries: f64,
    pub processed: f64,
    pub stock: f64,
    /// Items added (or removed, when negative) outside the flow: a stock count, a transfer.
    pub adjustment: f64,
}

/// The stock `figures` should end on, from the stock before.
pub fn expected(previous_stock: f64, figures: &Figures) -> f64 {
    previous_stock + figures.entries - figures.processed + figures.adjustment
}

/// How far a stock may stray from the flow: one item, or 1 % of the stock, whichever is more
/// (counts are taken at slightly different moments).
pub fn tolerance(expected: f64, stock: f64) -> f64 {
    (0.01 * expected.abs().max(stock.abs())).max(1.0)
}

/// A period whose stock does not follow from the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    pub period: ActualPeriod,
    pub previous_stock: f64,
    pub expected: f64,
    pub stock: f64,
}

impl Break {
    pub fn describe(&self, activity: &str, figures: &Figures) -> String {
        format!(
            "{activity} {}: stock {} does not follow the flow: {} + {} entries − {} processed{} = {} (record the difference as an adjustment)",
            self.period,
            self.stock,
            self.previous_stock,
            figures.entries,
            figures.processed,
            if figures.adjustment == 0.0 { String::new() } else { format!(" + {} adjusted", figures.adjustment) },
            self.expected
        )
    }
}

/// The breaks among `periods` of one activity's `recorded` figures: each compared with the
/// period before it, when that one is recorded.
pub fn breaks(
    recorded: &BTreeMap<ActualPeriod, Figures>,
    periods: impl IntoIterator<Item = ActualPeriod>,
) -> Vec<Break> {
    let mut found = Vec::new();
    for period in periods {
        let (Some(now), Some(before)) = (recorded.get(&period), recorded.get(&period.previous())) else { continue };
        let expected = expected(before.stock, now);
        if (now.stock - expected).abs() > tolerance(expected, now.stock) {
            found.push(Break { period, previous_stock: before.stock, expected, stock: now.stock });
        }
    }
    found
}

/// One month of actuals: as recorded for the month, or rolled up from its weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MonthActual {
    pub activity: String,
    /// `YYYY-MM`.
    pub period: String,
    pub entries: f64,
    pub processed: f64,
    /// The stock at the end of the month, or of its last week recorded.
    pub stock: f64,
    pub adjustment: f64,
    /// Weeks rolled up (0 when the month was recorded as a month).
    pub weeks: usize,
    /// The month is whole: recorded as a month, or every one of its weeks is.
    pub complete: bool,
}

/// The months of one activity's `recorded` figures. A month recorded as such is taken as it is;
/// otherwise its weeks are summed and its stock is the last week's.
pub fn months(activity: &str, recorded: &BTreeMap<ActualPeriod, Figures>) -> Vec<MonthActual> {
    let mut by_month: BTreeMap<Period, (Option<Figures>, Vec<Figures>)> = BTreeMap::new();
    for (period, figures) in recorded {
        let slot = by_month.entry(period.month()).or_default();
        match period {
            ActualPeriod::Month(_) => slot.0 = Some(*figures),
            ActualPeriod::Week(_) => slot.1.push(*figures),
        }
    }
    by_month
        .into_iter()
        .map(|(month, (whole, weeks))| {
            let row = |f: Figures, weeks: usize, complete: bool| MonthActual {
                activity: activity.to_owned(),
                period: month.to_string(),
                entries: f.entries,
                processed: f.processed,
                stock: f.stock,
                adjustment: f.adjustment,
                weeks,
                complete,
            };
            match whole {
                Some(f) => row(f, 0, true),
                None => {
                    // Weeks come in order (the map is sorted), so the last is the latest stock.
                    let last = weeks.last().expect("a month without its row has weeks").stock;
                    let sum = |f: fn(&Figures) -> f64| weeks.iter().map(f).sum::<f64>();
                    let total = Figures {
                        entries: sum(|w| w.entries),
                        processed: sum(|w| w.processed),
                        stock: last,
                        adjustment: sum(|w| w.adjustment),
                    };
                    row(total, weeks.len(), weeks.len() == ActualPeriod::weeks_of(month))
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(raw: &str) -> ActualPeriod {
        ActualPeriod::parse("period", raw).unwrap()
    }

    fn f(entries: f64, processed: f64, stock: f64) -> Figures {
        Figures { entries, processed, stock, adjustment: 0.0 }
    }

    #[test]
    fn a_stock_must_follow_from_the_one_before_within_the_tolerance() {
        let mut recorded = BTreeMap::new();
        recorded.insert(p("2027-01"), f(100.0, 80.0, 500.0));
        recorded.insert(p("2027-02"), f(100.0, 80.0, 520.0)); // 500 + 100 − 80: follows
        recorded.insert(p("2027-03"), f(100.0, 80.0, 545.0)); // 540 expected, 5 off, within 1 %
        recorded.insert(p("2027-04"), f(100.0, 80.0, 600.0)); // 565 expected: a break
        let found = breaks(&recorded, recorded.keys().copied().collect::<Vec<_>>());
        assert_eq!(found, [Break { period: p("2027-04"), previous_stock: 545.0, expected: 565.0, stock: 600.0 }]);
        assert!(found[0].describe("AL", &recorded[&p("2027-04")]).contains("545 + 100 entries − 80 processed = 565"));
        // Recorded as an adjustment (a stock count found 35 more), it follows.
        recorded.get_mut(&p("2027-04")).unwrap().adjustment = 35.0;
        assert!(breaks(&recorded, [p("2027-04")]).is_empty());
        // A first period has nothing to follow.
        assert!(breaks(&recorded, [p("2027-01")]).is_empty());
    }

    #[test]
    fn weeks_roll_up_into_the_month_of_their_thursday() {
        let mut recorded = BTreeMap::new();
        // February 2027 has four weeks, W05 to W08; three are recorded.
        recorded.insert(p("2027-W05"), f(10.0, 8.0, 102.0));
        recorded.insert(p("2027-W06"), f(20.0, 10.0, 112.0));
        recorded.insert(p("2027-W07"), f(30.0, 12.0, 130.0));
        // March is recorded as a month, and a week of it too: the month wins.
        recorded.insert(p("2027-03"), f(300.0, 280.0, 150.0));
        recorded.insert(p("2027-W10"), f(70.0, 70.0, 130.0));
        let months = months("AL", &recorded);
        assert_eq!(months.len(), 2);
        let feb = &months[0];
        assert_eq!((feb.period.as_str(), feb.entries, feb.processed, feb.stock), ("2027-02", 60.0, 30.0, 130.0));
        assert_eq!((feb.weeks, feb.complete), (3, false));
        let mar = &months[1];
        assert_eq!((mar.entries, mar.weeks, mar.complete), (300.0, 0, true));
        recorded.insert(p("2027-W08"), f(5.0, 5.0, 130.0));
        assert!(super::months("AL", &recorded)[0].complete);
    }
}
