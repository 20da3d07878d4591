-- Trainers as users: the role `trainer`, for an account linked to one agent.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('admin', 'hr', 'production', 'campus', 'viewer', 'trainer'));

-- A trainer account is linked to one agent, the trainer themselves.
CREATE TABLE user_agents (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    agent_id INTEGER NOT NULL UNIQUE REFERENCES agents (id)
);

-- A campus sees a listed trainer's levels once the employer's hr (or the trainer) accepted
-- the listing. Listings made before this rule have no acceptance: their levels stay hidden.
ALTER TABLE trainers ADD COLUMN accepted_at TIMESTAMP;
ALTER TABLE trainers ADD COLUMN accepted_by TEXT;

-- A trainee proposed by the campus is enrolled once their employer's hr accepts; only then may
-- a validation become an assessment.
ALTER TABLE session_trainees ADD COLUMN proposed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE session_trainees ADD COLUMN accepted_at TIMESTAMP;
ALTER TABLE session_trainees ADD COLUMN accepted_by TEXT;

-- The trainer's agreement recorded by the employer's hr from a signed paper consent, for a
-- trainer without an account: the document's reference and date.
ALTER TABLE engagement_agreements ADD COLUMN consent_reference TEXT;
ALTER TABLE engagement_agreements ADD COLUMN consent_date DATE;

-- An engagement's events are its transitions and each party's agreement.
ALTER TABLE engagement_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'transition'
    CHECK (kind IN ('transition', 'agreement'));

-- Plans count the engagement's planned hours as campus hours, even before sessions exist.
ALTER TABLE engagements ADD COLUMN reserve_in_plans INTEGER NOT NULL DEFAULT 0;

