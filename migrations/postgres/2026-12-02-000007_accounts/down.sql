DROP TABLE sign_in_failures;
ALTER TABLE users DROP COLUMN token_epoch;
ALTER TABLE users DROP COLUMN must_change_password;
ALTER TABLE users DROP COLUMN active;
