//! The team matrix: a unit's agents × the competencies of their job sheets, each cell coloured
//! by where the level stands against the agent's own sheet, the arcs summarised per agent; and
//! the same matrix as CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::scope::{ScopeFilters, ScopeQuery};
use crate::domain::analytics::{self, Matrix, MatrixRow, Standing};
use crate::http::AppState;
use crate::http::handlers::agents::today;
use crate::web::{Layout, Visitor, WebError, i18n, page};

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    filters: ScopeFilters,
    matrix: Matrix,
    legend: Vec<(&'static str, String)>,
}

/// One cell as shown: its class, its text and its words for a tooltip and screen readers.
struct Cell {
    class: &'static str,
    text: String,
    words: String,
}

impl TeamPage {
    fn cells(&self, row: &MatrixRow) -> Vec<Cell> {
        self.matrix
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let (held, required) = (row.levels[i], row.required[i]);
                let expired = row.expired.contains(&col.competency);
                let standing = Standing::of(required, held, expired);
                let text = match (held, standing) {
                    (Some(l), _) => l.to_string(),
                    (None, Standing::Expired) => i18n::t("team-expired-short"),
                    (None, _) => "—".to_owned(),
                };
                let words = i18n::tr(
                    "team-cell",
                    &[
                        ("competency", col.competency_label.clone()),
                        ("held", held.map_or_else(|| "—".to_owned(), |l| l.to_string())),
                        ("required", required.map_or_else(|| "—".to_owned(), |l| l.to_string())),
                        ("standing", i18n::t(&format!("standing-{}", standing.as_str()))),
                    ],
                );
                Cell { class: standing.as_str(), text, words }
            })
            .collect()
    }

    /// The agent's arcs: held over required mean level, one per arc the sheet uses.
    fn arcs(&self, row: &MatrixRow) -> Vec<String> {
        row.arcs
            .iter()
            .filter(|a| a.requirements > 0)
            .map(|a| format!("{} {} / {}", a.arc.as_str(), i18n::number(a.held, 1), i18n::number(a.required, 1)))
            .collect()
    }

    /// A column's header: the label cut short (the whole label is its title).
    fn header(&self, label: &str) -> String {
        crate::web::shorten(label, 28)
    }

    fn count(&self) -> String {
        i18n::tr(
            "team-count",
            &[("agents", self.matrix.rows.len().to_string()), ("competencies", self.matrix.columns.len().to_string())],
        )
    }

    fn csv_link(&self) -> String {
        format!("/equipes/matrice.csv?{}", self.filters.query.query_string())
    }
}

#[get("/equipes")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<ScopeQuery>,
) -> Result<HttpResponse, WebError> {
    let mut query = query.into_inner();
    let who = visitor.who.clone();
    let (filters, matrix) = state
        .db
        .run(move |conn| {
            let filters = ScopeFilters::load(conn, &who, query.clone())?;
            // A whole organisation is too wide to read: without a filter, the first unit shows.
            if query.unite.trim().is_empty() && query.fiche.trim().is_empty() {
                query.unite = filters.units.first().cloned().unwrap_or_default();
            }
            let matrix = analytics::team_matrix(conn, &who, &query.scope(), today())?;
            Ok((ScopeFilters { query, ..filters }, matrix))
        })
        .await?;
    let legend = Standing::SHOWN.iter().map(|s| (s.as_str(), i18n::t(&format!("standing-{}", s.as_str())))).collect();
    Ok(page(&TeamPage { layout: Layout::of(&visitor, i18n::t("team-title")), filters, matrix, legend }))
}

/// The matrix of the same filters as CSV, for a spreadsheet.
#[get("/equipes/matrice.csv")]
pub async fn csv(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<ScopeQuery>,
) -> Result<HttpResponse, WebError> {
    let scope = query.into_inner().scope();
    let who = visitor.who.clone();
    let bytes =
        state.db.run(move |conn| analytics::matrix_csv(&analytics::team_matrix(conn, &who, &scope, today())?)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"matrice-equipe.csv\""))
        .body(bytes))
}
