-- Trajectory plans are solved by the same durable job queue as monthly plans (claiming, lease,
-- heartbeat, retention, fairness between organisations): a plan row says which model it holds.
-- Its `scenario` is then the trajectory case with the reports' parts fixed at request time, and
-- its `result` the report.
ALTER TABLE plans ADD COLUMN kind TEXT NOT NULL DEFAULT 'monthly';
CREATE INDEX plans_kind_idx ON plans (organisation_id, kind, id);
