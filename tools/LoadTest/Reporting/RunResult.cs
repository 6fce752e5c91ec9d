namespace Warranty.LoadTest.Reporting;

/// <summary>Everything a run measured; written as JSON by <see cref="ResultsWriter"/>. Latencies in milliseconds.</summary>
public sealed record RunResult(
    string Tool,
    DateTimeOffset StartedAt,
    string Url,
    string Mode,
    int Concurrency,
    double? Rate,
    double WarmupSeconds,
    double DurationSeconds,
    double MeasuredSeconds,
    bool Interrupted,
    string Distribution,
    double? ZipfS,
    IReadOnlyDictionary<string, double> Mix,
    int Subscribers,
    string Prefix,
    OperationResult Overall,
    IReadOnlyDictionary<string, OperationResult> Operations,
    Percentiles? ServiceTime,
    OpenLoopResult? OpenLoop,
    IReadOnlyDictionary<string, int> TransportErrorMessages,
    IReadOnlyList<SecondResult> TimeSeries);

/// <summary>
/// One operation (or all of them) in the measured phase. <see cref="Count"/> holds answers and transport errors;
/// <see cref="Errors"/> every answer the workload does not expect (any status but 200, 204 for usage, 201 or 422 for
/// claims) and every transport error; <see cref="Abandoned"/> the requests still unanswered when the run stopped
/// waiting for them, 5 s after the end (hung requests; not counted after Ctrl-C), which are in no other figure.
/// </summary>
public sealed record OperationResult(
    long Count,
    double Throughput,
    Percentiles Latency,
    long Errors,
    long ServerErrors,
    long TransportErrors,
    long Abandoned,
    IReadOnlyDictionary<string, long> Statuses);

public sealed record Percentiles(double P50, double P90, double P99, double P999, double Max, double Mean);

/// <summary>
/// How the open-loop schedule went: every slot due in the run is either sent or, when the run had to stop first,
/// unsent. <see cref="SendLag"/>: how late requests left after their due time (included in their latency).
/// </summary>
public sealed record OpenLoopResult(long Scheduled, long Sent, long Unsent, Percentiles SendLag);

/// <summary>
/// One second of the run (completions in that second), warmup included. <see cref="AfterEnd"/> marks the seconds
/// after warmup + duration, where only stragglers (or an open-loop backlog) complete.
/// </summary>
public sealed record SecondResult(
    int Second,
    bool Warmup,
    bool AfterEnd,
    long Count,
    double Throughput,
    double? P50,
    double? P99,
    long Errors,
    IReadOnlyDictionary<string, long> ByOperation);
