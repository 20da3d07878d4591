//! What really happened, per activity and period (a month or an ISO week): items received
//! (entries), items processed, and the stock at the end. Rows are written together or not at all,
//! and a stock that does not follow the flow from the period before is refused, naming the row:
//! a stock count that finds more or fewer items is recorded as an `adjustment`.

pub mod flow;
pub mod paste;
pub mod period;

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use self::flow::{Figures, MonthActual};
use self::period::ActualPeriod;
use super::forecasts::{RowProblem, WriteReport};
use crate::db::DbConnection;
use crate::db::schema::{activities as ac, activity_actuals as aa};
use crate::domain::bounds::{self, Bound};
use crate::domain::types::Period;
use crate::error::ApiError;

/// One period of one activity, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualRow {
    /// Activity code.
    pub activity: String,
    /// A month `YYYY-MM` or an ISO week `YYYY-Www`.
    #[schema(example = "2027-W03")]
    pub period: String,
    /// Items received.
    #[schema(minimum = 0, maximum = 100000000)]
    pub entries: f64,
    /// Items processed.
    #[schema(minimum = 0, maximum = 100000000)]
    pub processed: f64,
    /// Items waiting at the end of the period.
    #[schema(minimum = 0, maximum = 100000000)]
    pub stock: f64,
    /// Items added (negative: removed) outside the flow, as a stock count finds them.
    #[serde(default)]
    #[schema(minimum = -100000000, maximum = 100000000)]
    pub adjustment: f64,
}

/// A checked row.
pub struct ValidActual {
    activity_id: i32,
    activity: String,
    period: ActualPeriod,
    figures: Figures,
}

/// Checks actual rows of one organisation; rows must not repeat a period.
pub struct ActualChecker {
    activities: HashMap<String, i32>,
    seen: HashSet<(i32, ActualPeriod)>,
}

fn amount(column: &'static str, value: f64, bound: Bound, problems: &mut Vec<RowProblem>) {
    if let Some(problem) = bound.problem(value) {
        problems.push(RowProblem::malformed(column, problem));
    }
}

impl ActualChecker {
    pub fn load(conn: &mut DbConnection, organisation_id: i32) -> Result<Self, ApiError> {
        let activities =
            ac::table.filter(ac::organisation_id.eq(organisation_id)).select((ac::code, ac::id)).load(conn)?;
        Ok(Self { activities: activities.into_iter().collect(), seen: HashSet::new() })
    }

    pub fn check(&mut self, row: &ActualRow) -> Result<ValidActual, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let code = row.activity.trim().to_uppercase();
        let activity_id = self.activities.get(&code).copied();
        if activity_id.is_none() {
            problems.push(RowProblem::refused("activity", format!("unknown activity {code:?}")));
        }
        let period = ActualPeriod::parse("period", &row.period)
            .map_err(|e| problems.push(RowProblem::malformed("period", e.details()[0].message.clone())))
            .ok();
        amount("entries", row.entries, bounds::ITEMS, &mut problems);
        amount("processed", row.processed, bounds::ITEMS, &mut problems);
        amount("stock", row.stock, bounds::ITEMS, &mut problems);
        amount("adjustment", row.adjustment.abs(), bounds::ITEMS, &mut problems);
        if let (Some(id), Some(p)) = (activity_id, period)
            && !self.seen.insert((id, p))
        {
            problems.push(RowProblem::refused("period", format!("{code} {p} appears twice")));
        }
        match (activity_id, period) {
            (Some(activity_id), Some(period)) if problems.is_empty() => Ok(ValidActual {
                activity_id,
                activity: code,
                period,
                figures: Figures {
                    entries: row.entries,
                    processed: row.processed,
                    stock: row.stock,
                    adjustment: row.adjustment,
                },
            }),
            _ => Err(problems),
        }
    }
}

/// A row of the batch whose stock breaks the flow (its own, or the stored next period's).
pub struct FlowProblem {
    /// Index of the row in the batch.
    pub row: usize,
    pub message: String,
}

