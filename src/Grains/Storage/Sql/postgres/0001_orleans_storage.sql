-- Grain state for Microsoft.Orleans.Persistence.AdoNet (invariant "Npgsql").
--
-- The provider loads its statements at start-up with
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and runs them with these parameters:
--     @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainTypeHash int,
--     @GrainTypeString text, @GrainIdExtensionString text (may be NULL), @ServiceId text,
--     @GrainStateVersion int (NULL before the first write), @PayloadBinary bytea.
-- It reads the columns "PayloadBinary" and "Version" (read) and "NewGrainStateVersion"
-- (write, clear and delete). A write or clear that matches no row returns no row, and the
-- provider turns that into an InconsistentStateException: the version is the ETag.
--
-- Unlike the upstream scripts, one grain's state can never occupy two rows: the identity
-- (hashes, N0/N1, type string, key extension, service id) is a unique key, with NULL
-- extensions treated as equal (PostgreSQL 15+).

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

CREATE TABLE orleans_grain_state
(
    grain_id_hash   integer      NOT NULL,
    grain_type_hash integer      NOT NULL,
    service_id      varchar(150) NOT NULL,
    grain_type      varchar(512) NOT NULL,
    grain_id_n0     bigint       NOT NULL,
    grain_id_n1     bigint       NOT NULL,
    grain_id_ext    varchar(512) NULL,
    payload         bytea        NULL,
    version         integer      NOT NULL,
    modified_at     timestamptz  NOT NULL DEFAULT now(),

    -- Leads with the two hashes, so it is also the index every lookup uses.
    CONSTRAINT orleans_grain_state_identity UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $sql$
SELECT s.payload AS "PayloadBinary",
       s.version AS "Version"
FROM orleans_grain_state AS s
WHERE s.grain_id_hash = @GrainIdHash
  AND s.grain_type_hash = @GrainTypeHash
  AND s.service_id = @ServiceId
  AND s.grain_type = @GrainTypeString
  AND s.grain_id_n0 = @GrainIdN0
  AND s.grain_id_n1 = @GrainIdN1
  AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString;
$sql$),

-- One statement: the UPDATE applies only when the caller's version is current, the INSERT
-- only when the caller has never seen a row; the unique key makes a racing first write
-- lose (DO NOTHING), so it returns no row and the provider reports the conflict.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_grain_state AS s
    SET payload = @PayloadBinary,
        version = s.version + 1,
        modified_at = now()
    WHERE s.grain_id_hash = @GrainIdHash
      AND s.grain_type_hash = @GrainTypeHash
      AND s.service_id = @ServiceId
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
      AND s.version = @GrainStateVersion
    RETURNING s.version
),
inserted AS (
    INSERT INTO orleans_grain_state
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, payload, version)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted;
$sql$),

-- Keeps the row (and so the version sequence) and drops the payload.
('ClearStorageKey', $sql$
UPDATE orleans_grain_state AS s
SET payload = NULL,
    version = s.version + 1,
    modified_at = now()
WHERE s.grain_id_hash = @GrainIdHash
  AND s.grain_type_hash = @GrainTypeHash
  AND s.service_id = @ServiceId
  AND s.grain_type = @GrainTypeString
  AND s.grain_id_n0 = @GrainIdN0
  AND s.grain_id_n1 = @GrainIdN1
  AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
  AND s.version = @GrainStateVersion
RETURNING s.version AS "NewGrainStateVersion";
$sql$),

-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is set.
('DeleteStorageKey', $sql$
DELETE FROM orleans_grain_state AS s
WHERE s.grain_id_hash = @GrainIdHash
  AND s.grain_type_hash = @GrainTypeHash
  AND s.service_id = @ServiceId
  AND s.grain_type = @GrainTypeString
  AND s.grain_id_n0 = @GrainIdN0
  AND s.grain_id_n1 = @GrainIdN1
  AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
  AND s.version = @GrainStateVersion
RETURNING s.version + 1 AS "NewGrainStateVersion";
$sql$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
