//! An engagement as its page shows it: its events, and what the visitor may do with it now —
//! which party's agreement they may record, whether from a paper consent, and whether they move
//! it through its life. The same rules as the API's writes decide, so that no button is offered
//! that the server would refuse.

use chrono::NaiveDate;
use serde::Serialize;

use super::engagements::{self, Engagement, Event, PaperConsent};
use super::writes::visible_engagement;
use super::{accounts, agreements, require_manager};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::types::Party;
use crate::error::ApiError;

#[derive(Debug, Serialize)]
pub struct EngagementView {
    pub engagement: Engagement,
    pub history: Vec<Event>,
    pub trainer_has_account: bool,
    /// The parties, among those still missing, whose agreement `who` may record themselves.
    pub may_agree: Vec<Party>,
    /// `who` may record the trainer's signed paper consent.
    pub may_record_paper: bool,
    /// `who` moves the engagement through its life (the campus's managers).
    pub manages: bool,
}

/// Engagement `id` for `who`, or 404 when they may not see it.
pub fn view(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<EngagementView, ApiError> {
    let engagement = visible_engagement(conn, who, id)?;
    let history = engagements::history(conn, id)?;
    let trainer_has_account = !accounts::with_account(conn, &[engagement.agent_id])?.is_empty();
    let may_agree = engagement
        .missing
        .iter()
        .copied()
        .filter(|p| agreements::may_record(who, &engagement, *p, None, trainer_has_account).is_ok())
        .collect();
    let any_paper = PaperConsent { reference: "-".into(), signed_on: NaiveDate::MIN };
    let may_record_paper = engagement.missing.contains(&Party::Trainer)
        && agreements::may_record(who, &engagement, Party::Trainer, Some(&any_paper), trainer_has_account).is_ok();
    let manages = who.trainer_agent().is_none() && require_manager(who, engagement.campus_id).is_ok();
    Ok(EngagementView { engagement, history, trainer_has_account, may_agree, may_record_paper, manages })
}
