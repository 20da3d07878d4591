DROP INDEX plans_organisation_started;
DROP INDEX plans_idempotency;
ALTER TABLE plans DROP COLUMN scenario_discarded_at;
ALTER TABLE plans DROP COLUMN idempotency_key;
