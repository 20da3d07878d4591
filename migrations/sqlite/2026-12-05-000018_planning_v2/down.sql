ALTER TABLE planning_settings DROP COLUMN units;
ALTER TABLE planning_settings DROP COLUMN ramp_up;
ALTER TABLE agents DROP COLUMN ramp_up;
ALTER TABLE agents DROP COLUMN productivity;
ALTER TABLE activities DROP COLUMN standard_changes;
ALTER TABLE activities DROP COLUMN min_fte;
ALTER TABLE activities DROP COLUMN priority;
