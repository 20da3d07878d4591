//! The organisation's planning settings on the web (`/plans/parametres`): productive hours per
//! ETP, overtime, temporary staff, flying teams, the mobility share and hire pools of version 2,
//! penalties, the variance thresholds, the newcomers' ramp-up and each unit's activities. One
//! versioned document, as `PUT /api/v1/planning-settings` takes it, through the same use case: a
//! save made from an older version is refused (409) and the page shows the newer values; a
//! refused form comes back as typed, with each bad field named.
//!
//! Lists are typed one item per line, fields separated by `;`, so that French numbers
//! (`3 200`, `0,6`) need no quoting.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use gpec_planning::scenario::{FlyingTeam, HirePool, InternalMobility, Overtime, Pools, TemporaryStaff};

use crate::domain::planning::settings::{self, RampUp, Settings, StoredSettings, Variance};
use crate::domain::planning::{organisation_id, writes};
use crate::domain::types::Role;
use crate::error::{ApiError, Detail};
use crate::http::AppState;
use crate::web::form::{Fields, Reader, number, percent};
use crate::web::{Layout, Visitor, WebError, html, i18n, page};

#[derive(Template)]
#[template(path = "plan_settings.html")]
struct SettingsPage {
    layout: Layout,
    version: i32,
    updated: Option<String>,
    fields: Fields,
    /// Why the form was refused, and each bad field.
    refusal: Option<(String, Vec<Detail>)>,
    saved: bool,
    can_edit: bool,
}

impl SettingsPage {
    fn v(&self, name: impl AsRef<str>) -> String {
        self.fields.get(name.as_ref()).cloned().unwrap_or_default()
    }
}

/// Codes separated by commas.
fn codes(list: &[String]) -> String {
    list.join(", ")
}

fn read_codes(raw: &str) -> Vec<String> {
    raw.split(',').map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()).collect()
}

/// The stored settings as the form shows them.
fn stored_fields(s: &Settings) -> Fields {
    let mut f = Fields::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_owned(), v);
    };
    put("hours_per_fte", number(s.hours_per_fte));
    if let Some(ot) = &s.pools.overtime {
        put("overtime.max_share", percent(ot.max_share));
        put("overtime.cost_per_hour", number(ot.cost_per_hour));
    }
    let lines = |items: Vec<String>| items.join("\n");
    put(
        "temporary_staff",
        lines(
            s.pools
                .temporary_staff
                .iter()
                .map(|p| {
                    format!(
                        "{} ; {} ; {} ; {}",
                        p.code,
                        number(p.cost_per_head_month),
                        p.max_heads,
                        percent(p.productivity)
                    )
                })
                .collect(),
        ),
    );
    put(
        "flying_teams",
        lines(
            s.pools
                .flying_teams
                .iter()
                .map(|f| {
                    let hours: Vec<String> =
                        f.hours_per_period.iter().map(|(m, h)| format!("{m}={}", number(*h))).collect();
                    let activities = f.activities.as_deref().map_or("*".to_owned(), codes);
                    format!("{} ; {} ; {} ; {}", f.code, number(f.cost_per_hour), activities, hours.join(" "))
                })
                .collect(),
        ),
    );
    if let Some(m) = &s.pools.internal_mobility {
        put("mobility.max_share", percent(m.max_share));
    }
    put(
        "hires",
        lines(
            s.pools
                .hires
                .iter()
                .map(|k| {
                    let ramp: Vec<String> = k.ramp.iter().map(|r| percent(*r)).collect();
                    format!(
                        "{} ; {} ; {} ; {} ; {} ; {}",
                        k.code,
                        number(k.cost_per_head_month),
                        k.lead_months,
                        k.max_heads,
                        codes(&k.activities),
                        ramp.join("/")
                    )
                })
                .collect(),
        ),
    );
    put("penalties.over_normal_per_item", number(s.penalties.over_normal_per_item));
    put("penalties.over_critical_per_item", number(s.penalties.over_critical_per_item));
    put("penalties.under_min_presence_per_hour", number(s.penalties.under_min_presence_per_hour));
    put("variance.threshold", percent(s.variance.threshold));
    put(
        "variance.activities",
        lines(s.variance.activities.iter().map(|(code, v)| format!("{code} ; {}", percent(*v))).collect()),
    );
    put("ramp_up.months", s.ramp_up.months.to_string());
    put("ramp_up.start_share", percent(s.ramp_up.start_share));
    put("units", lines(s.units.iter().map(|(unit, acts)| format!("{unit} : {}", codes(acts))).collect()));
    f
}

