//! Password hashing with argon2id (PHC strings).
//!
//! Parameters: argon2id, version 0x13, 19 MiB of memory, 2 passes, 1 lane, a 16-byte random salt
//! and a 32-byte hash: the first of OWASP's recommended settings (2024), about 50 ms a hash on
//! the 2-core reference machine. They are written into each PHC string, so a stored hash keeps
//! verifying after they change; a stronger setting applies to passwords set from then on.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use super::types::Password;
use crate::error::ApiError;

/// Memory in KiB, passes and lanes; see the module documentation.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Result<Argon2<'static>, ApiError> {
    let params =
        Params::new(MEMORY_KIB, PASSES, LANES, Some(32)).map_err(|e| ApiError::internal("argon2 parameters", e))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash(password: &Password) -> Result<String, ApiError> {
    argon2()?
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_carry_the_documented_parameters_and_verify() {
        let password = Password::parse("p", "une phrase de passe de test").unwrap();
        let stored = hash(&password).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("une phrase de passe de test", &stored));
        assert!(!verify("une autre phrase de passe", &stored));
        assert_ne!(stored, hash(&password).unwrap(), "a fresh salt each time");
    }
}
