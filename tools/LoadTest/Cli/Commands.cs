using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Warranty.LoadTest.Baseline;
using Warranty.LoadTest.Http;
using Warranty.LoadTest.Load;
using Warranty.LoadTest.Reporting;
using Warranty.LoadTest.Seeding;

namespace Warranty.LoadTest.Cli;

/// <summary>The commands: options in, one of the tool's classes run, exit code out (0 ok, 1 failed, 2 bad options, 130 interrupted).</summary>
public static class Commands
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;
    public const int Interrupted = 130;

    public const string Usage = """
        Warranty load generator. Sends traffic only to this machine (127.0.0.1, ::1, localhost).

        Usage: dotnet run --project tools/LoadTest -- <command> [options]

        seed            create subscribers through the public API (idempotent; re-run to finish or refresh)
          --url URL             the service, e.g. http://127.0.0.1:5000            (required)
          --subscribers N       how many subscribers                               (required)
          --concurrency N       requests in flight                                 (default 32)
          --prefix P            line ids are P-00000000, P-00000001, …             (default LT)
          --models N            catalogue models (android/ios alternating)         (default 4)
          --manifest FILE       where to write the seed manifest                   (default loadtest-seed.json)

        run             a mixed workload for warmup + duration, then stops by itself
          --url URL             the service                                        (required)
          --manifest FILE       the seed manifest                                  (default loadtest-seed.json)
          --duration D          measured time: 500ms, 30s, 2m                      (default 30s)
          --warmup D            time before measuring                               (default 5s)
          --concurrency N       closed loop: workers, each waits for its answer    (default 64)
          --rate R              open loop: R requests/s on a fixed schedule, latency from the
                                scheduled start; --concurrency then caps workers   (default 256 workers)
          --distribution D      uniform | zipf | once (each subscriber once, random order,
                                before any repeats: cold lookups)                  (default uniform)
          --zipf-s S            Zipf exponent                                      (default 1.1)
          --mix M               weights: coverage, read (= line + claims), line, claims, usage, claim,
                                withdraw (of a claim this run filed)               (default coverage=90,read=5,usage=4,claim=1)
          --timeout D           request timeout                                    (default 30s)
          --out FILE            results as JSON                                    (default loadtest-results.json)
          --chart FILE          PNG chart of throughput and p50/p99 over time      (default: none)
          --ack-log FILE        append each acknowledged (2xx) claim filing as NDJSON {at, lineId, claimId, status}
          --error-log FILE      append each unexpected answer or transport error as NDJSON
                                {at, sentAt, source, operation, status, detail}

        serve-baseline  the bare-Kestrel ceiling: GET /v1/devices/{imei}/coverage answered with a
                        coverage-sized JSON and no grain call; runs until stopped
          --urls URL            where to listen, e.g. http://127.0.0.1:5098       (required)

        exchanges       complete exchange lifecycles (claim, device receipt, inspection: exchange, shipment,
                        delivery) on the android lines of a manifest, each step with an Idempotency-Key and
                        retried on 5xx/transport errors; until --duration or Ctrl-C/SIGTERM, then finishes the
                        lifecycles under way. Exit 1 if one was abandoned.
          --url URL, --manifest FILE                                                (as for run)
          --concurrency N       lines in an exchange at once                       (default 4)
          --interval D          pause of each worker between lifecycles            (default 1s)
          --stock N             exchange stock set on each android model at start  (default 1000)
          --serial-base N       replacement IMEIs use serials from N on            (default 500000)
          --duration D          at most this long                                  (default 1h)
          --log FILE            append each completed lifecycle as NDJSON
          --error-log FILE      append each failed attempt as NDJSON (as for run)
          --out FILE            summary as JSON (initial stock, deliveries per TAC …)  (default exchanges.json)

        probe           every --interval: /health/ready and --lookups coverage lookups, logged as one NDJSON
                        round {sentAt, at, ok, ms, failure}; until Ctrl-C/SIGTERM or --duration
          --url URL, --manifest FILE                                                (as for run)
          --interval D          (default 100ms)      --lookups N   (default 4)      --duration D (default 1h)
          --timeout D           request timeout                                    (default 15s)
          --log FILE            the rounds                                         (required)

        check           the crash test's invariants from PostgreSQL, the API and the logs above; prints the
                        figures, exit 1 if one fails
          --connection CS       Npgsql connection string of the cluster's store    (required)
          --service-id ID       the cluster's ServiceId                            (required)
          --url URL             the front door, for the API's view of the stock    (optional)
          --results FILE[,FILE] run results (--out of run)
          --ack-log FILE[,…]    --error-log FILE[,…]   --exchange-summary FILE   --exchange-log FILE
          --probe-log FILE      --kills FILE (NDJSON {silo, killedAt, restartedAt, joinedAt})
          --response-timeout D  the front door's grain-call timeout (Warranty:ClusterClient:ResponseTimeout) (default 10s)
          --recovery-limit D    longest allowed recovery after a kill              (default 30s)
          --out FILE            the figures as JSON

        Ctrl-C stops a run early; its results are still written.
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? BadUsage : Ok;
        }

        try
        {
            return args[0] switch
            {
                "seed" => await SeedAsync(args[1..]),
                "run" => await RunAsync(args[1..]),
                "serve-baseline" => await ServeBaselineAsync(args[1..]),
                "exchanges" => await ExchangesAsync(args[1..]),
                "probe" => await ProbeAsync(args[1..]),
                "check" => await CheckAsync(args[1..]),
                _ => throw new UsageException($"Unknown command '{args[0]}' (seed, run, serve-baseline, exchanges, probe, check)."),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run with --help for the options.");
            return BadUsage;
        }
    }

    private static async Task<int> SeedAsync(string[] args)
    {
        var a = Arguments.Parse(args, ["url", "subscribers", "concurrency", "prefix", "models", "manifest"], []);
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return Ok;
        }

        var url = Target.Parse(a.Required("url"));
        var subscribers = a.Int("subscribers", 0, 1, 100_000_000);
        if (!a.Has("subscribers"))
        {
            throw new UsageException("--subscribers is required.");
        }

        var prefix = a.String("prefix", "LT");
        if (!SubscriberKeys.IsValidPrefix(prefix))
        {
            throw new UsageException($"--prefix must be 1–{SubscriberKeys.MaxPrefixLength} of A-Z a-z 0-9 -, not '{prefix}'.");
        }

        var models = a.Int("models", 4, 1, 100);
        if (subscribers > SeedManifest.Capacity(models))
        {
            throw new UsageException($"--models {models} holds at most {SeedManifest.Capacity(models):N0} subscribers (a million IMEIs per model).");
        }

        var options = new SeedOptions(url, subscribers, a.Int("concurrency", 32, 1, 4096), prefix, models, a.String("manifest", SeedManifest.DefaultPath));
        using var stop = CancelOnSignals();
        using var http = LoadHttp.Create(url, options.Concurrency, TimeSpan.FromSeconds(60));
        if (!await ReadyAsync(http, stop.Token))
        {
            return Failed;
        }

        try
        {
            var (summary, _) = await new Seeder(http, options, Console.Error).RunAsync(stop.Token);
            foreach (var (failure, count) in summary.Failures)
            {
                Console.Error.WriteLine($"failed ×{count}: {failure}");
            }

            foreach (var sample in summary.FailureSamples)
            {
                Console.Error.WriteLine($"  e.g. {sample}");
            }

            Console.WriteLine(summary.Describe());
            Console.WriteLine($"manifest: {Path.GetFullPath(options.ManifestPath)}");
            return summary.Failed == 0 ? Ok : Failed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("seed interrupted; run it again to finish (it is idempotent).");
            return Interrupted;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failed;
        }
    }

    private static async Task<int> RunAsync(string[] args)
    {
        var a = Arguments.Parse(args,
            ["url", "manifest", "duration", "warmup", "concurrency", "rate", "distribution", "zipf-s", "mix", "timeout", "out", "chart", "ack-log", "error-log"], []);
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return Ok;
        }

        var url = Target.Parse(a.Required("url"));
        double? rate = a.Has("rate") ? a.Double("rate", 0, 0.001, 10_000_000) : null;
        var concurrency = a.Int("concurrency", rate is null ? 64 : 256, 1, 100_000);
        var duration = a.Duration("duration", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24));
        var warmup = a.Duration("warmup", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromHours(1));
        var timeout = a.Duration("timeout", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        var distribution = a.String("distribution", "uniform").ToLowerInvariant() switch
        {
            "uniform" => Distribution.Uniform,
            "zipf" => Distribution.Zipf,
            "once" => Distribution.Once,
            var other => throw new UsageException($"--distribution must be uniform, zipf or once, not '{other}'."),
        };
        var zipfS = a.Double("zipf-s", ZipfSampler.DefaultExponent, 0.01, 10);
        var mix = OperationMix.Parse(a.String("mix", OperationMix.Default));
        var manifestPath = a.String("manifest", SeedManifest.DefaultPath);
        var outPath = a.String("out", "loadtest-results.json");
        var chartPath = a.String("chart");

        SeedManifest manifest;
        try
        {
            manifest = await SeedManifest.ReadAsync(manifestPath);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failed;
        }

        var workload = Workload.Create(manifest, mix, distribution, zipfS);
        var options = new RunOptions(url, duration, warmup, concurrency, rate, timeout);
        using var stop = CancelOnSignals();
        using var http = LoadHttp.Create(url, concurrency, timeout);
        if (!await ReadyAsync(http, stop.Token))
        {
            return Failed;
        }

        await PreflightAsync(http, workload, stop.Token);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run: {(rate is { } r ? $"open loop at {r:N0} req/s, {concurrency} workers" : $"closed loop, concurrency {concurrency}")}, "
            + $"{warmup.TotalSeconds:0.#} s warmup + {duration.TotalSeconds:0.#} s; {workload.Describe()}"));

        using var acks = NdjsonLog.Open(a.String("ack-log"));
        using var errors = NdjsonLog.Open(a.String("error-log"));
        var runner = new LoadRunner(http, workload, options, acks, errors);
        RunResult result;
        var total = warmup + duration;
        var clock = Stopwatch.StartNew();
        await using (new ProgressBar("run", (long)total.TotalMilliseconds, () => (long)Math.Min(clock.Elapsed.TotalMilliseconds, total.TotalMilliseconds),
            () => string.Create(CultureInfo.InvariantCulture, $"{Math.Min(clock.Elapsed.TotalSeconds, total.TotalSeconds),5:0.0}/{total.TotalSeconds:0.#} s  {runner.Sent,12:N0} sent{(clock.Elapsed < warmup ? "  (warmup)" : "")}")))
        {
            result = await runner.RunAsync(stop.Token);
        }

        Console.WriteLine(ResultsWriter.Table(result));
        await ResultsWriter.WriteJsonAsync(result, outPath);
        Console.WriteLine($"results: {Path.GetFullPath(outPath)}");
        if (chartPath is not null)
        {
            ChartRenderer.Render(result, chartPath);
            Console.WriteLine($"chart: {Path.GetFullPath(chartPath)}");
        }

        return result.Interrupted ? Interrupted : Ok;
    }

    private static async Task<int> ServeBaselineAsync(string[] args)
    {
        var a = Arguments.Parse(args, ["urls"], []);
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return Ok;
        }

        var urls = a.Required("urls").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            Target.Parse(url);
        }

        var app = BaselineServer.Build(urls);
        Console.Error.WriteLine($"serve-baseline: coverage-sized answers ({BaselineServer.Describe(BaselineServer.Coverage("350000000000000", DateOnly.FromDateTime(DateTime.UtcNow)))}) on {string.Join(", ", urls)}; Ctrl-C or SIGTERM stops it");
        await app.RunAsync();
        return Ok;
    }

    private static async Task<int> ExchangesAsync(string[] args)
    {
        var a = Arguments.Parse(args, ["url", "manifest", "concurrency", "interval", "stock", "serial-base", "duration", "log", "error-log", "out"], []);
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return Ok;
        }

        var url = Target.Parse(a.Required("url"));
        var options = new ExchangeOptions(
            a.Int("concurrency", 4, 1, 256),
            a.Duration("interval", TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromHours(1)),
            a.Int("stock", 1_000, 0, 1_000_000_000),
            a.Int("serial-base", 500_000, 0, 900_000),
            TimeSpan.FromMinutes(2),
            a.Duration("duration", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)));
        if (await ReadManifestAsync(a) is not { } manifest)
        {
            return Failed;
        }

        using var stop = CancelOnSignals();
        using var http = LoadHttp.Create(url, options.Concurrency * 2, TimeSpan.FromSeconds(30));
        if (!await ReadyAsync(http, stop.Token))
        {
            return Failed;
        }

        using var lifecycles = NdjsonLog.Open(a.String("log"));
        using var errors = NdjsonLog.Open(a.String("error-log"));
        var driver = new ExchangeDriver(http, manifest, options, lifecycles, errors, Console.Error);
        ExchangeSummary summary;
        try
        {
            summary = await driver.RunAsync(stop.Token);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failed;
        }

        var outPath = a.String("out", "exchanges.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        await File.WriteAllTextAsync(outPath, System.Text.Json.JsonSerializer.Serialize(summary, ResultsWriter.Json));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exchanges: {summary.Completed:N0} completed, {summary.LinesFull:N0} lines full (CLM-1), {summary.Abandoned:N0} abandoned in {summary.Seconds:0.#} s; "
            + $"{summary.Requests:N0} requests, {summary.Retries:N0} retried; deliveries {string.Join(", ", summary.Deliveries.Select(d => $"{d.Key}×{d.Value}"))}"));
        foreach (var sample in summary.AbandonedSamples)
        {
            Console.Error.WriteLine($"  abandoned: {sample}");
        }

        Console.WriteLine($"summary: {Path.GetFullPath(outPath)}");
        return summary.Abandoned == 0 ? Ok : Failed;
    }

    private static async Task<int> ProbeAsync(string[] args)
    {
        var a = Arguments.Parse(args, ["url", "manifest", "interval", "lookups", "duration", "timeout", "log"], []);
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return Ok;
        }

        var url = Target.Parse(a.Required("url"));
        var interval = a.Duration("interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        var lookups = a.Int("lookups", 4, 0, 64);
        var duration = a.Duration("duration", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        var timeout = a.Duration("timeout", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        var logPath = a.Required("log");
        if (await ReadManifestAsync(a) is not { } manifest)
        {
            return Failed;
        }

        using var stop = CancelOnSignals();
        using var until = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        until.CancelAfter(duration);
        using var http = LoadHttp.Create(url, 64, timeout);
        using var log = NdjsonLog.Open(logPath)!;
        var probe = new Probe(http, manifest, interval, lookups, log);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"probe: ready + {lookups} coverage lookups every {interval.TotalMilliseconds:0} ms on {url}; log {Path.GetFullPath(logPath)}"));
        await probe.RunAsync(until.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe: {probe.Rounds:N0} rounds, {probe.Failed:N0} with a wrong or missing answer"));
        return Ok;
    }

    private static async Task<int> CheckAsync(string[] args)
    {
        var a = Arguments.Parse(args,
            ["connection", "service-id", "url", "results", "ack-log", "error-log", "exchange-summary", "exchange-log", "probe-log", "kills",
             "response-timeout", "recovery-limit", "out"], []);
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return Ok;
        }

        static IReadOnlyList<string> List(string? value) =>
            value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var inputs = new CheckInputs(
            a.Required("connection"),
            a.Required("service-id"),
            List(a.String("results")),
            List(a.String("ack-log")),
            List(a.String("error-log")),
            a.String("exchange-summary"),
            a.String("exchange-log"),
            a.String("probe-log"),
            a.String("kills"),
            a.Duration("response-timeout", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            a.Duration("recovery-limit", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)));
        using var http = a.String("url") is { } url ? LoadHttp.Create(Target.Parse(url), 4, TimeSpan.FromSeconds(30)) : null;
        var result = await new CrashCheck(inputs, http).RunAsync(CancellationToken.None);
        Console.Write(CrashCheck.Describe(result));
        if (a.String("out") is { } outPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            await File.WriteAllTextAsync(outPath, System.Text.Json.JsonSerializer.Serialize(result, ResultsWriter.Json));
        }

        return result.Passed ? Ok : Failed;
    }

    private static async Task<SeedManifest?> ReadManifestAsync(Arguments a)
    {
        try
        {
            return await SeedManifest.ReadAsync(a.String("manifest", SeedManifest.DefaultPath));
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>Ctrl-C and SIGTERM cancel the token once; the command then finishes cleanly (a run still writes its results).</summary>
    private static SignalCancellation CancelOnSignals() => new();

    private sealed class SignalCancellation : IDisposable
    {
        private readonly CancellationTokenSource _source = new();
        private readonly PosixSignalRegistration _interrupt;
        private readonly PosixSignalRegistration _terminate;

        public SignalCancellation()
        {
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        }

        public CancellationToken Token => _source.Token;

        public bool IsCancellationRequested => _source.IsCancellationRequested;

        private void Handle(PosixSignalContext context)
        {
            if (_source.IsCancellationRequested)
            {
                return; // a second signal: the default action (exit)
            }

            context.Cancel = true;
            Console.Error.WriteLine();
            Console.Error.WriteLine("stopping…");
            _source.Cancel();
        }

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
            _source.Dispose();
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("health/ready", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            Console.Error.WriteLine($"error: {http.BaseAddress}health/ready answered {(int)response.StatusCode}: the service is not ready.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"error: cannot reach {http.BaseAddress}: {e.Message}");
        }

        return false;
    }

    private static async Task PreflightAsync(HttpClient http, Workload workload, CancellationToken cancellationToken)
    {
        foreach (var i in new[] { 0, workload.Manifest.Count - 1 }.Distinct())
        {
            using var request = workload.CreateRequest(Operation.Coverage, i, DateTimeOffset.UtcNow);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                Console.Error.WriteLine($"warning: coverage of subscriber {i} ({workload.Manifest.Imei(i)}) answered {(int)response.StatusCode}: was this manifest seeded on this service?");
            }
        }
    }
}
