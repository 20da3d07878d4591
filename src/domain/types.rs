//! Small value types that cannot hold an invalid value once parsed.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

macro_rules! string_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        // By hand: the derive does not see a `rename` given through a macro, and would document
        // the variants' Rust names (`Admin`) instead of the words the service speaks (`admin`).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc),*];
                let description = doc.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ");
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description((!description.is_empty()).then_some(description))
                    .into()
            }
        }

        impl ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored or typed text; `field` names the input in the error.
            pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
                match raw.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(ApiError::invalid(field, format!(
                        "unknown value {other:?}; expected one of: {}",
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(stringify!($name), s).map_err(|e| e.to_string())
            }
        }
    };
}

string_enum! {
    /// What a user may do: `admin` manages users (and, in NATIONAL, organisations), `hr` the
    /// competency data, `production` loads and plans, `campus` trainers; `viewer` only reads;
    /// `trainer`, an internal trainer's own account linked to their agent, sees only their
    /// engagements, sessions and hours.
    Role {
        Admin => "admin",
        Hr => "hr",
        Production => "production",
        Campus => "campus",
        Viewer => "viewer",
        Trainer => "trainer",
    }
}

string_enum! {
    /// The kind of an organisation: the national fund, a local CAF or Urssaf, a training campus.
    OrgKind {
        National => "national",
        Caf => "caf",
        Urssaf => "urssaf",
        Campus => "campus",
    }
}

string_enum! {
    /// The family of a competency, from the dictionary section it appears in (`savoir` for the
    /// knowledge items the job sheets use).
    Category {
        SavoirFaire => "savoir-faire",
        SavoirFaireRelationnel => "savoir-faire relationnel",
        Savoir => "savoir",
    }
}

string_enum! {
    /// The three aggregate axes on which profiles are compared.
    Arc {
        Analytique => "analytique",
        Relationnel => "relationnel",
        Environnement => "environnement",
    }
}

string_enum! {
    /// Whether a competency is still in use.
    CompetencyStatus {
        Active => "active",
        Retired => "retired",
    }
}

string_enum! {
    /// The lifecycle of one version of a job profile.
    ProfileStatus {
        Draft => "draft",
        Validated => "validated",
        Archived => "archived",
    }
}

string_enum! {
    /// A job's part in one activity of the "qui fait quoi" table: X (principal) or x (contributor).
    ActivityRole {
        Principal => "principal",
        Contributor => "contributor",
    }
}

/// A proficiency level: 1 Initiation, 2 Pratique courante, 3 Maîtrise, 4 Expertise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "i64", into = "i32")]
#[schema(value_type = i32, minimum = 1, maximum = 4)]
pub struct Level(u8);

impl Level {
    pub const NAMES: [&'static str; 4] = ["Initiation", "Pratique courante", "Maîtrise", "Expertise"];

    pub fn new(value: i64) -> Result<Self, String> {
        if (1..=4).contains(&value) { Ok(Self(value as u8)) } else { Err(format!("level must be 1 to 4, got {value}")) }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let value: i64 =
            raw.trim().parse().map_err(|_| ApiError::invalid(field, format!("{raw:?} is not a level 1 to 4")))?;
        Self::new(value).map_err(|m| ApiError::invalid(field, m))
    }

    pub fn get(self) -> i32 {
        i32::from(self.0)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self.index()]
    }

    /// 0 for level 1 to 3 for level 4: a position in a per-level table.
    pub fn index(self) -> usize {
        usize::from(self.0) - 1
    }
}

impl TryFrom<i64> for Level {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, String> {
        Self::new(value)
    }
}

impl From<Level> for i32 {
    fn from(level: Level) -> i32 {
        level.get()
    }
}

