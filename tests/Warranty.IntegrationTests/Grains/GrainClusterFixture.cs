using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Warranty.Grains.Events;
using Warranty.Grains.Hosting;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Storage;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// One in-process silo with memory grain storage (state survives deactivation, as it would in a
/// database), the rules' clock fixed at <see cref="Now"/>, and <see cref="Faults"/> to fail a step.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.FromHours(9));

    public static ScriptedFaults Faults { get; } = new();

    public static SettableClock Clock { get; } = new(Now);

    /// <summary>The silo's event log (memory), which a test can make refuse writes.</summary>
    public static FlakyEventLog EventLog { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        // Memory storage with the same System.Text.Json state format as the durable modes.
        var memory = new ConfigurationBuilder().AddInMemoryCollection([new(WarrantyStorageOptions.StorageKey, "memory")]).Build();
        builder.WithSiloSettings(memory).ConfigureSilo((_, silo) =>
        {
            silo.AddWarrantyStorage();
            silo.Services.AddSingleton<IEventLog>(EventLog);
            silo.Services.AddSingleton<IFaultInjector>(Faults);
            silo.Services.AddKeyedSingleton<TimeProvider>(RulesClock.Key, Clock);
            silo.Services.AddWarrantyGrainServices();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GrainCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "Grains in process";
}

/// <summary>The memory event log, whose next writes can be made to fail as if the database were down.</summary>
public sealed class FlakyEventLog : IEventLog
{
    private readonly MemoryEventLog _log = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _handed = new();
    private int _failures;

    /// <summary>How many writes were handed the event <paramref name="id"/> (whether or not the log already had it).</summary>
    public int HandedCount(string id) => _handed.GetValueOrDefault(id);

    /// <summary>The next <paramref name="writes"/> appends fail.</summary>
    public void FailNext(int writes) => Volatile.Write(ref _failures, writes);

    public Task AppendAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            return Task.FromException(new InvalidOperationException("The event log refused the write (test)."));
        }

        foreach (var e in events)
        {
            _handed.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
        }

        return _log.AppendAsync(events, cancellationToken);
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default) =>
        _log.ReadAsync(afterSequence, max, cancellationToken);

    /// <summary>The events of line <paramref name="lineId"/> in the log, in its order.</summary>
    public async Task<List<LogEvent>> OfAsync(string lineId) =>
        (await _log.ReadAsync(0, int.MaxValue)).Select(e => e.Event).Where(e => e.LineId == lineId).ToList();
}

/// <summary>Throws once at an armed point, as if the process had died there.</summary>
public sealed class ScriptedFaults : IFaultInjector
{
    private string? _armed;

    public void ArmOnce(string point) => Volatile.Write(ref _armed, point);

    public void Disarm() => Volatile.Write(ref _armed, null);

    public void Reached(string point)
    {
        if (Interlocked.CompareExchange(ref _armed, null, point) == point)
        {
            throw new SimulatedCrashException(point);
        }
    }
}

public sealed class SimulatedCrashException(string point) : Exception($"Simulated crash at {point}");

/// <summary>The rules' clock in grain tests: set forward and back by a test, which restores it.</summary>
public sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
