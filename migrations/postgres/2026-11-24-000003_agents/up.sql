-- Agents of each organisation and their assessed competency levels (append-only history).

CREATE TABLE agents (
    id SERIAL PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    matricule TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    unit TEXT NOT NULL,
    manager_matricule TEXT,
    job_profile_id INTEGER REFERENCES job_profiles (id),
    fte DOUBLE PRECISION NOT NULL CHECK (fte > 0 AND fte <= 1),
    start_date DATE NOT NULL,
    end_date DATE,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, matricule)
);
CREATE INDEX agents_unit_idx ON agents (organisation_id, unit);
CREATE INDEX agents_profile_idx ON agents (organisation_id, job_profile_id);

CREATE TABLE assessments (
    id SERIAL PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    competency_id INTEGER NOT NULL REFERENCES competencies (id),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    assessed_on DATE NOT NULL,
    assessor TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('eaea', 'manager', 'self', 'training', 'certification')),
    comment TEXT NOT NULL,
    evidence_ref TEXT NOT NULL,
    valid_until DATE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX assessments_agent_idx ON assessments (agent_id, competency_id, assessed_on);
CREATE INDEX assessments_competency_idx ON assessments (competency_id);

-- Derived: per agent and competency, the latest assessment that is not a self-assessment
-- (latest by date, then by id). Rebuilt from `assessments` by `levels::refresh`.
CREATE TABLE current_levels (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    -- The agent's (an agent never changes organisation): organisation-wide analytics read one
    -- index range per competency instead of probing agent by agent.
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    competency_id INTEGER NOT NULL REFERENCES competencies (id),
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    level INTEGER NOT NULL,
    assessed_on DATE NOT NULL,
    valid_until DATE,
    PRIMARY KEY (agent_id, competency_id)
);
CREATE INDEX current_levels_competency_idx ON current_levels (competency_id);
CREATE INDEX current_levels_organisation_idx
    ON current_levels (organisation_id, competency_id, agent_id, level, assessed_on, valid_until);
