using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warranty.Grains.Catalog;
using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;

namespace Warranty.Grains.ReadModel;

/// <summary>
/// Keeps the read tables up to date with the event log. Every silo runs one; the one holding the lease
/// (<c>read_projection</c>, renewed on every step) projects, the others wait to take over when it lapses. Each step
/// reads the events after the position, applies what <see cref="ReadChanges"/> makes of them and moves the position,
/// in one transaction, only if the lease is still held and nobody moved the position (a rebuild).
/// </summary>
/// <remarks>
/// Concurrent writers may make an event visible after one with a later sequence (or leave a sequence unused, as
/// PostgreSQL's identity does when a redelivery inserts nothing). So the position only moves over sequences seen
/// without a hole; events after a hole are applied at once (every change is idempotent) and read again until the hole
/// fills or has stayed empty for <see cref="HoleTimeout"/>.
/// <para><b>Sweep.</b> A silo that dies between a line's write and its log append leaves that line's newest entries
/// unpublished until the line next activates. So the projecting silo looks for such lines in the grains' stored state
/// (<see cref="ReadModelStore.UnpublishedLinesAsync"/>) and appends their entries from that state: when it takes the
/// lease over from a silo that never gave it up, and when membership declares a silo dead; each time over the states
/// written in the minutes before.</para>
/// </remarks>
public sealed class Projector(
    ReadModelStore store,
    IEventLog log,
    IServiceProvider services,
    IOptions<WarrantyStorageOptions> storage,
    IOptions<ReadModelSettings> settings,
    ILogger<Projector> logger) : BackgroundService
{
    /// <summary>Events read and applied in one step.</summary>
    public const int PageSize = 2000;

    /// <summary>How long a lease lasts without renewal: another silo takes over this long after the holder stops.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    /// <summary>How long a hole in the sequence is waited for before it counts as unused.</summary>
    public static readonly TimeSpan HoleTimeout = TimeSpan.FromSeconds(5);


    /// <summary>How often the projecting silo reads its status for the metrics.</summary>
    private static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(5);

    private DateTimeOffset _statusAt = DateTimeOffset.MinValue;

    /// <summary>How far back a sweep looks before a silo's death was noticed (membership declares a silo dead within a minute).</summary>
    private static readonly TimeSpan SweepMargin = TimeSpan.FromMinutes(3);

    /// <summary>
    /// A sweep to make of the states written from <c>From</c> to when the death was noticed (<c>Noted</c>), once this silo
    /// holds the lease and <see cref="SweepSettle"/> has passed; null when none is due.
    /// </summary>
    private (DateTimeOffset From, DateTimeOffset Noted)? _sweep;

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    /// <summary>Sequences missing after the position, with when each was first seen missing.</summary>
    private readonly Dictionary<long, DateTimeOffset> _holes = [];


    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = Task.Run(() => WatchMembershipAsync(stoppingToken), stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await StepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Read model: projection step failed; retrying");
                more = false;
                await Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }

            if (!more)
            {
                await Delay(settings.Value.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>One step; true when there may be more to apply at once.</summary>
    public async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var lease = await store.TryLeaseAsync(_owner, LeaseDuration, cancellationToken);
        if (!lease.Held)
        {
            WarrantyMetrics.Projection(null);
            return false;
        }

        if (lease.ExpiredAt is { } expired)
        {
            logger.LogInformation("Read model: took the projection over from a silo whose lease ran out at {Expired:o}", expired);
            Sweep(expired - LeaseDuration - SweepMargin);
        }

        if (_sweep is { } sweep && DateTimeOffset.UtcNow - sweep.Noted >= SweepSettle)
        {
            await SweepAsync(sweep, cancellationToken);
        }

        if (DateTimeOffset.UtcNow - _statusAt >= StatusEvery)
        {
            _statusAt = DateTimeOffset.UtcNow;
            WarrantyMetrics.Projection(await store.StatusAsync(cancellationToken));
        }

        var position = await store.PositionAsync(cancellationToken);
        var page = await log.ReadAsync(position, PageSize, cancellationToken);
        if (page.Count == 0)
        {
            return false;
        }

        var next = Contiguous(position, page, DateTimeOffset.UtcNow);
        var changes = page.SelectMany(ReadChanges.Of).ToList();
        if (!await store.ApplyAsync(changes, position, next, _owner, cancellationToken))
        {
            return false;
        }

        return next > position && page.Count == PageSize;
    }

    private void Sweep(DateTimeOffset from) =>
        _sweep = (_sweep is { } earlier && earlier.From < from ? earlier.From : from, DateTimeOffset.UtcNow);

    /// <summary>How long after a death is noticed its sweep runs: the live lines' own appends have landed by then.</summary>
    private static readonly TimeSpan SweepSettle = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions StateJson = StateJsonOptions();

    /// <summary>
    /// Appends the unpublished entries of every line (and the unpublished movements of every exchange stock) whose stored state, written in the sweep's span, holds some,
    /// straight from that state: the lines are not activated (activating would also resume whatever else a crash
    /// interrupted there, which is the line's business when it is next called). The log ignores ids it has, and the
    /// line counts the entries when it next publishes.
    /// </summary>
    private async Task SweepAsync((DateTimeOffset From, DateTimeOffset Noted) sweep, CancellationToken cancellationToken)
    {
        var states = await store.UnpublishedLinesAsync(storage.Value.ServiceId, sweep.From, sweep.Noted, cancellationToken);
        var published = 0;
        foreach (var json in states)
        {
            if (JsonSerializer.Deserialize<LineState>(json, StateJson) is { Exists: true } line)
            {
                var entries = LineEvents.Unpublished(line, DateTimeOffset.UtcNow);
                await log.AppendAsync(entries, cancellationToken);
                published += entries.Count;
            }
        }

        // The stocks' movements too (CLM-9): a stock keeps its last movements in its stored state until its next write.
        var stocks = await store.UnpublishedStocksAsync(storage.Value.ServiceId, sweep.From, sweep.Noted, cancellationToken);
        foreach (var json in stocks)
        {
            if (JsonSerializer.Deserialize<ExchangeStockState>(json, StateJson) is { Unpublished.Count: > 0 } stock)
            {
                var movements = stock.Unpublished.Select(m => StockEvents.Of(m, DateTimeOffset.UtcNow)).ToList();
                await log.AppendAsync(movements, cancellationToken);
                published += movements.Count;
            }
        }

        if (_sweep == sweep)
        {
            _sweep = null;
        }

        logger.Log(
            states.Count + stocks.Count > 0 ? LogLevel.Information : LogLevel.Debug,
            "Read model: swept lines and stocks written from {From:o} to {Until:o}: {Lines} lines and {Stocks} stocks held unpublished events; {Events} appended",
            sweep.From,
            sweep.Noted,
            states.Count,
            stocks.Count,
            published);
    }

    private static JsonSerializerOptions StateJsonOptions()
    {
        var options = new JsonSerializerOptions();
        GrainStateJson.Configure(options);
        return options;
    }

    /// <summary>Notes a sweep when membership declares a silo dead (silos already dead when this one starts are not news).</summary>
    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IClusterMembershipService>() is not { } membership)
        {
            return;
        }

        HashSet<SiloAddress>? dead = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var now = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();
                if (dead is not null && now.Except(dead).Any())
                {
                    logger.LogInformation("Read model: a silo died ({Silos}); lines it left unpublished will be swept", string.Join(", ", now.Except(dead)));
                    Sweep(DateTimeOffset.UtcNow - SweepMargin);
                }

                dead = now;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Read model: membership updates stopped; sweeps now only follow lease takeovers");
        }
    }

    /// <summary>
    /// How far the position may move over <paramref name="page"/>: the run of sequences after it with no hole, and past
    /// every hole first seen at least <see cref="HoleTimeout"/> ago.
    /// </summary>
    private long Contiguous(long position, IReadOnlyList<StoredEvent> page, DateTimeOffset now)
    {
        foreach (var seen in _holes.Keys.Where(h => h <= position).ToList())
        {
            _holes.Remove(seen);
        }

        var next = position;
        foreach (var e in page)
        {
            for (var hole = next + 1; hole < e.Sequence; hole++)
            {
                var since = _holes.TryGetValue(hole, out var first) ? first : _holes[hole] = now;
                if (now - since < HoleTimeout)
                {
                    return next;
                }
            }

            if (e.Sequence > next + 1)
            {
                logger.LogDebug("Read model: sequences {From}..{To} unused for {Timeout}; moving past them", next + 1, e.Sequence - 1, HoleTimeout);
            }

            next = e.Sequence;
        }

        return next;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.ReleaseAsync(_owner, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Read model: lease not released; it lapses in {Duration}", LeaseDuration);
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