/// Splits line `i` of list `field` into exactly `n` parts (`optional` of them may be missing at
/// the end), or names the line with the format to write.
fn parts<'a>(r: &mut Reader, field: &str, i: usize, line: &'a str, n: usize, optional: usize) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = line.split(';').map(str::trim).collect();
    if (n - optional..=n).contains(&parts.len()) && !parts[0].is_empty() {
        return Some(parts);
    }
    let format = match field {
        "temporary_staff" => "CODE ; cost per head and month ; most heads ; productivity %",
        "flying_teams" => "CODE ; cost per hour ; CODE, CODE or * ; 2027-02=500 2027-03=500",
        _ => "CODE ; cost per head and month ; lead months ; most heads ; CODE, CODE ; 30/50/70",
    };
    r.problems.push(Detail::field(format!("pools.{field}[{i}]"), format!("{line:?}: write {format}")));
    None
}

/// The settings the form describes, every problem named by the API's field path.
fn settings_of(fields: &Fields) -> Result<Settings, ApiError> {
    let mut r = Reader::new(fields);
    let mut pools = Pools::default();
    if !r.text("overtime.max_share").is_empty() || !r.text("overtime.cost_per_hour").is_empty() {
        pools.overtime = Some(Overtime {
            max_share: r.share("overtime.max_share"),
            cost_per_hour: r.number("overtime.cost_per_hour"),
        });
    }
    for (i, line) in r.lines("temporary_staff") {
        let Some(p) = parts(&mut r, "temporary_staff", i, line, 4, 0) else { continue };
        let field = |k: &str| format!("pools.temporary_staff[{i}].{k}");
        let cost = r.parse(&field("cost_per_head_month"), p[1]);
        let heads = r.parse_whole(&field("max_heads"), p[2]);
        let productivity = r.parse(&field("productivity"), p[3]);
        if let (Some(cost), Some(heads), Some(productivity)) = (cost, heads, productivity) {
            pools.temporary_staff.push(TemporaryStaff {
                code: p[0].to_uppercase(),
                cost_per_head_month: cost,
                max_heads: heads.into(),
                productivity: productivity / 100.0,
            });
        }
    }
    for (i, line) in r.lines("flying_teams") {
        let Some(p) = parts(&mut r, "flying_teams", i, line, 4, 1) else { continue };
        let cost = r.parse(&format!("pools.flying_teams[{i}].cost_per_hour"), p[1]);
        let activities = (p[2] != "*" && !p[2].is_empty()).then(|| read_codes(p[2]));
        let mut hours = BTreeMap::new();
        for entry in p.get(3).map_or(vec![], |h| h.split_whitespace().collect()) {
            let field = format!("pools.flying_teams[{i}].hours_per_period");
            match entry.split_once('=') {
                Some((month, h)) => {
                    if let Some(h) = r.parse(&format!("{field}.{month}"), h) {
                        hours.insert(month.to_owned(), h);
                    }
                }
                None => {
                    r.problems.push(Detail::field(field, format!("{entry:?}: write month=hours, e.g. 2027-02=500")))
                }
            }
        }
        if let Some(cost) = cost {
            pools.flying_teams.push(FlyingTeam {
                code: p[0].to_uppercase(),
                cost_per_hour: cost,
                activities,
                hours_per_period: hours,
            });
        }
    }
    if !r.text("mobility.max_share").is_empty() {
        pools.internal_mobility = Some(InternalMobility { max_share: r.share("mobility.max_share") });
    }
    for (i, line) in r.lines("hires") {
        let Some(p) = parts(&mut r, "hires", i, line, 6, 1) else { continue };
        let field = |k: &str| format!("pools.hires[{i}].{k}");
        let cost = r.parse(&field("cost_per_head_month"), p[1]);
        let lead = r.parse_whole(&field("lead_months"), p[2]);
        let heads = r.parse_whole(&field("max_heads"), p[3]);
        let ramp: Vec<f64> = p
            .get(5)
            .map_or(vec![], |ramp| ramp.split('/').filter(|v| !v.trim().is_empty()).collect())
            .into_iter()
            .enumerate()
            .filter_map(|(d, v)| r.parse(&format!("pools.hires[{i}].ramp[{d}]"), v).map(|v| v / 100.0))
            .collect();
        if let (Some(cost), Some(lead), Some(heads)) = (cost, lead, heads) {
            pools.hires.push(HirePool {
                code: p[0].to_uppercase(),
                cost_per_head_month: cost,
                lead_months: lead.into(),
                max_heads: heads.into(),
                ramp,
                activities: read_codes(p[4]),
            });
        }
    }
    let mut s = Settings { hours_per_fte: r.number("hours_per_fte"), pools, ..Settings::default() };
    s.penalties.over_normal_per_item = r.number("penalties.over_normal_per_item");
    s.penalties.over_critical_per_item = r.number("penalties.over_critical_per_item");
    s.penalties.under_min_presence_per_hour = r.number("penalties.under_min_presence_per_hour");
    s.variance = Variance { threshold: r.share("variance.threshold"), activities: BTreeMap::new() };
    for (i, line) in r.lines("variance.activities") {
        match line.split_once(';') {
            Some((code, share)) if !code.trim().is_empty() => {
                let code = code.trim().to_uppercase();
                if let Some(v) = r.parse(&format!("variance.activities.{code}"), share) {
                    s.variance.activities.insert(code, v / 100.0);
                }
            }
            _ => {
                r.problems.push(Detail::field(format!("variance.activities[{i}]"), format!("{line:?}: write CODE ; %")))
            }
        }
    }
    s.ramp_up =
        RampUp { months: r.whole("ramp_up.months").unwrap_or_default(), start_share: r.share("ramp_up.start_share") };
    for (i, line) in r.lines("units") {
        match line.rsplit_once(':') {
            Some((unit, acts)) if !unit.trim().is_empty() => {
                s.units.insert(unit.trim().to_owned(), read_codes(acts));
            }
            _ => r.problems.push(Detail::field(format!("units[{i}]"), format!("{line:?}: write unit : CODE, CODE"))),
        }
    }
    if r.problems.is_empty() { Ok(s) } else { Err(ApiError::problems("the settings", r.problems)) }
}

