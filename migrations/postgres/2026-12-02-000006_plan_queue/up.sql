-- The plan queue's robustness: a retried request names its Idempotency-Key and queues once; the
-- scenarios of old failed or cancelled plans are discarded, and when is kept; fair claiming
-- reads when each organisation was last served.
ALTER TABLE plans ADD COLUMN idempotency_key TEXT;
ALTER TABLE plans ADD COLUMN scenario_discarded_at TIMESTAMP;
CREATE UNIQUE INDEX plans_idempotency ON plans (organisation_id, created_by, idempotency_key);
CREATE INDEX plans_organisation_started ON plans (organisation_id, started_at);
