using System.CommandLine;
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

    private const string About = """
        Warranty load generator. Sends traffic only to this machine (127.0.0.1, ::1, localhost).
        Exit codes: 0 ok, 1 failed, 2 bad options, 130 interrupted. Ctrl-C stops a run early; its results are still written.
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        var parsed = Build().Parse(args is ["help", .. var rest] ? ["--help", .. rest] : args);
        if (parsed.Errors.Count > 0 && parsed.Action is not { ClearsParseErrors: true })
        {
            return Refuse(parsed.Errors.Select(e => e.Message));
        }

        try
        {
            // Exceptions reach this method, and SIGINT/SIGTERM are the commands' own (CancelOnSignals): a run still
            // writes its results, exchanges finish the lifecycles under way.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UsageException e)
        {
            return Refuse([e.Message]);
        }
    }

    private static int Refuse(IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"error: {problem}");
        }

        Console.Error.WriteLine("Run with --help for the options.");
        return BadUsage;
    }

    /// <summary>The command line: each command with its options, each option declared once (name, help, default, range).</summary>
    public static RootCommand Build() => new(About) { Seed(), Run(), ServeBaseline(), Exchanges(), Probe(), Check(), Events() };

    private static Option<string> Manifest(string description = "the seed manifest") => CliOptions.Text("--manifest", description, SeedManifest.DefaultPath);

    private static Option<string> ErrorLog() => CliOptions.Text(
        "--error-log", "append each unexpected answer or transport error as NDJSON {at, sentAt, source, operation, status, detail}");

    private static Command Seed()
    {
        var url = CliOptions.Url("--url", "the service, e.g. http://127.0.0.1:5000");
        var subscribers = CliOptions.OptionalWhole("--subscribers", "how many subscribers", 1, 100_000_000, required: true);
        var concurrency = CliOptions.Whole("--concurrency", "requests in flight", 32, 1, 4096);
        var prefix = CliOptions.Text("--prefix", "line ids are P-00000000, P-00000001, …", "LT");
        var models = CliOptions.Whole("--models", "catalogue models (android/ios alternating)", 4, 1, 100);
        var manifest = Manifest("where to write the seed manifest");
        var command = new Command("seed", "create subscribers through the public API (idempotent; re-run to finish or refresh)")
        {
            url, subscribers, concurrency, prefix, models, manifest,
        };
        command.SetAction((p, _) => SeedAsync(new SeedOptions(
            p.GetValue(url)!, p.GetValue(subscribers)!.Value, p.GetValue(concurrency), p.GetValue(prefix)!, p.GetValue(models), p.GetValue(manifest)!)));
        return command;
    }

    private static Command Run()
    {
        var url = CliOptions.Url("--url", "the service");
        var manifest = Manifest();
        var duration = CliOptions.Time("--duration", "measured time: 500ms, 30s, 2m", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24));
        var warmup = CliOptions.Time("--warmup", "time before measuring", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromHours(1));
        var concurrency = CliOptions.OptionalWhole(
            "--concurrency", "closed loop: workers, each waits for its answer (default 64); with --rate, the cap on workers (default 256)", 1, 100_000);
        var rate = CliOptions.OptionalNumber("--rate", "open loop: R requests/s on a fixed schedule, latency from the scheduled start", 0.001, 10_000_000);
        var distribution = CliOptions.Text(
            "--distribution", "uniform | zipf | once (each subscriber once, random order, before any repeats: cold lookups)", "uniform");
        var zipfS = CliOptions.Number("--zipf-s", "Zipf exponent", ZipfSampler.DefaultExponent, 0.01, 10);
        var mix = CliOptions.Text(
            "--mix", "weights: coverage, read (= line + claims), line, claims, usage, claim, withdraw (of a claim this run filed)", OperationMix.Default);
        var timeout = CliOptions.Time("--timeout", "request timeout", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        var output = CliOptions.Text("--out", "results as JSON", "loadtest-results.json");
        var chart = CliOptions.Text("--chart", "PNG chart of throughput and p50/p99 over time (default: none)");
        var ackLog = CliOptions.Text("--ack-log", "append each acknowledged (2xx) claim filing as NDJSON {at, lineId, claimId, status}");
        var errorLog = ErrorLog();
        var command = new Command("run", "a mixed workload for warmup + duration, then stops by itself")
        {
            url, manifest, duration, warmup, concurrency, rate, distribution, zipfS, mix, timeout, output, chart, ackLog, errorLog,
        };
        command.SetAction((p, _) =>
        {
            var perSecond = p.GetValue(rate);
            return RunAsync(
                new RunOptions(p.GetValue(url)!, p.GetValue(duration), p.GetValue(warmup), p.GetValue(concurrency) ?? (perSecond is null ? 64 : 256), perSecond, p.GetValue(timeout)),
                ParseDistribution(p.GetValue(distribution)!), p.GetValue(zipfS), OperationMix.Parse(p.GetValue(mix)!), p.GetValue(manifest)!,
                p.GetValue(output)!, p.GetValue(chart), p.GetValue(ackLog), p.GetValue(errorLog));
        });
        return command;
    }

    private static Command ServeBaseline()
    {
        var urls = CliOptions.Text("--urls", "where to listen, e.g. http://127.0.0.1:5098", required: true);
        var command = new Command(
            "serve-baseline",
            "the bare-Kestrel ceiling: GET /v1/devices/{imei}/coverage answered with a coverage-sized JSON and no grain call; runs until stopped")
        {
            urls,
        };
        command.SetAction((p, _) => ServeBaselineAsync(p.GetValue(urls)!));
        return command;
    }

    private static Command Exchanges()
    {
        var url = CliOptions.Url("--url", "the service");
        var manifest = Manifest();
        var concurrency = CliOptions.Whole("--concurrency", "lines in an exchange at once", 4, 1, 256);
        var interval = CliOptions.Time("--interval", "pause of each worker between lifecycles", TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromHours(1));
        var stock = CliOptions.Whole("--stock", "exchange stock set on each android model at start", 1_000, 0, 1_000_000_000);
        var serialBase = CliOptions.Whole("--serial-base", "replacement IMEIs use serials from N on", 500_000, 0, 900_000);
        var duration = CliOptions.Time("--duration", "at most this long", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        var lifecycleLog = CliOptions.Text("--log", "append each completed lifecycle as NDJSON");
        var errorLog = CliOptions.Text("--error-log", "append each failed attempt as NDJSON (as for run)");
        var output = CliOptions.Text("--out", "summary as JSON (initial stock, deliveries per TAC …)", "exchanges.json");
        var command = new Command(
            "exchanges",
            "complete exchange lifecycles (claim, device receipt, inspection: exchange, shipment, delivery) on the android lines of a manifest, "
            + "each step with an Idempotency-Key and retried on 5xx/transport errors; until --duration or Ctrl-C/SIGTERM, then finishes the "
            + "lifecycles under way. Exit 1 if one was abandoned.")
        {
            url, manifest, concurrency, interval, stock, serialBase, duration, lifecycleLog, errorLog, output,
        };
        command.SetAction((p, _) => ExchangesAsync(
            p.GetValue(url)!,
            new ExchangeOptions(p.GetValue(concurrency), p.GetValue(interval), p.GetValue(stock), p.GetValue(serialBase), TimeSpan.FromMinutes(2), p.GetValue(duration)),
            p.GetValue(manifest)!, p.GetValue(lifecycleLog), p.GetValue(errorLog), p.GetValue(output)!));
        return command;
    }

    private static Command Probe()
    {
        var url = CliOptions.Url("--url", "the service");
        var manifest = Manifest();
        var interval = CliOptions.Time("--interval", "time between rounds", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        var lookups = CliOptions.Whole("--lookups", "coverage lookups per round", 4, 0, 64);
        var duration = CliOptions.Time("--duration", "at most this long", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        var timeout = CliOptions.Time("--timeout", "request timeout", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        var log = CliOptions.Text("--log", "the rounds", required: true);
        var command = new Command(
            "probe",
            "every --interval: /health/ready and --lookups coverage lookups, logged as one NDJSON round {sentAt, at, ok, ms, failure}; "
            + "until Ctrl-C/SIGTERM or --duration")
        {
            url, manifest, interval, lookups, duration, timeout, log,
        };
        command.SetAction((p, _) => ProbeAsync(
            p.GetValue(url)!, p.GetValue(manifest)!, p.GetValue(interval), p.GetValue(lookups), p.GetValue(duration), p.GetValue(timeout), p.GetValue(log)!));
        return command;
    }

    private static Command Check()
    {
        var connection = CliOptions.Text("--connection", "Npgsql connection string of the cluster's store", required: true);
        var serviceId = CliOptions.Text("--service-id", "the cluster's ServiceId", required: true);
        var url = CliOptions.Url("--url", "the front door, for the API's view of the stock", required: false);
        var results = CliOptions.Text("--results", "run results (--out of run), FILE[,FILE]");
        var ackLog = CliOptions.Text("--ack-log", "acknowledged claim filings (--ack-log of run), FILE[,…]");
        var errorLog = CliOptions.Text("--error-log", "unexpected answers (--error-log of run and exchanges), FILE[,…]");
        var exchangeSummary = CliOptions.Text("--exchange-summary", "the summary of exchanges (--out)");
        var exchangeLog = CliOptions.Text("--exchange-log", "the lifecycles of exchanges (--log)");
        var probeLog = CliOptions.Text("--probe-log", "the rounds of probe (--log)");
        var kills = CliOptions.Text("--kills", "NDJSON {silo, killedAt, restartedAt, joinedAt}");
        var responseTimeout = CliOptions.Time(
            "--response-timeout", "the front door's grain-call timeout (Warranty:ClusterClient:ResponseTimeout)", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var recoveryLimit = CliOptions.Time("--recovery-limit", "longest allowed recovery after a kill", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var output = CliOptions.Text("--out", "the figures as JSON");
        var command = new Command("check", "the crash test's invariants from PostgreSQL, the API and the logs above; prints the figures, exit 1 if one fails")
        {
            connection, serviceId, url, results, ackLog, errorLog, exchangeSummary, exchangeLog, probeLog, kills, responseTimeout, recoveryLimit, output,
        };
        command.SetAction((p, _) => CheckAsync(
            new CheckInputs(
                p.GetValue(connection)!,
                p.GetValue(serviceId)!,
                List(p.GetValue(results)),
                List(p.GetValue(ackLog)),
                List(p.GetValue(errorLog)),
                p.GetValue(exchangeSummary),
                p.GetValue(exchangeLog),
                p.GetValue(probeLog),
                p.GetValue(kills),
                p.GetValue(responseTimeout),
                p.GetValue(recoveryLimit)),
            p.GetValue(url),
            p.GetValue(output)));
        return command;

        static IReadOnlyList<string> List(string? value) =>
            value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static Command Events()
    {
        var connection = CliOptions.Text("--connection", "the service's PostgreSQL store (its schema installed: start the service on it once)", required: true);
        var subscribers = CliOptions.OptionalWhole("--subscribers", "how many subscribers' histories", 1, 100_000_000, required: true);
        var seed = CliOptions.Whole("--seed", "the same seed draws the same histories", 1, 0, int.MaxValue);
        var prefix = CliOptions.Text("--prefix", "line ids are P-00000000, P-00000001, …", "EV");
        var until = CliOptions.Text("--until", "the last day (yyyy-MM-dd) a claim may be filed near", "2026-11-30");
        var models = CliOptions.Whole("--models", "registered models (TACs 35600000…)", 40, 1, 1000);
        var command = new Command(
            "events",
            "write subscribers' synthetic event histories straight into the event log (COPY), to time the read side at scale: the projection, the billing run, the reports")
        {
            connection, subscribers, seed, prefix, until, models,
        };
        command.SetAction(async (p, _) =>
        {
            if (!DateOnly.TryParseExact(p.GetValue(until), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last))
            {
                throw new UsageException($"--until must be yyyy-MM-dd, not '{p.GetValue(until)}'.");
            }

            using var stop = CancelOnSignals();
            var options = new EventHistoryOptions(p.GetValue(connection)!, p.GetValue(subscribers)!.Value, p.GetValue(seed), p.GetValue(prefix)!, last, p.GetValue(models));
            var summary = await new EventHistories(options, Console.Error).WriteAsync(stop.Token);
            Console.WriteLine(summary.Describe());
            return Ok;
        });
        return command;
    }

    private static Distribution ParseDistribution(string value) => value.ToLowerInvariant() switch
    {
        "uniform" => Distribution.Uniform,
        "zipf" => Distribution.Zipf,
        "once" => Distribution.Once,
        var other => throw new UsageException($"--distribution must be uniform, zipf or once, not '{other}'."),
    };

    private static async Task<int> SeedAsync(SeedOptions options)
    {
        if (!SubscriberKeys.IsValidPrefix(options.Prefix))
        {
            throw new UsageException($"--prefix must be 1–{SubscriberKeys.MaxPrefixLength} of A-Z a-z 0-9 -, not '{options.Prefix}'.");
        }

        if (options.Subscribers > SeedManifest.Capacity(options.Models))
        {
            throw new UsageException($"--models {options.Models} holds at most {SeedManifest.Capacity(options.Models):N0} subscribers (a million IMEIs per model).");
        }

        using var stop = CancelOnSignals();
        using var seeder = new Seeder(options, Console.Error);
        if (!await ReadyAsync(seeder.Http, stop.Token))
        {
            return Failed;
        }

        try
        {
            var (summary, _) = await seeder.RunAsync(stop.Token);
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

    private static async Task<int> RunAsync(
        RunOptions options, Distribution distribution, double zipfS, OperationMix mix, string manifestPath, string outPath, string? chartPath, string? ackLog, string? errorLog)
    {
        var (url, duration, warmup, concurrency, rate) = (options.Url, options.Duration, options.Warmup, options.Concurrency, options.Rate);
        var timeout = options.RequestTimeout!.Value;
        if (await ReadManifestAsync(manifestPath) is not { } manifest)
        {
            return Failed;
        }

        var workload = Workload.Create(manifest, mix, distribution, zipfS);
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

        using var acks = NdjsonLog.Open(ackLog);
        using var errors = NdjsonLog.Open(errorLog);
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

    private static async Task<int> ServeBaselineAsync(string listen)
    {
        var urls = listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            Target.Parse(url);
        }

        var app = BaselineServer.Build(urls);
        Console.Error.WriteLine($"serve-baseline: coverage-sized answers ({BaselineServer.Describe(BaselineServer.Coverage("350000000000000", DateOnly.FromDateTime(DateTime.UtcNow)))}) on {string.Join(", ", urls)}; Ctrl-C or SIGTERM stops it");
        await app.RunAsync();
        return Ok;
    }

    private static async Task<int> ExchangesAsync(Uri url, ExchangeOptions options, string manifestPath, string? lifecycleLog, string? errorLog, string outPath)
    {
        if (await ReadManifestAsync(manifestPath) is not { } manifest)
        {
            return Failed;
        }

        using var stop = CancelOnSignals();
        using var lifecycles = NdjsonLog.Open(lifecycleLog);
        using var errors = NdjsonLog.Open(errorLog);
        using var driver = new ExchangeDriver(url, manifest, options, lifecycles, errors, Console.Error);
        if (!await ReadyAsync(driver.Http, stop.Token))
        {
            return Failed;
        }

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

    private static async Task<int> ProbeAsync(Uri url, string manifestPath, TimeSpan interval, int lookups, TimeSpan duration, TimeSpan timeout, string logPath)
    {
        if (await ReadManifestAsync(manifestPath) is not { } manifest)
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

    private static async Task<int> CheckAsync(CheckInputs inputs, Uri? url, string? outPath)
    {
        using var http = url is not null ? LoadHttp.Create(url, 4, TimeSpan.FromSeconds(30)) : null;
        var result = await new CrashCheck(inputs, http).RunAsync(CancellationToken.None);
        Console.Write(CrashCheck.Describe(result));
        if (outPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            await File.WriteAllTextAsync(outPath, System.Text.Json.JsonSerializer.Serialize(result, ResultsWriter.Json));
        }

        return result.Passed ? Ok : Failed;
    }

    private static async Task<SeedManifest?> ReadManifestAsync(string path)
    {
        try
        {
            return await SeedManifest.ReadAsync(path);
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
            using var request = new HttpRequestMessage(HttpMethod.Get, "health/ready").NotRetried();
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            Console.Error.WriteLine($"error: {http.BaseAddress}health/ready answered {(int)response.StatusCode}: the service is not ready.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException)
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
