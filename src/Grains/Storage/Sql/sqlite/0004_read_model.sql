-- The read model (issue 14), as postgres/0005_read_model.sql. Dates are yyyy-MM-dd text, times ISO 8601 text in UTC,
-- booleans 0/1; text compares byte by byte (BINARY), the billing run's line order.
CREATE TABLE IF NOT EXISTS read_lines
(
    line_id             TEXT PRIMARY KEY,
    plan                TEXT NOT NULL,
    plan_sequence       INTEGER NOT NULL,
    service_start_date  TEXT NOT NULL,
    has_option          INTEGER NOT NULL,
    first_charged_month INTEGER NOT NULL,
    terminated_on       TEXT NULL,
    last_charged_month  INTEGER NULL,
    end_sequence        INTEGER NOT NULL DEFAULT 0,
    changed_sequence    INTEGER NOT NULL,
    cancelled_on        TEXT NULL
);

CREATE TABLE IF NOT EXISTS read_charges
(
    event_id   TEXT NOT NULL,
    item       INTEGER NOT NULL,
    line_id    TEXT NOT NULL,
    claim_id   TEXT NULL,
    kind       TEXT NOT NULL,
    date       TEXT NOT NULL,
    month      INTEGER NOT NULL,
    amount_yen INTEGER NOT NULL,
    tax_yen    INTEGER NOT NULL,
    taxable    INTEGER NOT NULL,
    sequence   INTEGER NOT NULL,
    PRIMARY KEY (event_id, item)
);

CREATE INDEX IF NOT EXISTS read_charges_month ON read_charges (month, line_id, claim_id, item);

CREATE INDEX IF NOT EXISTS read_lines_changed ON read_lines (changed_sequence);

CREATE TABLE IF NOT EXISTS billing_runs
(
    month     INTEGER PRIMARY KEY,
    position  INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    lines     INTEGER NOT NULL,
    items     INTEGER NOT NULL,
    total_yen INTEGER NOT NULL,
    tax_yen   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS billed_fees
(
    line_id   TEXT NOT NULL,
    month     INTEGER NOT NULL,
    billed_in INTEGER NOT NULL,
    PRIMARY KEY (line_id, month)
);

CREATE TABLE IF NOT EXISTS billed_charges
(
    event_id  TEXT NOT NULL,
    item      INTEGER NOT NULL,
    billed_in INTEGER NOT NULL,
    PRIMARY KEY (event_id, item)
);

CREATE TABLE IF NOT EXISTS read_projection
(
    name        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    lease_owner TEXT NULL,
    lease_until TEXT NULL,
    updated_at  TEXT NULL
);

INSERT OR IGNORE INTO read_projection (name, position) VALUES ('read_model', 0);
