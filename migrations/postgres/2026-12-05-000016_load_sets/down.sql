ALTER TABLE plans DROP COLUMN load_choice;
DROP TABLE load_set_rows;
DROP TABLE load_sets;
