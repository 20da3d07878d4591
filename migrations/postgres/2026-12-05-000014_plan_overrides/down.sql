ALTER TABLE plans DROP COLUMN overrides;
