-- What really happened per activity and period (a month YYYY-MM or an ISO week YYYY-Www):
-- entries, items processed, the stock at the end, and items adjusted outside the flow.
CREATE TABLE activity_actuals (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    entries DOUBLE NOT NULL CHECK (entries >= 0),
    processed DOUBLE NOT NULL CHECK (processed >= 0),
    stock DOUBLE NOT NULL CHECK (stock >= 0),
    adjustment DOUBLE NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (activity_id, period)
);
