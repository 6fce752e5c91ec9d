using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.Grains.Interfaces;
using Warranty.LoadTest.Http;
using Warranty.LoadTest.Seeding;

namespace Warranty.LoadTest.Load;

/// <param name="Concurrency">Lines in an exchange at once (one lifecycle per line at a time).</param>
/// <param name="Interval">Pause of each worker between two lifecycles.</param>
/// <param name="Stock">Exchange stock set on every android model of the manifest at the start: the known initial stock.</param>
/// <param name="SerialBase">Replacement IMEIs are TAC + (SerialBase + n) with a check digit, beyond the seeded devices.</param>
/// <param name="StepDeadline">How long one step is retried (5xx, transport errors) before its lifecycle is abandoned.</param>
/// <param name="AttemptTimeout">How long one attempt of a step may take.</param>
public sealed record ExchangeOptions(int Concurrency, TimeSpan Interval, int Stock, int SerialBase, TimeSpan StepDeadline, TimeSpan Duration)
{
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>An exchange the service acknowledged at every step, delivery included.</summary>
public sealed record ExchangeLifecycle(
    string LineId, string ClaimId, string OldImei, string ReplacementImei, string Tac, DateTimeOffset FiledAt, DateTimeOffset DeliveredAt, int Retries);

public sealed record ExchangeSummary(
    DateTimeOffset StartedAt,
    double Seconds,
    IReadOnlyDictionary<string, int> InitialStock,
    int Completed,
    int LinesFull,
    int Abandoned,
    IReadOnlyDictionary<string, int> Deliveries,
    long Requests,
    long Retries,
    IReadOnlyDictionary<string, long> Statuses,
    IReadOnlyList<string> AbandonedSamples);

/// <summary>
/// Drives complete exchange lifecycles (CLM-9) on the android lines of a seed manifest, as the reception centre
/// would: usage of the covered device, claim, device receipt, inspection with outcome exchange, shipment of a fresh
/// replacement device (stock is taken here), delivery (it becomes the covered device). Every step carries an
/// Idempotency-Key and is retried with it on 5xx and transport errors until it is acknowledged, so a step that
/// landed but whose answer was lost (a killed silo) is answered again, not repeated: stock is taken once per
/// shipment. Each line takes exchanges until CLM-1 refuses its next claim. The retries are the resilience handler of the
/// driver's own client (<see cref="Retries"/>): the same message, so the same key, 100 ms × attempt apart (at most 2 s),
/// for as long as the step is younger than <see cref="ExchangeOptions.StepDeadline"/>.
/// </summary>
/// <remarks>
/// Stops starting lifecycles at the end of <see cref="ExchangeOptions.Duration"/> or when <c>stop</c> is signalled;
/// lifecycles under way are finished (each step within its deadline), so every shipment it made is also delivered.
/// </remarks>
public sealed class ExchangeDriver : IDisposable
{
    private const string Incident = "screen_crack";

    /// <summary>The operation a request is a step of, for the error log.</summary>
    private static readonly HttpRequestOptionsKey<string> OperationKey = new("Warranty.LoadTest.Operation");

    private readonly ConcurrentDictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _abandonedSamples = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private IReadOnlyList<string> _replacementTacs = [];
    private long _requests;
    private long _retries;
    private int _serial;
    private int _completed;
    private int _linesFull;
    private int _abandoned;
    private readonly HttpClient _http;
    private readonly SeedManifest _manifest;
    private readonly ExchangeOptions _options;
    private readonly NdjsonLog? _lifecycles;
    private readonly NdjsonLog? _errors;
    private readonly TextWriter _log;

