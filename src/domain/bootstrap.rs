//! What the first start of an empty database sets up: the JWT secret (embedded setup only),
//! the `NATIONAL` organisation and its `admin` user.

use diesel::prelude::*;

use super::access::Principal;
use super::organisations::{self, NATIONAL_CODE};
use super::types::{OrgCode, OrgKind, Password, Role, Username};
use super::users;
use crate::db::DbConnection;
use crate::db::schema::settings;
use crate::error::ApiError;

const JWT_SECRET_KEY: &str = "jwt_secret";
pub const MIN_SECRET_LEN: usize = 32;

/// The signing secret: the configured one, or on SQLite one generated on first start and
/// stored in the database so that tokens survive restarts. PostgreSQL deployments run several
/// instances that must agree on it, so there it has to be configured.
pub fn jwt_secret(conn: &mut DbConnection, configured: Option<&str>) -> Result<String, ApiError> {
    if let Some(secret) = configured {
        if secret.len() < MIN_SECRET_LEN {
            return Err(ApiError::invalid(
                "GPEC_JWT_SECRET",
                format!("must be at least {MIN_SECRET_LEN} characters long"),
            ));
        }
        return Ok(secret.to_owned());
    }
    if matches!(conn, DbConnection::Pg(_)) {
        return Err(ApiError::invalid(
            "GPEC_JWT_SECRET",
            "must be set on PostgreSQL, where every instance has to sign with the same secret \
             (e.g. GPEC_JWT_SECRET=$(openssl rand -hex 32))",
        ));
    }
    crate::db::transaction(conn, |conn| {
        let stored: Option<String> =
            settings::table.find(JWT_SECRET_KEY).select(settings::value).first(conn).optional()?;
        if let Some(secret) = stored {
            return Ok(secret);
        }
        let secret = generate_secret();
        diesel::insert_into(settings::table)
            .values((settings::key.eq(JWT_SECRET_KEY), settings::value.eq(&secret)))
            .execute(conn)?;
        tracing::info!("generated and stored a JWT signing secret");
        Ok(secret)
    })
}

fn generate_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// On a database without users, creates `NATIONAL` and `admin`. Returns the generated password
/// when none was configured, for the caller to print once.
pub fn first_admin(conn: &mut DbConnection, configured: Option<&str>) -> Result<Option<String>, ApiError> {
    crate::db::transaction(conn, |conn| {
        if users::count(conn)? > 0 {
            return Ok(None);
        }
        let system = Principal::system();
        let national = match organisations::find_by_code(conn, NATIONAL_CODE)? {
            Some(org) => org,
            None => organisations::create(
                conn,
                &system,
                &OrgCode::parse("code", NATIONAL_CODE)?,
                "Caisse nationale des allocations familiales",
                OrgKind::National,
            )?,
        };
        let (password, generated) = match configured {
            Some(p) => (Password::new_checked("GPEC_ADMIN_PASSWORD", p, &["admin", "national", "gpec"])?, None),
            None => {
                let p = super::password::generate();
                (Password::parse("password", &p)?, Some(p))
            }
        };
        users::create_with_password(
            conn,
            &system,
            &Username::parse("username", "admin")?,
            &password,
            &national,
            &[Role::Admin],
        )?;
        tracing::info!("created organisation NATIONAL and user admin");
        Ok(generated)
    })
}
