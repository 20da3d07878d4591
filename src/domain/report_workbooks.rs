//! The reports people print or share, as Excel workbooks: the team matrix with its cells
//! coloured by level, training needs and cover, the ETP report, and a plan with one sheet per
//! view. Each sheet has its header bold and frozen, its columns sized, and numbers as numbers.
//! The colours are those of [`palette`], which the pages use too.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::analytics::{Cover, Matrix, TrainingNeed};
use crate::error::ApiError;
use gpec_planning::etp::EtpReport;
use gpec_planning::result::{Alert, Plan, PoolKind};

/// The colours of levels and alerts, as `0xRRGGBB`, wherever gpec shows them.
pub mod palette {
    use gpec_planning::result::Alert;

    /// A current level, 1 (Initiation) to 4 (Expertise): from warm to cool, light enough for
    /// black text (WCAG AA).
    pub fn level(level: i32) -> u32 {
        match level {
            1 => 0xF8CBAD,
            2 => 0xFFE699,
            3 => 0xC6E0B4,
            _ => 0x9BC2E6,
        }
    }

    /// A level that has expired and no longer counts.
    pub const EXPIRED: u32 = 0xD9D9D9;

    /// A backlog's alert: normale green, tendue amber, critique red.
    pub fn alert(alert: Alert) -> u32 {
        match alert {
            Alert::Normale => 0xC6EFCE,
            Alert::Tendue => 0xFFEB9C,
            Alert::Critique => 0xFFC7CE,
        }
    }
}

fn written(e: XlsxError) -> ApiError {
    ApiError::internal("writing a workbook", e)
}

/// One cell of a report.
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    /// A number on a coloured background.
    Shaded(f64, u32),
    /// A text on a coloured background.
    ShadedText(&'a str, u32),
    Blank,
}

/// A sheet being written: its header first, then rows; columns sized by [`Sheet::finish`].
struct Sheet<'a> {
    page: &'a mut Worksheet,
    widths: Vec<usize>,
    row: u32,
}

impl<'a> Sheet<'a> {
    fn new(workbook: &'a mut Workbook, name: &str, header: &[&str]) -> Result<Self, ApiError> {
        let page = workbook.add_worksheet().set_name(name).map_err(written)?;
        let mut sheet = Self { page, widths: Vec::new(), row: 0 };
        let bold = Format::new().set_bold();
        for (c, title) in header.iter().enumerate() {
            sheet.page.write_string_with_format(0, col(c)?, *title, &bold).map_err(written)?;
            sheet.widen(c, title.chars().count());
        }
        sheet.row = 1;
        Ok(sheet)
    }

    fn widen(&mut self, c: usize, chars: usize) {
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(chars);
    }

    fn push(&mut self, cells: &[Cell]) -> Result<(), ApiError> {
        let row = self.row;
        for (c, cell) in cells.iter().enumerate() {
            let at = col(c)?;
            let shade = |rgb: u32| Format::new().set_background_color(Color::RGB(rgb)).set_border(FormatBorder::Thin);
            let chars = match cell {
                Cell::Text(text) => {
                    self.page.write_string(row, at, *text).map_err(written)?;
                    text.chars().count()
                }
                Cell::Number(n) => {
                    self.page.write_number(row, at, *n).map_err(written)?;
                    format!("{n:.2}").len()
                }
                Cell::Shaded(n, rgb) => {
                    self.page.write_number_with_format(row, at, *n, &shade(*rgb)).map_err(written)?;
                    format!("{n:.2}").len()
                }
                Cell::ShadedText(text, rgb) => {
                    self.page.write_string_with_format(row, at, *text, &shade(*rgb)).map_err(written)?;
                    text.chars().count()
                }
                Cell::Blank => 0,
            };
            self.widen(c, chars);
        }
        self.row += 1;
        Ok(())
    }

    /// Freezes the header (and `columns` first columns) and sizes every column to its text.
    fn finish(self, columns: u16) -> Result<(), ApiError> {
        self.page.set_freeze_panes(1, columns).map_err(written)?;
        for (c, width) in self.widths.iter().enumerate() {
            self.page.set_column_width(col(c)?, (*width).clamp(6, 60) as f64 + 2.0).map_err(written)?;
        }
        Ok(())
    }
}

