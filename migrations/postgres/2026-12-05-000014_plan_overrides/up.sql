-- A what-if variant's overrides (JSON), applied to its scenario, never to the stored data:
-- kept with the plan to show what it changed.
ALTER TABLE plans ADD COLUMN overrides TEXT;
