ALTER TABLE users DROP COLUMN directory;
