using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;

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
/// </remarks>
public sealed class Projector(ReadModelStore store, IEventLog log, ILogger<Projector> logger) : BackgroundService
{
    /// <summary>Events read and applied in one step.</summary>
    public const int PageSize = 2000;

    /// <summary>How long a lease lasts without renewal: another silo takes over this long after the holder stops.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    /// <summary>How long a hole in the sequence is waited for before it counts as unused.</summary>
    public static readonly TimeSpan HoleTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the projecting silo reads its status for the metrics.</summary>
    private static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(5);

    private DateTimeOffset _statusAt = DateTimeOffset.MinValue;

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private (long Sequence, DateTimeOffset Since)? _hole;

    /// <summary>This silo's name in the lease.</summary>
    public string Owner => _owner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
                await Delay(Idle, stoppingToken);
            }
        }
    }

    /// <summary>One step; true when there may be more to apply at once.</summary>
    public async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        if (!await store.TryLeaseAsync(_owner, LeaseDuration, cancellationToken))
        {
            WarrantyMetrics.Projection(null);
            return false;
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

    /// <summary>How far the position may move over <paramref name="page"/>: the run of sequences after it with no hole, or past a hole that timed out.</summary>
    private long Contiguous(long position, IReadOnlyList<StoredEvent> page, DateTimeOffset now)
    {
        var next = position;
        foreach (var e in page)
        {
            if (e.Sequence == next + 1)
            {
                next = e.Sequence;
                continue;
            }

            var hole = next + 1;
            if (_hole is not { } seen || seen.Sequence != hole)
            {
                _hole = (hole, now);
                break;
            }

            if (now - seen.Since < HoleTimeout)
            {
                break;
            }

            logger.LogDebug("Read model: sequences {From}..{To} unused for {Timeout}; moving past them", hole, e.Sequence - 1, HoleTimeout);
            _hole = null;
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