fn col(c: usize) -> Result<u16, ApiError> {
    u16::try_from(c).map_err(|e| ApiError::internal("too many columns for a sheet", e))
}

/// Agents × competencies: each current level on its colour, an expired one grey and marked,
/// and a sheet that says what the colours mean.
pub fn matrix(m: &Matrix) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let mut header = vec!["Matricule", "Agent", "Emploi"];
    header.extend(m.columns.iter().map(|c| c.competency_label.as_str()));
    let mut sheet = Sheet::new(&mut workbook, "Matrice", &header)?;
    for row in &m.rows {
        let mut cells = vec![
            Cell::Text(&row.matricule),
            Cell::Text(&row.name),
            Cell::Text(row.job_profile.as_deref().unwrap_or("")),
        ];
        for (column, level) in m.columns.iter().zip(&row.levels) {
            cells.push(match level {
                Some(level) => Cell::Shaded(f64::from(*level), palette::level(*level)),
                None if row.expired.contains(&column.competency) => Cell::ShadedText("expiré", palette::EXPIRED),
                None => Cell::Blank,
            });
        }
        sheet.push(&cells)?;
    }
    sheet.finish(2)?;
    let mut legend = Sheet::new(&mut workbook, "Légende", &["Niveau", "Signification"])?;
    for (k, name) in super::types::Level::NAMES.iter().enumerate() {
        let level = k as i32 + 1;
        legend.push(&[Cell::Shaded(f64::from(level), palette::level(level)), Cell::Text(name)])?;
    }
    legend.push(&[Cell::ShadedText("expiré", palette::EXPIRED), Cell::Text("évaluation expirée, non comptée")])?;
    legend.finish(0)?;
    workbook.save_to_buffer().map_err(written)
}

/// Competencies by total gap: who is below the required level, and by how much.
pub fn training_needs(needs: &[TrainingNeed]) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let header = ["Compétence", "Libellé", "Axe", "Agents sous le niveau requis", "Écart total (niveaux)"];
    let mut sheet = Sheet::new(&mut workbook, "Besoins de formation", &header)?;
    for n in needs {
        sheet.push(&[
            Cell::Text(&n.competency),
            Cell::Text(&n.competency_label),
            Cell::Text(n.arc.as_str()),
            Cell::Number(n.agents_below as f64),
            Cell::Number(f64::from(n.total_gap)),
        ])?;
    }
    sheet.finish(1)?;
    workbook.save_to_buffer().map_err(written)
}

/// The holders of each required competency; a competency resting on too few people in red.
pub fn cover(rows: &[Cover]) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let header = ["Compétence", "Libellé", "Niveau requis", "Détenteurs", "À risque"];
    let mut sheet = Sheet::new(&mut workbook, "Couverture", &header)?;
    for c in rows {
        let holders = f64::from(u32::try_from(c.holders).unwrap_or(u32::MAX));
        let (holders, risk) = if c.at_risk {
            (
                Cell::Shaded(holders, palette::alert(Alert::Critique)),
                Cell::ShadedText("oui", palette::alert(Alert::Critique)),
            )
        } else {
            (Cell::Number(holders), Cell::Text("non"))
        };
        sheet.push(&[
            Cell::Text(&c.competency),
            Cell::Text(&c.competency_label),
            Cell::Number(f64::from(c.required.get())),
            holders,
            risk,
        ])?;
    }
    sheet.finish(1)?;
    workbook.save_to_buffer().map_err(written)
}