    public ExchangeDriver(Uri url, SeedManifest manifest, ExchangeOptions options, NdjsonLog? lifecycles, NdjsonLog? errors, TextWriter log)
    {
        _manifest = manifest;
        _options = options;
        _lifecycles = lifecycles;
        _errors = errors;
        _log = log;
        _http = LoadHttp.Create(url, options.Concurrency * 2, options.AttemptTimeout, new RetryPolicy(
            MaxAttempts: int.MaxValue,
            Delay: TimeSpan.FromMilliseconds(100),
            MaxDelay: TimeSpan.FromSeconds(2),
            AttemptTimeout: options.AttemptTimeout,
            RetryFor: options.StepDeadline,
            OnAttempt: CountAsync,
            OnRetry: () => Interlocked.Increment(ref _retries)));
    }

    /// <summary>The driver's client: steps are retried (see the class); a request marked <see cref="Retries.NotRetried"/> is sent once.</summary>
    public HttpClient Http => _http;

    private enum Outcome
    {
        Completed,
        LineFull,
        Abandoned,
    }

    public int Completed => Volatile.Read(ref _completed);

    public async Task<ExchangeSummary> RunAsync(CancellationToken stop)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var android = new List<string>();
        foreach (var tac in _manifest.Tacs)
        {
            var model = await SendAsync("model", HttpMethod.Get, $"v1/catalog/models/{tac}", null, null);
            if (model.Status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Model {tac} of the manifest answered {(int)model.Status}: was this manifest seeded on this service?");
            }

            if (model.Body?["kind"]?.GetValue<string>() == "android")
            {
                android.Add(tac);
            }
        }

        if (android.Count == 0)
        {
            throw new InvalidOperationException("The manifest has no android model: exchanges need android lines (CLM-2).");
        }

        var initial = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var tac in android)
        {
            var set = await SendAsync("stock", HttpMethod.Put, $"v1/exchange-stock/{tac}", new { quantity = _options.Stock }, null);
            if (set.Status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Could not set the exchange stock of {tac}: {(int)set.Status} {set.Code}");
            }

            initial[tac] = _options.Stock;
        }

        _replacementTacs = android;
        var lines = Enumerable.Range(0, _manifest.Count).Where(i => android.Contains(_manifest.Tacs[i % _manifest.Tacs.Count])).ToArray();
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exchanges: {lines.Length:N0} android lines, {_options.Concurrency} at once, stock {_options.Stock} on {string.Join(", ", android)}"));

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        stopping.CancelAfter(_options.Duration);
        var workers = Enumerable.Range(0, _options.Concurrency)
            .Select(w => Task.Run(() => WorkerAsync(lines.Where((_, j) => j % _options.Concurrency == w).ToArray(), stopping.Token)))
            .ToArray();
        await Task.WhenAll(workers);