/// Writes checked rows, then checks the flow of every period they touch (each row, and the
/// period after it); call inside a transaction and roll back on any [`FlowProblem`].
pub fn write(
    conn: &mut DbConnection,
    rows: &[ValidActual],
    author: &str,
) -> Result<(WriteReport, Vec<FlowProblem>), ApiError> {
    let mut report = WriteReport { rows: rows.len(), ..Default::default() };
    let now = crate::domain::now();
    for r in rows {
        let period = r.period.to_string();
        let f = r.figures;
        let key = aa::table.filter(aa::activity_id.eq(r.activity_id)).filter(aa::period.eq(&period));
        let changes = (
            aa::entries.eq(f.entries),
            aa::processed.eq(f.processed),
            aa::stock.eq(f.stock),
            aa::adjustment.eq(f.adjustment),
            aa::updated_at.eq(now),
            aa::updated_by.eq(author),
        );
        let created = super::forecasts::update_or_insert(
            conn,
            |conn| diesel::update(key).set(changes).execute(conn),
            |conn| {
                diesel::insert_into(aa::table)
                    .values((aa::activity_id.eq(r.activity_id), aa::period.eq(&period), changes))
                    .execute(conn)
            },
        )?;
        report.count(created);
    }
    // Each period checked once: a row's own, then the stored one after it (named on this row).
    let in_batch: HashMap<(i32, ActualPeriod), usize> =
        rows.iter().enumerate().map(|(k, r)| ((r.activity_id, r.period), k)).collect();
    let mut checked = HashSet::new();
    let mut problems = Vec::new();
    let mut recorded: HashMap<i32, BTreeMap<ActualPeriod, Figures>> = HashMap::new();
    for r in rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = recorded.entry(r.activity_id) {
            slot.insert(stored(conn, r.activity_id)?);
        }
        let figures = &recorded[&r.activity_id];
        let fresh: Vec<ActualPeriod> =
            [r.period, r.period.next()].into_iter().filter(|p| checked.insert((r.activity_id, *p))).collect();
        for b in flow::breaks(figures, fresh) {
            let row = in_batch.get(&(r.activity_id, b.period)).copied().unwrap_or(in_batch[&(r.activity_id, r.period)]);
            problems.push(FlowProblem { row, message: b.describe(&r.activity, &figures[&b.period]) });
        }
    }
    problems.sort_by_key(|p| p.row);
    Ok((report, problems))
}

/// Every recorded period of an activity.
fn stored(conn: &mut DbConnection, activity_id: i32) -> Result<BTreeMap<ActualPeriod, Figures>, ApiError> {
    let rows = aa::table
        .filter(aa::activity_id.eq(activity_id))
        .select((aa::period, aa::entries, aa::processed, aa::stock, aa::adjustment))
        .load::<(String, f64, f64, f64, f64)>(conn)?;
    rows.into_iter()
        .map(|(period, entries, processed, stock, adjustment)| {
            let period = ActualPeriod::parse("period", &period)?;
            Ok((period, Figures { entries, processed, stock, adjustment }))
        })
        .collect()
}

/// Recorded figures by activity code and period.
pub type Recorded = BTreeMap<String, BTreeMap<ActualPeriod, Figures>>;

/// The recorded actuals of an organisation, by activity code, between two months (inclusive;
/// a week counts in its Thursday's month).
pub fn recorded(
    conn: &mut DbConnection,
    organisation_id: i32,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<Recorded, ApiError> {
    let rows = aa::table
        .inner_join(ac::table)
        .filter(ac::organisation_id.eq(organisation_id))
        .select((ac::code, aa::period, aa::entries, aa::processed, aa::stock, aa::adjustment))
        .load::<(String, String, f64, f64, f64, f64)>(conn)?;
    let mut out = Recorded::new();
    for (code, period, entries, processed, stock, adjustment) in rows {
        let period = ActualPeriod::parse("period", &period)?;
        let month = period.month();
        if from.is_some_and(|f| month < f) || to.is_some_and(|t| month > t) {
            continue;
        }
        out.entry(code).or_default().insert(period, Figures { entries, processed, stock, adjustment });
    }
    Ok(out)
}

/// The rows as recorded, by activity and period.
pub fn rows(recorded: &Recorded) -> Vec<ActualRow> {
    recorded
        .iter()
        .flat_map(|(activity, periods)| {
            periods.iter().map(move |(period, f)| ActualRow {
                activity: activity.clone(),
                period: period.to_string(),
                entries: f.entries,
                processed: f.processed,
                stock: f.stock,
                adjustment: f.adjustment,
            })
        })
        .collect()
}

/// The months, weeks rolled up, by activity and month.
pub fn months(recorded: &Recorded) -> Vec<MonthActual> {
    recorded.iter().flat_map(|(activity, periods)| flow::months(activity, periods)).collect()
}
