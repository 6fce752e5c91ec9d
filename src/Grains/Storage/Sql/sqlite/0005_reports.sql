-- The reports' read tables and the refusal counts, as postgres/0006 (times as ISO 8601 text in UTC, dates as yyyy-MM-dd).

CREATE TABLE IF NOT EXISTS read_claims
(
    line_id            TEXT NOT NULL,
    claim_id           TEXT NOT NULL,
    tac                TEXT NOT NULL,
    incident           TEXT NOT NULL,
    filed_at           TEXT NOT NULL,
    filed_on           TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    service            TEXT NULL,
    completed_on       TEXT NULL,
    turnaround_seconds REAL NULL,
    PRIMARY KEY (line_id, claim_id)
);

CREATE INDEX IF NOT EXISTS read_claims_filed ON read_claims (filed_on, tac, incident, outcome);
CREATE INDEX IF NOT EXISTS read_claims_completed ON read_claims (completed_on, service, turnaround_seconds) WHERE completed_on IS NOT NULL;

CREATE TABLE IF NOT EXISTS read_models
(
    tac   TEXT PRIMARY KEY,
    model TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS read_stock_movements
(
    event_id TEXT PRIMARY KEY,
    tac      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    delta    INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    at       TEXT NOT NULL,
    moved_on TEXT NOT NULL,
    sequence INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS read_stock_movements_on ON read_stock_movements (moved_on, tac);

CREATE INDEX IF NOT EXISTS read_lines_fee_months ON read_lines (first_charged_month, last_charged_month) WHERE has_option;

CREATE TABLE IF NOT EXISTS refusal_counts
(
    day       TEXT NOT NULL,
    operation TEXT NOT NULL,
    rule_id   TEXT NOT NULL,
    refusals  INTEGER NOT NULL,
    PRIMARY KEY (day, operation, rule_id)
);
