//! Every word the web application shows, from the message catalogue (`locales/`), and numbers
//! and dates the French way.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Without this, Fluent wraps each argument in invisible direction marks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

const FR: LanguageIdentifier = langid!("fr");

/// The message `key`. A key missing from the catalogue shows as itself, never as a blank.
pub fn t(key: &str) -> String {
    LOCALES.try_lookup(&FR, key).unwrap_or_else(|| key.to_owned())
}

/// The message `key` with its named arguments.
pub fn tr(key: &str, args: &[(&'static str, String)]) -> String {
    // A count is given as a number, so that the catalogue can choose a plural form by it.
    let value = |v: &String| v.parse::<i64>().map_or_else(|_| FluentValue::from(v.clone()), FluentValue::from);
    let args: HashMap<Cow<'static, str>, FluentValue> =
        args.iter().map(|(name, v)| (Cow::Borrowed(*name), value(v))).collect();
    LOCALES.try_lookup_with_args(&FR, key, &args).unwrap_or_else(|| key.to_owned())
}

/// `1 234,5`: a narrow no-break space between thousands, a decimal comma, at most `decimals`
/// digits after it (trailing zeros dropped).
pub fn number(value: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    let fraction = fraction.trim_end_matches('0');
    let sign = if value < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{fraction}") }
}

/// `dd/mm/yyyy`.
pub fn date(value: NaiveDate) -> String {
    value.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_the_catalogue_with_their_arguments() {
        assert_eq!(t("login-title"), "Connexion");
        assert_eq!(tr("home-welcome", &[("user", "rh33".to_owned())]), "Bonjour rh33.");
        assert_eq!(tr("dictionary-count", &[("count", "0".to_owned())]), "Aucune compétence ne correspond.");
        assert_eq!(tr("dictionary-count", &[("count", "1".to_owned())]), "1 compétence.");
        assert_eq!(tr("dictionary-count", &[("count", "37".to_owned())]), "37 compétences.");
    }

    #[test]
    fn a_missing_message_shows_its_key() {
        assert_eq!(t("no-such-key"), "no-such-key");
    }

    /// The keys named as `t("…")` or `tr("…"` in `text` (not `get("…")` and the like).
    fn keys_in(text: &str) -> Vec<String> {
        let mut keys = vec![];
        for opener in ["t(\"", "tr(\""] {
            for (at, _) in text.match_indices(opener) {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[at + opener.len()..];
                keys.push(rest[..rest.find('"').unwrap()].to_owned());
            }
        }
        keys
    }

    #[test]
    fn every_message_the_pages_name_is_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut named = vec![];
        for dir in ["templates", "src/web", "src/web/pages"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() && !path.ends_with("i18n.rs") {
                    named.extend(keys_in(&std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        assert!(named.len() >= 20, "the scan found the pages' keys: {named:?}");
        let catalogue = std::fs::read_to_string(root.join("locales/fr/gpec.ftl")).unwrap();
        let defined: Vec<&str> = catalogue.lines().filter_map(|l| l.split_once(" = ").map(|(k, _)| k)).collect();
        let missing: Vec<&String> = named.iter().filter(|k| !defined.contains(&k.as_str())).collect();
        assert!(missing.is_empty(), "keys missing from locales/fr/gpec.ftl: {missing:?}");
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(number(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(number(1_234_567.0, 2), "1\u{202f}234\u{202f}567");
        assert_eq!(number(12.25, 2), "12,25");
        assert_eq!(number(-0.001, 1), "0");
        assert_eq!(number(-950.0, 0), "-950");
        assert_eq!(number(100.0, 0), "100");
    }

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2027, 3, 9).unwrap()), "09/03/2027");
    }
}
