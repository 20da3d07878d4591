//! The three parties' agreements to an engagement's period, each party agreeing for itself
//! (seed 000's tripartite renewal): the trainer through their own `trainer` account, the campus
//! through its role `campus`, the employer through its role `hr` (an organisation's `admin`
//! holds its rights). Nobody records another party's agreement, a national administrator
//! included. The one exception is written down as such: for a trainer without an account, the
//! employer's `hr` records the trainer's signed paper consent, with its reference and date.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::engagements::{Engagement, PaperConsent, awaited_period, record_event};
use crate::db::DbConnection;
use crate::db::schema::engagement_agreements as ea;
use crate::domain::access::Principal;
use crate::domain::types::{Party, Role};
use crate::error::ApiError;

/// Whether `who` may record `party`'s agreement to `g`, given whether the trainer has an active
/// account and whether a paper consent is produced.
pub fn may_record(
    who: &Principal,
    g: &Engagement,
    party: Party,
    consent: Option<&PaperConsent>,
    trainer_has_account: bool,
) -> Result<(), ApiError> {
    if consent.is_some() && party != Party::Trainer {
        return Err(ApiError::invalid("consent", "only the trainer's agreement is recorded from a paper consent"));
    }
    let allowed = match party {
        Party::Campus => who.trainer_agent().is_none() && who.speaks_for(g.campus_id, &[Role::Campus]),
        Party::Employer => who.trainer_agent().is_none() && who.speaks_for(g.employer_id, &[Role::Hr]),
        Party::Trainer if consent.is_none() => who.trainer_agent() == Some(g.agent_id),
        Party::Trainer => {
            if trainer_has_account && who.speaks_for(g.employer_id, &[Role::Hr]) {
                return Err(ApiError::conflict(
                    "the trainer has an account: they record their agreement themselves, not from paper",
                ));
            }
            who.trainer_agent().is_none() && who.speaks_for(g.employer_id, &[Role::Hr])
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(match party {
            Party::Campus => "the campus's agreement is recorded by the campus itself (its role campus)",
            Party::Employer => {
                "the employer's agreement is recorded by the trainer's organisation itself (its role hr)"
            }
            Party::Trainer => {
                "the trainer's agreement is recorded by the trainer with their own account, or, for a trainer \
                 without one, by the employer's hr from the signed paper consent (consent: reference and date)"
            }
        }))
    }
}

fn checked(consent: Option<&PaperConsent>, today: NaiveDate) -> Result<Option<(String, NaiveDate)>, ApiError> {
    let Some(c) = consent else { return Ok(None) };
    let reference = c.reference.trim();
    if reference.is_empty() || reference.chars().count() > 80 {
        return Err(ApiError::invalid("consent.reference", "must be 1 to 80 characters"));
    }
    if c.signed_on > today {
        return Err(ApiError::invalid("consent.signed_on", "must not be in the future"));
    }
    Ok(Some((reference.to_owned(), c.signed_on)))
}

