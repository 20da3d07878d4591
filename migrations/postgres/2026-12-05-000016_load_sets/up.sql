-- Forecasts saved as named, versioned load sets: per activity and month the point forecast,
-- its quantiles and intervals, and the manager's hand adjustment with who made it.
CREATE TABLE load_sets (
    id SERIAL PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    -- JSON: each activity's history, backtest and calibration, and the activities refused.
    method TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX load_sets_organisation_idx ON load_sets (organisation_id, id);

CREATE TABLE load_set_rows (
    load_set_id INTEGER NOT NULL REFERENCES load_sets (id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    forecast DOUBLE PRECISION NOT NULL,
    p80 DOUBLE PRECISION NOT NULL,
    p95 DOUBLE PRECISION NOT NULL,
    lo80 DOUBLE PRECISION NOT NULL,
    hi80 DOUBLE PRECISION NOT NULL,
    lo95 DOUBLE PRECISION NOT NULL,
    hi95 DOUBLE PRECISION NOT NULL,
    adjusted DOUBLE PRECISION CHECK (adjusted >= 0),
    adjusted_by TEXT,
    adjusted_at TIMESTAMP,
    PRIMARY KEY (load_set_id, activity_id, period)
);

-- The load set (and quantile) a plan used instead of the stored loads (JSON).
ALTER TABLE plans ADD COLUMN load_choice TEXT;
