using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HdrHistogram;
using Warranty.LoadTest.Http;
using Warranty.LoadTest.Reporting;

namespace Warranty.LoadTest.Load;

public sealed record RunOptions(
    Uri Url,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Concurrency,
    double? Rate = null,
    TimeSpan? RequestTimeout = null,
    TimeSpan? Grace = null)
{
    public bool OpenLoop => Rate is not null;

    /// <summary>How long in-flight requests (and, open-loop, a backlog of due slots) may finish after the end.</summary>
    public TimeSpan StopGrace => Grace ?? TimeSpan.FromSeconds(5);
}

/// <summary>
/// Runs a <see cref="Workload"/> for warmup + duration, then stops by itself. Closed loop: each of
/// <see cref="RunOptions.Concurrency"/> workers sends its next request when the previous one has answered.
/// Open loop: the workers serve the fixed schedule of an <see cref="OpenLoopScheduler"/> and latencies count
/// from each request's due time.
/// </summary>
/// <param name="acks">Where each acknowledged (2xx) claim filing is appended, if anywhere (<see cref="ClaimAck"/>).</param>
/// <param name="errors">Where each unexpected answer and transport error is appended, if anywhere (<see cref="RequestError"/>).</param>
public sealed class LoadRunner(HttpClient http, Workload workload, RunOptions options, NdjsonLog? acks = null, NdjsonLog? errors = null)
{
    private readonly ConcurrentQueue<(string LineId, string ClaimId)> _withdrawable = new();
    private readonly bool _withdraws = workload.Mix.Weights[(int)Operation.Withdraw] > 0;
    private long _sent;
    private CancellationToken _interrupt;

    /// <summary>Requests sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        _interrupt = cancellationToken;
        var startedAt = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var total = options.Warmup + options.Duration;
        var end = start + LatencyRecorder.Ticks(total);
        var recorder = new LatencyRecorder(start, options.Warmup, options.Duration, options.StopGrace + TimeSpan.FromSeconds(1));
        var scheduler = options.Rate is { } rate ? new OpenLoopScheduler(rate, start, total) : null;

        // Requests in flight are cancelled on Ctrl-C, or when they outlive the end by the grace period.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        abort.CancelAfter(total + options.StopGrace);
        var hardStop = end + LatencyRecorder.Ticks(options.StopGrace);

        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(_ => Task.Run(() => scheduler is null
                ? ClosedLoopAsync(recorder, end, abort.Token)
                : OpenLoopAsync(recorder, scheduler, hardStop, abort.Token)))
            .ToArray();
        await Task.WhenAll(workers);

