//! Forecasts of an organisation saved as named, versioned load sets: made from its history,
//! adjusted by hand (each adjustment keeps who made it and when, the set's version moves on, a
//! stale version gets 409), and used by plan requests at a chosen quantile.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gpec_forecast::{Backtest, Calibration, Point};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::history;
use crate::db::DbConnection;
use crate::db::schema::{activities as ac, load_set_rows as lr, load_sets as ls, organisations as o};
use crate::domain::access::Principal;
use crate::domain::audit::{self, Change};
use crate::domain::planning::{activities, organisation_id};
use crate::domain::types::{Period, Role};
use crate::error::{ApiError, Detail};

/// Asking for a forecast of every activity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRequest {
    /// Organisation code (national users); default: the caller's own.
    #[serde(default)]
    pub organisation: Option<String>,
    /// A name to find it by, e.g. "Prévision de décembre" (at most 200 characters).
    pub name: String,
    /// Months forecast from the current one, 1 to 18.
    #[schema(minimum = 1, maximum = 18)]
    pub horizon: usize,
}

/// How each activity was forecast, and which could not be.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Method {
    pub activities: Vec<ActivityMethod>,
    pub refused: Vec<Refusal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActivityMethod {
    pub activity: String,
    /// First month of the history used, `YYYY-MM`.
    pub history_from: String,
    pub history_months: usize,
    /// Months whose actual entries were used (the others: stored loads).
    pub actual_months: usize,
    pub backtest: Backtest,
    pub calibration: Calibration,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Refusal {
    pub activity: String,
    pub reason: String,
}

/// A load set without its rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadSetSummary {
    pub id: i32,
    #[serde(skip)]
    pub organisation_id: i32,
    pub organisation: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub version: i32,
    pub method: Method,
    pub created_by: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    pub updated_by: String,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

/// One activity and month of a set. `volume` is what plans use at P50: the hand adjustment when
/// there is one, else the forecast; the quantiles move with an adjustment, keeping their spread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadSetRow {
    pub activity: String,
    pub volume: f64,
    /// The month, its forecast, quantiles and intervals, as forecast.
    #[serde(flatten)]
    pub point: Point,
    pub adjusted: Option<f64>,
    pub adjusted_by: Option<String>,
    #[serde(with = "crate::domain::utc::optional")]
    pub adjusted_at: Option<NaiveDateTime>,
}

impl LoadSetRow {
    /// The load at `quantile`.
    pub fn at(&self, quantile: Quantile) -> f64 {
        let shift = self.volume - self.point.forecast;
        match quantile {
            Quantile::P50 => self.volume,
            Quantile::P80 => (self.point.p80 + shift).max(0.0),
            Quantile::P95 => (self.point.p95 + shift).max(0.0),
        }
    }
}

/// Which load of a forecast a plan uses: the median, or a cautious one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Quantile {
    #[default]
    P50,
    P80,
    P95,
}

/// The loads a plan uses instead of the stored ones: a forecast, at a quantile (default P50).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadChoice {
    pub forecast: i32,
    #[serde(default)]
    pub quantile: Quantile,
    /// The set's version the plan used: set when the plan is asked, whatever a request says.
    #[serde(default)]
    pub version: i32,
}

/// Puts the loads of `choice` into `s` for the months the forecast covers (the other months keep
/// the stored loads); the forecast must be of organisation `org`. Returns the choice with the
/// version used.
pub fn use_in(
    conn: &mut DbConnection,
    who: &Principal,
    org: i32,
    choice: &LoadChoice,
    s: &mut gpec_planning::Scenario,
) -> Result<LoadChoice, ApiError> {
    let set =
        get(conn, who, choice.forecast).ok().filter(|set| set.summary.organisation_id == org).ok_or_else(|| {
            ApiError::unusable("loads.forecast", format!("no forecast {} in this organisation", choice.forecast))
        })?;
    for row in &set.rows {
        if !s.periods.contains(&row.point.period) {
            continue;
        }
        s.loads.retain(|l| !(l.activity == row.activity && l.period == row.point.period));
        let volume = row.at(choice.quantile);
        if volume > 0.0 {
            s.loads.push(gpec_planning::scenario::Load {
                activity: row.activity.clone(),
                period: row.point.period.clone(),
                volume,
            });
        }
    }
    Ok(LoadChoice { version: set.summary.version, ..choice.clone() })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadSet {
    #[serde(flatten)]
    pub summary: LoadSetSummary,
    pub rows: Vec<LoadSetRow>,
}

/// Hand adjustments of a set at `version`: a volume per activity and month (none: back to the
/// forecast).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjust {
    pub version: i32,
    pub rows: Vec<Adjustment>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    pub activity: String,
    /// `YYYY-MM`.
    pub period: String,
    #[schema(minimum = 0, maximum = 100000000)]
    pub volume: Option<f64>,
}

