using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class SchemaInstallerTests(PostgresServer postgres)
{
    private static readonly string[] StorageQueryKeys =
        ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    // The keys Orleans.Clustering.AdoNet 10.4.2 refuses to start without.
    private static readonly string[] ClusteringQueryKeys =
    [
        "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    private readonly PostgresServer _postgres = postgres;

    [Fact]
    public async Task Postgres_install_twice_applies_every_script_once()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("schema_twice");

        await SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, NullLogger.Instance, CancellationToken.None);
        await SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(Expected(StorageKind.Postgres), await StorageTestSupport.AppliedVersionsAsync(StorageKind.Postgres, connectionString));
        var keys = await StorageTestSupport.QueryKeysAsync(StorageKind.Postgres, connectionString);
        Assert.Superset(new HashSet<string>([.. StorageQueryKeys, .. ClusteringQueryKeys]), keys);
    }

    [Fact]
    public async Task Postgres_concurrent_installers_all_succeed_and_record_each_version_once()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("schema_race");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, NullLogger.Instance, CancellationToken.None))));

        Assert.Equal(Expected(StorageKind.Postgres), await StorageTestSupport.AppliedVersionsAsync(StorageKind.Postgres, connectionString));
    }

    [Fact]
    public async Task Sqlite_install_twice_applies_every_script_once_and_uses_wal()
    {
        using var file = new TempSqliteFile();
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);

        await SchemaInstaller.EnsureAsync(StorageKind.Sqlite, file.ConnectionString, NullLogger.Instance, CancellationToken.None);
        await SchemaInstaller.EnsureAsync(StorageKind.Sqlite, file.ConnectionString, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(Expected(StorageKind.Sqlite), await StorageTestSupport.AppliedVersionsAsync(StorageKind.Sqlite, file.ConnectionString));
        Assert.Superset(new HashSet<string>(StorageQueryKeys), await StorageTestSupport.QueryKeysAsync(StorageKind.Sqlite, file.ConnectionString));
        await using var connection = StorageTestSupport.Open(StorageKind.Sqlite, file.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Sqlite_concurrent_installers_on_a_fresh_file_all_succeed_and_record_each_version_once()
    {
        using var file = new TempSqliteFile();
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => SchemaInstaller.EnsureAsync(StorageKind.Sqlite, file.ConnectionString, NullLogger.Instance, CancellationToken.None))));

        Assert.Equal(Expected(StorageKind.Sqlite), await StorageTestSupport.AppliedVersionsAsync(StorageKind.Sqlite, file.ConnectionString));
    }

    [Fact]
    public async Task Postgres_storage_table_rejects_a_second_row_for_one_grain_identity()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("schema_unique");
        await SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, NullLogger.Instance, CancellationToken.None);
        await using var connection = StorageTestSupport.Open(StorageKind.Postgres, connectionString);

        // Without a key extension (NULL), and with one.
        await InsertIdentityAsync(connection, extension: null);
        var withoutExtension = await Assert.ThrowsAsync<PostgresException>(() => InsertIdentityAsync(connection, extension: null));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, withoutExtension.SqlState);

        await InsertIdentityAsync(connection, extension: "line-1");
        var withExtension = await Assert.ThrowsAsync<PostgresException>(() => InsertIdentityAsync(connection, extension: "line-1"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, withExtension.SqlState);

        // Another grain (another extension, another service) is another row.
        await InsertIdentityAsync(connection, extension: "line-2");
        await InsertIdentityAsync(connection, extension: null, serviceId: "other-service");
    }

    [Fact]
    public async Task Sqlite_storage_table_rejects_a_second_row_for_one_grain_identity()
    {
        using var file = new TempSqliteFile();
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
        await SchemaInstaller.EnsureAsync(StorageKind.Sqlite, file.ConnectionString, NullLogger.Instance, CancellationToken.None);
        await using var connection = StorageTestSupport.Open(StorageKind.Sqlite, file.ConnectionString);

        const int SqliteConstraint = 19;
        await InsertIdentityAsync(connection, extension: null);
        var withoutExtension = await Assert.ThrowsAsync<SqliteException>(() => InsertIdentityAsync(connection, extension: null));
        Assert.Equal(SqliteConstraint, withoutExtension.SqliteErrorCode);

        await InsertIdentityAsync(connection, extension: "line-1");
        var withExtension = await Assert.ThrowsAsync<SqliteException>(() => InsertIdentityAsync(connection, extension: "line-1"));
        Assert.Equal(SqliteConstraint, withExtension.SqliteErrorCode);

        await InsertIdentityAsync(connection, extension: "line-2");
        await InsertIdentityAsync(connection, extension: null, serviceId: "other-service");
    }

    private static List<(int Version, string Name)> Expected(StorageKind kind) =>
        [.. SchemaScript.For(kind).Select(s => (s.Version, s.Name))];

    private static async Task InsertIdentityAsync(DbConnection connection, string? extension, string serviceId = "warranty")
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO orleans_grain_state
                (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, payload, version)
            VALUES (42, 7, @service, 'line', 0, 0, @ext, NULL, 1)
            """;
        StorageTestSupport.AddParameter(command, "service", serviceId);
        var ext = command.CreateParameter();
        ext.ParameterName = "ext";
        ext.DbType = System.Data.DbType.String;
        ext.Value = (object?)extension ?? DBNull.Value;
        command.Parameters.Add(ext);
        await command.ExecuteNonQueryAsync();
    }
}
