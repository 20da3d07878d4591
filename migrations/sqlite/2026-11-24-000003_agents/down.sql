DROP TABLE current_levels;
DROP TABLE assessments;
DROP TABLE agents;