fn json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::internal("load set", e))
}

/// Forecasts every activity of the organisation from the current month for `horizon` months and
/// saves the set; activities with too short a history are listed as refused. 422 when none can
/// be forecast.
pub fn create(
    conn: &mut DbConnection,
    who: &Principal,
    input: &ForecastRequest,
    today: NaiveDate,
) -> Result<LoadSet, ApiError> {
    who.require_any(&[Role::Production])?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("name", "1 to 200 characters"));
    }
    if !(1..=gpec_forecast::MAX_HORIZON).contains(&input.horizon) {
        return Err(ApiError::invalid("horizon", "between 1 and 18 months"));
    }
    crate::db::transaction(conn, |conn| {
        let org = organisation_id(conn, who, input.organisation.as_deref())?;
        let stored: Vec<(i32, String)> = activities::list(conn, org)?.into_iter().map(|a| (a.id, a.code)).collect();
        let codes: Vec<String> = stored.iter().map(|(_, c)| c.clone()).collect();
        let current = Period::of_date(today);
        let series = history::series(conn, org, &codes, current)?;
        let plain: Vec<gpec_forecast::Series> = series.iter().map(|(s, _)| s.clone()).collect();
        let results = gpec_forecast::forecast_all(&plain, input.horizon);
        let mut method = Method { activities: vec![], refused: vec![] };
        let mut made = Vec::new();
        for (((series, sources), result), (activity_id, _)) in series.iter().zip(results).zip(&stored) {
            match result {
                Ok(forecast) => {
                    method.activities.push(ActivityMethod {
                        activity: series.activity.clone(),
                        history_from: series.start.to_string(),
                        history_months: series.values.len(),
                        actual_months: sources.actual_months,
                        backtest: forecast.backtest.clone(),
                        calibration: forecast.calibration,
                    });
                    made.push((*activity_id, forecast));
                }
                Err(error) => {
                    method.refused.push(Refusal { activity: series.activity.clone(), reason: error.to_string() })
                }
            }
        }
        if made.is_empty() {
            let details = method.refused.iter().map(|r| Detail::field("activities", r.reason.clone())).collect();
            return Err(ApiError::unprocessable("the history", details));
        }
        let now = crate::domain::now();
        let to = current.plus(input.horizon as i32 - 1);
        let id: i32 = diesel::insert_into(ls::table)
            .values((
                ls::organisation_id.eq(org),
                ls::name.eq(name),
                ls::period_from.eq(current.to_string()),
                ls::period_to.eq(to.to_string()),
                ls::method.eq(json(&method)?),
                ls::version.eq(1),
                ls::created_by.eq(&who.username),
                ls::created_at.eq(now),
                ls::updated_by.eq(&who.username),
                ls::updated_at.eq(now),
            ))
            .returning(ls::id)
            .get_result(conn)?;
        for (activity_id, forecast) in &made {
            for p in &forecast.points {
                diesel::insert_into(lr::table)
                    .values((
                        lr::load_set_id.eq(id),
                        lr::activity_id.eq(activity_id),
                        lr::period.eq(&p.period),
                        lr::forecast.eq(p.forecast),
                        lr::p80.eq(p.p80),
                        lr::p95.eq(p.p95),
                        lr::lo80.eq(p.lo80),
                        lr::hi80.eq(p.hi80),
                        lr::lo95.eq(p.lo95),
                        lr::hi95.eq(p.hi95),
                    ))
                    .execute(conn)?;
            }
        }
        let set = load(conn, id)?;
        audit::record(conn, who, Change::new(Some(org), "load_set", id, "create").created(&set.summary))?;
        Ok(set)
    })
}

type SummaryRow = (i32, i32, String, String, String, String, String, i32, String, NaiveDateTime, String, NaiveDateTime);

fn summary(r: SummaryRow) -> Result<LoadSetSummary, ApiError> {
    let method = serde_json::from_str(&r.6).map_err(|e| ApiError::internal("load set method", e))?;
    Ok(LoadSetSummary {
        id: r.0,
        organisation_id: r.1,
        organisation: r.2,
        name: r.3,
        from: r.4,
        to: r.5,
        method,
        version: r.7,
        created_by: r.8,
        created_at: r.9,
        updated_by: r.10,
        updated_at: r.11,
    })
}

macro_rules! summary_columns {
    () => {
        (
            ls::id,
            ls::organisation_id,
            o::code,
            ls::name,
            ls::period_from,
            ls::period_to,
            ls::method,
            ls::version,
            ls::created_by,
            ls::created_at,
            ls::updated_by,
            ls::updated_at,
        )
    };
}

