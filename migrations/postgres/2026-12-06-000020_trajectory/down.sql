DROP TABLE trajectory_targets;
DROP TABLE trajectory_assumptions;
