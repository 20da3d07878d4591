ALTER TABLE agents DROP COLUMN departure_reason;
ALTER TABLE agents DROP COLUMN departure_date;
ALTER TABLE agents DROP COLUMN contract;
ALTER TABLE agents DROP COLUMN birth_date;
