-- The workforce trajectory (docs/trajectory.md): an organisation's assumptions (one JSON
-- document: retirement ages by birth cohort, exit rates, ramp-up, training hours per level,
-- hiring, allowed moves, penalties), versioned, and its target ETP per job sheet and year.
CREATE TABLE trajectory_assumptions (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    document TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE trajectory_targets (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    job_profile_id INTEGER NOT NULL REFERENCES job_profiles (id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    etp DOUBLE PRECISION NOT NULL CHECK (etp >= 0),
    PRIMARY KEY (organisation_id, job_profile_id, year)
);
