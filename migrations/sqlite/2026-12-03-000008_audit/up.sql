-- The audit trail: one record per write, kept apart from the data it describes (no foreign key:
-- a record outlives the user, agent or load it names). `before` and `after` hold the changed
-- fields as JSON, personal data masked; `counts` the totals of an import.
CREATE TABLE audit_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    organisation_id INTEGER,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'cli', 'web', 'system')),
    request_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    counts TEXT
);
CREATE INDEX audit_records_at_idx ON audit_records (at);
CREATE INDEX audit_records_organisation_idx ON audit_records (organisation_id, at);
CREATE INDEX audit_records_entity_idx ON audit_records (entity, at);
CREATE INDEX audit_records_actor_idx ON audit_records (actor, at);

-- Append-only, whatever code runs: nothing in the product may change or remove a record.
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
