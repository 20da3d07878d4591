//! Job sheets (fiches emploi): the list, a sheet's page at any version, a word-level diff of two
//! versions, two sheets side by side, and, for the referential's editors, the edit form (a stale
//! edit shows the conflict and keeps what was typed) and the validation of a draft.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::job_profiles::compare::{Comparison, Diff, Words, word_diff};
use crate::domain::job_profiles::{self, ProfileContent, ProfileVersion, Requirement, RequirementView, SheetSummary};
use crate::domain::referential_edits;
use crate::domain::types::{Arc, Level, ProfileStatus};
use crate::error::ApiError;
use crate::http::AppState;
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

/// Words for a status.
fn status_words(status: &ProfileStatus) -> String {
    i18n::t(&format!("sheet-status-{}", status.as_str()))
}

#[derive(Template)]
#[template(path = "sheets.html")]
struct SheetsPage {
    layout: Layout,
    sheets: Vec<SheetSummary>,
}

impl SheetsPage {
    fn status(&self, s: &ProfileStatus) -> String {
        status_words(s)
    }

    fn date(&self, s: &SheetSummary) -> String {
        i18n::date(s.created_at.date())
    }
}

#[get("/fiches")]
pub async fn list(visitor: Visitor, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let sheets = state.db.run(job_profiles::summaries).await?;
    Ok(page(&SheetsPage { layout: Layout::of(&visitor, i18n::t("sheets-title")), sheets }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetQuery {
    version: Option<i32>,
    /// Set after a validation.
    valide: Option<String>,
    /// Set after an edit was saved.
    enregistre: Option<String>,
}

#[derive(Template)]
#[template(path = "sheet.html")]
struct SheetPage {
    layout: Layout,
    sheet: ProfileVersion,
    versions: Vec<ProfileVersion>,
    /// Whether the edit and validate buttons show: the server checks again on POST.
    can_edit: bool,
    notice: Option<String>,
}

impl SheetPage {
    fn status(&self, s: &ProfileStatus) -> String {
        status_words(s)
    }

    fn is_current(&self) -> bool {
        self.sheet.version == self.sheet.current_version
    }

    fn can_validate(&self) -> bool {
        self.can_edit && self.is_current() && self.sheet.status == ProfileStatus::Draft
    }

    /// The requirements on each arc, in the sheet's order.
    fn by_arc(&self) -> Vec<(&'static str, Vec<&RequirementView>)> {
        Arc::ALL
            .iter()
            .map(|arc| (arc.as_str(), self.sheet.requirements.iter().filter(|r| r.arc == *arc).collect::<Vec<_>>()))
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    fn when(&self, v: &ProfileVersion) -> String {
        i18n::date(v.created_at.date())
    }

    /// The version before the one shown, to diff against by default.
    fn previous(&self) -> i32 {
        (self.sheet.version - 1).max(1)
    }
}

#[get("/fiches/{code}")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<SheetQuery>,
) -> Result<HttpResponse, WebError> {
    let (code, query) = (code.into_inner(), query.into_inner());
    let number = query.version;
    let (sheet, versions) = state
        .db
        .run(move |conn| Ok((job_profiles::get(conn, &code, number)?, job_profiles::versions(conn, &code)?)))
        .await?;
    let notice = match (query.valide, query.enregistre) {
        (Some(_), _) => Some(i18n::t("sheet-validated")),
        (None, Some(_)) => Some(i18n::t("sheet-saved")),
        _ => None,
    };
    let layout = Layout::of(&visitor, format!("{} — {}", sheet.code, sheet.content.title));
    let can_edit = visitor.who.require_referential_editor().is_ok();
    Ok(page(&SheetPage { layout, sheet, versions, can_edit, notice }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    de: i32,
    a: Option<i32>,
}

/// A text field's label and its word-level diff.
type FieldDiff = (String, Vec<Words>);

#[derive(Template)]
#[template(path = "sheet_diff.html")]
struct DiffPage {
    layout: Layout,
    diff: Diff,
    fields: Vec<FieldDiff>,
    versions: Vec<i32>,
}

#[get("/fiches/{code}/versions")]
pub async fn diff(
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, WebError> {
    let (code, DiffQuery { de, a }) = (code.into_inner(), query.into_inner());
    let (diff, versions) = state
        .db
        .run(move |conn| {
            let numbers = job_profiles::version_numbers(conn, &code)?;
            Ok((job_profiles::diff_versions(conn, &code, de, a)?, numbers))
        })
        .await?;
    let fields = diff
        .text_changes
        .iter()
        .map(|c| (i18n::t(&format!("sheet-field-{}", c.field)), word_diff(&c.from, &c.to)))
        .collect();
    let title = i18n::tr(
        "sheet-diff-title",
        &[("code", diff.code.clone()), ("from", diff.from.to_string()), ("to", diff.to.to_string())],
    );
    Ok(page(&DiffPage { layout: Layout::of(&visitor, title), diff, fields, versions }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareQuery {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

#[derive(Template)]
#[template(path = "sheet_compare.html")]
struct ComparePage {
    layout: Layout,
    sheets: Vec<SheetSummary>,
    query: CompareQuery,
    comparison: Option<Comparison>,
}

impl ComparePage {
    fn summary(&self, c: &Comparison) -> String {
        i18n::tr(
            "compare-summary",
            &[("levels", c.levels_to_gain.to_string()), ("competencies", c.competencies_to_raise.to_string())],
        )
    }

    /// A gap's class: to gain, to lose, or even.
    fn gap_class(&self, gap: &i32) -> &'static str {
        match gap {
            g if *g > 0 => "short2",
            g if *g < 0 => "met",
            _ => "",
        }
    }
}

#[get("/fiches-comparees")]
pub async fn compare(
    visitor: Visitor,
    state: web::Data<AppState>,
    query: web::Query<CompareQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let (a, b) = (query.a.trim().to_owned(), query.b.trim().to_owned());
    let (sheets, comparison) = state
        .db
        .run(move |conn| {
            let comparison =
                if a.is_empty() || b.is_empty() { None } else { Some(job_profiles::compare_current(conn, &a, &b)?) };
            Ok((job_profiles::summaries(conn)?, comparison))
        })
        .await?;
    Ok(page(&ComparePage { layout: Layout::of(&visitor, i18n::t("compare-title")), sheets, query, comparison }))
}

/// The edit form as typed: its text fields, and the requirements as (competency, level) rows.
#[derive(Debug, Default, Clone)]
struct SheetForm {
    /// The version the edit was made from.
    version: i32,
    csrf: String,
    title: String,
    purpose: String,
    activities: String,
    environment: String,
    recruitment_diploma: String,
    recruitment_internal_profile: String,
    recruitment_selection: String,
    recruitment: String,
    requirements: Vec<(String, String)>,
}

/// Empty requirement rows offered under the sheet's own, to add competencies.
const BLANK_ROWS: usize = 3;

impl SheetForm {
    fn of(sheet: &ProfileVersion) -> Self {
        let c = &sheet.content;
        Self {
            version: sheet.version,
            csrf: String::new(),
            title: c.title.clone(),
            purpose: c.purpose.clone(),
            activities: c.activities.clone(),
            environment: c.environment.clone(),
            recruitment_diploma: c.recruitment_diploma.clone(),
            recruitment_internal_profile: c.recruitment_internal_profile.clone(),
            recruitment_selection: c.recruitment_selection.clone(),
            recruitment: c.recruitment.clone(),
            requirements: c.requirements.iter().map(|r| (r.competency.clone(), r.level.get().to_string())).collect(),
        }
    }

    /// The form's fields in the order sent; `competence` and `niveau` repeat, one pair per row.
    fn parse(fields: Vec<(String, String)>) -> Result<Self, ApiError> {
        let mut form = Self::default();
        let mut competencies = Vec::new();
        let mut levels = Vec::new();
        for (name, value) in fields {
            match name.as_str() {
                "version" => {
                    form.version = value.trim().parse().map_err(|_| ApiError::invalid("version", "not a number"))?;
                }
                "csrf" => form.csrf = value,
                "title" => form.title = value,
                "purpose" => form.purpose = value,
                "activities" => form.activities = value,
                "environment" => form.environment = value,
                "recruitment_diploma" => form.recruitment_diploma = value,
                "recruitment_internal_profile" => form.recruitment_internal_profile = value,
                "recruitment_selection" => form.recruitment_selection = value,
                "recruitment" => form.recruitment = value,
                "competence" => competencies.push(value),
                "niveau" => levels.push(value),
                other => return Err(ApiError::invalid(other, "unknown field")),
            }
        }
        if competencies.len() != levels.len() {
            return Err(ApiError::invalid("niveau", "one level per competency row"));
        }
        form.requirements = competencies.into_iter().zip(levels).collect();
        Ok(form)
    }

    /// The sheet's new content: the typed fields over `base` (whose roles in the branch's
    /// activities the form does not edit). Rows without a competency are left out; a row's bad
    /// level names its row.
    fn content(&self, base: &ProfileContent) -> Result<ProfileContent, ApiError> {
        let mut requirements = Vec::new();
        for (i, (competency, level)) in self.requirements.iter().enumerate() {
            if competency.trim().is_empty() {
                continue;
            }
            let field = format!("requirements[{i}].level");
            let level = Level::parse(&field, level.trim())?;
            let source_label = base
                .requirements
                .iter()
                .find(|r| r.competency == competency.trim())
                .map(|r| r.source_label.clone())
                .unwrap_or_default();
            requirements.push(Requirement { competency: competency.trim().to_owned(), level, source_label });
        }
        Ok(ProfileContent {
            title: self.title.trim().to_owned(),
            purpose: self.purpose.trim().to_owned(),
            activities: self.activities.trim().to_owned(),
            environment: self.environment.trim().to_owned(),
            recruitment_diploma: self.recruitment_diploma.trim().to_owned(),
            recruitment_internal_profile: self.recruitment_internal_profile.trim().to_owned(),
            recruitment_selection: self.recruitment_selection.trim().to_owned(),
            recruitment: self.recruitment.trim().to_owned(),
            requirements,
            activity_roles: base.activity_roles.clone(),
        })
    }

    /// The rows to show: those typed, then blank ones to fill.
    fn rows(&self) -> Vec<(String, String)> {
        let mut rows = self.requirements.clone();
        rows.extend(std::iter::repeat_n((String::new(), String::new()), BLANK_ROWS));
        rows
    }
}

#[derive(Template)]
#[template(path = "sheet_edit.html")]
struct EditPage {
    layout: Layout,
    code: String,
    form: SheetForm,
    competencies: Vec<(String, String)>,
    notice: Option<String>,
    /// When the sheet changed since the form was opened: the version saved meanwhile, whose
    /// differing fields show beside what was typed.
    conflict: Option<ProfileVersion>,
}

impl EditPage {
    /// The text fields where the version saved meanwhile differs from what was typed:
    /// (label, theirs, yours).
    fn differences(&self) -> Vec<(String, String, String)> {
        let Some(theirs) = &self.conflict else { return vec![] };
        let Ok(yours) = self.form.content(&theirs.content) else { return vec![] };
        theirs
            .content
            .text_fields()
            .into_iter()
            .zip(yours.text_fields())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, a), (_, b))| (i18n::t(&format!("sheet-field-{field}")), a.to_owned(), b.to_owned()))
            .collect()
    }

    fn conflict_words(&self) -> String {
        let Some(theirs) = &self.conflict else { return String::new() };
        i18n::tr("sheet-conflict", &[("version", theirs.version.to_string()), ("author", theirs.author.clone())])
    }

    fn label(&self, key: &str) -> String {
        i18n::t(&format!("sheet-field-{key}"))
    }
}

async fn edit_page(
    visitor: &Visitor,
    state: &AppState,
    code: String,
    form: Option<SheetForm>,
    notice: Option<String>,
    conflict: bool,
) -> Result<EditPage, WebError> {
    let wanted = code.clone();
    let (current, competencies) = state
        .db
        .run(move |conn| Ok((job_profiles::get(conn, &wanted, None)?, crate::domain::competencies::choices(conn)?)))
        .await?;
    let title = i18n::tr("sheet-edit-title", &[("code", current.code.clone())]);
    let mut form = form.unwrap_or_else(|| SheetForm::of(&current));
    let conflict = conflict.then(|| {
        // Saving again knowingly replaces the version saved meanwhile.
        form.version = current.version;
        current
    });
    Ok(EditPage { layout: Layout::of(visitor, title), code, form, competencies, notice, conflict })
}

#[get("/fiches/{code}/modifier")]
pub async fn edit(
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    visitor.who.require_referential_editor()?;
    Ok(page(&edit_page(&visitor, &state, code.into_inner().to_uppercase(), None, None, false).await?))
}

/// Saves the form as a new draft version (referential editors only, checked by the domain as
/// for the API). A refusal, or a version saved meanwhile, shows the form again as typed.
#[post("/fiches/{code}/modifier")]
pub async fn save(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
    fields: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let code = code.into_inner().to_uppercase();
    let form = SheetForm::parse(fields.into_inner())?;
    visitor.check_csrf(&req, Some(&form.csrf))?;
    // Refused before anything is read; the domain checks again when it writes.
    visitor.who.require_referential_editor()?;
    let who = visitor.who.clone();
    let (wanted, typed) = (code.clone(), form.clone());
    let saved = state
        .db
        .run(move |conn| {
            // The fields the form does not edit come from the version it was opened on.
            let base = job_profiles::get(conn, &wanted, Some(typed.version))?;
            let content = typed.content(&base.content)?;
            referential_edits::update_job_profile(conn, &who, &wanted, typed.version, content)
        })
        .await;
    match saved {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/fiches/{code}?enregistre=1")))
            .finish()),
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let stale = matches!(e, ApiError::Stale { .. });
            let status = e.status_code();
            let notice = (!stale).then(|| e.to_string());
            let page = edit_page(&visitor, &state, code, Some(form), notice, stale).await?;
            Ok(html(status, page.render()))
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateForm {
    version: i32,
    #[serde(default)]
    csrf: String,
}

/// Validates the draft shown (referential editors only); a version saved meanwhile answers 409.
#[post("/fiches/{code}/valider")]
pub async fn validate(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: web::Form<ValidateForm>,
) -> Result<HttpResponse, WebError> {
    let (code, form) = (code.into_inner().to_uppercase(), form.into_inner());
    visitor.check_csrf(&req, Some(&form.csrf))?;
    let who = visitor.who.clone();
    let wanted = code.clone();
    state
        .db
        .run(move |conn| {
            referential_edits::set_job_profile_status(conn, &who, &wanted, form.version, ProfileStatus::Validated)
        })
        .await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/fiches/{code}?valide=1"))).finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_form_reads_its_repeated_rows_in_order_and_leaves_blank_rows_out() {
        let form = SheetForm::parse(pairs(&[
            ("version", "3"),
            ("title", " Conseiller "),
            ("competence", "ecoute"),
            ("niveau", "3"),
            ("competence", ""),
            ("niveau", ""),
            ("competence", "droit"),
            ("niveau", "2"),
        ]))
        .unwrap();
        assert_eq!(form.version, 3);
        let content = form.content(&ProfileContent::default()).unwrap();
        assert_eq!(content.title, "Conseiller");
        let got: Vec<(&str, i32)> =
            content.requirements.iter().map(|r| (r.competency.as_str(), r.level.get())).collect();
        assert_eq!(got, [("ecoute", 3), ("droit", 2)]);
    }

    #[test]
    fn a_bad_level_names_its_row_and_an_unknown_field_is_refused() {
        let form = SheetForm::parse(pairs(&[("version", "1"), ("competence", "ecoute"), ("niveau", "7")])).unwrap();
        let e = form.content(&ProfileContent::default()).unwrap_err();
        assert!(e.to_string().contains("requirements[0].level") || format!("{e:?}").contains("requirements[0].level"));
        assert!(SheetForm::parse(pairs(&[("surprise", "x")])).is_err());
    }
}