/// The ETP report: per activity and month, per month, and the target staffing.
pub fn etp(report: &EtpReport) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let mut sheet = Sheet::new(&mut workbook, "Mois", &["Mois", "Besoin (ETP)", "Disponible (ETP)", "Écart (ETP)"])?;
    for p in &report.periods {
        sheet.push(&[
            Cell::Text(&p.period),
            Cell::Number(p.need_fte),
            Cell::Number(p.available_fte),
            Cell::Number(p.delta_fte),
        ])?;
    }
    sheet.push(&[
        Cell::Text("ETPMA"),
        Cell::Number(report.etpma_need),
        Cell::Number(report.etpma_available),
        Cell::Number(report.etpma_available - report.etpma_need),
    ])?;
    sheet.finish(1)?;
    let mut sheet = Sheet::new(&mut workbook, "Activités", &["Activité", "Mois", "Volume", "Besoin (ETP)"])?;
    for a in &report.activities {
        sheet.push(&[
            Cell::Text(&a.activity),
            Cell::Text(&a.period),
            Cell::Number(a.volume),
            Cell::Number(a.need_fte),
        ])?;
    }
    sheet.finish(2)?;
    let header = ["Activité", "Dossiers par mois", "Cible (ETP)"];
    let mut sheet = Sheet::new(&mut workbook, "Cible d'effectifs", &header)?;
    for t in &report.target.activities {
        sheet.push(&[Cell::Text(&t.activity), Cell::Number(t.items_per_month), Cell::Number(t.fte)])?;
    }
    sheet.push(&[Cell::Text("Total"), Cell::Blank, Cell::Number(report.target.fte)])?;
    sheet.push(&[Cell::Text("Écart à l'effectif disponible"), Cell::Blank, Cell::Number(report.target.gap_fte)])?;
    sheet.finish(1)?;
    workbook.save_to_buffer().map_err(written)
}

