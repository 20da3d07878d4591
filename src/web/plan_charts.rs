//! The charts of a plan's page: an activity's backlog month by month over its alert bands
//! (normale up to the normal maximum, tendue up to the critical one, critique above), and the
//! ETP each source gives per month, stacked, against the need. Drawn by plotters' SVG backend,
//! with a title, axes, a legend and a text alternative, as the other charts.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{FONT, INK, WIDTH, accessible};
use crate::error::ApiError;

const BAND_NORMAL: RGBColor = RGBColor(0xE3, 0xF4, 0xE8);
const BAND_TENSE: RGBColor = RGBColor(0xFF, 0xF4, 0xD6);
const BAND_CRITICAL: RGBColor = RGBColor(0xFD, 0xEC, 0xEC);
const LINE: RGBColor = RGBColor(0x0B, 0x4F, 0x8A);
/// Actual stocks, before a plan re-planned from now.
const ACTUAL: RGBColor = RGBColor(0x5A, 0x5A, 0x5A);

/// The sources' colours, in the order they are stacked; each at least 3:1 against white.
const SOURCES: [RGBColor; 6] = [
    RGBColor(0x0B, 0x4F, 0x8A),
    RGBColor(0xB2, 0x6A, 0x00),
    RGBColor(0x6A, 0x1B, 0x9A),
    RGBColor(0x2E, 0x7D, 0x32),
    RGBColor(0xC6, 0x28, 0x28),
    RGBColor(0x37, 0x47, 0x4F),
];

/// Words of a chart: its title, axes, legend entries and text alternative.
pub struct Words {
    pub title: String,
    pub value_axis: String,
    pub month_axis: String,
    pub legend: Vec<String>,
    pub description: String,
}

/// An activity's backlog per month over its alert bands.
pub struct BacklogChart {
    pub words: Words,
    pub months: Vec<String>,
    pub backlog: Vec<f64>,
    pub normal_max: f64,
    pub critical_max: f64,
    /// The first months are actual stocks, drawn apart (a plan re-planned from now).
    pub actual_months: usize,
}

fn month_label(months: &[String], v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 && v >= 0.0 {
        months.get(v.round() as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

type Drawn<'a> = Result<(), Box<dyn std::error::Error + 'a>>;

fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    entries: &[(RGBColor, String)],
) -> Drawn<'static> {
    let style = (FONT, 13).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = 12;
    for (colour, words) in entries {
        area.draw(&Rectangle::new([(80, y - 7), (94, y + 7)], colour.filled())).map_err(|e| e.to_string())?;
        area.draw(&Text::new(words.clone(), (102, y), style.clone())).map_err(|e| e.to_string())?;
        y += 22;
    }
    Ok(())
}

type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A plot of months across and values up, with its caption, axes and month labels.
fn month_plot<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    words: &Words,
    months: &[String],
    x: std::ops::Range<f64>,
    top: f64,
) -> Result<Plot<'a, 'b>, String> {
    let mut chart = ChartBuilder::on(area)
        .caption(&words.title, (FONT, 16).into_font().color(&INK))
        .margin(10)
        .margin_right(40)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(x, 0f64..top)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(months.len().max(2))
        .x_label_formatter(&|v| month_label(months, *v))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc(&words.month_axis)
        .y_desc(&words.value_axis)
        .label_style((FONT, 12).into_font().color(&INK))
        .axis_desc_style((FONT, 13).into_font().color(&INK))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

impl BacklogChart {
    pub fn svg(&self, id: &str) -> Result<String, ApiError> {
        let height = 300 + 22 * (4 + u32::from(self.actual_months > 0));
        let mut out = String::new();
        self.draw(&mut out, height).map_err(|e| ApiError::internal("chart drawing", e.to_string()))?;
        Ok(accessible(&out, id, &self.words.title, &self.words.description))
    }

    fn draw(&self, out: &mut String, height: u32) -> Drawn<'_> {
        let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (plot, legend) = root.split_vertically(300);
        let last = (self.months.len().max(2) - 1) as f64;
        let top = self.backlog.iter().copied().fold(self.critical_max, f64::max).max(1.0) * 1.15;
        let mut chart = month_plot(&plot, &self.words, &self.months, 0f64..last, top)?;
        let bands = [
            (0.0, self.normal_max, BAND_NORMAL),
            (self.normal_max, self.critical_max, BAND_TENSE),
            (self.critical_max, top, BAND_CRITICAL),
        ];
        for (low, high, colour) in bands {
            if high > low {
                chart.draw_series(std::iter::once(Rectangle::new([(0.0, low), (last, high)], colour.filled())))?;
            }
        }
        let points: Vec<(f64, f64)> = self.backlog.iter().enumerate().map(|(i, v)| (i as f64, *v)).collect();
        // The actual months, then the plan from the last of them on: one curve in two colours.
        let (past, planned) = points.split_at(self.actual_months.min(points.len()));
        let joined: Vec<(f64, f64)> = past.last().into_iter().chain(planned).copied().collect();
        chart.draw_series(std::iter::once(PathElement::new(past.to_vec(), ACTUAL.stroke_width(3))))?;
        chart.draw_series(past.iter().map(|p| Circle::new(*p, 4, ACTUAL.filled())))?;
        chart.draw_series(std::iter::once(PathElement::new(joined, LINE.stroke_width(3))))?;
        chart.draw_series(planned.iter().map(|p| Circle::new(*p, 4, LINE.filled())))?;
        let mut colours = vec![LINE, BAND_NORMAL, BAND_TENSE, BAND_CRITICAL];
        if self.actual_months > 0 {
            colours.push(ACTUAL);
        }
        let entries: Vec<(RGBColor, String)> = colours.into_iter().zip(self.words.legend.iter().cloned()).collect();
        draw_legend(&legend, &entries)?;
        root.present()?;
        Ok(())
    }
}

