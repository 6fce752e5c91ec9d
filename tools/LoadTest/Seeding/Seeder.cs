using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.Grains.Interfaces;
using Warranty.LoadTest.Http;
using Warranty.LoadTest.Reporting;

namespace Warranty.LoadTest.Seeding;

public sealed record SeedOptions(
    Uri Url,
    int Subscribers,
    int Concurrency = 32,
    string Prefix = "LT",
    int Models = 4,
    string ManifestPath = SeedManifest.DefaultPath,
    bool Progress = true);

/// <summary>How one seed went: every subscriber is created, existing (a re-run), or failed.</summary>
public sealed record SeedSummary(
    int Total,
    int Created,
    int Existing,
    int Failed,
    long Requests,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, int> Failures,
    IReadOnlyList<string> FailureSamples)
{
    public double SubscribersPerSecond => Elapsed.TotalSeconds > 0 ? Total / Elapsed.TotalSeconds : 0;

    public double RequestsPerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"seeded {Total:N0} subscribers ({Created:N0} created, {Existing:N0} existing, {Failed:N0} failed) in {Elapsed.TotalSeconds:0.0} s: "
        + $"{SubscribersPerSecond:N0} subscribers/s, {RequestsPerSecond:N0} requests/s");
}

/// <summary>
/// Creates subscribers through the public API: catalogue models and exchange stock first, then per subscriber
/// a line with the option, its registered device and a recent usage observation. Safe to re-run: a line that
/// exists (409 <c>line_exists</c>) and a device already registered on it count as "existing".
/// </summary>
/// <remarks>
/// Dates are Japan dates. The service start date is today − 40 days, so coverage has started (COV-4: the first
/// of the month after the start month is at most today) and the registration at start + 1 day is inside the
/// REG-2 window. Models are released 6 months before the start (REG-6f: at most 24 months). Usage is observed
/// now − 1 day, so claims pass COV-5.
/// </remarks>
public sealed class Seeder : IDisposable
{
    public const int StartDaysAgo = 40;
    private const int MaxSamples = 8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _samples = new();
    private readonly SeedOptions _options;
    private readonly TextWriter _log;
    private readonly HttpClient _http;
    private long _requests;
    private int _created;
    private int _existing;
    private int _failed;

    /// <param name="options">What to seed, and where: the client is this seeder's own (<see cref="Http"/>).</param>
    public Seeder(SeedOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _http = LoadHttp.Create(options.Url, options.Concurrency, AttemptTimeout, new RetryPolicy(
            MaxAttempts: 3,
            Delay: TimeSpan.FromMilliseconds(200),
            MaxDelay: TimeSpan.FromMilliseconds(400),
            AttemptTimeout: AttemptTimeout,
            OnAttempt: _ =>
            {
                Interlocked.Increment(ref _requests);
                return ValueTask.CompletedTask;
            }));
    }

    /// <summary>
    /// The seeder's client. Every request is tried up to 3 times, 200 ms and then 400 ms apart, each attempt for at most
    /// <see cref="AttemptTimeout"/>, when it fails in transport or is answered 5xx (<see cref="Retries"/>); a retried
    /// POST that had landed answers 409, which counts as "existing".
    /// </summary>
    public HttpClient Http => _http;

    public static TimeSpan AttemptTimeout { get; } = TimeSpan.FromSeconds(60);

    private enum Outcome
    {
        Created,
        Existing,
        Failed,
    }

    public static DateOnly ServiceStartDate(DateTimeOffset now) => JapanTime.DateOf(now).AddDays(-StartDaysAgo);

    public static string Timestamp(DateTimeOffset instant) =>
        JapanTime.ToJapan(instant).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public static string RegistrationAt(DateOnly serviceStart) =>
        Timestamp(new DateTimeOffset(serviceStart.AddDays(1).ToDateTime(new TimeOnly(10, 0)), JapanTime.Offset));