fn load(conn: &mut DbConnection, id: i32) -> Result<LoadSet, ApiError> {
    let row = ls::table
        .inner_join(o::table)
        .filter(ls::id.eq(id))
        .select(summary_columns!())
        .first::<SummaryRow>(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("forecast {id} not found")))?;
    type Row = (String, String, f64, f64, f64, f64, f64, f64, f64, Option<f64>, Option<String>, Option<NaiveDateTime>);
    let rows = lr::table
        .inner_join(ac::table)
        .filter(lr::load_set_id.eq(id))
        .order((ac::code, lr::period))
        .select((
            ac::code,
            lr::period,
            lr::forecast,
            lr::p80,
            lr::p95,
            lr::lo80,
            lr::hi80,
            lr::lo95,
            lr::hi95,
            lr::adjusted,
            lr::adjusted_by,
            lr::adjusted_at,
        ))
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| LoadSetRow {
            activity: r.0,
            volume: r.9.unwrap_or(r.2),
            point: Point { period: r.1, forecast: r.2, p80: r.3, p95: r.4, lo80: r.5, hi80: r.6, lo95: r.7, hi95: r.8 },
            adjusted: r.9,
            adjusted_by: r.10,
            adjusted_at: r.11,
        })
        .collect();
    Ok(LoadSet { summary: summary(row)?, rows })
}

/// Set `id` if `who` may see it, else 404.
pub fn get(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<LoadSet, ApiError> {
    let set = load(conn, id)?;
    who.visible(set.summary.organisation_id, set, "forecast")
}

/// The sets of an organisation, newest first.
pub fn list(conn: &mut DbConnection, who: &Principal, code: Option<&str>) -> Result<Vec<LoadSetSummary>, ApiError> {
    let org = organisation_id(conn, who, code)?;
    ls::table
        .inner_join(o::table)
        .filter(ls::organisation_id.eq(org))
        .order(ls::id.desc())
        .select(summary_columns!())
        .load::<SummaryRow>(conn)?
        .into_iter()
        .map(summary)
        .collect()
}

/// Adjusts rows of set `id` by hand if `version` is still current (409 otherwise); every row
/// must name an activity and month of the set.
pub fn adjust(conn: &mut DbConnection, who: &Principal, id: i32, input: &Adjust) -> Result<LoadSet, ApiError> {
    who.require_any(&[Role::Production])?;
    crate::db::transaction(conn, |conn| {
        let before = get(conn, who, id)?;
        let activity_ids: HashMap<String, i32> = ac::table
            .filter(ac::organisation_id.eq(before.summary.organisation_id))
            .select((ac::code, ac::id))
            .load(conn)?
            .into_iter()
            .collect();
        let mut details = Vec::new();
        let mut changes = Vec::new();
        for (k, row) in input.rows.iter().enumerate() {
            let code = row.activity.trim().to_uppercase();
            let known = before.rows.iter().any(|r| r.activity == code && r.point.period == row.period.trim());
            if let Some(v) = row.volume.filter(|v| !(v.is_finite() && (0.0..=1e8).contains(v))) {
                details.push(Detail::field(format!("rows[{k}].volume"), format!("{v} is not a number of items")));
            } else if !known {
                let message = format!("{code} {} is not a month of this forecast", row.period.trim());
                details.push(Detail::field(format!("rows[{k}].period"), message));
            } else {
                changes.push((activity_ids[&code], row.period.trim().to_owned(), row.volume));
            }
        }
        if !details.is_empty() {
            return Err(ApiError::unprocessable("the adjustments", details));
        }
        let now = crate::domain::now();
        let moved = diesel::update(ls::table.filter(ls::id.eq(id)).filter(ls::version.eq(input.version)))
            .set((ls::version.eq(ls::version + 1), ls::updated_by.eq(&who.username), ls::updated_at.eq(now)))
            .execute(conn)?;
        if moved == 0 {
            return Err(ApiError::Stale {
                message: format!("forecast {id} changed since version {}", input.version),
                current: before.summary.version,
            });
        }
        for (activity_id, period, volume) in changes {
            let by = volume.map(|_| who.username.clone());
            diesel::update(
                lr::table
                    .filter(lr::load_set_id.eq(id))
                    .filter(lr::activity_id.eq(activity_id))
                    .filter(lr::period.eq(period)),
            )
            .set((lr::adjusted.eq(volume), lr::adjusted_by.eq(by), lr::adjusted_at.eq(volume.map(|_| now))))
            .execute(conn)?;
        }
        let after = load(conn, id)?;
        let change = Change::new(Some(after.summary.organisation_id), "load_set", id, "adjust")
            .changed(&before.rows, &after.rows);
        audit::record(conn, who, change)?;
        Ok(after)
    })
}
