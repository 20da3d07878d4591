DROP INDEX plans_kind_idx;
ALTER TABLE plans DROP COLUMN kind;
