-- The reports' read tables (issue 14), projected from warranty_events like postgres/0005's and emptied by a rebuild,
-- and the refusal counts, which are not: refused requests leave no event, so the silos count them by rule and day
-- (ReadModel/RefusalCounts.cs) and add their counts here every few seconds; a rebuild keeps them.

-- One row per claim: what the claims and turnaround reports group by. Dates are Japan dates (the periods the reports
-- take); turnaround_seconds is from filing to completion (repair completed, exchange delivered).
CREATE TABLE IF NOT EXISTS read_claims
(
    line_id            VARCHAR(150) COLLATE "C" NOT NULL,
    claim_id           VARCHAR(64) COLLATE "C" NOT NULL,
    tac                CHAR(8) NOT NULL,
    incident           VARCHAR(32) NOT NULL,
    filed_at           TIMESTAMPTZ NOT NULL,
    filed_on           DATE NOT NULL,
    outcome            VARCHAR(16) NOT NULL,
    service            VARCHAR(16) NULL,
    completed_on       DATE NULL,
    turnaround_seconds DOUBLE PRECISION NULL,
    PRIMARY KEY (line_id, claim_id)
);

CREATE INDEX IF NOT EXISTS read_claims_filed ON read_claims (filed_on) INCLUDE (tac, incident, outcome);
CREATE INDEX IF NOT EXISTS read_claims_completed ON read_claims (completed_on) INCLUDE (service, turnaround_seconds) WHERE completed_on IS NOT NULL;

-- The model name registrations gave each TAC (the catalogue's, as the line recorded it).
CREATE TABLE IF NOT EXISTS read_models
(
    tac   CHAR(8) PRIMARY KEY,
    model VARCHAR(200) NOT NULL
);

-- One row per exchange stock movement (CLM-9): a stock level set by an admin (delta: the change it made) or a unit
-- taken for a shipment (delta -1); quantity is the level after it.
CREATE TABLE IF NOT EXISTS read_stock_movements
(
    event_id VARCHAR(300) PRIMARY KEY,
    tac      CHAR(8) NOT NULL,
    kind     VARCHAR(16) NOT NULL,
    delta    INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    moved_on DATE NOT NULL,
    sequence BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS read_stock_movements_on ON read_stock_movements (moved_on, tac);

-- Fee revenue per month reads read_lines by the months its option starts and stops being charged, and is in force.
CREATE INDEX IF NOT EXISTS read_lines_fee_months ON read_lines (first_charged_month, last_charged_month) WHERE has_option;

-- Refused requests per Japan day, operation (filing, quote, registration) and rule ID.
CREATE TABLE IF NOT EXISTS refusal_counts
(
    day       DATE NOT NULL,
    operation VARCHAR(16) NOT NULL,
    rule_id   VARCHAR(16) NOT NULL,
    refusals  BIGINT NOT NULL,
    PRIMARY KEY (day, operation, rule_id)
);
