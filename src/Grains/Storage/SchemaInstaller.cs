using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Warranty.Grains.Storage;

/// <summary>
/// Creates or upgrades the database schema: applies, in version order, every embedded script
/// (<see cref="SchemaScript"/>) not yet recorded in <c>warranty_schema_version</c>.
/// </summary>
/// <remarks>
/// <para>Each script runs in its own transaction together with the row that records it, so a
/// failed script leaves nothing half-applied and is retried on the next start.</para>
/// <para>Safe when several processes start at once: on PostgreSQL every transaction first takes
/// the transaction-scoped advisory lock <see cref="PostgresLockKey"/> (<c>pg_advisory_xact_lock</c>);
/// on SQLite it starts with <c>BEGIN IMMEDIATE</c>, which takes the database's write lock, and
/// waits for a busy database (WAL journal, busy timeout). Under the lock the installer re-reads what
/// is applied, so a script another process has just applied is skipped.</para>
/// <para>To change the schema, add the next numbered file under <c>src/Grains/Storage/Sql/&lt;engine&gt;/</c>;
/// never edit a script that has shipped.</para>
/// </remarks>
public static partial class SchemaInstaller
{
    /// <summary>Advisory lock key shared by every installer of this schema ("Warranty" in ASCII).</summary>
    public const long PostgresLockKey = 0x5761_7272_616E_7479;

    /// <summary>How long a SQLite installer waits for another process's write lock.</summary>
    private static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(30);

    private const string VersionTable = "warranty_schema_version";

    /// <summary>Brings the schema of the given store up to date; does nothing for <see cref="StorageKind.Memory"/>.</summary>
    public static Task EnsureAsync(StorageKind kind, string connectionString, ILogger logger, CancellationToken ct) => kind switch
    {
        StorageKind.Postgres => EnsurePostgresAsync(connectionString, logger, ct),
        StorageKind.Sqlite => EnsureSqliteAsync(connectionString, logger, ct),
        _ => Task.CompletedTask,
    };

    private static async Task EnsurePostgresAsync(string connectionString, ILogger logger, CancellationToken ct)
    {
        // Pooling off: this connection is used once at start-up and must not linger in the pool.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);

        if (connection.PostgreSqlVersion.Major < 15)
        {
            throw new InvalidOperationException(
                $"PostgreSQL {connection.PostgreSqlVersion} is too old: the schema needs PostgreSQL 15 or later (UNIQUE NULLS NOT DISTINCT).");
        }

        await ApplyAsync(
            StorageKind.Postgres,
            async () =>
            {
                var transaction = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresLockKey.ToString(CultureInfo.InvariantCulture)})", ct);
                await ExecuteAsync(connection, transaction, $"""
                    CREATE TABLE IF NOT EXISTS {VersionTable}
                    (
                        version    integer     NOT NULL PRIMARY KEY,
                        name       text        NOT NULL,
                        checksum   text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, ct);
                return transaction;
            },
            connection,
            logger,
            ct);
    }

    private static async Task EnsureSqliteAsync(string connectionString, ILogger logger, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            DefaultTimeout = (int)SqliteBusyTimeout.TotalSeconds,
        };
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);

        // busy_timeout makes SQLite itself wait for a lock held by another process; WAL lets the
        // silo's readers run alongside a writer and persists in the file once set.
        await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {(int)SqliteBusyTimeout.TotalMilliseconds}", ct);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", ct);

        await ApplyAsync(
            StorageKind.Sqlite,
            async () =>
            {
                // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, not at the first write.
                var transaction = connection.BeginTransaction(deferred: false);
                await ExecuteAsync(connection, transaction, $"""
                    CREATE TABLE IF NOT EXISTS {VersionTable}
                    (
                        version    INTEGER NOT NULL PRIMARY KEY,
                        name       TEXT    NOT NULL,
                        checksum   TEXT    NOT NULL,
                        applied_at TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
                    )
                    """, ct);
                return transaction;
            },
            connection,
            logger,
            ct);
    }

    /// <summary>
    /// The loop both engines share: open a locked transaction, read what is applied, apply the
    /// first missing script and record it, commit; until nothing is missing.
    /// </summary>
    private static async Task ApplyAsync(
        StorageKind kind,
        Func<Task<DbTransaction>> beginLockedAsync,
        DbConnection connection,
        ILogger logger,
        CancellationToken ct)
    {
        var scripts = SchemaScript.For(kind);
        var checkedApplied = false;
        var appliedNow = 0;

        while (true)
        {
            await using var transaction = await beginLockedAsync();
            var applied = await ReadAppliedAsync(connection, transaction, ct);

            if (!checkedApplied)
            {
                WarnAboutDrift(kind, scripts, applied, logger);
                checkedApplied = true;
            }

            var next = scripts.FirstOrDefault(s => !applied.ContainsKey(s.Version));
            if (next is null)
            {
                await transaction.CommitAsync(ct);
                break;
            }

            await ExecuteAsync(connection, transaction, next.Sql, ct);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO {VersionTable} (version, name, checksum) VALUES (@version, @name, @checksum)";
                AddParameter(record, "version", next.Version);
                AddParameter(record, "name", next.Name);
                AddParameter(record, "checksum", next.Checksum);
                await record.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            appliedNow++;
            LogApplied(logger, kind, next.Version, next.Name);
        }

        var latest = scripts.Count == 0 ? 0 : scripts[^1].Version;
        LogUpToDate(logger, kind, latest, appliedNow);
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT version, checksum FROM {VersionTable}";
        var applied = new Dictionary<int, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = reader.GetString(1);
        }

        return applied;
    }

    private static void WarnAboutDrift(StorageKind kind, IReadOnlyList<SchemaScript> scripts, Dictionary<int, string> applied, ILogger logger)
    {
        foreach (var script in scripts)
        {
            if (applied.TryGetValue(script.Version, out var checksum) && checksum != script.Checksum)
            {
                LogChangedScript(logger, kind, script.Version, script.Name);
            }
        }

        var known = scripts.Select(s => s.Version).ToHashSet();
        foreach (var version in applied.Keys.Where(v => !known.Contains(v)).Order())
        {
            LogUnknownVersion(logger, kind, version);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Kind} schema script {Version:D4}_{Name}")]
    private static partial void LogApplied(ILogger logger, StorageKind kind, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} schema is at version {Version} ({Applied} script(s) applied by this process)")]
    private static partial void LogUpToDate(ILogger logger, StorageKind kind, int version, int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} schema script {Version:D4}_{Name} changed after it was applied; scripts that have shipped must not be edited, add a new one")]
    private static partial void LogChangedScript(ILogger logger, StorageKind kind, int version, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} database has schema version {Version}, which this build does not know (a newer build ran against it)")]
    private static partial void LogUnknownVersion(ILogger logger, StorageKind kind, int version);
}
