//! Password hashing with argon2id (PHC strings).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use super::types::Password;
use crate::error::ApiError;

pub fn hash(password: &Password) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal("password hashing failed", e))
}

/// Checks `candidate` against a stored PHC string. A corrupt stored hash verifies nothing.
pub fn verify(candidate: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored password hash cannot be parsed");
            false
        }
    }
}

/// Spends the time of one verification, so that an unknown username answers as slowly as a
/// wrong password and the timing does not tell which of the two was wrong.
pub fn verify_dummy(candidate: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| {
        Argon2::default().hash_password(b"not-a-real-password").map(|h| h.to_string()).unwrap_or_default()
    });
    let _ = verify(candidate, stored);
}

/// A random password for the first administrator when none is configured.
pub fn generate() -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    rand::rng().sample_iter(&Alphanumeric).take(20).map(char::from).collect()
}
