using Warranty.Grains.Interfaces;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.LoadTest.Seeding;

namespace Warranty.LoadTest.Load;

/// <param name="Concurrency">Lines in an exchange at once (one lifecycle per line at a time).</param>
/// <param name="Interval">Pause of each worker between two lifecycles.</param>
/// <param name="Stock">Exchange stock set on every android model of the manifest at the start: the known initial stock.</param>
/// <param name="SerialBase">Replacement IMEIs are TAC + (SerialBase + n) with a check digit, beyond the seeded devices.</param>
/// <param name="StepDeadline">How long one step is retried (5xx, transport errors) before its lifecycle is abandoned.</param>
public sealed record ExchangeOptions(int Concurrency, TimeSpan Interval, int Stock, int SerialBase, TimeSpan StepDeadline, TimeSpan Duration);

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
/// shipment. Each line takes exchanges until CLM-1 refuses its next claim.
/// </summary>
/// <remarks>
/// Stops starting lifecycles at the end of <see cref="ExchangeOptions.Duration"/> or when <c>stop</c> is signalled;
/// lifecycles under way are finished (each step within its deadline), so every shipment it made is also delivered.
/// </remarks>
public sealed class ExchangeDriver(HttpClient http, SeedManifest manifest, ExchangeOptions options, NdjsonLog? lifecycles, NdjsonLog? errors, TextWriter log)
{
    private const string Incident = "screen_crack";

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
        foreach (var tac in manifest.Tacs)
        {
            var model = await SendAsync("model", HttpMethod.Get, $"v1/catalog/models/{tac}", null, null, CancellationToken.None);
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
            var set = await SendAsync("stock", HttpMethod.Put, $"v1/exchange-stock/{tac}", new { quantity = options.Stock }, null, CancellationToken.None);
            if (set.Status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Could not set the exchange stock of {tac}: {(int)set.Status} {set.Code}");
            }

            initial[tac] = options.Stock;
        }

        _replacementTacs = android;
        var lines = Enumerable.Range(0, manifest.Count).Where(i => android.Contains(manifest.Tacs[i % manifest.Tacs.Count])).ToArray();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exchanges: {lines.Length:N0} android lines, {options.Concurrency} at once, stock {options.Stock} on {string.Join(", ", android)}"));

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        stopping.CancelAfter(options.Duration);
        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(w => Task.Run(() => WorkerAsync(lines.Where((_, j) => j % options.Concurrency == w).ToArray(), stopping.Token)))
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
                    await Task.Delay(options.Interval, stop);
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
        var lineId = manifest.LineId(subscriber);
        var retriesBefore = Interlocked.Read(ref _retries);
        var line = await StepAsync("read_line", HttpMethod.Get, $"v1/lines/{lineId}", null, null, HttpStatusCode.OK);
        if (line.Error is { } unreadable)
        {
            return Abandon(lineId, unreadable);
        }

        var old = line.Body?["option"]?["coveredImei"]?.GetValue<string>() ?? manifest.Imei(subscriber);

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

        var serial = options.SerialBase + Interlocked.Increment(ref _serial);
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
        lifecycles?.Write(new ExchangeLifecycle(lineId, claimId, old, replacement, tac, filedAt, DateTimeOffset.UtcNow, (int)(Interlocked.Read(ref _retries) - retriesBefore)));
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
    /// One step, retried with the same body and key on 5xx and transport errors until <see cref="ExchangeOptions.StepDeadline"/>.
    /// <see cref="Reply.Error"/> is null when the step answered <paramref name="expected"/>; <paramref name="alsoNormal"/>
    /// is an answer that is not an error either (a claim refused by CLM-1) but is returned to the caller to decide.
    /// </summary>
    private async Task<Reply> StepAsync(
        string operation, HttpMethod method, string path, object? body, string? key, HttpStatusCode expected, HttpStatusCode? alsoNormal = null)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var sentAt = DateTimeOffset.UtcNow;
            var reply = await SendAsync(operation, method, path, body, key, CancellationToken.None);
            if (reply.Status == expected)
            {
                return reply;
            }

            if (reply.Status == alsoNormal)
            {
                return reply with { Error = $"{operation} answered {(int)reply.Status} {reply.Code}" };
            }

            errors?.Write(new RequestError(DateTimeOffset.UtcNow, sentAt, "exchanges", operation, (int)reply.Status, reply.Detail));
            var retriable = reply.Status == 0 || (int)reply.Status >= 500;
            if (!retriable || deadline.Elapsed > options.StepDeadline)
            {
                return reply with { Error = $"{operation} answered {(reply.Status == 0 ? "no response" : ((int)reply.Status).ToString(CultureInfo.InvariantCulture))} {reply.Code} {reply.Detail}".TrimEnd() };
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2_000, 100 * attempt)));
        }
    }

    private async Task<Reply> SendAsync(string operation, HttpMethod method, string path, object? body, string? key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body, NdjsonLog.Json), Encoding.UTF8, "application/json");
            }

            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            _statuses.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            JsonNode? node = null;
            if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
            {
                node = JsonNode.Parse(text);
            }

            return new Reply(response.StatusCode, node, node?["detail"]?.ToString(), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            _statuses.AddOrUpdate("transport", 1, (_, n) => n + 1);
            return new Reply(0, null, $"{operation}: {e.GetType().Name}: {e.Message}", null);
        }
    }

    private readonly record struct Reply(HttpStatusCode Status, JsonNode? Body, string? Detail, string? Error)
    {
        public string? Code => Body is JsonObject o && o["code"] is JsonValue v && v.TryGetValue<string>(out var code) ? code : null;
    }
}
