DROP TABLE campus_settings;
DROP TABLE facilitation_trainings;
