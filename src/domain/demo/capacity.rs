//! The hours the demo's agents can give each activity in a month, so that its loads are sized to
//! the people who can do them: an agent works on the activities they are qualified for, those of
//! their unit first (the planner keeps three quarters of their time there), and a load sized on
//! every agent of the fund would leave the activities few can do in `critique` all year.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{agents as a, competencies as c};
use crate::error::ApiError;

/// Share of their time agents may give outside their unit's activities (the demo's mobility).
pub const MOBILITY: f64 = 0.25;

/// Hours a month each activity (in `requirements`' order) can count on: every agent's production
/// hours split evenly over the activities they qualify for among their unit's (`homes`), or,
/// when they qualify for none of those, `MOBILITY` of them over those they qualify for.
pub fn hours_by_activity(
    conn: &mut DbConnection,
    organisation_id: i32,
    requirements: &[Vec<(String, i32)>],
    homes: &BTreeMap<String, Vec<usize>>,
    hours_per_agent: f64,
    today: NaiveDate,
) -> Result<Vec<f64>, ApiError> {
    let ids: HashMap<String, i32> =
        c::table.select((c::code, c::id)).load::<(String, i32)>(conn)?.into_iter().collect();
    let book = crate::domain::levels::load_organisation(conn, organisation_id, None, today)?;
    let people: Vec<(i32, String, f64)> =
        a::table.filter(a::organisation_id.eq(organisation_id)).select((a::id, a::unit, a::fte)).load(conn)?;
    let mut hours = vec![0.0; requirements.len()];
    for (agent, unit, fte) in people {
        let holds = |code: &str, level: i32| {
            ids.get(code).and_then(|id| book.get(&agent)?.get(id)?.usable()).is_some_and(|held| held.get() >= level)
        };
        let qualified: Vec<usize> = (0..requirements.len())
            .filter(|&k| requirements[k].iter().all(|(code, level)| holds(code, *level)))
            .collect();
        let home: Vec<usize> =
            qualified.iter().copied().filter(|k| homes.get(&unit).is_some_and(|h| h.contains(k))).collect();
        let (over, share) = if home.is_empty() { (qualified, MOBILITY) } else { (home, 1.0) };
        for k in &over {
            hours[*k] += fte * hours_per_agent * share / over.len() as f64;
        }
    }
    Ok(hours)
}
