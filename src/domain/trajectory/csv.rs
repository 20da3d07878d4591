//! The trajectory reports as CSV, one table at a time: the flows against the targets, the
//! planned moves, the departures per year and reason, the age pyramid, the succession risks.

use serde::Deserialize;
use utoipa::ToSchema;

use super::reports::Report;
use crate::domain::csv_io::{finish, write_row, writer};
use crate::error::ApiError;

/// Which table of a report a CSV holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    #[default]
    Flows,
    Moves,
    /// The agents proposed for each planned move, then the alternates, path by path.
    Candidates,
    Departures,
    Pyramid,
    Succession,
}

/// A number as a spreadsheet reads it: at most four decimals, no trailing zeros.
fn number(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

pub fn table(report: &Report, table: Table) -> Result<Vec<u8>, ApiError> {
    let rows: Vec<Vec<String>> = match table {
        Table::Flows => report
            .flows
            .iter()
            .map(|f| {
                vec![
                    f.organisation.clone(),
                    f.sheet.clone(),
                    f.year.to_string(),
                    number(f.start),
                    number(f.departures),
                    number(f.known_departures),
                    number(f.hires),
                    number(f.moves_in),
                    number(f.moves_out),
                    number(f.end),
                    number(f.end_etp),
                    number(f.effective_etp),
                    f.target.map(number).unwrap_or_default(),
                    f.gap.map(number).unwrap_or_default(),
                ]
            })
            .collect(),
        Table::Moves => report
            .moves
            .iter()
            .map(|m| vec![m.year.to_string(), m.from.clone(), m.to.clone(), number(m.heads), number(m.training_hours)])
            .collect(),
        Table::Candidates => report
            .candidates
            .iter()
            .flat_map(|p| {
                p.agents.iter().map(move |a| {
                    vec![
                        p.from.clone(),
                        p.to.clone(),
                        a.year.map(|y| y.to_string()).unwrap_or_default(),
                        a.matricule.clone(),
                        a.last_name.clone(),
                        a.first_name.clone(),
                        a.total_gap.to_string(),
                        number(a.fit),
                        a.leaves.map(|y| y.to_string()).unwrap_or_default(),
                    ]
                })
            })
            .collect(),
        Table::Departures => {
            report.departures.iter().map(|d| vec![d.year.to_string(), d.reason.clone(), number(d.count)]).collect()
        }
        Table::Pyramid => report
            .age_pyramid
            .iter()
            .map(|b| vec![b.band.clone(), b.now.to_string(), b.at_horizon.to_string()])
            .collect(),
        Table::Succession => report
            .succession
            .iter()
            .flat_map(|s| {
                s.holders.iter().enumerate().map(move |(y, h)| {
                    let year = report.first_year + y as i32;
                    vec![
                        s.competency.clone(),
                        s.level.to_string(),
                        year.to_string(),
                        h.to_string(),
                        s.at_risk.to_string(),
                    ]
                })
            })
            .collect(),
    };
    let columns: &[&str] = match table {
        Table::Flows => &[
            "organisation",
            "sheet",
            "year",
            "start",
            "departures",
            "known_departures",
            "hires",
            "moves_in",
            "moves_out",
            "end",
            "end_etp",
            "effective_etp",
            "target",
            "gap",
        ],
        Table::Moves => &["year", "from", "to", "heads", "training_hours"],
        Table::Candidates => {
            &["from", "to", "year", "matricule", "last_name", "first_name", "total_gap", "fit", "leaves"]
        }
        Table::Departures => &["year", "reason", "count"],
        Table::Pyramid => &["band", "now", "at_horizon"],
        Table::Succession => &["competency", "level", "year", "holders", "at_risk"],
    };
    let mut w = writer(columns)?;
    for row in rows {
        write_row(&mut w, row)?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_lose_their_trailing_zeros_and_negative_zero() {
        assert_eq!(super::number(2.0), "2");
        assert_eq!(super::number(1.25), "1.25");
        assert_eq!(super::number(-0.00001), "0");
        assert_eq!(super::number(0.123456), "0.1235");
    }
}
