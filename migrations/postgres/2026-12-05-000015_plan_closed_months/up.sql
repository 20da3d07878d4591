-- A plan re-planned "from now": the actuals of its closed months (JSON), shown before the
-- optimised months on the same curves.
ALTER TABLE plans ADD COLUMN closed_months TEXT;
