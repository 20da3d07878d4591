-- What the workforce trajectory needs of an agent (docs/trajectory.md): a birth date (personal
-- data: read by hr and admin of the agent's organisation only), the contract, and a departure
-- already known, with its date and reason.
ALTER TABLE agents ADD COLUMN birth_date DATE;
ALTER TABLE agents ADD COLUMN contract TEXT NOT NULL DEFAULT 'cdi' CHECK (contract IN ('cdi', 'cdd', 'alternance'));
ALTER TABLE agents ADD COLUMN departure_date DATE;
ALTER TABLE agents ADD COLUMN departure_reason TEXT CHECK (departure_reason IN ('retirement', 'mobility', 'end_of_contract', 'other'));
