ALTER TABLE engagements DROP COLUMN reserve_in_plans;
DELETE FROM engagement_events WHERE kind = 'agreement';
ALTER TABLE engagement_events DROP COLUMN kind;
ALTER TABLE engagement_agreements DROP COLUMN consent_date;
ALTER TABLE engagement_agreements DROP COLUMN consent_reference;
ALTER TABLE session_trainees DROP COLUMN accepted_by;
ALTER TABLE session_trainees DROP COLUMN accepted_at;
ALTER TABLE session_trainees DROP COLUMN proposed_by;
ALTER TABLE trainers DROP COLUMN accepted_by;
ALTER TABLE trainers DROP COLUMN accepted_at;
DROP TABLE user_agents;
DELETE FROM user_roles WHERE role = 'trainer';

CREATE TABLE user_roles_old (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'hr', 'production', 'campus', 'viewer')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_old (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_old RENAME TO user_roles;
