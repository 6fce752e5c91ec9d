-- Grain state for Microsoft.Orleans.Persistence.AdoNet on an embedded SQLite file
-- (invariant "System.Data.SQLite", which Orleans 10.4.2 serves with Microsoft.Data.Sqlite).
--
-- Same contract as postgres/0001_orleans_storage.sql: the provider loads its statements from
-- OrleansQuery, binds @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
-- @GrainIdExtensionString (may be NULL), @ServiceId, and for changes @GrainStateVersion (NULL
-- before the first write) and @PayloadBinary; it reads "PayloadBinary"/"Version" and
-- "NewGrainStateVersion". No row back from a change means a version conflict.
--
-- The query texts are SQL string literals here (SQLite has no dollar quoting), so they are
-- written without single quotes.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE orleans_grain_state
(
    grain_id_hash   INTEGER NOT NULL,
    grain_type_hash INTEGER NOT NULL,
    service_id      TEXT    NOT NULL,
    grain_type      TEXT    NOT NULL,
    grain_id_n0     INTEGER NOT NULL,
    grain_id_n1     INTEGER NOT NULL,
    grain_id_ext    TEXT    NULL,
    payload         BLOB    NULL,
    version         INTEGER NOT NULL,
    modified_at     TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- One row per grain identity. SQLite treats NULLs in a unique index as distinct, so the key
-- extension is indexed as ifnull(grain_id_ext, x'00'): a BLOB never equals TEXT, so every
-- "no extension" maps to one value that no real extension (always TEXT) can collide with.
CREATE UNIQUE INDEX orleans_grain_state_identity ON orleans_grain_state
    (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, ifnull(grain_id_ext, x'00'));

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary,
       version AS Version
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext IS @GrainIdExtensionString;
'),

-- Two statements, at most one of which changes a row: the UPDATE needs the caller's version
-- to be current, the INSERT needs the caller never to have seen a row and loses to the
-- unique index if another writer got there first.
('WriteToStorageKey', '
UPDATE orleans_grain_state
SET payload = @PayloadBinary,
    version = version + 1,
    modified_at = CURRENT_TIMESTAMP
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

INSERT INTO orleans_grain_state
    (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, payload, version)
SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
'),

('ClearStorageKey', '
UPDATE orleans_grain_state
SET payload = NULL,
    version = version + 1,
    modified_at = CURRENT_TIMESTAMP
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
'),

('DeleteStorageKey', '
DELETE FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
