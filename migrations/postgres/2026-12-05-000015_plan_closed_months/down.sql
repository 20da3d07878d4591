ALTER TABLE plans DROP COLUMN closed_months;
