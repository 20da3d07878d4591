-- The deviation beyond which the variance watch signals (JSON: a default and per activity).
ALTER TABLE planning_settings ADD COLUMN variance TEXT;
