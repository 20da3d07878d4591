//! Every migration runs down and up again.

use diesel::connection::SimpleConnection;
use gpec::db::{DatabaseUrl, migrations};

use crate::helpers::TestDb;

#[test]
fn every_migration_runs_down_and_up_again() {
    let db = TestDb::new();
    let url = DatabaseUrl::parse(&db.url).unwrap();
    let mut conn = url.connect().unwrap();

    let applied = migrations::run_pending(&mut conn).unwrap();
    assert!(!applied.is_empty());
    assert!(!migrations::has_pending(&mut conn).unwrap());
    conn.batch_execute("SELECT count(*) FROM organisations").unwrap();

    let mut reverted = migrations::revert_all(&mut conn).unwrap();
    reverted.reverse();
    assert_eq!(reverted, applied, "each migration has a down that runs");
    assert!(conn.batch_execute("SELECT count(*) FROM organisations").is_err(), "down removed the tables");
    assert!(migrations::has_pending(&mut conn).unwrap());

    assert_eq!(migrations::run_pending(&mut conn).unwrap(), applied, "and up runs again after down");
    conn.batch_execute("SELECT count(*) FROM users").unwrap();
}
