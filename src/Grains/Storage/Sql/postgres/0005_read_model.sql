-- The read model (issue 14): tables projected from warranty_events by the projection (ReadModel/Projector.cs), for
-- questions across every line (the billing run, reports). They hold nothing the log does not: POST
-- /v1/admin/projections/rebuild empties them and projects the log again. line_id is COLLATE "C" so that its index
-- gives the billing run's line order (byte order, as the service compares ids).

-- One row per line: what its monthly fee depends on (BIL-1..3), as month indexes (year * 12 + month - 1).
CREATE TABLE IF NOT EXISTS read_lines
(
    line_id             VARCHAR(150) COLLATE "C" PRIMARY KEY,
    plan                VARCHAR(32) NOT NULL,
    plan_sequence       BIGINT NOT NULL,
    service_start_date  DATE NOT NULL,
    has_option          BOOLEAN NOT NULL,
    first_charged_month INTEGER NOT NULL,
    terminated_on       DATE NULL,
    last_charged_month  INTEGER NULL,
    end_sequence        BIGINT NOT NULL DEFAULT 0,
    changed_sequence    BIGINT NOT NULL,
    cancelled_on        DATE NULL
);

CREATE INDEX IF NOT EXISTS read_lines_charged ON read_lines (line_id, first_charged_month, last_charged_month) WHERE has_option;

-- The lines whose fee facts changed after a month was closed: the candidates for fee adjustments.
CREATE INDEX IF NOT EXISTS read_lines_changed ON read_lines (changed_sequence);

-- One row per charge item of a claim (BIL-4), keyed by the event that carried it and its place in that event.
CREATE TABLE IF NOT EXISTS read_charges
(
    event_id   VARCHAR(300) NOT NULL,
    item       INTEGER NOT NULL,
    line_id    VARCHAR(150) COLLATE "C" NOT NULL,
    claim_id   VARCHAR(64) COLLATE "C" NULL,
    kind       VARCHAR(32) NOT NULL,
    date       DATE NOT NULL,
    month      INTEGER NOT NULL,
    amount_yen INTEGER NOT NULL,
    tax_yen    INTEGER NOT NULL,
    taxable    BOOLEAN NOT NULL,
    sequence   BIGINT NOT NULL,
    PRIMARY KEY (event_id, item)
);

CREATE INDEX IF NOT EXISTS read_charges_month ON read_charges (month, line_id, claim_id, item);

-- What closed billing runs billed. Unlike the tables above, these are not projected from the log but recorded by the
-- runs, so a rebuild keeps them.

-- The months billing runs closed (month indexes), with the projection's position then and the run's totals.
CREATE TABLE IF NOT EXISTS billing_runs
(
    month     INTEGER PRIMARY KEY,
    position  BIGINT NOT NULL,
    closed_at TIMESTAMPTZ NOT NULL,
    lines     INTEGER NOT NULL,
    items     INTEGER NOT NULL,
    total_yen BIGINT NOT NULL,
    tax_yen   BIGINT NOT NULL
);

-- Each monthly fee a closed run billed (month), and which run billed it (billed_in: the month itself, or a later
-- month's run that billed it as an adjustment). A fee credited by an adjustment is removed.
CREATE TABLE IF NOT EXISTS billed_fees
(
    line_id   VARCHAR(150) COLLATE "C" NOT NULL,
    month     INTEGER NOT NULL,
    billed_in INTEGER NOT NULL,
    PRIMARY KEY (line_id, month)
);

-- Each claim charge a closed run billed (by its event and place, as read_charges), and which run billed it.
CREATE TABLE IF NOT EXISTS billed_charges
(
    event_id  VARCHAR(300) NOT NULL,
    item      INTEGER NOT NULL,
    billed_in INTEGER NOT NULL,
    PRIMARY KEY (event_id, item)
);

-- The projection's place in the log and its lease: one silo of the cluster projects at a time.
CREATE TABLE IF NOT EXISTS read_projection
(
    name        VARCHAR(64) PRIMARY KEY,
    position    BIGINT NOT NULL,
    lease_owner VARCHAR(200) NULL,
    lease_until TIMESTAMPTZ NULL,
    updated_at  TIMESTAMPTZ NULL
);

INSERT INTO read_projection (name, position) VALUES ('read_model', 0) ON CONFLICT (name) DO NOTHING;
