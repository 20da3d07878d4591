-- Directory accounts sign in with their directory password: gpec keeps none for them (their
-- password_hash stays empty and is never checked).
ALTER TABLE users ADD COLUMN directory INTEGER NOT NULL DEFAULT 0;
