-- Accounts an organisation can run: a deactivated account signs in no more; a one-time password
-- must be changed at the next sign-in; the token epoch, raised on a password change or a
-- deactivation, revokes every token issued before.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0;

-- Failed sign-ins per subject: `account:<username>` (known or not, so that a lock says nothing of
-- who exists) and `address:<ip>`. Shared by every instance on the database.
CREATE TABLE sign_in_failures (
    subject TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);
