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

        // Timer resolution is about a millisecond: sleep most of the way, then yield until due. The few
        // microseconds of lateness that remain count as latency (they are part of "from the due time").
        var wholeMs = (remaining * 1000 / Stopwatch.Frequency) - 1;
        if (wholeMs >= 1)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wholeMs), cancellationToken);
        }

        while (Stopwatch.GetTimestamp() < dueTicks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
