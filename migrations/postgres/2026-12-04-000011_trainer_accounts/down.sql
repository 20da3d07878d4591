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

ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('admin', 'hr', 'production', 'campus', 'viewer'));
