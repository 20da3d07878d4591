-- The branch referential: competency dictionary and job sheets (fiches emploi), versioned.

CREATE TABLE competencies (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('savoir-faire', 'savoir-faire relationnel', 'savoir')),
    definition TEXT NOT NULL,
    is_new INTEGER NOT NULL CHECK (is_new IN (0, 1)),
    arc TEXT NOT NULL CHECK (arc IN ('analytique', 'relationnel', 'environnement')),
    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    level_1 TEXT NOT NULL,
    level_2 TEXT NOT NULL,
    level_3 TEXT NOT NULL,
    level_4 TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE competency_aliases (
    competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (competency_id, alias)
);

-- One row per version; snapshot is the JSON of the competency as it stood at that version.
CREATE TABLE competency_versions (
    competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    author TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (competency_id, version)
);

CREATE TABLE job_profiles (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE job_profile_versions (
    id SERIAL PRIMARY KEY,
    job_profile_id INTEGER NOT NULL REFERENCES job_profiles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'validated', 'archived')),
    author TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    status_changed_by TEXT,
    status_changed_at TIMESTAMP,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    activities TEXT NOT NULL,
    environment TEXT NOT NULL,
    recruitment_diploma TEXT NOT NULL,
    recruitment_internal_profile TEXT NOT NULL,
    recruitment_selection TEXT NOT NULL,
    recruitment TEXT NOT NULL,
    UNIQUE (job_profile_id, version)
);

CREATE TABLE job_profile_requirements (
    version_id INTEGER NOT NULL REFERENCES job_profile_versions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    competency_id INTEGER NOT NULL REFERENCES competencies (id),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    source_label TEXT NOT NULL,
    PRIMARY KEY (version_id, position),
    UNIQUE (version_id, competency_id)
);
CREATE INDEX job_profile_requirements_competency_idx ON job_profile_requirements (competency_id);

-- The activities of the branch's "qui fait quoi" table.
CREATE TABLE branch_activities (
    code TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE job_profile_activity_roles (
    version_id INTEGER NOT NULL REFERENCES job_profile_versions (id) ON DELETE CASCADE,
    activity_code TEXT NOT NULL REFERENCES branch_activities (code),
    role TEXT NOT NULL CHECK (role IN ('principal', 'contributor')),
    note TEXT NOT NULL,
    PRIMARY KEY (version_id, activity_code)
);
