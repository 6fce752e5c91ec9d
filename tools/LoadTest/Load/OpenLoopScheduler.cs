using System.Diagnostics;

namespace Warranty.LoadTest.Load;

/// <summary>
/// The fixed schedule of an open-loop run: request k is due at start + k / rate, whatever happened to the
/// requests before it. Workers claim slots in order; a worker that is late sends at once, and the request's
/// latency is measured from its due time, so the time it waited behind a slow service is counted
/// (coordinated-omission correction, as in wrk2).
/// </summary>
public sealed class OpenLoopScheduler
{
    private readonly long _startTicks;
    private readonly double _ticksPerRequest;
    private readonly long _endTicks;
    private long _next = -1;

    /// <param name="rate">Requests per second.</param>
    /// <param name="startTicks">The <see cref="Stopwatch"/> timestamp of slot 0.</param>
    /// <param name="length">How long the schedule runs; slots due at or after start + length are not issued.</param>
    public OpenLoopScheduler(double rate, long startTicks, TimeSpan length)
    {
        if (!(rate > 0) || !double.IsFinite(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), "The rate must be above 0.");
        }

        Rate = rate;
        _startTicks = startTicks;
        _ticksPerRequest = Stopwatch.Frequency / rate;
        _endTicks = startTicks + (long)(length.TotalSeconds * Stopwatch.Frequency);
        Scheduled = (long)Math.Ceiling(length.TotalSeconds * rate);
    }

    public double Rate { get; }

    /// <summary>How many slots the whole schedule has.</summary>
    public long Scheduled { get; }

    /// <summary>How many slots have been claimed so far.</summary>
    public long Claimed => Math.Min(Interlocked.Read(ref _next) + 1, Scheduled);

    /// <summary>The due time (a <see cref="Stopwatch"/> timestamp) of slot <paramref name="k"/>.</summary>
    public long DueTicks(long k) => _startTicks + (long)(k * _ticksPerRequest);

    /// <summary>Claims the next slot; false once the schedule is over.</summary>
    public bool TryClaim(out long slot, out long dueTicks)
    {
        slot = Interlocked.Increment(ref _next);
        dueTicks = DueTicks(slot);
        return slot < Scheduled && dueTicks < _endTicks;
    }

    /// <summary>Waits until <paramref name="dueTicks"/> (returns at once when it is past).</summary>
    public static async ValueTask WaitUntilAsync(long dueTicks, CancellationToken cancellationToken)
    {
        var remaining = dueTicks - Stopwatch.GetTimestamp();
        if (remaining <= 0)
        {
            return;
        }

        // Sleep to the next whole millisecond at or after the due time. The timer's lateness (under a
        // millisecond on Linux, more on a loaded machine) counts as latency, since latency runs from the due
        // time. No spinning: a spin-wait per request cost the load tool most of a core at 1,000 requests/s
        // on the 2-core benchmark machine, taken from the service it measures.
        var ms = (remaining * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, ms)), cancellationToken);
    }
}
