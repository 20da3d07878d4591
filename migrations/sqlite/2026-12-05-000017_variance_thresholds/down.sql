ALTER TABLE planning_settings DROP COLUMN variance;
