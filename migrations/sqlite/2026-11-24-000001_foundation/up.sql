CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('national', 'caf', 'urssaf', 'campus')),
    created_at TIMESTAMP NOT NULL
);

-- AUTOINCREMENT: an id is never reused, so a token naming a deleted user cannot wake up as another.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX users_organisation_idx ON users (organisation_id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'hr', 'production', 'campus', 'viewer')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
