-- As postgres/0004_event_log_lean.sql: nothing reads the log by line, and every append paid for the index.
DROP INDEX IF EXISTS warranty_events_line;