        return new ExchangeSummary(
            startedAt,
            Math.Round(clock.Elapsed.TotalSeconds, 1),
            initial,
            _completed,
            _linesFull,
            _abandoned,
            new SortedDictionary<string, int>(_deliveries, StringComparer.Ordinal),
            Interlocked.Read(ref _requests),
            Interlocked.Read(ref _retries),
            new SortedDictionary<string, long>(_statuses, StringComparer.Ordinal),
            _abandonedSamples.ToArray());
    }

    private async Task WorkerAsync(int[] lines, CancellationToken stop)
    {
        foreach (var i in lines)
        {
            while (!stop.IsCancellationRequested)
            {
                var outcome = await LifecycleAsync(i);
                _ = outcome switch
                {
                    Outcome.Completed => Interlocked.Increment(ref _completed),
                    Outcome.LineFull => Interlocked.Increment(ref _linesFull),
                    _ => Interlocked.Increment(ref _abandoned),
                };
                if (outcome != Outcome.Completed)
                {
                    break;
                }

                try
                {
                    await Task.Delay(_options.Interval, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<Outcome> LifecycleAsync(int subscriber)
    {
        var lineId = _manifest.LineId(subscriber);
        var retriesBefore = Interlocked.Read(ref _retries);
        var line = await StepAsync("read_line", HttpMethod.Get, $"v1/lines/{lineId}", null, null, HttpStatusCode.OK);
        if (line.Error is { } unreadable)
        {
            return Abandon(lineId, unreadable);
        }

        var old = line.Body?["option"]?["coveredImei"]?.GetValue<string>() ?? _manifest.Imei(subscriber);

        // COV-5: the covered device must have been seen on the network; after an exchange it is a new device.
        var usage = await StepAsync("usage", HttpMethod.Post, $"v1/lines/{lineId}/usage", new { imei = old, at = Now() }, null, HttpStatusCode.NoContent);
        if (usage.Error is { } noUsage)
        {
            return Abandon(lineId, noUsage);
        }

        var key = $"xc-{_run}-{Interlocked.Increment(ref _serial)}";
        var filedAt = DateTimeOffset.UtcNow;
        var filed = await StepAsync("claim", HttpMethod.Post, $"v1/lines/{lineId}/claims", new { incident = Incident, at = Now(), loanerRequested = false }, $"{key}-file", HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity);
        if (filed.Status == HttpStatusCode.UnprocessableEntity && filed.Code == "claim_refused")
        {
            return Outcome.LineFull;
        }

        if (filed.Error is { } notFiled)
        {
            return Abandon(lineId, notFiled);
        }

        var claimId = filed.Body!["claimId"]!.GetValue<string>();
        var claim = $"v1/lines/{lineId}/claims/{claimId}";
        var receipt = new { at = Now(), consentFormEnclosed = true, simAndSdRemoved = true, esimErased = true, dataErased = true, eCertificateRevoked = true };
        if ((await StepAsync("device_receipt", HttpMethod.Post, $"{claim}/device-receipt", receipt, $"{key}-receipt", HttpStatusCode.OK)).Error is { } notReceived)
        {
            return Abandon(lineId, notReceived);
        }

        if ((await StepAsync("inspection", HttpMethod.Post, $"{claim}/inspection", new { at = Now(), outcome = "exchange" }, $"{key}-inspect", HttpStatusCode.OK)).Error is { } notInspected)
        {
            return Abandon(lineId, notInspected);
        }

        var serial = _options.SerialBase + Interlocked.Increment(ref _serial);
        var tac = _replacementTacs[serial % _replacementTacs.Count];
        var replacement = Imei.WithCheckDigit(string.Create(CultureInfo.InvariantCulture, $"{tac}{serial:D6}"));
        if ((await StepAsync("shipment", HttpMethod.Post, $"{claim}/exchange-shipment", new { at = Now(), replacementImei = replacement }, $"{key}-ship", HttpStatusCode.OK)).Error is { } notShipped)
        {
            return Abandon(lineId, notShipped);
        }

        if ((await StepAsync("delivery", HttpMethod.Post, $"{claim}/exchange-delivery", new { at = Now() }, $"{key}-deliver", HttpStatusCode.OK)).Error is { } notDelivered)
        {
            return Abandon(lineId, notDelivered);
        }

        _deliveries.AddOrUpdate(tac, 1, (_, n) => n + 1);
        _lifecycles?.Write(new ExchangeLifecycle(lineId, claimId, old, replacement, tac, filedAt, DateTimeOffset.UtcNow, (int)(Interlocked.Read(ref _retries) - retriesBefore)));
        return Outcome.Completed;
    }

    private Outcome Abandon(string lineId, string why)
    {
        if (_abandonedSamples.Count < 8)
        {
            _abandonedSamples.Enqueue($"{lineId}: {why}");
        }

        return Outcome.Abandoned;
    }

    private static string Now() => Seeder.Timestamp(DateTimeOffset.UtcNow);

    /// <summary>
    /// One step, retried with the same body and key on 5xx and transport errors until <see cref="ExchangeOptions.StepDeadline"/>
    /// (by the client, see the class). <see cref="Reply.Error"/> is null when the step answered <paramref name="expected"/>;
    /// <paramref name="alsoNormal"/> is an answer that is not an error either (a claim refused by CLM-1) but is returned to
    /// the caller to decide. Every other answer is an error, logged once per attempt (the retried ones by <see cref="CountAsync"/>).
    /// </summary>
    private async Task<Reply> StepAsync(
        string operation, HttpMethod method, string path, object? body, string? key, HttpStatusCode expected, HttpStatusCode? alsoNormal = null)
    {
        var reply = await SendAsync(operation, method, path, body, key, retried: true);
        if (reply.Status == expected)
        {
            return reply;
        }

        if (reply.Status == alsoNormal)
        {
            return reply with { Error = $"{operation} answered {(int)reply.Status} {reply.Code}" };
        }

        if (reply.Status != 0 && !Retries.IsTransient(reply.Status))
        {
            _errors?.Write(new RequestError(DateTimeOffset.UtcNow, reply.SentAt, "exchanges", operation, (int)reply.Status, reply.Detail));
        }

        return reply with { Error = $"{operation} answered {(reply.Status == 0 ? "no response" : ((int)reply.Status).ToString(CultureInfo.InvariantCulture))} {reply.Code} {reply.Detail}".TrimEnd() };
    }

    /// <summary>One request of the driver: a step (<paramref name="retried"/>), or a set-up call sent once.</summary>
    private async Task<Reply> SendAsync(string operation, HttpMethod method, string path, object? body, string? key, bool retried = false)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Options.Set(OperationKey, operation);
        if (!retried)
        {
            request.NotRetried();
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, NdjsonLog.Json), Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        try
        {
            using var response = await _http.SendAsync(request, CancellationToken.None);
            var (node, detail) = await ReadAsync(response);
            return new Reply(response.StatusCode, node, detail, null, SentAtOf(request));
        }
        catch (Exception e) when (Retries.IsTransport(e, CancellationToken.None))
        {
            return new Reply(0, null, TransportDetail(operation, e), null, SentAtOf(request));
        }
    }

    /// <summary>
    /// Every attempt of the driver's requests: counted, its status counted, and, when it failed in a way that is retried
    /// (transport, 5xx) and it is a step, logged as an error: each retried attempt is one line, as the caller sees them.
    /// </summary>
    private async ValueTask CountAsync(Attempt attempt)
    {
        if (!attempt.Request.Options.TryGetValue(OperationKey, out var operation))
        {
            return; // not the driver's (the readiness check)
        }

        attempt.Request.Options.Set(SentAtKey, attempt.SentAt);
        Interlocked.Increment(ref _requests);
        var status = attempt.Response is { } response ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) : "transport";
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (attempt.Transient && Retries.IsRetried(attempt.Request))
        {
            var detail = attempt.Response is { } answer ? (await ReadAsync(answer)).Detail : TransportDetail(operation, attempt.Failure!);
            _errors?.Write(new RequestError(DateTimeOffset.UtcNow, attempt.SentAt, "exchanges", operation, (int)(attempt.Response?.StatusCode ?? 0), detail));
        }
    }

    private static readonly HttpRequestOptionsKey<DateTimeOffset> SentAtKey = new("Warranty.LoadTest.SentAt");

    private static DateTimeOffset SentAtOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(SentAtKey, out var sentAt) ? sentAt : DateTimeOffset.UtcNow;

    private static string TransportDetail(string operation, Exception e) => $"{operation}: {e.GetType().Name}: {e.Message}";

    private static async Task<(JsonNode? Node, string? Detail)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
        {
            node = JsonNode.Parse(text);
        }

        return (node, node?["detail"]?.ToString());
    }

    public void Dispose() => _http.Dispose();

    private readonly record struct Reply(HttpStatusCode Status, JsonNode? Body, string? Detail, string? Error, DateTimeOffset SentAt)
    {
        public string? Code => Body is JsonObject o && o["code"] is JsonValue v && v.TryGetValue<string>(out var code) ? code : null;
    }
}