/// Per month, the ETP each source gives, stacked, against the need.
pub struct StackedChart {
    pub words: Words,
    pub months: Vec<String>,
    /// The sources' names, in stacking order (the legend's first entries).
    pub sources: Vec<String>,
    /// Per month, each source's ETP in the order of `sources`.
    pub values: Vec<Vec<f64>>,
    pub need: Vec<f64>,
}

impl StackedChart {
    pub fn svg(&self, id: &str) -> Result<String, ApiError> {
        let height = 320 + 22 * (self.sources.len() as u32 + 1);
        let mut out = String::new();
        self.draw(&mut out, height).map_err(|e| ApiError::internal("chart drawing", e.to_string()))?;
        Ok(accessible(&out, id, &self.words.title, &self.words.description))
    }

    fn draw(&self, out: &mut String, height: u32) -> Drawn<'_> {
        let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (plot, legend) = root.split_vertically(320);
        let n = self.months.len().max(1);
        let totals = self.values.iter().map(|v| v.iter().sum::<f64>());
        let top = totals.chain(self.need.iter().copied()).fold(1.0, f64::max) * 1.1;
        let mut chart = month_plot(&plot, &self.words, &self.months, -0.5f64..(n as f64 - 0.5), top)?;
        for (i, stack) in self.values.iter().enumerate() {
            let mut base = 0.0;
            for (k, v) in stack.iter().enumerate() {
                if *v > 0.0 {
                    let colour = SOURCES[k % SOURCES.len()];
                    let (x0, x1) = (i as f64 - 0.35, i as f64 + 0.35);
                    chart
                        .draw_series(std::iter::once(Rectangle::new([(x0, base), (x1, base + v)], colour.filled())))?;
                    base += v;
                }
            }
        }
        // The need: a black tick across each month's bar.
        for (i, need) in self.need.iter().enumerate() {
            let (x0, x1) = (i as f64 - 0.45, i as f64 + 0.45);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(x0, *need), (x1, *need)], INK.stroke_width(3))))?;
        }
        let mut entries: Vec<(RGBColor, String)> =
            self.sources.iter().enumerate().map(|(k, s)| (SOURCES[k % SOURCES.len()], s.clone())).collect();
        entries.extend(self.words.legend.iter().cloned().map(|w| (INK, w)));
        draw_legend(&legend, &entries)?;
        root.present()?;
        Ok(())
    }
}
