-- Version 2 of the planning model (docs/planning.md): an activity's priority, minimum presence
-- (ETP of agents every month) and standard times that change (JSON list of
-- {"from": "YYYY-MM", "minutes_per_item": n}, each from its month on); an agent's productivity
-- and whether they ramp up from their start date; the planning settings' ramp-up curve and the
-- units' home activities (JSON).
ALTER TABLE activities ADD COLUMN priority DOUBLE NOT NULL DEFAULT 1 CHECK (priority > 0);
ALTER TABLE activities ADD COLUMN min_fte DOUBLE NOT NULL DEFAULT 0 CHECK (min_fte >= 0);
ALTER TABLE activities ADD COLUMN standard_changes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN productivity DOUBLE NOT NULL DEFAULT 1 CHECK (productivity > 0 AND productivity <= 2);
ALTER TABLE agents ADD COLUMN ramp_up INTEGER NOT NULL DEFAULT 0 CHECK (ramp_up IN (0, 1));
ALTER TABLE planning_settings ADD COLUMN ramp_up TEXT;
ALTER TABLE planning_settings ADD COLUMN units TEXT;