/// Records a party's agreement to the period awaiting agreements, and an event saying who
/// agreed, and how when on paper.
pub fn agree(
    conn: &mut DbConnection,
    g: &Engagement,
    party: Party,
    consent: Option<&PaperConsent>,
    by: &str,
    today: NaiveDate,
) -> Result<(), ApiError> {
    let Some(period) = awaited_period(g.status, g.period) else {
        return Err(ApiError::conflict(format!(
            "engagement {} is {}: agreements are recorded while it is proposed or a renewal is requested",
            g.id, g.status
        )));
    };
    if g.agreements.iter().any(|x| x.party == party) {
        return Err(ApiError::conflict(format!("the {party}'s agreement to period {period} is already recorded")));
    }
    let paper = checked(consent, today)?;
    diesel::insert_into(ea::table)
        .values((
            ea::engagement_id.eq(g.id),
            ea::period.eq(period),
            ea::party.eq(party.as_str()),
            ea::agreed_by.eq(by),
            ea::agreed_at.eq(crate::domain::now()),
            ea::consent_reference.eq(paper.as_ref().map(|p| p.0.clone())),
            ea::consent_date.eq(paper.as_ref().map(|p| p.1)),
        ))
        .execute(conn)?;
    // The note is the engagement's record, read by its three parties: in French, as the
    // seed's documents are.
    let of = match party {
        Party::Trainer => "du formateur",
        Party::Employer => "de l'employeur",
        Party::Campus => "du campus",
    };
    let note = match &paper {
        Some((reference, signed_on)) => format!(
            "accord {of} pour la période {period} : consentement écrit signé {reference} du {}, enregistré par {by}",
            signed_on.format("%d/%m/%Y")
        ),
        None => format!("accord {of} pour la période {period}"),
    };
    record_event(conn, g.id, "agreement", Some(g.status), &note, by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{Channel, Origin};
    use crate::domain::types::EngagementStatus;

    const CAMPUS: i32 = 10;
    const EMPLOYER: i32 = 20;
    const NATIONAL: i32 = 1;
    const TRAINER_AGENT: i32 = 7;

    fn someone(organisation_id: i32, roles: &[Role], agent_id: Option<i32>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            organisation_id,
            organisation_code: "X".into(),
            national: organisation_id == NATIONAL,
            roles: roles.to_vec(),
            agent_id,
            origin: Origin::fresh(Channel::Api),
        }
    }

    fn engagement() -> Engagement {
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        Engagement {
            id: 1,
            trainer: 3,
            campus: "CAMPUS".into(),
            campus_id: CAMPUS,
            employer: "CAF".into(),
            employer_id: EMPLOYER,
            agent_id: TRAINER_AGENT,
            matricule: "P1".into(),
            last_name: "Martin".into(),
            status: EngagementStatus::Proposed,
            period: 1,
            start_date: day,
            end_date: day,
            hours_per_year: 60.0,
            reserve_in_plans: false,
            next: None,
            agreements: vec![],
            missing: Party::ALL.to_vec(),
            version: 1,
        }
    }

    fn paper() -> PaperConsent {
        PaperConsent { reference: "AC-1".into(), signed_on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() }
    }

    #[test]
    fn each_party_agrees_for_itself_and_no_one_else_does() {
        let g = engagement();
        let trainer = someone(EMPLOYER, &[Role::Trainer], Some(TRAINER_AGENT));
        let campus = someone(CAMPUS, &[Role::Campus], None);
        let hr = someone(EMPLOYER, &[Role::Hr], None);
        let national_admin = someone(NATIONAL, &[Role::Admin], None);
        let other_trainer = someone(EMPLOYER, &[Role::Trainer], Some(99));
        for (who, party) in [(&trainer, Party::Trainer), (&campus, Party::Campus), (&hr, Party::Employer)] {
            assert!(may_record(who, &g, party, None, true).is_ok(), "{party}");
        }
        for &party in Party::ALL {
            assert!(may_record(&national_admin, &g, party, None, false).is_err(), "national admin for {party}");
        }
        for (who, party) in [
            (&campus, Party::Trainer),
            (&hr, Party::Trainer),
            (&campus, Party::Employer),
            (&hr, Party::Campus),
            (&trainer, Party::Campus),
            (&trainer, Party::Employer),
            (&other_trainer, Party::Trainer),
        ] {
            assert!(may_record(who, &g, party, None, false).is_err(), "{:?} for {party}", who.roles);
        }
    }

    #[test]
    fn a_paper_consent_is_the_employers_hr_only_and_only_without_an_account() {
        let g = engagement();
        let hr = someone(EMPLOYER, &[Role::Hr], None);
        let campus = someone(CAMPUS, &[Role::Campus], None);
        let national_admin = someone(NATIONAL, &[Role::Admin], None);
        assert!(may_record(&hr, &g, Party::Trainer, Some(&paper()), false).is_ok());
        let refused = may_record(&hr, &g, Party::Trainer, Some(&paper()), true).unwrap_err();
        assert!(matches!(refused, ApiError::Conflict { .. }), "{refused:?}");
        assert!(may_record(&campus, &g, Party::Trainer, Some(&paper()), false).is_err());
        assert!(may_record(&national_admin, &g, Party::Trainer, Some(&paper()), false).is_err());
        assert!(may_record(&hr, &g, Party::Employer, Some(&paper()), false).is_err(), "paper is for the trainer");
    }
}
