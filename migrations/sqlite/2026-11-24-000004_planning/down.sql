DROP TABLE plans;
DROP TABLE planning_settings;
DROP TABLE agent_unavailability;
DROP TABLE activity_months;
DROP TABLE activity_requirements;
DROP TABLE activities;
