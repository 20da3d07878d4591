//! Charts drawn as SVG on the server (plotters' SVG backend): they show without JavaScript,
//! print well and can be read by tests. Each has a title, labelled axes, a legend and a text
//! alternative (`<title>` and `<desc>`, which screen readers announce for `role="img"`).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::domain::analytics::Standing;
use crate::error::ApiError;

/// A colour of the charts' palette, the same as the stylesheet's standings, each at least 3:1
/// against white (WCAG's contrast for graphics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    Met,
    Short1,
    Short2,
    Missing,
    Expired,
    Neutral,
}

impl Shade {
    pub(super) fn colour(self) -> RGBColor {
        match self {
            Self::Met => RGBColor(0x2E, 0x7D, 0x32),
            Self::Short1 => RGBColor(0xB2, 0x6A, 0x00),
            Self::Short2 => RGBColor(0xC6, 0x28, 0x28),
            Self::Missing => RGBColor(0x75, 0x75, 0x75),
            Self::Expired => RGBColor(0x6A, 0x1B, 0x9A),
            Self::Neutral => RGBColor(0x1F, 0x4E, 0x8C),
        }
    }
}

impl From<Standing> for Shade {
    fn from(s: Standing) -> Self {
        match s {
            Standing::Met => Self::Met,
            Standing::Short1 => Self::Short1,
            Standing::Short2 => Self::Short2,
            Standing::NotAssessed => Self::Missing,
            Standing::Expired => Self::Expired,
            Standing::NotRequired => Self::Neutral,
        }
    }
}

/// One horizontal bar: its label, its length, its shade, and where a reference mark (a
/// required level, a threshold) falls on it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shade: Shade,
    pub mark: Option<f64>,
}

/// A horizontal bar chart: one bar per item, first item on top.
pub struct BarChart {
    pub title: String,
    /// What the bars measure (the horizontal axis).
    pub value_axis: String,
    /// What the bars are (the vertical axis).
    pub item_axis: String,
    /// The axis' end: the bars' largest value at least.
    pub max: f64,
    pub bars: Vec<Bar>,
    /// The words for each shade used, in the legend's order.
    pub legend: Vec<(Shade, String)>,
    /// The legend's words for the marks, when bars have them.
    pub mark_legend: Option<String>,
    /// The text alternative: what the chart says, in a sentence or two.
    pub description: String,
}

pub(super) const WIDTH: u32 = 760;
pub(super) const FONT: &str = "sans-serif";
pub(super) const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);

impl BarChart {
    /// The chart as an SVG element, `id` naming its title and description for assistive
    /// technology.
    pub fn svg(&self, id: &str) -> Result<String, ApiError> {
        let height = 90 + 26 * self.bars.len().max(1) as u32 + 24 * self.legend.len() as u32;
        let mut out = String::new();
        self.draw(&mut out, height).map_err(|e| ApiError::internal("chart drawing", e))?;
        Ok(accessible(&out, id, &self.title, &self.description))
    }

