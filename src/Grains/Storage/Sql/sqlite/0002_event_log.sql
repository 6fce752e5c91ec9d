-- The event log (issue 14), as postgres/0003_event_log.sql: every change a grain commits, recorded once, in the
-- order it was recorded. Times are ISO 8601 text in UTC (yyyy-MM-ddTHH:mm:ss.fffffffZ), which sorts as it reads.
CREATE TABLE IF NOT EXISTS warranty_events
(
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL UNIQUE,
    line_id     TEXT NOT NULL,
    type        TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    data        TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS warranty_events_line ON warranty_events (line_id, sequence);