    public async Task<(SeedSummary Summary, SeedManifest Manifest)> RunAsync(CancellationToken cancellationToken)
    {
        if (!SubscriberKeys.IsValidPrefix(_options.Prefix))
        {
            throw new ArgumentException($"The prefix must be 1–{SubscriberKeys.MaxPrefixLength} of A-Z a-z 0-9 -.", "options");
        }

        var now = DateTimeOffset.UtcNow;
        var start = ServiceStartDate(now);
        var tacs = SubscriberKeys.Tacs(_options.Prefix, _options.Models);
        if (_options.Subscribers > SeedManifest.Capacity(tacs.Count))
        {
            throw new ArgumentException($"{_options.Models} models hold at most {SeedManifest.Capacity(tacs.Count):N0} subscribers.", "options");
        }

        var clock = Stopwatch.StartNew();
        await SeedModelsAsync(tacs, start.AddMonths(-6), cancellationToken);

        var manifest = new SeedManifest(_options.Prefix, _options.Subscribers, tacs, start, SeedManifest.LineIdPattern, SeedManifest.ImeiPattern,
            _options.Url.ToString(), now);

        var progress = _options.Progress
            ? new ProgressBar("seed", _options.Subscribers, () => Volatile.Read(ref _created) + Volatile.Read(ref _existing) + Volatile.Read(ref _failed))
            : null;
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, _options.Subscribers), parallel, async (i, ct) =>
            {
                var outcome = await SeedOneAsync(manifest, i, start, ct);
                _ = outcome switch
                {
                    Outcome.Created => Interlocked.Increment(ref _created),
                    Outcome.Existing => Interlocked.Increment(ref _existing),
                    _ => Interlocked.Increment(ref _failed),
                };
            });
        }
        finally
        {
            if (progress is not null)
            {
                await progress.DisposeAsync();
            }
        }

        var summary = new SeedSummary(_options.Subscribers, _created, _existing, _failed, Interlocked.Read(ref _requests), clock.Elapsed,
            new SortedDictionary<string, int>(_failures, StringComparer.Ordinal), _samples.ToArray());
        await manifest.WriteAsync(_options.ManifestPath, CancellationToken.None);
        return (summary, manifest);
    }

    private async Task SeedModelsAsync(IReadOnlyList<string> tacs, DateOnly releaseDate, CancellationToken cancellationToken)
    {
        for (var m = 0; m < tacs.Count; m++)
        {
            var tac = tacs[m];
            var model = new
            {
                maker = "LoadTest",
                model = $"LoadTest Phone {m}",
                kind = m % 2 == 0 ? "android" : "ios",
                releaseDate = releaseDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                wifiOnly = false,
                soldInJapan = true,
                hasGiteki = true,
                repairableInJapan = true,
                exchangeDesignated = true,
            };
            var put = await SendAsync(HttpMethod.Put, $"v1/catalog/models/{tac}", model, cancellationToken);
            Require(put, HttpStatusCode.OK, $"catalogue model {tac}");
            var stock = await SendAsync(HttpMethod.Put, $"v1/exchange-stock/{tac}", new { quantity = Math.Max(1_000, _options.Subscribers) }, cancellationToken);
            Require(stock, HttpStatusCode.OK, $"exchange stock {tac}");
        }

        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"catalogue: {tacs.Count} exchange-designated models ({string.Join(", ", tacs)}), released {releaseDate:yyyy-MM-dd}"));
    }

    private async Task<Outcome> SeedOneAsync(SeedManifest manifest, int i, DateOnly start, CancellationToken cancellationToken)
    {
        var lineId = manifest.LineId(i);
        var imei = manifest.Imei(i);
        var created = await SendAsync(HttpMethod.Post, "v1/lines", new
        {
            lineId,
            plan = i % 2 == 0 ? "giga" : "legacy",
            simType = i % 2 == 0 ? "esim" : "physical",
            serviceStartDate = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            warrantyOption = true,
        }, cancellationToken);

        var existing = false;
        var lineStart = start;
        string? coveredImei = null;
        if (created.Status == HttpStatusCode.Conflict && created.Code == "line_exists")
        {
            existing = true;
            var line = await SendAsync(HttpMethod.Get, $"v1/lines/{lineId}", null, cancellationToken);
            if (line.Status != HttpStatusCode.OK || line.Body?["option"] is null)
            {
                return Fail("existing line", line, lineId, line.Status == HttpStatusCode.OK ? "the line exists without the option" : null);
            }

            lineStart = DateOnly.ParseExact(line.Body["serviceStartDate"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            coveredImei = line.Body["option"]?["coveredImei"]?.GetValue<string>();
        }
        else if (created.Status != HttpStatusCode.Created)
        {
            return Fail("line", created, lineId);
        }

        if (coveredImei != imei)
        {
            var registered = await SendAsync(HttpMethod.Put, $"v1/lines/{lineId}/device", new
            {
                imei,
                at = RegistrationAt(lineStart),
                declarations = new
                {
                    conditionOk = true,
                    ownedBySubscriber = true,
                    rentedOrLeased = false,
                    businessUse = false,
                    unofficialRepairOrModification = false,
                    thirdPartyLostOrStolen = false,
                    illegallyUnlocked = false,
                    coveredByOtherWarranty = false,
                },
            }, cancellationToken);
            if (registered.Status != HttpStatusCode.OK)
            {
                return Fail("device", registered, lineId);
            }
        }

        var usage = await SendAsync(HttpMethod.Post, $"v1/lines/{lineId}/usage", new { imei, at = Timestamp(DateTimeOffset.UtcNow.AddDays(-1)) }, cancellationToken);
        if (usage.Status != HttpStatusCode.NoContent)
        {
            return Fail("usage", usage, lineId);
        }

        return existing ? Outcome.Existing : Outcome.Created;
    }

    private Outcome Fail(string step, Reply reply, string lineId, string? why = null)
    {
        var key = reply.Status == 0 ? $"{step}: transport error" : $"{step}: {(int)reply.Status} {reply.Code}".TrimEnd();
        _failures.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (_samples.Count < MaxSamples)
        {
            _samples.Enqueue($"{lineId} {key}: {why ?? reply.Detail}");
        }

        return Outcome.Failed;
    }

    private static void Require(Reply reply, HttpStatusCode expected, string what)
    {
        if (reply.Status != expected)
        {
            throw new InvalidOperationException($"Could not set up {what}: {(reply.Status == 0 ? "transport error" : ((int)reply.Status).ToString(CultureInfo.InvariantCulture))} {reply.Code} {reply.Detail}".TrimEnd());
        }
    }

    private readonly record struct Reply(HttpStatusCode Status, JsonNode? Body, string? Detail)
    {
        public string? Code => Body is JsonObject o && o["code"] is JsonValue v && v.TryGetValue<string>(out var code) ? code : null;
    }

    /// <summary>Sends one request through the retrying client: its last answer, or status 0 when its last attempt failed in transport.</summary>
    private async Task<Reply> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? node = null;
            if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
            {
                node = JsonNode.Parse(text);
            }

            return new Reply(response.StatusCode, node, node?["detail"]?.ToString() ?? (text.Length > 200 ? text[..200] : text));
        }
        catch (Exception e) when (Retries.IsTransport(e, cancellationToken))
        {
            return new Reply(0, null, e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
