using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Storage;

/// <summary>With postgres, the silo keeps its membership in PostgreSQL and a pure client finds it there.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdoNetClusteringTests(PostgresServer postgres)
{
    private const int ActiveStatus = 3;
    private const int DeadStatus = 6;

    private readonly PostgresServer _postgres = postgres;

    [Fact]
    public async Task A_silo_joins_through_postgres_membership_and_a_client_reaches_it_through_the_gateway_list()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("clustering");
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [WarrantyStorageOptions.StorageKey] = "postgres",
                [$"ConnectionStrings:{WarrantyStorageOptions.ConnectionStringName}"] = connectionString,
                [WarrantyStorageOptions.ClusterIdKey] = clusterId,
                [WarrantyStorageOptions.ServiceIdKey] = clusterId,
                [WarrantyStorageOptions.SiloPortKey] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                [WarrantyStorageOptions.GatewayPortKey] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .Build();

        var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        siloBuilder.Configuration.AddConfiguration(configuration);
        siloBuilder.UseOrleans(silo =>
        {
            silo.AddWarrantyStorage();
            silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
        });
        using var siloHost = siloBuilder.Build();
        await siloHost.StartAsync();
        try
        {
            var member = Assert.Single(await MembersAsync(connectionString, clusterId));
            Assert.Equal(ActiveStatus, member.Status);
            Assert.True(member.ProxyPort > 0);
            Assert.True(await TableVersionAsync(connectionString, clusterId) > 0);

            var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            clientBuilder.Configuration.AddConfiguration(configuration);
            clientBuilder.UseOrleansClient(client => client.AddWarrantyClustering());
            using var clientHost = clientBuilder.Build();
            await clientHost.StartAsync();
            try
            {
                var grain = clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageProbeGrain>($"probe-{Guid.NewGuid():N}");
                var written = await grain.WriteAsync("through the gateway", ProbeColor.Red);
                Assert.Equal("1", written.ETag);
            }
            finally
            {
                await clientHost.StopAsync();
            }
        }
        finally
        {
            await siloHost.StopAsync();
        }

        // A silo that shuts down cleanly marks itself dead.
        var stopped = Assert.Single(await MembersAsync(connectionString, clusterId));
        Assert.Equal(DeadStatus, stopped.Status);
    }

    /// <summary>
    /// The membership statements, run the way the provider runs them: a change succeeds only against
    /// the current table version, and then bumps it; a refused change leaves no trace.
    /// </summary>
    [Fact]
    public async Task Membership_changes_apply_only_against_the_current_table_version_and_all_or_nothing()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("membership");
        await SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        const string Cluster = "c1";

        Assert.Equal(1, await ScalarAsync(connection, "InsertMembershipVersionKey", Cluster));
        Assert.Equal(0, await ScalarAsync(connection, "InsertMembershipVersionKey", Cluster));

        Assert.Equal(1, await ScalarAsync(connection, "InsertMembershipKey", Cluster, Silo(port: 1, version: 0)));
        Assert.Equal(1, await TableVersionAsync(connectionString, Cluster));

        // Stale version: refused, and the member row is not left behind.
        Assert.Equal(0, await ScalarAsync(connection, "InsertMembershipKey", Cluster, Silo(port: 2, version: 0)));
        // Current version but the silo is already there: refused, and the version does not move.
        Assert.Equal(0, await ScalarAsync(connection, "InsertMembershipKey", Cluster, Silo(port: 1, version: 1)));
        Assert.Equal(1, await TableVersionAsync(connectionString, Cluster));
        Assert.Single(await MembersAsync(connectionString, Cluster));

        Assert.Equal(0, await ScalarAsync(connection, "UpdateMembershipKey", Cluster, Silo(port: 1, version: 0, status: DeadStatus)));
        Assert.Equal(1, await ScalarAsync(connection, "UpdateMembershipKey", Cluster, Silo(port: 1, version: 1, status: DeadStatus)));
        Assert.Equal(2, await TableVersionAsync(connectionString, Cluster));
        Assert.Equal(DeadStatus, Assert.Single(await MembersAsync(connectionString, Cluster)).Status);

        // Reads return the table version on every row, and one row with no silo for an empty cluster.
        Assert.Equal(1, await ScalarAsync(connection, "InsertMembershipVersionKey", "empty"));
        await using (var readAll = await QueryAsync(connection, "MembershipReadAllKey", "empty"))
        {
            Assert.True(await readAll.ReadAsync());
            Assert.Equal(0, readAll.GetInt32(readAll.GetOrdinal("Version")));
            Assert.True(readAll.IsDBNull(readAll.GetOrdinal("StartTime")));
            Assert.False(await readAll.ReadAsync());
        }

        await using var command = await CommandAsync(connection, "DeleteMembershipTableEntriesKey", Cluster);
        await command.ExecuteNonQueryAsync();
        Assert.Empty(await MembersAsync(connectionString, Cluster));
    }

    private static Action<NpgsqlCommand> Silo(int port, int version, int status = ActiveStatus) => command =>
    {
        // Typed as Orleans.Clustering.AdoNet types them (DbType), not as Npgsql would infer.
        Add(command, "Address", "127.0.0.1", System.Data.DbType.AnsiString);
        Add(command, "Port", port, System.Data.DbType.Int32);
        Add(command, "Generation", 7, System.Data.DbType.Int32);
        Add(command, "SiloName", $"silo-{port}", System.Data.DbType.String);
        Add(command, "HostName", "host", System.Data.DbType.String);
        Add(command, "Status", status, System.Data.DbType.Int32);
        Add(command, "ProxyPort", 30000 + port, System.Data.DbType.Int32);
        Add(command, "StartTime", DateTime.UtcNow, System.Data.DbType.DateTime);
        Add(command, "IAmAliveTime", DateTime.UtcNow, System.Data.DbType.DateTime);
        Add(command, "SuspectTimes", null, System.Data.DbType.String);
        Add(command, "Version", version, System.Data.DbType.Int32);
    };

    private static void Add(NpgsqlCommand command, string name, object? value, System.Data.DbType type) =>
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    private static async Task<NpgsqlCommand> CommandAsync(NpgsqlConnection connection, string queryKey, string clusterId, Action<NpgsqlCommand>? parameters = null)
    {
        await using var lookup = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = @key", connection);
        lookup.Parameters.AddWithValue("key", queryKey);
        var command = new NpgsqlCommand((string)(await lookup.ExecuteScalarAsync())!, connection);
        Add(command, "DeploymentId", clusterId, System.Data.DbType.String);
        parameters?.Invoke(command);
        return command;
    }

    private static async Task<int> ScalarAsync(NpgsqlConnection connection, string queryKey, string clusterId, Action<NpgsqlCommand>? parameters = null)
    {
        await using var command = await CommandAsync(connection, queryKey, clusterId, parameters);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<NpgsqlDataReader> QueryAsync(NpgsqlConnection connection, string queryKey, string clusterId)
    {
        var command = await CommandAsync(connection, queryKey, clusterId);
        return await command.ExecuteReaderAsync(System.Data.CommandBehavior.Default);
    }

    private static async Task<List<(int Status, int ProxyPort)>> MembersAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, proxy_port FROM orleans_cluster_member WHERE deployment_id = @id", connection);
        command.Parameters.AddWithValue("id", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<(int, int)>();
        while (await reader.ReadAsync())
        {
            members.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return members;
    }

    private static async Task<int> TableVersionAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM orleans_cluster_version WHERE deployment_id = @id", connection);
        command.Parameters.AddWithValue("id", clusterId);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
