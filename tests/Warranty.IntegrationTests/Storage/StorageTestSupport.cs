using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.TestingHost;
using Warranty.Grains.Storage;

namespace Warranty.IntegrationTests.Storage;

/// <summary>A SQLite database file in a fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempSqliteFile : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"warranty-tests-{Environment.UserName}", Guid.NewGuid().ToString("N"));

    public TempSqliteFile()
    {
        Path = System.IO.Path.Combine(_folder, "warranty.db");
    }

    /// <summary>The database file; its folder exists only once the storage options have prepared it.</summary>
    public string Path { get; }

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path }.ConnectionString;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

internal static class StorageTestSupport
{
    public static IConfiguration Configuration(StorageKind kind, string? connectionString, string serviceId) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [WarrantyStorageOptions.StorageKey] = kind.ToString().ToLowerInvariant(),
                [$"ConnectionStrings:{WarrantyStorageOptions.ConnectionStringName}"] = connectionString,
                [WarrantyStorageOptions.ServiceIdKey] = serviceId,
                [WarrantyStorageOptions.ClusterIdKey] = serviceId,
            })
            .Build();

    /// <summary>Adds <paramref name="configuration"/> to every silo's own, which the silo's settings are read from.</summary>
    public static InProcessTestClusterBuilder WithSiloSettings(this InProcessTestClusterBuilder builder, IConfiguration configuration)
    {
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddConfiguration(configuration));
        return builder;
    }

    /// <summary>A one-silo test cluster whose silo uses <see cref="WarrantyStorageExtensions.AddWarrantyStorage(ISiloBuilder)"/>.</summary>
    public static async Task<InProcessTestCluster> StartClusterAsync(IConfiguration configuration, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.WithSiloSettings(configuration).ConfigureSilo((_, silo) => silo.AddWarrantyStorage());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static DbConnection Open(StorageKind kind, string connectionString)
    {
        DbConnection connection = kind == StorageKind.Postgres
            ? new NpgsqlConnection(connectionString)
            : new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    public static async Task<List<(int Version, string Name)>> AppliedVersionsAsync(StorageKind kind, string connectionString)
    {
        await using var connection = Open(kind, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM warranty_schema_version ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((Convert.ToInt32(reader.GetValue(0)), reader.GetString(1)));
        }

        return rows;
    }

    public static async Task<HashSet<string>> QueryKeysAsync(StorageKind kind, string connectionString)
    {
        await using var connection = Open(kind, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new HashSet<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>The stored payloads (JSON text; "" for a cleared row if asked for) of the probe state for one grain key.</summary>
    public static async Task<List<string>> ProbePayloadsAsync(StorageKind kind, string connectionString, string key, bool includeCleared = false)
    {
        await using var connection = Open(kind, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM orleans_grain_state WHERE grain_type = @type AND grain_id_ext = @key"
            + (includeCleared ? "" : " AND payload IS NOT NULL");
        AddParameter(command, "type", StorageProbeGrain.StateName);
        AddParameter(command, "key", key);
        await using var reader = await command.ExecuteReaderAsync();
        var payloads = new List<string>();
        while (await reader.ReadAsync())
        {
            payloads.Add(reader.IsDBNull(0) ? "" : System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(0)));
        }

        return payloads;
    }

    public static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
