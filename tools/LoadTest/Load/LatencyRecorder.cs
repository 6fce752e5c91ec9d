using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Warranty.LoadTest.Load;

/// <summary>
/// Latencies in microseconds (HdrHistogram, 3 significant digits): one histogram per operation and one
/// overall for the measured phase (requests that started after the warmup and before the end), plus a
/// per-second series (completions of every phase, 2 significant digits) for the chart. Thread-safe.
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>Latencies above a minute are recorded as a minute.</summary>
    public const long HighestMicros = 60_000_000;

    /// <summary>Status index of a request that got no HTTP answer (connection refused, reset, timeout).</summary>
    public const int TransportError = 0;

    private const int MaxStatus = 600;
    private const int MaxErrorMessages = 20;

    private readonly long _startTicks;
    private readonly long _measureFromTicks;
    private readonly long _measureUntilTicks;
    private readonly LongConcurrentHistogram[] _byOperation;
    private readonly LongConcurrentHistogram _overall = NewHistogram(3);
    private readonly LongConcurrentHistogram _serviceTime = NewHistogram(3);
    private readonly LongConcurrentHistogram _sendLag = NewHistogram(3);
    private readonly long[][] _statuses;
    private readonly long[] _abandoned = new long[Operations.All.Length];
    private readonly Second?[] _seconds;
    private readonly ConcurrentDictionary<string, int> _errorMessages = new(StringComparer.Ordinal);

    public LatencyRecorder(long startTicks, TimeSpan warmup, TimeSpan duration, TimeSpan tail)
    {
        _startTicks = startTicks;
        _measureFromTicks = startTicks + Ticks(warmup);
        _measureUntilTicks = _measureFromTicks + Ticks(duration);
        _byOperation = Operations.All.Select(_ => NewHistogram(3)).ToArray();
        _statuses = Operations.All.Select(_ => new long[MaxStatus]).ToArray();
        _seconds = new Second?[(int)Math.Ceiling((warmup + duration + tail).TotalSeconds) + 1];
        WarmupSeconds = (int)Math.Ceiling(warmup.TotalSeconds);
    }

    public int WarmupSeconds { get; }

    public HistogramBase Overall => _overall;

    /// <summary>Service time alone (from the moment the request was sent), without the open-loop correction.</summary>
    public HistogramBase ServiceTime => _serviceTime;

    /// <summary>Open loop: how late requests were sent after their due time (timer granularity, or all workers busy).</summary>
    public HistogramBase SendLag => _sendLag;

    public HistogramBase Of(Operation operation) => _byOperation[(int)operation];

    public IReadOnlyDictionary<string, int> ErrorMessages => _errorMessages;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static long Micros(long ticks) => Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 1, HighestMicros);

    /// <summary>Counts of each HTTP status of an operation in the measured phase (index 0: transport errors).</summary>
    public IEnumerable<(int Status, long Count)> Statuses(Operation operation) =>
        _statuses[(int)operation].Select((count, status) => (status, count)).Where(s => s.count > 0);

    /// <summary>
    /// The moment a request's latency starts: its due time when it was sent late (coordinated-omission
    /// correction), the moment it was sent when that was early (timer granularity), so a latency is never
    /// shorter than the service time. In a closed loop due and sent are the same.
    /// </summary>
    public static long Origin(long dueTicks, long sentTicks) => Math.Min(dueTicks, sentTicks);

    /// <summary>An answered request.</summary>
    public void Record(Operation operation, int status, long dueTicks, long sentTicks, long completedTicks)
    {
        var originTicks = Origin(dueTicks, sentTicks);
        var latency = Micros(completedTicks - originTicks);
        if (InMeasuredPhase(originTicks))
        {
            _byOperation[(int)operation].RecordValue(latency);
            _overall.RecordValue(latency);
            _serviceTime.RecordValue(Micros(completedTicks - sentTicks));
            _sendLag.RecordValue(Math.Clamp((sentTicks - dueTicks) * 1_000_000 / Stopwatch.Frequency, 0, HighestMicros));
            Interlocked.Increment(ref _statuses[(int)operation][status is > 0 and < MaxStatus ? status : MaxStatus - 1]);
        }

        if (SecondOf(completedTicks) is { } second)
        {
            second.Latency.RecordValue(latency);
            Interlocked.Increment(ref second.Counts[(int)operation]);
            if (!operation.IsExpected(status))
            {
                Interlocked.Increment(ref second.Errors);
            }
        }
    }

    public void RecordTransportError(Operation operation, long originTicks, long completedTicks, Exception error)
    {
        if (InMeasuredPhase(originTicks))
        {
            Interlocked.Increment(ref _statuses[(int)operation][TransportError]);
        }

        if (SecondOf(completedTicks) is { } second)
        {
            Interlocked.Increment(ref second.Errors);
        }

        var message = Describe(error);
        if (_errorMessages.Count < MaxErrorMessages || _errorMessages.ContainsKey(message))
        {
            _errorMessages.AddOrUpdate(message, 1, (_, n) => n + 1);
        }
    }

    /// <summary>
    /// A request of the measured phase still unanswered when the run stopped waiting for it (the grace period
    /// after the end, or Ctrl-C): not an answer, not a transport error, and a sign of a hung request.
    /// </summary>
    public void RecordAbandoned(Operation operation, long originTicks)
    {
        if (InMeasuredPhase(originTicks))
        {
            Interlocked.Increment(ref _abandoned[(int)operation]);
        }
    }

    public long Abandoned(Operation operation) => Interlocked.Read(ref _abandoned[(int)operation]);

    /// <summary>The per-second series up to <paramref name="seconds"/> seconds after the start.</summary>
    public IEnumerable<(int Index, bool Warmup, long[] Counts, long Errors, HistogramBase? Latency)> Series(int seconds)
    {
        for (var i = 0; i < Math.Min(seconds, _seconds.Length); i++)
        {
            var second = Volatile.Read(ref _seconds[i]);
            yield return (i, i < WarmupSeconds, second?.Counts ?? new long[Operations.All.Length], second?.Errors ?? 0, second?.Latency);
        }
    }

    private bool InMeasuredPhase(long originTicks) => originTicks >= _measureFromTicks && originTicks < _measureUntilTicks;

    private Second? SecondOf(long ticks)
    {
        var index = (ticks - _startTicks) / Stopwatch.Frequency;
        if (index < 0 || index >= _seconds.Length)
        {
            return null;
        }

        var second = Volatile.Read(ref _seconds[index]);
        if (second is null)
        {
            Interlocked.CompareExchange(ref _seconds[index], new Second(), null);
            second = Volatile.Read(ref _seconds[index])!;
        }

        return second;
    }

    private static string Describe(Exception error)
    {
        var inner = error;
        while (inner.InnerException is not null && inner is HttpRequestException or TaskCanceledException)
        {
            inner = inner.InnerException;
        }

        return error is TaskCanceledException { InnerException: TimeoutException }
            ? "timeout (no answer within the request timeout)"
            : $"{inner.GetType().Name}: {inner.Message}";
    }

    private static LongConcurrentHistogram NewHistogram(int significantDigits) => new(1, HighestMicros, significantDigits);

    private sealed class Second
    {
        public readonly LongConcurrentHistogram Latency = NewHistogram(2);
        public readonly long[] Counts = new long[Operations.All.Length];
        public long Errors;
    }
}
