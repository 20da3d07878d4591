-- Sign-in sessions of the web application. The cookie holds a random secret; only its SHA-256
-- is stored, so a copy of the database opens no session. Kept in the database so that every
-- instance sharing it knows every session.
CREATE TABLE web_sessions (
    id SERIAL PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The user's token epoch when the session opened: a password change closes the session.
    token_epoch INTEGER NOT NULL,
    -- Every form and htmx request of the session carries it.
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
