-- Campus trainers (formateurs internes): training modules, the agents a campus lists as
-- trainers, their multi-year engagements with the three parties' agreements, and sessions with
-- their trainers' hours, trainees and evaluations.

CREATE TABLE training_modules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campus_id INTEGER NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    duration_hours DOUBLE NOT NULL CHECK (duration_hours > 0),
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (campus_id, code)
);

CREATE TABLE module_competencies (
    module_id INTEGER NOT NULL REFERENCES training_modules (id) ON DELETE CASCADE,
    competency_id INTEGER NOT NULL REFERENCES competencies (id),
    target_level INTEGER NOT NULL CHECK (target_level BETWEEN 1 AND 4),
    PRIMARY KEY (module_id, competency_id)
);

CREATE TABLE trainers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campus_id INTEGER NOT NULL REFERENCES organisations (id),
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    -- The ADFO train-the-trainer course: strongly recommended, not required.
    adfo_date DATE,
    listed_at TIMESTAMP NOT NULL,
    listed_by TEXT NOT NULL,
    UNIQUE (campus_id, agent_id)
);

CREATE TABLE trainer_modules (
    trainer_id INTEGER NOT NULL REFERENCES trainers (id) ON DELETE CASCADE,
    module_id INTEGER NOT NULL REFERENCES training_modules (id),
    PRIMARY KEY (trainer_id, module_id)
);

-- The current period's dates are start_date..end_date; a renewal request proposes the next
-- period's (next_*), which become current once all three parties agreed.
CREATE TABLE engagements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trainer_id INTEGER NOT NULL REFERENCES trainers (id),
    campus_id INTEGER NOT NULL REFERENCES organisations (id),
    employer_id INTEGER NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'renewal_requested', 'renewed', 'ended')),
    period INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    hours_per_year DOUBLE NOT NULL CHECK (hours_per_year >= 0),
    next_start_date DATE,
    next_end_date DATE,
    next_hours_per_year DOUBLE,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX engagements_campus_idx ON engagements (campus_id, end_date);
CREATE INDEX engagements_employer_idx ON engagements (employer_id, end_date);

-- Agreements to one period of an engagement: period 1 for activation, N + 1 for a renewal.
CREATE TABLE engagement_agreements (
    engagement_id INTEGER NOT NULL REFERENCES engagements (id),
    period INTEGER NOT NULL,
    party TEXT NOT NULL CHECK (party IN ('trainer', 'employer', 'campus')),
    agreed_by TEXT NOT NULL,
    agreed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (engagement_id, period, party)
);

CREATE TABLE engagement_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    engagement_id INTEGER NOT NULL REFERENCES engagements (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    period INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX engagement_events_idx ON engagement_events (engagement_id, id);

CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campus_id INTEGER NOT NULL REFERENCES organisations (id),
    reference TEXT NOT NULL,
    module_id INTEGER NOT NULL REFERENCES training_modules (id),
    start_date DATE NOT NULL,
    end_date DATE NOT NULL CHECK (end_date >= start_date),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (campus_id, reference)
);

CREATE TABLE session_trainers (
    session_id INTEGER NOT NULL REFERENCES training_sessions (id),
    trainer_id INTEGER NOT NULL REFERENCES trainers (id),
    hours DOUBLE NOT NULL CHECK (hours > 0),
    PRIMARY KEY (session_id, trainer_id)
);
CREATE INDEX session_trainers_trainer_idx ON session_trainers (trainer_id);

CREATE TABLE session_trainees (
    session_id INTEGER NOT NULL REFERENCES training_sessions (id),
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    PRIMARY KEY (session_id, agent_id)
);

-- A trainee's satisfaction score for a trainer of their session, or the campus's own
-- evaluation of a trainer (trainee_agent_id empty): 1 to 5.
CREATE TABLE trainer_evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES training_sessions (id),
    trainer_id INTEGER NOT NULL REFERENCES trainers (id),
    evaluator TEXT NOT NULL CHECK (evaluator IN ('trainee', 'campus')),
    trainee_agent_id INTEGER REFERENCES agents (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX trainer_evaluations_trainer_idx ON trainer_evaluations (trainer_id);
