-- The event log (issue 14): every change a grain commits, recorded once, in the order it was recorded.
-- event_id is the change's own stable id (for a line: the line id and the position of its history entry), so a
-- redelivery after a crash or a retry inserts nothing. sequence orders the log for the projection that reads it;
-- a reader must allow for rows committed out of sequence order by concurrent writers.
CREATE TABLE IF NOT EXISTS warranty_events
(
    sequence    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    VARCHAR(300) NOT NULL UNIQUE,
    line_id     VARCHAR(150) NOT NULL,
    type        VARCHAR(64) NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    data        JSONB NOT NULL
);

CREATE INDEX IF NOT EXISTS warranty_events_line ON warranty_events (line_id, sequence);
