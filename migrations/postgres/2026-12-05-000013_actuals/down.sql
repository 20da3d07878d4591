DROP TABLE activity_actuals;