        var interrupted = cancellationToken.IsCancellationRequested;
        var elapsed = Stopwatch.GetElapsedTime(start);
        var measured = interrupted
            ? Math.Clamp((elapsed - options.Warmup).TotalSeconds, 0, options.Duration.TotalSeconds)
            : options.Duration.TotalSeconds;
        var open = scheduler is null ? null : new OpenLoopResult(scheduler.Scheduled, _sent, interrupted ? 0 : Math.Max(0, scheduler.Scheduled - _sent), Percentiles(recorder.SendLag));
        return Summarise(recorder, startedAt, measured, interrupted, (int)Math.Ceiling(Math.Min(elapsed.TotalSeconds, (total + options.StopGrace).TotalSeconds)), open);
    }

    private async Task ClosedLoopAsync(LatencyRecorder recorder, long end, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end)
            {
                return;
            }

            await ExecuteAsync(recorder, now, buffer, cancellationToken);
        }
    }

    private async Task OpenLoopAsync(LatencyRecorder recorder, OpenLoopScheduler scheduler, long hardStop, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (!cancellationToken.IsCancellationRequested && scheduler.TryClaim(out _, out var due))
        {
            if (Stopwatch.GetTimestamp() >= hardStop)
            {
                // The backlog of due slots could not be served before the run had to stop: they stay unsent.
                return;
            }

            try
            {
                await OpenLoopScheduler.WaitUntilAsync(due, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await ExecuteAsync(recorder, due, buffer, cancellationToken);
        }
    }

    private async Task ExecuteAsync(LatencyRecorder recorder, long dueTicks, byte[] buffer, CancellationToken cancellationToken)
    {
        var (operation, subscriber) = workload.Next(Random.Shared);
        (string LineId, string ClaimId) withdrawal = ("", "");
        if (operation == Operation.Withdraw && !_withdrawable.TryDequeue(out withdrawal))
        {
            operation = Operation.Claim;
        }

        var sent = Stopwatch.GetTimestamp();
        var sentAt = DateTimeOffset.UtcNow;
        var origin = LatencyRecorder.Origin(dueTicks, sent);
        Interlocked.Increment(ref _sent);
        try
        {
            using var request = operation == Operation.Withdraw
                ? Workload.CreateWithdrawal(withdrawal.LineId, withdrawal.ClaimId, sentAt)
                : workload.CreateRequest(operation, subscriber, sentAt);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (operation == Operation.Claim && status is >= 200 and < 300 && (acks is not null || _withdraws))
            {
                Filed(workload.Manifest.LineId(subscriber), await response.Content.ReadAsStringAsync(cancellationToken), status);
            }
            else
            {
                await LoadHttp.DrainAsync(response, buffer, cancellationToken);
            }

            recorder.Record(operation, status, dueTicks, sent, Stopwatch.GetTimestamp());
            if (!operation.IsExpected(status))
            {
                errors?.Write(new RequestError(DateTimeOffset.UtcNow, sentAt, "run", operation.Name(), status, null));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the user's doing. Otherwise still unanswered when the grace period after the end was over.
            if (!_interrupt.IsCancellationRequested)
            {
                recorder.RecordAbandoned(operation, origin);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            recorder.RecordTransportError(operation, origin, Stopwatch.GetTimestamp(), e);
            errors?.Write(new RequestError(DateTimeOffset.UtcNow, sentAt, "run", operation.Name(), LatencyRecorder.TransportError, e.Message));
        }
    }

    /// <summary>An accepted filing: logged as acknowledged, and kept for a later withdrawal.</summary>
    private void Filed(string lineId, string body, int status)
    {
        string? claimId = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("claimId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                claimId = id.GetString();
            }
        }
        catch (JsonException)
        {
        }

        // A 2xx claim filing without a claim id would be a broken contract; log it so the check counts it as lost.
        acks?.Write(new ClaimAck(DateTimeOffset.UtcNow, lineId, claimId ?? "", status));
        if (_withdraws && claimId is not null)
        {
            _withdrawable.Enqueue((lineId, claimId));
        }
    }

    private RunResult Summarise(LatencyRecorder recorder, DateTimeOffset startedAt, double measuredSeconds, bool interrupted, int seconds, OpenLoopResult? open)
    {
        var operations = Operations.All
            .Where(o => workload.Mix.Weights[(int)o] > 0)
            .ToDictionary(o => o.Name(), o => Result(recorder.Of(o), recorder.Statuses(o).ToArray(), recorder.Abandoned(o), o, measuredSeconds), StringComparer.Ordinal);

        var allStatuses = Operations.All.SelectMany(o => recorder.Statuses(o).Select(s => (o, s.Status, s.Count))).ToArray();
        var overallStatuses = allStatuses.GroupBy(s => s.Status).Select(g => (Status: g.Key, Count: g.Sum(s => s.Count))).ToArray();
        var overall = new OperationResult(
            Count: overallStatuses.Sum(s => s.Count),
            Throughput: measuredSeconds > 0 ? overallStatuses.Sum(s => s.Count) / measuredSeconds : 0,
            Latency: Percentiles(recorder.Overall),
            Errors: allStatuses.Where(s => s.Status == LatencyRecorder.TransportError || !s.o.IsExpected(s.Status)).Sum(s => s.Count),
            ServerErrors: overallStatuses.Where(s => s.Status >= 500).Sum(s => s.Count),
            TransportErrors: overallStatuses.Where(s => s.Status == LatencyRecorder.TransportError).Sum(s => s.Count),
            Abandoned: Operations.All.Sum(recorder.Abandoned),
            Statuses: StatusMap(overallStatuses));

        var runSeconds = (int)Math.Ceiling((options.Warmup + options.Duration).TotalSeconds);
        var series = recorder.Series(seconds).Select(s => new SecondResult(
            s.Index,
            s.Warmup,
            s.Index >= runSeconds,
            s.Counts.Sum(),
            s.Counts.Sum(),
            s.Latency is { TotalCount: > 0 } h ? Ms(h.GetValueAtPercentile(50)) : null,
            s.Latency is { TotalCount: > 0 } h2 ? Ms(h2.GetValueAtPercentile(99)) : null,
            s.Errors,
            Operations.All.Where(o => workload.Mix.Weights[(int)o] > 0).ToDictionary(o => o.Name(), o => s.Counts[(int)o], StringComparer.Ordinal))).ToList();
        // After the end only stragglers of the grace period complete: leave empty seconds there out (but keep
        // empty seconds inside the run: a stall shows as zero throughput).
        while (series.Count > runSeconds && series[^1].Count == 0 && series[^1].Errors == 0)
        {
            series.RemoveAt(series.Count - 1);
        }

        var zipf = workload.Sampler as ZipfSampler;
        return new RunResult(
            Tool: "Warranty.LoadTest",
            StartedAt: startedAt,
            Url: options.Url.ToString(),
            Mode: options.OpenLoop ? "open" : "closed",
            Concurrency: options.Concurrency,
            Rate: options.Rate,
            WarmupSeconds: options.Warmup.TotalSeconds,
            DurationSeconds: options.Duration.TotalSeconds,
            MeasuredSeconds: measuredSeconds,
            Interrupted: interrupted,
            Distribution: zipf is null ? "uniform" : "zipf",
            ZipfS: zipf?.Exponent,
            Mix: Operations.All.Where(o => workload.Mix.Weights[(int)o] > 0).ToDictionary(o => o.Name(), o => Math.Round(workload.Mix.Share(o) * 100, 3), StringComparer.Ordinal),
            Subscribers: workload.Manifest.Count,
            Prefix: workload.Manifest.Prefix,
            Overall: overall,
            Operations: operations,
            ServiceTime: options.OpenLoop ? Percentiles(recorder.ServiceTime) : null,
            OpenLoop: open,
            TransportErrorMessages: new SortedDictionary<string, int>(recorder.ErrorMessages.ToDictionary(), StringComparer.Ordinal),
            TimeSeries: series);
    }

    private static OperationResult Result(HistogramBase histogram, (int Status, long Count)[] statuses, long abandoned, Operation operation, double seconds)
    {
        var count = statuses.Sum(s => s.Count);
        return new OperationResult(
            count,
            seconds > 0 ? count / seconds : 0,
            Percentiles(histogram),
            statuses.Where(s => s.Status == LatencyRecorder.TransportError || !operation.IsExpected(s.Status)).Sum(s => s.Count),
            statuses.Where(s => s.Status >= 500).Sum(s => s.Count),
            statuses.Where(s => s.Status == LatencyRecorder.TransportError).Sum(s => s.Count),
            abandoned,
            StatusMap(statuses));
    }

    private static SortedDictionary<string, long> StatusMap(IEnumerable<(int Status, long Count)> statuses) =>
        new(statuses.ToDictionary(
            s => s.Status == LatencyRecorder.TransportError ? "transport" : s.Status.ToString(CultureInfo.InvariantCulture),
            s => s.Count), StringComparer.Ordinal);

    private static Percentiles Percentiles(HistogramBase h) => h.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0)
        : new Percentiles(
            Ms(h.GetValueAtPercentile(50)),
            Ms(h.GetValueAtPercentile(90)),
            Ms(h.GetValueAtPercentile(99)),
            Ms(h.GetValueAtPercentile(99.9)),
            Ms(h.GetMaxValue()),
            Math.Round(h.GetMean() / 1000.0, 3));

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