/// A plan: backlogs by activity and month on their alert colours, the reinforcements and their
/// costs, and each agent's hours.
pub fn plan(plan: &Plan) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let months: Vec<&str> = plan.periods.iter().map(|p| p.period.as_str()).collect();
    let mut activities: Vec<&str> = Vec::new();
    for a in &plan.activities {
        if !activities.contains(&a.activity.as_str()) {
            activities.push(&a.activity);
        }
    }

    let mut header = vec!["Activité"];
    header.extend(&months);
    let mut sheet = Sheet::new(&mut workbook, "Stocks", &header)?;
    for code in &activities {
        let mut cells = vec![Cell::Text(code)];
        for month in &months {
            let found = plan.activities.iter().find(|a| a.activity == *code && a.period == *month);
            cells.push(found.map_or(Cell::Blank, |a| Cell::Shaded(a.backlog, palette::alert(a.alert))));
        }
        sheet.push(&cells)?;
    }
    sheet.finish(1)?;

    let header = ["Renfort", "Type", "Mois", "Têtes", "Heures", "Coût"];
    let mut sheet = Sheet::new(&mut workbook, "Renforts et coûts", &header)?;
    for p in &plan.pools {
        let kind = match p.kind {
            PoolKind::Overtime => "heures supplémentaires",
            PoolKind::TemporaryStaff => "CDD / intérim",
            PoolKind::FlyingTeam => "équipe volante",
            PoolKind::Hire => "recrutement",
        };
        sheet.push(&[
            Cell::Text(&p.pool),
            Cell::Text(kind),
            Cell::Text(&p.period),
            p.heads.map_or(Cell::Blank, |h| Cell::Number(h as f64)),
            Cell::Number(p.hours),
            Cell::Number(p.cost),
        ])?;
    }
    sheet.finish(1)?;

    let mut header = vec!["Agent", "Mois"];
    header.extend(&activities);
    header.extend(["Heures supplémentaires", "Indisponibilité", "Campus"]);
    let mut sheet = Sheet::new(&mut workbook, "Heures par agent", &header)?;
    for a in &plan.agents {
        let mut cells = vec![Cell::Text(&a.agent), Cell::Text(&a.period)];
        cells.extend(activities.iter().map(|code| a.hours.get(*code).map_or(Cell::Blank, |h| Cell::Number(*h))));
        cells.extend([Cell::Number(a.overtime_hours), Cell::Number(a.unavailable_hours), Cell::Number(a.campus_hours)]);
        sheet.push(&cells)?;
    }
    sheet.finish(2)?;
    workbook.save_to_buffer().map_err(written)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx};
    use gpec_planning::result::{ActivityPeriod, AgentPeriod, PeriodSummary, PoolPeriod, Stats, Status};

    use super::*;

    fn activity(code: &str, period: &str, backlog: f64, alert: Alert) -> ActivityPeriod {
        ActivityPeriod {
            activity: code.into(),
            period: period.into(),
            volume: 100.0,
            processed: 90.0,
            backlog,
            alert,
            need_fte: 1.0,
            allocated_fte: 1.0,
            agent_hours: 130.0,
            pool_hours: 0.0,
            binding: vec![],
            extra_hours_to_tendue: None,
            presence_shortfall_hours: 0.0,
        }
    }

    fn month(period: &str) -> PeriodSummary {
        PeriodSummary {
            period: period.into(),
            available_fte: 2.0,
            need_fte: 2.0,
            delta_fte: 0.0,
            overtime_hours: 0.0,
            overtime_cost: 0.0,
            temporary_staff_hours: 0.0,
            temporary_staff_cost: 0.0,
            flying_team_hours: 0.0,
            flying_team_cost: 0.0,
            hire_hours: 0.0,
            hire_cost: 0.0,
        }
    }

    fn a_plan() -> Plan {
        Plan {
            status: Status::Optimal,
            objective: 10.0,
            mip_gap: 0.0,
            etpma: 2.0,
            activities: vec![
                activity("AL", "2027-01", 40.0, Alert::Normale),
                activity("AL", "2027-02", 250.0, Alert::Critique),
                activity("ACC", "2027-01", 80.0, Alert::Tendue),
            ],
            periods: vec![month("2027-01"), month("2027-02")],
            objective_breakdown: vec![],
            agents: vec![AgentPeriod {
                agent: "A1".into(),
                period: "2027-01".into(),
                hours: [("AL".to_owned(), 100.5)].into(),
                overtime_hours: 4.0,
                unavailable_hours: 7.0,
                campus_hours: 0.0,
                hours_outside_home: 0.0,
            }],
            pools: vec![PoolPeriod {
                pool: "CDD".into(),
                kind: PoolKind::TemporaryStaff,
                period: "2027-02".into(),
                heads: Some(2),
                arrivals: None,
                hours: 260.0,
                hours_by_activity: [("AL".to_owned(), 260.0)].into(),
                cost: 5000.0,
            }],
            stats: Stats::default(),
        }
    }

    fn cell(bytes: &[u8], sheet: &str, row: usize, col: usize) -> Data {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        range.get((row, col)).cloned().unwrap_or(Data::Empty)
    }

    /// The fills of the workbook's styles, as `RRGGBB`.
    fn fills(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
        let mut styles = String::new();
        zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
        styles
    }

    #[test]
    fn a_plan_has_a_sheet_per_view_with_numbers_as_numbers_and_backlogs_on_their_alert_colour() {
        let bytes = plan(&a_plan()).unwrap();
        let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), ["Stocks", "Renforts et coûts", "Heures par agent"]);
        // Stocks: activities in order of appearance, months as columns.
        assert_eq!(cell(&bytes, "Stocks", 0, 2), Data::String("2027-02".into()));
        assert_eq!(cell(&bytes, "Stocks", 1, 0), Data::String("AL".into()));
        assert_eq!(cell(&bytes, "Stocks", 1, 2), Data::Float(250.0));
        assert_eq!(cell(&bytes, "Stocks", 2, 2), Data::Empty, "ACC has no February row");
        assert_eq!(cell(&bytes, "Renforts et coûts", 1, 5), Data::Float(5000.0));
        assert_eq!(cell(&bytes, "Heures par agent", 1, 2), Data::Float(100.5));
        let styles = fills(&bytes);
        for alert in [Alert::Normale, Alert::Tendue, Alert::Critique] {
            assert!(styles.contains(&format!("{:06X}", palette::alert(alert))), "{alert:?} fill in {styles}");
        }
    }

    #[test]
    fn the_matrix_colours_each_level_and_marks_an_expired_one() {
        let m = crate::domain::analytics::sample_matrix();
        let bytes = matrix(&m).unwrap();
        assert_eq!(cell(&bytes, "Matrice", 0, 3), Data::String("Écoute".into()));
        assert_eq!(cell(&bytes, "Matrice", 1, 3), Data::Float(3.0));
        assert_eq!(cell(&bytes, "Matrice", 1, 4), Data::String("expiré".into()));
        let styles = fills(&bytes);
        assert!(styles.contains(&format!("{:06X}", palette::level(3))) && styles.contains("D9D9D9"), "{styles}");
    }
}
