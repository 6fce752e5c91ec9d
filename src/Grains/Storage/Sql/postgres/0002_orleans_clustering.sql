-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet (invariant "Npgsql").
--
-- Contract (Orleans 10.4.2): the provider reads every row of OrleansQuery and requires the
-- keys below. Parameters: @DeploymentId (the ClusterId), @Address, @Port, @Generation,
-- @SiloName, @HostName, @Status (int; 3 = Active), @ProxyPort, @StartTime, @IAmAliveTime,
-- @SuspectTimes (text, may be NULL) and @Version (the table version the caller last read).
-- Membership reads return one row per silo plus the table version, and one row with
-- NULL silo columns when the cluster has no silos yet (hence the LEFT JOIN).
-- Insert and update return a single value that is non-zero on success; each bumps the
-- table version only if it still equals @Version and the row change was made.

CREATE TABLE orleans_cluster_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE orleans_cluster_member
(
    deployment_id   varchar(150)  NOT NULL REFERENCES orleans_cluster_version (deployment_id) ON DELETE CASCADE,
    address         varchar(45)   NOT NULL,
    port            integer       NOT NULL,
    generation      integer       NOT NULL,
    silo_name       varchar(150)  NOT NULL,
    host_name       varchar(150)  NOT NULL,
    status          integer       NOT NULL,
    proxy_port      integer       NOT NULL,
    suspect_times   varchar(8000) NULL,
    start_time      timestamptz   NOT NULL,
    i_am_alive_time timestamptz   NOT NULL,

    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_cluster_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*)::int FROM created;
$sql$),

-- The version row is locked first, so two silos that read the same version cannot both
-- succeed; the member insert and the version bump then happen together or not at all.
('InsertMembershipKey', $sql$
WITH current_version AS (
    SELECT v.deployment_id
    FROM orleans_cluster_version AS v
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
    FOR UPDATE
),
added AS (
    INSERT INTO orleans_cluster_member
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT c.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM current_version AS c
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING deployment_id
),
bumped AS (
    UPDATE orleans_cluster_version AS v
    SET version = v.version + 1,
        changed_at = now()
    FROM added AS a
    WHERE v.deployment_id = a.deployment_id
    RETURNING 1
)
SELECT count(*)::int FROM bumped;
$sql$),

('UpdateMembershipKey', $sql$
WITH current_version AS (
    SELECT v.deployment_id
    FROM orleans_cluster_version AS v
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
    FOR UPDATE
),
changed AS (
    UPDATE orleans_cluster_member AS m
    SET status = @Status,
        suspect_times = @SuspectTimes,
        i_am_alive_time = @IAmAliveTime
    FROM current_version AS c
    WHERE m.deployment_id = c.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
    RETURNING m.deployment_id
),
bumped AS (
    UPDATE orleans_cluster_version AS v
    SET version = v.version + 1,
        changed_at = now()
    FROM changed AS c
    WHERE v.deployment_id = c.deployment_id
    RETURNING 1
)
SELECT count(*)::int FROM bumped;
$sql$),

-- A heartbeat: not versioned, its result is not checked.
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_cluster_member
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation;
$sql$),

('MembershipReadRowKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_cluster_version AS v
LEFT JOIN orleans_cluster_member AS m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$sql$),

('MembershipReadAllKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_cluster_version AS v
LEFT JOIN orleans_cluster_member AS m
       ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$sql$),

-- Removing the version row cascades to the members.
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_cluster_version
WHERE deployment_id = @DeploymentId;
$sql$),

-- Gateways a client may connect to: active silos (@Status = 3) that listen for clients.
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM orleans_cluster_member
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0;
$sql$),

-- Silos that stopped sending heartbeats before @IAmAliveTime and are not active.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_cluster_member
WHERE deployment_id = @DeploymentId
  AND i_am_alive_time < @IAmAliveTime
  AND status <> 3;
$sql$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
