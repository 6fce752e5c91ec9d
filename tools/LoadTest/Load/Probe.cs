using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Warranty.LoadTest.Seeding;

namespace Warranty.LoadTest.Load;

/// <summary>
/// One probe round: <c>/health/ready</c> and a few coverage lookups, sent at <paramref name="SentAt"/>. It is
/// <paramref name="Ok"/> when every answer was right (ready 200; coverage 200 with <c>covered: true</c>);
/// <paramref name="Failure"/> names the first wrong answer.
/// </summary>
public sealed record ProbeRound(DateTimeOffset SentAt, DateTimeOffset At, bool Ok, double Ms, string? Failure);

/// <summary>
/// Asks the service every <paramref name="interval"/> whether it answers correctly, whatever happened to earlier
/// rounds (a round waiting on a dead silo does not hold the next one back), and logs every round. Recovery after a
/// kill is read from this log: the first round sent after the kill from which on every round was right.
/// Lookups rotate over the first 64 subscribers of the manifest, so their grains are spread over the silos.
/// </summary>
public sealed class Probe(HttpClient http, SeedManifest manifest, TimeSpan interval, int lookups, NdjsonLog log)
{
    private const int Pool = 64;

    private readonly ConcurrentDictionary<long, Task> _pending = new();
    private long _rounds;
    private long _failed;
    private int _cursor;

    public long Rounds => Interlocked.Read(ref _rounds);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Runs until <paramref name="stop"/>, then waits for the rounds still under way.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var next = Stopwatch.GetTimestamp();
        var step = LatencyRecorder.Ticks(interval);
        for (long round = 0; !stop.IsCancellationRequested; round++)
        {
            var subscribers = Enumerable.Range(0, lookups).Select(_ => Interlocked.Increment(ref _cursor) % Math.Min(Pool, manifest.Count)).ToArray();
            var id = round;
            _pending[id] = Task.Run(async () =>
            {
                await RoundAsync(subscribers);
                _pending.TryRemove(id, out _);
            }, CancellationToken.None);

            next += step;
            var wait = next - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            else
            {
                next = Stopwatch.GetTimestamp();
            }
        }

        await Task.WhenAll(_pending.Values.ToArray());
    }

    private async Task RoundAsync(int[] subscribers)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var checks = subscribers.Select(CoverageAsync).Prepend(ReadyAsync()).ToArray();
        var failures = (await Task.WhenAll(checks)).Where(f => f is not null).ToArray();
        Interlocked.Increment(ref _rounds);
        if (failures.Length > 0)
        {
            Interlocked.Increment(ref _failed);
        }

        log.Write(new ProbeRound(sentAt, DateTimeOffset.UtcNow, failures.Length == 0, Math.Round(clock.Elapsed.TotalMilliseconds, 1), failures.FirstOrDefault()));
    }

    private Task<string?> ReadyAsync() => CheckAsync("health/ready", "ready", _ => true);

    private Task<string?> CoverageAsync(int subscriber) =>
        CheckAsync($"v1/devices/{manifest.Imei(subscriber)}/coverage", $"coverage {manifest.Imei(subscriber)}", body =>
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("covered", out var covered) && covered.ValueKind == JsonValueKind.True;
        });

    /// <summary>Null when the answer is 200 and <paramref name="right"/> accepts its body, else what was wrong.</summary>
    private async Task<string?> CheckAsync(string path, string what, Func<string, bool> right)
    {
        try
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 200)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{what}: {(int)response.StatusCode}");
            }

            return right(body) ? null : $"{what}: wrong answer";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or JsonException)
        {
            return $"{what}: {e.GetType().Name}";
        }
    }
}
