using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Storage;

/// <summary>
/// A silo configured with AddWarrantyStorage keeps grain state in the durable store: it survives
/// deactivation and a whole new cluster, it is JSON, and a write with a stale ETag is refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainStorageTests(PostgresServer postgres)
{
    private readonly PostgresServer _postgres = postgres;

    [Fact]
    public async Task Postgres_state_survives_deactivation_and_restart_and_stale_writes_are_refused()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("grain_state");
        await StateSurvivesAndConflictsAreDetectedAsync(StorageKind.Postgres, connectionString);
    }

    [Fact]
    public async Task Sqlite_state_survives_deactivation_and_restart_and_stale_writes_are_refused()
    {
        using var file = new TempSqliteFile();
        await StateSurvivesAndConflictsAreDetectedAsync(StorageKind.Sqlite, file.ConnectionString);
    }

    [Fact]
    public async Task Postgres_provider_enforces_etags_on_write_and_clear()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("grain_etag");
        await ProviderEnforcesETagsAsync(StorageKind.Postgres, connectionString);
    }

    [Fact]
    public async Task Sqlite_provider_enforces_etags_on_write_and_clear()
    {
        using var file = new TempSqliteFile();
        await ProviderEnforcesETagsAsync(StorageKind.Sqlite, file.ConnectionString);
    }

    [Fact]
    public async Task Memory_storage_keeps_state_across_deactivation_with_the_same_json_serializer()
    {
        var serviceId = $"memory-test-{Guid.NewGuid():N}";
        var cluster = await StorageTestSupport.StartClusterAsync(StorageTestSupport.Configuration(StorageKind.Memory, null, serviceId), serviceId);
        try
        {
            var options = cluster.Silos[0].SiloHost.Services
                .GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Orleans.Configuration.MemoryGrainStorageOptions>>()
                .Get(WarrantyStorageOptions.ProviderName);
            Assert.IsType<SystemTextJsonGrainStorageSerializer>(options.GrainStorageSerializer);

            var grain = cluster.Client.GetGrain<IStorageProbeGrain>($"probe-{Guid.NewGuid():N}");
            await grain.WriteAsync("kept", ProbeColor.Red);
            await grain.DeactivateAsync();
            Assert.Equal("kept", (await grain.ReadAsync()).Value);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Postgres_provider_can_delete_the_row_on_clear()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("grain_delete");
        await ClearCanDeleteTheRowAsync(StorageKind.Postgres, connectionString);
    }

    [Fact]
    public async Task Sqlite_provider_can_delete_the_row_on_clear()
    {
        using var file = new TempSqliteFile();
        await ClearCanDeleteTheRowAsync(StorageKind.Sqlite, file.ConnectionString);
    }

    private static async Task StateSurvivesAndConflictsAreDetectedAsync(StorageKind kind, string connectionString)
    {
        var serviceId = $"storage-test-{Guid.NewGuid():N}";
        var configuration = StorageTestSupport.Configuration(kind, connectionString, serviceId);
        var key = $"probe-{Guid.NewGuid():N}";

        var first = await StorageTestSupport.StartClusterAsync(configuration, serviceId);
        try
        {
            var grain = first.Client.GetGrain<IStorageProbeGrain>(key);
            var written = await grain.WriteAsync("first", ProbeColor.Blue);
            Assert.Equal("1", written.ETag);

            await grain.DeactivateAsync();
            var reread = await grain.ReadAsync();
            Assert.Equal(("first", 1, ProbeColor.Blue, "1", true), (reread.Value, reread.Writes, reread.Color, reread.ETag, reread.RecordExists));
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The state is System.Text.Json with web names and enums as strings, in exactly one row.
        var payload = Assert.Single(await StorageTestSupport.ProbePayloadsAsync(kind, connectionString, key));
        Assert.Contains("\"value\":\"first\"", payload);
        Assert.Contains("\"color\":\"Blue\"", payload);

        var second = await StorageTestSupport.StartClusterAsync(configuration, serviceId);
        try
        {
            var grain = second.Client.GetGrain<IStorageProbeGrain>(key);
            var restarted = await grain.ReadAsync();
            Assert.Equal(("first", 1, "1"), (restarted.Value, restarted.Writes, restarted.ETag));

            // Another writer moves the stored version on behind the activation's back.
            var storage = Storage(second);
            var outside = new GrainState<ProbeState>(new ProbeState());
            await storage.ReadStateAsync(StorageProbeGrain.StateName, ProbeId(key), outside);
            outside.State = (outside.State ?? new ProbeState()) with { Value = "written elsewhere", Writes = 7 };
            await storage.WriteStateAsync(StorageProbeGrain.StateName, ProbeId(key), outside);
            Assert.Equal("2", outside.ETag);

            // The activation still holds ETag 1: its write is refused, not silently lost or applied.
            await Assert.ThrowsAsync<InconsistentStateException>(() => grain.WriteAsync("stale", ProbeColor.Red));

            // Orleans drops the activation after the conflict; the next call re-reads the store.
            var afterConflict = await grain.ReadAsync();
            Assert.Equal(("written elsewhere", 7, "2"), (afterConflict.Value, afterConflict.Writes, afterConflict.ETag));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private static async Task ProviderEnforcesETagsAsync(StorageKind kind, string connectionString)
    {
        var serviceId = $"etag-test-{Guid.NewGuid():N}";
        var cluster = await StorageTestSupport.StartClusterAsync(StorageTestSupport.Configuration(kind, connectionString, serviceId), serviceId);
        try
        {
            var storage = Storage(cluster);
            var id = ProbeId($"probe-{Guid.NewGuid():N}");

            var fresh = new GrainState<ProbeState>(new ProbeState());
            await storage.ReadStateAsync(StorageProbeGrain.StateName, id, fresh);
            Assert.Equal((null, false), (fresh.ETag, fresh.RecordExists));

            var one = new GrainState<ProbeState>(new ProbeState { Value = "a" });
            await storage.WriteStateAsync(StorageProbeGrain.StateName, id, one);
            Assert.Equal("1", one.ETag);

            // Eight writers that never read race to create another grain's first row: exactly one wins.
            var raced = ProbeId($"probe-{Guid.NewGuid():N}");
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                try
                {
                    await storage.WriteStateAsync(StorageProbeGrain.StateName, raced, new GrainState<ProbeState>(new ProbeState { Writes = i }));
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            })));
            Assert.Single(outcomes, won => won);

            // A second "first write" (no ETag) loses: the row exists.
            var racer = new GrainState<ProbeState>(new ProbeState { Value = "b" });
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StorageProbeGrain.StateName, id, racer));

            await storage.WriteStateAsync(StorageProbeGrain.StateName, id, one);
            Assert.Equal("2", one.ETag);

            var stale = new GrainState<ProbeState>(new ProbeState { Value = "c" }) { ETag = "1", RecordExists = true };
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StorageProbeGrain.StateName, id, stale));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StorageProbeGrain.StateName, id, stale));

            await storage.ClearStateAsync(StorageProbeGrain.StateName, id, one);
            Assert.Equal(("3", false), (one.ETag, one.RecordExists));

            var afterClear = new GrainState<ProbeState>(new ProbeState());
            await storage.ReadStateAsync(StorageProbeGrain.StateName, id, afterClear);
            Assert.Equal(("3", false, null), (afterClear.ETag, afterClear.RecordExists, afterClear.State?.Value));

            // Writing again continues the version sequence of the cleared row.
            afterClear.State = new ProbeState { Value = "again" };
            await storage.WriteStateAsync(StorageProbeGrain.StateName, id, afterClear);
            Assert.Equal("4", afterClear.ETag);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>With AdoNetGrainStorageOptions.DeleteStateOnClear the provider uses DeleteStorageKey instead of ClearStorageKey.</summary>
    private static async Task ClearCanDeleteTheRowAsync(StorageKind kind, string connectionString)
    {
        var serviceId = $"delete-test-{Guid.NewGuid():N}";
        var configuration = StorageTestSupport.Configuration(kind, connectionString, serviceId);
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.WithSiloSettings(configuration).ConfigureSilo((_, silo) =>
        {
            silo.AddWarrantyStorage();
            silo.Services.Configure<Orleans.Configuration.AdoNetGrainStorageOptions>(WarrantyStorageOptions.ProviderName, o => o.DeleteStateOnClear = true);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var storage = Storage(cluster);
            var key = $"probe-{Guid.NewGuid():N}";
            var state = new GrainState<ProbeState>(new ProbeState { Value = "doomed" });
            await storage.WriteStateAsync(StorageProbeGrain.StateName, ProbeId(key), state);
            await storage.WriteStateAsync(StorageProbeGrain.StateName, ProbeId(key), state);

            var stale = new GrainState<ProbeState>(new ProbeState()) { ETag = "1", RecordExists = true };
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StorageProbeGrain.StateName, ProbeId(key), stale));

            await storage.ClearStateAsync(StorageProbeGrain.StateName, ProbeId(key), state);
            Assert.Equal((null, false), (state.ETag, state.RecordExists));
            Assert.Empty(await StorageTestSupport.ProbePayloadsAsync(kind, connectionString, key, includeCleared: true));

            // The grain starts over from version 1.
            await storage.WriteStateAsync(StorageProbeGrain.StateName, ProbeId(key), state);
            Assert.Equal("1", state.ETag);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static IGrainStorage Storage(InProcessTestCluster cluster) =>
        cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(WarrantyStorageOptions.ProviderName);

    private static GrainId ProbeId(string key) => GrainId.Create(StorageProbeGrain.GrainTypeName, key);
}