/// An organisation code: 2–32 of `A-Z 0-9 - _`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let code = raw.trim().to_uppercase();
        check_code(field, &code, 32, upper_code_char, UPPER_CODE_RULE)?;
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A username: 3–64 of `a-z A-Z 0-9 . _ - @`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let name = raw.trim();
        let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if !(3..=64).contains(&name.len()) || !valid_chars {
            return Err(ApiError::invalid(
                field,
                "must be 3 to 64 characters among letters, digits, '.', '_', '-' and '@'",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password to set: [`Password::MIN_LEN`] to [`Password::MAX_LEN`] characters, and strong
/// enough by [`Password::new_checked`]. Its text never appears in Debug output.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 12;
    /// Lowest zxcvbn score (0–4) of a new password: 3 is "safely unguessable" (about 10^10
    /// guesses), the level the NIST and ANSSI advice on memorised secrets aims at.
    pub const MIN_SCORE: u8 = 3;
    /// Long enough for any passphrase, short enough that hashing it costs nothing unusual.
    pub const MAX_LEN: usize = 128;

    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let len = raw.chars().count();
        if len < Self::MIN_LEN {
            return Err(ApiError::invalid(field, format!("must be at least {} characters", Self::MIN_LEN)));
        }
        if len > Self::MAX_LEN {
            return Err(ApiError::invalid(field, format!("must be at most {} characters", Self::MAX_LEN)));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Words zxcvbn's English lists lack and a French user may build a password from: the AZERTY
    /// keyboard rows, common French passwords and the branch's own names.
    const FRENCH_WORDS: [&'static str; 22] = [
        "azerty",
        "azertyuiop",
        "qsdfghjklm",
        "wxcvbn",
        "azertyuiopqsdfghjklm",
        "motdepasse",
        "bonjour",
        "soleil",
        "doudou",
        "chouchou",
        "loulou",
        "marseille",
        "toulouse",
        "nicolas",
        "camille",
        "caf",
        "urssaf",
        "cnaf",
        "allocations",
        "familiales",
        "securite",
        "sociale",
    ];

    /// A new password: the length rule, then a strength estimate that refuses the common
    /// passwords, keyboard walks, dates and words of `context` (the username, the organisation)
    /// and of [`Self::FRENCH_WORDS`].
    pub fn new_checked(field: &str, raw: &str, context: &[&str]) -> Result<Self, ApiError> {
        let password = Self::parse(field, raw)?;
        let words: Vec<&str> = context.iter().copied().chain(Self::FRENCH_WORDS).collect();
        let estimate = zxcvbn::zxcvbn(raw, &words);
        if (estimate.score() as u8) < Self::MIN_SCORE {
            let hint = estimate
                .feedback()
                .and_then(|f| f.warning().map(|w| w.to_string()))
                .unwrap_or_else(|| "it is too easy to guess".to_owned());
            return Err(ApiError::unusable(
                field,
                format!("too weak: {hint}; use a longer passphrase of unrelated words"),
            ));
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Longest name or label (of a person, an organisation, a unit, a competency, a job sheet, an
/// activity, a module or a plan), in characters.
pub const NAME_MAX_CHARS: usize = 200;

/// `None` when `name` is a usable name: not empty, at most [`NAME_MAX_CHARS`] characters, and on
/// one line (no control character at all: a tab or line break has no place in a name). Else the
/// problem, to be reported under the field.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("must not be empty".to_owned())
    } else if name.chars().count() > NAME_MAX_CHARS {
        Some(format!("must be at most {NAME_MAX_CHARS} characters"))
    } else if name.chars().any(char::is_control) {
        Some("must be one line, without tabs or control characters".to_owned())
    } else {
        None
    }
}

/// Parses a non-empty list of roles, without duplicates.
pub fn parse_roles(field: &str, raw: &[String]) -> Result<Vec<Role>, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::invalid(field, "at least one role is required"));
    }
    let mut roles = raw.iter().map(|r| Role::parse(field, r)).collect::<Result<Vec<_>, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// Checks a code: `min..=max` characters, each accepted by `allowed`; names the rule in the error.
fn check_code(field: &str, code: &str, max: usize, allowed: fn(char) -> bool, rule: &str) -> Result<(), ApiError> {
    if !(2..=max).contains(&code.len()) || !code.chars().all(allowed) {
        return Err(ApiError::invalid(field, format!("must be 2 to {max} characters among {rule}")));
    }
    Ok(())
}

/// Characters of upper-case codes (organisations, job profiles), once upper-cased.
fn upper_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

const UPPER_CODE_RULE: &str = "A-Z, 0-9, '-' and '_'";

/// Checks a slug (competency and branch activity codes): 2–80 of a-z, 0-9 and '-'.
pub fn check_slug(field: &str, code: &str) -> Result<(), ApiError> {
    check_code(field, code, 80, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-', "a-z, 0-9 and '-'")
}

/// A competency code: a slug such as `connaissance-prestations`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompetencyCode(String);

impl CompetencyCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let code = raw.trim().to_owned();
        check_slug(field, &code)?;
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A job profile code such as `CSU` or `GESTIONNAIRE-RISQUES`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileCode(String);

impl ProfileCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let code = raw.trim().to_uppercase();
        check_code(field, &code, 40, upper_code_char, UPPER_CODE_RULE)?;
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The form under which wordings are compared: lower case, no accents, words separated by one
/// space, so that "Conseil/ assistance" and "Conseil / Assistance" meet.
pub fn normalize(text: &str) -> String {
    let plain = deunicode::deunicode(text).to_lowercase();
    plain.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

string_enum! {
    /// Where an assessed level comes from. Self-assessments are kept but never count as the
    /// current level.
    AssessmentSource {
        Eaea => "eaea",
        Manager => "manager",
        SelfAssessment => "self",
        Training => "training",
        Certification => "certification",
    }
}

/// A work-time fraction (quotité de travail) in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "f64", into = "f64")]
#[schema(value_type = f64, exclusive_minimum = 0, maximum = 1)]
pub struct Fte(f64);

impl Fte {
    pub fn new(value: f64) -> Result<Self, String> {
        if value > 0.0 && value <= 1.0 { Ok(Self(value)) } else { Err(format!("fte must be in (0, 1], got {value}")) }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Fte {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        Self::new(value)
    }
}

impl From<Fte> for f64 {
    fn from(fte: Fte) -> f64 {
        fte.0
    }
}

/// Parses a `YYYY-MM-DD` date, naming `field` when it is not one.
pub fn parse_date(field: &str, raw: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, format!("{raw:?} is not a date YYYY-MM-DD")))
}

/// Parses an upper-case code of up to `max` characters (activities, pools): 2 or more of
/// `A-Z 0-9 - _`, upper-cased.
pub fn upper_code(field: &str, raw: &str, max: usize) -> Result<String, ApiError> {
    let code = raw.trim().to_uppercase();
    check_code(field, &code, max, upper_code_char, UPPER_CODE_RULE)?;
    Ok(code)
}

/// A calendar month, `YYYY-MM`, as the planning periods are. The API document states what
/// [`Period::parse`] takes as the pattern `^ *(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2]) *$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period(i32);

impl Period {
    /// Longest horizon of a plan or report, in months (the planning model's limit).
    pub const MAX_HORIZON: usize = 36;

    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let raw = raw.trim();
        let bad = || ApiError::invalid(field, format!("{raw:?} is not a month YYYY-MM"));
        let (year, month) = raw.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let (year, month): (i32, i32) = (year.parse().map_err(|_| bad())?, month.parse().map_err(|_| bad())?);
        if !(1..=12).contains(&month) || year < 1900 {
            return Err(bad());
        }
        Ok(Self(year * 12 + month - 1))
    }

    pub fn of_date(date: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        Self(date.year() * 12 + date.month0() as i32)
    }

    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.0.div_euclid(12), self.0.rem_euclid(12) as u32 + 1, 1)
            .expect("a valid month")
    }

    pub fn last_day(self) -> chrono::NaiveDate {
        Self(self.0 + 1).first_day().pred_opt().expect("a valid day")
    }

    /// The month `months` later (earlier when negative).
    pub fn plus(self, months: i32) -> Self {
        Self(self.0 + months)
    }

    /// Months from `earlier` to this one (negative when `earlier` is later).
    pub fn months_since(self, earlier: Self) -> i64 {
        i64::from(self.0 - earlier.0)
    }

    /// 0 for January to 11 for December.
    pub fn month0(self) -> usize {
        self.0.rem_euclid(12) as usize
    }

    /// `from..=to`, refused when reversed or longer than [`Period::MAX_HORIZON`] months.
    pub fn horizon(from: Self, to: Self) -> Result<Vec<Self>, ApiError> {
        if to < from {
            return Err(ApiError::unusable("to", "must not be before from"));
        }
        let months = (to.0 - from.0 + 1) as usize;
        if months > Self::MAX_HORIZON {
            return Err(ApiError::unusable("to", format!("the horizon is {months} months; at most 36")));
        }
        Ok((from.0..=to.0).map(Self).collect())
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.0.div_euclid(12), self.0.rem_euclid(12) + 1)
    }
}

