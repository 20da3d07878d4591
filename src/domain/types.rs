//! Small value types that cannot hold an invalid value once parsed.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

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
    /// competency data, `production` loads and plans, `campus` trainers; `viewer` only reads.
    Role {
        Admin => "admin",
        Hr => "hr",
        Production => "production",
        Campus => "campus",
        Viewer => "viewer",
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

/// An organisation code: 2–32 of `A-Z 0-9 - _`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        let code = raw.trim().to_uppercase();
        let valid_chars = code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !(2..=32).contains(&code.len()) || !valid_chars {
            return Err(ApiError::invalid(field, "must be 2 to 32 characters among A-Z, 0-9, '-' and '_'"));
        }
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

/// A new password: at least 8 characters. Its text never appears in Debug output.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 8;

    pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
        if raw.chars().count() < Self::MIN_LEN {
            return Err(ApiError::invalid(field, format!("must be at least {} characters", Self::MIN_LEN)));
        }
        Ok(Self(raw.to_owned()))
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
