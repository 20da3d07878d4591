//! `gpec migrate`, `gpec organisation …`, `gpec user …`.

use std::io::BufRead;

use clap::Subcommand;

use super::Output;
use super::referential::print_json;
use crate::config::Config;
use crate::db::{DbConnection, migrations};
use crate::domain::access::Principal;
use crate::domain::types::{OrgCode, OrgKind, Password, Role, Username};
use crate::domain::{accounts, organisations, users};
use crate::error::ApiError;
use crate::http::server::{open_db, prepare};

#[derive(Subcommand)]
pub enum OrganisationCmd {
    /// Create an organisation
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = clap::value_parser!(OrgKind))]
        kind: OrgKind,
    },
    /// List organisations
    List,
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// Create a user; the password is read from the first line of standard input
    Add {
        #[arg(long)]
        username: String,
        /// Read the password from standard input (the only way: it never appears in `ps`)
        #[arg(long, required = true)]
        password_stdin: bool,
        /// A role (repeat for several): admin, hr, production, campus, viewer
        #[arg(long = "role", required = true, value_parser = clap::value_parser!(Role))]
        roles: Vec<Role>,
        /// Organisation code
        #[arg(long)]
        organisation: String,
    },
    /// List users
    List,
    /// Give a user a one-time password, printed once, to be changed at the next sign-in
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Replace a user's roles
    Roles {
        #[arg(long)]
        username: String,
        /// A role (repeat for several): admin, hr, production, campus, viewer
        #[arg(long = "role", required = true, value_parser = clap::value_parser!(Role))]
        roles: Vec<Role>,
    },
    /// Deactivate an account: it cannot sign in and its tokens stop working
    Deactivate {
        #[arg(long)]
        username: String,
    },
    /// Reactivate an account
    Reactivate {
        #[arg(long)]
        username: String,
    },
    /// Lift a sign-in lock before its time
    Unlock {
        #[arg(long)]
        username: String,
    },
}

/// A prepared database connection: migrations applied, first admin in place.
fn connect(config: &Config) -> Result<crate::db::PooledConn, String> {
    let db = open_db(config).map_err(|e| e.to_string())?;
    let prepared = prepare(&db, config).map_err(|e| e.to_string())?;
    if let Some(password) = prepared.generated_admin_password {
        println!("Created user 'admin' in organisation NATIONAL with the generated password: {password}");
    }
    db.conn().map_err(|e| e.to_string())
}

pub fn migrate(config: &Config, revert_all: bool, output: Output) -> Result<(), String> {
    let db = open_db(config).map_err(|e| e.to_string())?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let done = crate::db::exclusively(&mut conn, |conn| {
        if revert_all { migrations::revert_all(conn) } else { migrations::run_pending(conn) }
    })
    .map_err(|e| e.to_string())?;
    let verb = if revert_all { "reverted" } else { "applied" };
    if output == Output::Json {
        return print_json(&serde_json::json!({ verb: done }));
    }
    if done.is_empty() {
        println!("no migration {verb}: the database is up to date");
    }
    for version in done {
        println!("{verb} {version}");
    }
    Ok(())
}

/// An organisation as `--output json` prints it.
fn organisation_json(org: &organisations::Organisation) -> serde_json::Value {
    serde_json::json!({"code": org.code, "kind": org.kind, "name": org.name})
}

/// A user as `--output json` prints it.
fn user_json(user: &users::User) -> serde_json::Value {
    serde_json::json!({"username": user.username, "organisation": user.organisation_code,
        "roles": user.roles, "active": user.active})
}

pub fn organisation(config: &Config, cmd: OrganisationCmd, output: Output) -> Result<(), String> {
    let mut conn = connect(config)?;
    match cmd {
        OrganisationCmd::Add { code, name, kind } => {
            let code = OrgCode::parse("--code", &code).map_err(|e| e.to_string())?;
            let operator = operator(&mut conn)?;
            let org = organisations::create(&mut conn, &operator, &code, &name, kind).map_err(|e| e.to_string())?;
            match output {
                Output::Json => print_json(&organisation_json(&org))?,
                Output::Text => println!("created organisation {} ({}, {})", org.code, org.name, org.kind),
            }
        }
        OrganisationCmd::List => {
            let list = organisations::list(&mut conn, None).map_err(|e| e.to_string())?;
            match output {
                Output::Json => print_json(&list.iter().map(organisation_json).collect::<Vec<_>>())?,
                Output::Text => list.iter().for_each(|org| println!("{}\t{}\t{}", org.code, org.kind, org.name)),
            }
        }
    }
    Ok(())
}

