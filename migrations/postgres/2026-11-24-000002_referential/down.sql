DROP TABLE job_profile_activity_roles;
DROP TABLE branch_activities;
DROP TABLE job_profile_requirements;
DROP TABLE job_profile_versions;
DROP TABLE job_profiles;
DROP TABLE competency_versions;
DROP TABLE competency_aliases;
DROP TABLE competencies;