string_enum! {
    /// Why an agent is away for part of a month: it reduces their planning capacity.
    UnavailabilityKind {
        Absence => "absence",
        Training => "training",
        Other => "other",
    }
}

string_enum! {
    /// The three parties whose agreement an engagement needs.
    Party {
        Trainer => "trainer",
        Employer => "employer",
        Campus => "campus",
    }
}

string_enum! {
    /// The lifecycle of a trainer's engagement.
    EngagementStatus {
        Proposed => "proposed",
        Active => "active",
        RenewalRequested => "renewal_requested",
        Renewed => "renewed",
        Ended => "ended",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_long_enough_and_hard_to_guess_in_french_too() {
        for strong in ["gestion des compétences à Versailles", "une phrase de passe assez longue"] {
            assert!(Password::new_checked("p", strong, &["rh.yvelines", "CAF-78"]).is_ok(), "{strong}");
        }
        let refused = |raw: &str, context: &[&str]| Password::new_checked("p", raw, context).is_err();
        assert!(refused("court", &[]), "too short");
        assert!(refused(&"x".repeat(129), &[]), "too long");
        for weak in ["motdepasse2024", "qsdfghjklmwxcvbn", "allocationsfamiliales", "password1234"] {
            assert!(refused(weak, &[]), "{weak}");
        }
        assert!(refused("rh.yvelinesrh.yvelines", &["rh.yvelines"]), "the username is known to the estimate");
    }

    #[test]
    fn a_name_is_one_line_of_at_most_200_characters() {
        assert_eq!(name_problem("CAF des Yvelines"), None);
        assert!(name_problem("").is_some());
        assert!(name_problem(&"é".repeat(201)).is_some());
        assert_eq!(name_problem(&"é".repeat(200)), None);
        assert!(name_problem("Nom\tPrénom").is_some());
    }
}