fn can_edit(visitor: &Visitor) -> bool {
    visitor.who.has(Role::Production)
}

async fn load(visitor: &Visitor, state: &AppState) -> Result<StoredSettings, WebError> {
    let who = visitor.who.clone();
    Ok(state
        .db
        .run(move |conn| {
            let org = organisation_id(conn, &who, None)?;
            settings::get(conn, org)
        })
        .await?)
}

fn settings_page(
    visitor: &Visitor,
    stored: StoredSettings,
    typed: Option<Fields>,
    refusal: Option<ApiError>,
    saved: bool,
) -> SettingsPage {
    // A form refused as typed keeps the version it was made from: saving it again after
    // someone else's save must still be refused.
    let version = typed.as_ref().and_then(|f| f.get("version")?.trim().parse().ok()).unwrap_or(stored.version);
    let fields = typed.unwrap_or_else(|| stored_fields(&stored.settings));
    SettingsPage {
        layout: Layout::of(visitor, i18n::t("plan-settings-title")),
        version,
        updated: stored
            .updated_by
            .zip(stored.updated_at)
            .map(|(by, at)| format!("{by}, {}", at.format("%d/%m/%Y %H:%M"))),
        fields,
        refusal: refusal.map(|e| (e.to_string(), e.details())),
        saved,
        can_edit: can_edit(visitor),
    }
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    enregistre: Option<String>,
}

#[get("/plans/parametres")]
pub async fn show(
    visitor: Visitor,
    state: web::Data<AppState>,
    q: web::Query<SavedQuery>,
) -> Result<HttpResponse, WebError> {
    let stored = load(&visitor, &state).await?;
    Ok(page(&settings_page(&visitor, stored, None, None, q.enregistre.is_some())))
}

#[post("/plans/parametres")]
pub async fn save(
    req: HttpRequest,
    visitor: Visitor,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let fields: Fields = form.into_inner().into_iter().collect();
    visitor.check_csrf(&req, fields.get("csrf").map(String::as_str))?;
    let version = fields.get("version").and_then(|v| v.trim().parse::<i32>().ok());
    let parsed =
        version.ok_or_else(|| ApiError::invalid("version", "is missing")).and_then(|v| Ok((v, settings_of(&fields)?)));
    let outcome = match parsed {
        Ok((version, content)) => {
            let who = visitor.who.clone();
            state.db.run(move |conn| writes::put_settings(conn, &who, None, version, &content).map(|_| ())).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => {
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/plans/parametres?enregistre=1")).finish())
        }
        Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let stored = load(&visitor, &state).await?;
            // Someone saved meanwhile: show theirs, never keep a stale form to be sent again.
            let stale = matches!(e, ApiError::Stale { .. } | ApiError::Conflict { .. });
            let typed = (!stale).then_some(fields);
            Ok(html(status, settings_page(&visitor, stored, typed, Some(e), false).render()))
        }
    }
}