    fn draw(&self, out: &mut String, height: u32) -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let n = self.bars.len().max(1) as i32;
        // A range of n values is n + 1 segments in plotters: the last, empty, one is left out.
        let top = (n - 1).max(1);
        let legend_height = 24 * self.legend.len() as u32 + if self.mark_legend.is_some() { 24 } else { 0 };
        let (plot, legend) = root.split_vertically(height - legend_height);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, (FONT, 18).into_font().color(&INK))
            .margin(8)
            .x_label_area_size(44)
            .y_label_area_size(260)
            .build_cartesian_2d(0f64..self.max.max(1.0), (0..top).into_segmented())?;
        // The first bar on top: bar i sits in segment n - 1 - i.
        let labels: Vec<String> = self.bars.iter().rev().map(|b| super::shorten(&b.label, LABEL)).collect();
        // Whole-number ticks: levels and head counts have no halves.
        let ticks = (self.max.max(1.0).ceil() as usize).min(10) + 1;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(ticks)
            .x_label_formatter(&|v| if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { String::new() })
            .x_desc(&self.value_axis)
            .y_desc(&self.item_axis)
            .y_labels(self.bars.len())
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 13).into_font().color(&INK))
            .axis_desc_style((FONT, 14).into_font().color(&INK))
            .draw()?;
        let n = self.bars.len() as i32;
        for (i, bar) in self.bars.iter().enumerate() {
            let row = n - 1 - i as i32;
            let mut rect = Rectangle::new(
                [(0.0, SegmentValue::Exact(row)), (bar.value, SegmentValue::Exact(row + 1))],
                bar.shade.colour().filled(),
            );
            rect.set_margin(5, 5, 0, 0);
            chart.draw_series(std::iter::once(rect))?;
            if let Some(mark) = bar.mark {
                // A tick as tall as the bar, so that marks of adjacent rows do not join.
                let half = self.max.max(1.0) / 400.0;
                let mut tick = Rectangle::new(
                    [(mark - half, SegmentValue::Exact(row)), (mark + half, SegmentValue::Exact(row + 1))],
                    INK.filled(),
                );
                tick.set_margin(2, 2, 0, 0);
                chart.draw_series(std::iter::once(tick))?;
            }
        }
        self.draw_legend(&legend)?;
        root.present()?;
        Ok(())
    }

    /// The legend below the plot: a swatch and its words per line.
    fn draw_legend(
        &self,
        area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    ) -> Result<(), Box<dyn std::error::Error + '_>> {
        let style = (FONT, 13).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        let mut y = 12;
        for (shade, words) in &self.legend {
            area.draw(&Rectangle::new([(270, y - 7), (284, y + 7)], shade.colour().filled()))?;
            area.draw(&Text::new(words.clone(), (292, y), style.clone()))?;
            y += 24;
        }
        if let Some(words) = &self.mark_legend {
            area.draw(&PathElement::new(vec![(277, y - 8), (277, y + 8)], INK.stroke_width(3)))?;
            area.draw(&Text::new(words.clone(), (292, y), style))?;
        }
        Ok(())
    }
}

/// The longest item label, in characters, that fits the label area.
const LABEL: usize = 36;

/// Escapes text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG with `role="img"`, a `<title>` and a `<desc>` that it is labelled by.
pub(super) fn accessible(svg: &str, id: &str, title: &str, description: &str) -> String {
    let Some(open) = svg.find("<svg") else { return svg.to_owned() };
    let Some(close) = svg[open..].find('>').map(|i| open + i + 1) else { return svg.to_owned() };
    let tag = svg[open..close].replacen(
        "<svg",
        &format!(r#"<svg role="img" class="chart" aria-labelledby="{id}-titre {id}-desc""#),
        1,
    );
    format!(
        "{tag}<title id=\"{id}-titre\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        xml(title),
        xml(description),
        &svg[close..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        BarChart {
            title: "Niveaux & exigences".into(),
            value_axis: "Niveau".into(),
            item_axis: "Compétence".into(),
            max: 4.0,
            bars: vec![
                Bar { label: "Écoute active".into(), value: 3.0, shade: Shade::Met, mark: Some(2.0) },
                Bar { label: "Droit des prestations".into(), value: 1.0, shade: Shade::Short2, mark: Some(3.0) },
            ],
            legend: vec![
                (Shade::Met, "Niveau atteint".into()),
                (Shade::Short2, "Deux niveaux ou plus en dessous".into()),
            ],
            mark_legend: Some("Niveau requis".into()),
            description: "2 compétences, 1 atteinte.".into(),
        }
    }

    #[test]
    fn a_chart_has_its_title_axes_legend_and_text_alternative() {
        let svg = chart().svg("niveaux").unwrap();
        assert!(svg.starts_with("<svg role=\"img\""), "{}", &svg[..200]);
        assert!(svg.contains("<title id=\"niveaux-titre\">Niveaux &amp; exigences</title>"));
        assert!(svg.contains("<desc id=\"niveaux-desc\">2 compétences, 1 atteinte.</desc>"));
        for words in
            ["Niveau", "Compétence", "Écoute active", "Droit des prestations", "Niveau requis", "Niveau atteint"]
        {
            assert!(svg.contains(words), "{words} missing");
        }
    }

    #[test]
    fn each_bar_is_drawn_in_its_shade() {
        let svg = chart().svg("c").unwrap();
        assert!(svg.contains("#2E7D32") || svg.contains("#2e7d32"), "met colour");
        assert!(svg.contains("#C62828") || svg.contains("#c62828"), "short colour");
    }
}
