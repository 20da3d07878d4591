-- Planning data of each organisation: activities and their forecasts, agents' unavailability,
-- reinforcement pools and penalties; and plans, which are also the durable job queue.

CREATE TABLE activities (
    id SERIAL PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    minutes_per_item DOUBLE PRECISION NOT NULL CHECK (minutes_per_item > 0),
    backlog_normal_max DOUBLE PRECISION NOT NULL CHECK (backlog_normal_max >= 0),
    backlog_critical_max DOUBLE PRECISION NOT NULL CHECK (backlog_critical_max >= backlog_normal_max),
    temp_eligible INTEGER NOT NULL CHECK (temp_eligible IN (0, 1)),
    -- The branch activity of the job sheets' "qui fait quoi" table it belongs to, if any.
    branch_activity TEXT REFERENCES branch_activities (code),
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (organisation_id, code)
);

CREATE TABLE activity_requirements (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    competency_id INTEGER NOT NULL REFERENCES competencies (id),
    min_level INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 4),
    PRIMARY KEY (activity_id, competency_id)
);

-- Per activity and month (YYYY-MM): the forecast volume, and the backlog at the start of the
-- month when it is known (the first month of a plan starts from it).
CREATE TABLE activity_months (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    volume DOUBLE PRECISION NOT NULL CHECK (volume >= 0),
    opening_backlog DOUBLE PRECISION CHECK (opening_backlog >= 0),
    PRIMARY KEY (activity_id, period)
);

CREATE TABLE agent_unavailability (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    period TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('absence', 'training', 'other')),
    hours DOUBLE PRECISION NOT NULL CHECK (hours >= 0),
    PRIMARY KEY (agent_id, period, kind)
);

-- Reinforcement pools and penalties, as the JSON of the planning model's `pools` and `penalties`.
CREATE TABLE planning_settings (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    hours_per_fte DOUBLE PRECISION NOT NULL CHECK (hours_per_fte > 0),
    pools TEXT NOT NULL,
    penalties TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- A plan is a job until it is done: queued, running (claimed by one worker, which renews
-- heartbeat_at), then done, failed or cancelled. The scenario is fixed when the plan is asked.
CREATE TABLE plans (
    id SERIAL PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    time_limit DOUBLE PRECISION NOT NULL,
    scenario TEXT NOT NULL,
    result TEXT,
    solver_status TEXT,
    objective DOUBLE PRECISION,
    error TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    claimed_by TEXT,
    heartbeat_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plans_queue_idx ON plans (status, id);
CREATE INDEX plans_organisation_idx ON plans (organisation_id, id);
