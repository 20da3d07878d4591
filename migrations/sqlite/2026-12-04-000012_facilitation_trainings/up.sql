-- Seed 000, principle 3: occasional trainers regularly attend facilitation training. The
-- campus records each one, and sets how long a trainer may go without one (24 months by
-- default) before being flagged.
CREATE TABLE facilitation_trainings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trainer_id INTEGER NOT NULL REFERENCES trainers (id) ON DELETE CASCADE,
    course TEXT NOT NULL,
    taken_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX facilitation_trainings_trainer_idx ON facilitation_trainings (trainer_id, taken_on);

CREATE TABLE campus_settings (
    campus_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    facilitation_months INTEGER NOT NULL CHECK (facilitation_months BETWEEN 1 AND 120)
);