pub fn user(config: &Config, cmd: UserCmd, output: Output) -> Result<(), String> {
    let mut conn = connect(config)?;
    match cmd {
        UserCmd::Add { username, roles, organisation, .. } => {
            add_user(&mut conn, &username, roles, &organisation, output)
        }
        UserCmd::List => {
            let list = users::list(&mut conn, None).map_err(|e| e.to_string())?;
            if output == Output::Json {
                return print_json(&list.iter().map(user_json).collect::<Vec<_>>());
            }
            for u in list {
                let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                let state = if u.active { "active" } else { "deactivated" };
                println!("{}\t{}\t{}\t{state}", u.username, u.organisation_code, roles.join(","));
            }
            Ok(())
        }
        UserCmd::ResetPassword { username } => {
            let operator = operator(&mut conn)?;
            let (user, one_time) =
                accounts::reset_password(&mut conn, &operator, &username).map_err(|e| e.to_string())?;
            match output {
                Output::Json => {
                    let mut report = user_json(&user);
                    report["one_time_password"] = one_time.into();
                    print_json(&report)
                }
                Output::Text => {
                    println!("one-time password of {}: {one_time}", user.username);
                    done(&user, "must change their password at the next sign-in");
                    Ok(())
                }
            }
        }
        UserCmd::Roles { username, mut roles } => as_operator(&mut conn, output, |conn, operator| {
            roles.sort();
            roles.dedup();
            Ok((accounts::set_roles(conn, operator, &username, &roles)?, "has new roles"))
        }),
        UserCmd::Deactivate { username } => as_operator(&mut conn, output, |conn, operator| {
            Ok((accounts::set_active(conn, operator, &username, false)?, "is deactivated"))
        }),
        UserCmd::Reactivate { username } => as_operator(&mut conn, output, |conn, operator| {
            Ok((accounts::set_active(conn, operator, &username, true)?, "is active"))
        }),
        UserCmd::Unlock { username } => as_operator(&mut conn, output, |conn, operator| {
            Ok((accounts::unlock(conn, operator, &username)?, "may sign in again"))
        }),
    }
}

/// Runs an account action as the server's operator (see [`Principal::operator`]), through the
/// same use case as the API, and says what it did.
fn as_operator(
    conn: &mut DbConnection,
    output: Output,
    action: impl FnOnce(&mut DbConnection, &Principal) -> Result<(users::User, &'static str), ApiError>,
) -> Result<(), String> {
    let operator = operator(conn)?;
    let (user, what) = action(conn, &operator).map_err(|e| e.to_string())?;
    match output {
        Output::Json => print_json(&user_json(&user)),
        Output::Text => {
            done(&user, what);
            Ok(())
        }
    }
}

fn done(user: &users::User, what: &str) {
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    println!("{} ({}, {}) {what}", user.username, user.organisation_code, roles.join(","));
}

/// The server's operator (see [`Principal::operator`]), as whom every CLI write is done.
pub fn operator(conn: &mut DbConnection) -> Result<Principal, String> {
    let national = organisations::find_by_code(conn, organisations::NATIONAL_CODE)
        .map_err(|e| e.to_string())?
        .ok_or("organisation NATIONAL not found")?;
    Ok(Principal::operator(national.id, &national.code))
}

fn add_user(
    conn: &mut DbConnection,
    username: &str,
    mut roles: Vec<Role>,
    organisation: &str,
    output: Output,
) -> Result<(), String> {
    let username = Username::parse("--username", username).map_err(|e| e.to_string())?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("reading the password: {e}"))?;
    let password = Password::new_checked(
        "password (stdin)",
        line.trim_end_matches(['\r', '\n']),
        &[username.as_str(), organisation],
    )
    .map_err(|e| e.to_string())?;
    let org = organisations::find_by_code(conn, organisation)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("--organisation: no organisation {organisation}"))?;
    roles.sort();
    roles.dedup();
    let operator = operator(conn)?;
    let user =
        users::create_with_password(conn, &operator, &username, &password, &org, &roles).map_err(|e| e.to_string())?;
    if output == Output::Json {
        return print_json(&user_json(&user));
    }
    let names: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    println!("created user {} in {} with roles {}", user.username, user.organisation_code, names.join(","));
    Ok(())
}
