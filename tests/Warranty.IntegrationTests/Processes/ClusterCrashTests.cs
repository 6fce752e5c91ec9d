using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Billing;
using Warranty.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// The crash test of cluster/crash-test.sh, short: 3 silos (src/Silo) and a front door (src/Api, client mode) on
/// PostgreSQL, a small claim-heavy load with complete exchange lifecycles beside it, and silos killed with SIGKILL
/// one after the other and started again. The invariants are the load tool's <c>check</c>, the same as the long
/// test's: every acknowledged claim stored exactly once, no device on two lines, CLM-1 kept, stock = initial −
/// deliveries, errors only inside each kill's failure-detection window and never a 500, recovery within 30 s.
/// </summary>
/// <remarks>
/// Every step waits for a condition (a silo's "started" line, the probe answering right, acknowledged claims
/// growing), with generous limits for a loaded 2-core machine; nothing waits for a fixed time.
/// </remarks>
[Collection(PostgresCollection.Name)]
public sealed class ClusterCrashTests(ITestOutputHelper log)
{
    private const int Silos = 3;
    private const int Kills = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Silos_killed_under_claim_load_lose_no_acknowledged_claim_keep_CLM_1_and_stock_and_recover_within_30_s()
    {
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var shared = (await Deployments.PostgresAsync("cluster_crash"))
            .With("Warranty__Cluster__Address", "127.0.0.1")
            .With(ClusterAuth.SigningKeyVariable, signingKey)
            // All the load comes from one address and one principal: no per-client rate limit (issue 5) in the way.
            .With("Warranty__RateLimits__AnonymousPerSecond", "1000000")
            .With("Warranty__RateLimits__AdminPerSecond", "1000000");
        var siloSettings = Enumerable.Range(0, Silos)
            .Select(_ => shared.With("Warranty__SiloPort", Port()).With("Warranty__GatewayPort", Port()))
            .ToArray();
        var silos = await Task.WhenAll(siloSettings.Select(s => ServiceProcess.StartSiloAsync(s, Patience)));
        var started = new List<ServiceProcess>(silos);
        var work = Directory.CreateTempSubdirectory("warranty-cluster-crash-");
        try
        {
            await using var frontDoor = await ServiceProcess.StartAsync(shared.With("Warranty__Hosting", "client").With("Warranty__SiloPort", Port()), Patience);
            var url = frontDoor.BaseAddress.ToString();
            var environment = await ClusterAuth.ToolEnvironmentAsync(frontDoor, signingKey);
            string File(string name) => Path.Combine(work.FullName, name);

            var seeds = await Task.WhenAll(
                LoadToolProcess.RunAsync(work.FullName, environment, Patience, "seed", "--url", url, "--subscribers", "200", "--concurrency", "16", "--prefix", "CC", "--manifest", File("seed.json")),
                LoadToolProcess.RunAsync(work.FullName, environment, Patience, "seed", "--url", url, "--subscribers", "60", "--concurrency", "8", "--prefix", "CX", "--manifest", File("xseed.json")));
            Assert.All(seeds, s => Assert.True(s.ExitCode == 0, s.Output));

            await using var probe = LoadToolProcess.Start(work.FullName, environment,
                "probe", "--url", url, "--manifest", File("seed.json"), "--interval", "100ms", "--lookups", "4", "--log", File("probe.ndjson"));
            await using var load = LoadToolProcess.Start(work.FullName, environment,
                "run", "--url", url, "--manifest", File("seed.json"), "--duration", "1h", "--warmup", "0s", "--concurrency", "8",
                "--mix", "coverage=45,read=20,claim=20,withdraw=15", "--out", File("run.json"), "--ack-log", File("acks.ndjson"), "--error-log", File("errors.ndjson"));
            await using var exchanges = LoadToolProcess.Start(work.FullName, environment,
                "exchanges", "--url", url, "--manifest", File("xseed.json"), "--concurrency", "2", "--interval", "1s", "--stock", "100",
                "--log", File("exchanges.ndjson"), "--error-log", File("exchange-errors.ndjson"), "--out", File("exchanges.json"));

            await Until(() => Lines(File("acks.ndjson")) >= 20 && Lines(File("exchanges.ndjson")) >= 1, "claims and an exchange acknowledged before the first kill", load, exchanges, probe);
            for (var k = 0; k < Kills; k++)
            {
                var victim = k % Silos;
                var killedAt = DateTimeOffset.UtcNow;
                await silos[victim].KillAsync();
                await Until(() => Recovered(File("probe.ndjson"), killedAt), $"the probe answering right again after kill {k + 1}", load, exchanges, probe);

                var restartedAt = DateTimeOffset.UtcNow;
                silos[victim] = await ServiceProcess.StartSiloAsync(siloSettings[victim], Patience);
                started.Add(silos[victim]);
                var joinedAt = DateTimeOffset.UtcNow;
                await System.IO.File.AppendAllTextAsync(File("kills.ndjson"),
                    JsonSerializer.Serialize(new { silo = victim + 1, killedAt, restartedAt, joinedAt }, JsonSerializerOptions.Web) + "\n");
                var acked = Lines(File("acks.ndjson"));
                await Until(() => Lines(File("acks.ndjson")) >= acked + 20, $"claims acknowledged after silo {victim + 1} rejoined", load, exchanges, probe);
            }

            // Exchanges first: lifecycles under way are finished, so every shipment is also delivered.
            Assert.True(await exchanges.StopAsync(TimeSpan.FromMinutes(3)) == 0, exchanges.Output);
            Assert.NotEqual(-1, await load.StopAsync(TimeSpan.FromSeconds(60)));
            Assert.NotEqual(-1, await probe.StopAsync(TimeSpan.FromSeconds(60)));

            var (exitCode, output) = await LoadToolProcess.RunAsync(work.FullName, environment, Patience,
                "check", "--connection", shared["ConnectionStrings__Warranty"], "--service-id", shared["Warranty__ServiceId"], "--url", url,
                "--results", File("run.json"), "--ack-log", File("acks.ndjson"), "--error-log", $"{File("errors.ndjson")},{File("exchange-errors.ndjson")}",
                "--exchange-summary", File("exchanges.json"), "--exchange-log", File("exchanges.ndjson"), "--probe-log", File("probe.ndjson"),
                "--kills", File("kills.ndjson"), "--response-timeout", "10s", "--recovery-limit", "30s", "--out", File("check.json"));
            log.WriteLine(output);
            var check = JsonNode.Parse(await System.IO.File.ReadAllTextAsync(File("check.json")))!;
            Assert.True(Long(check, "acknowledgedClaims") > 0, output);
            Assert.True(Long(check, "exchangesCompleted") > 0, output);
            Assert.True(Long(check, "lost") == 0, output);
            Assert.True(Long(check, "duplicated") == 0, output);
            Assert.True(Long(check, "devicesOnTwoLines") == 0, output);
            Assert.True(Long(check, "claimLimitViolations") == 0, output);
            Assert.True(Long(check, "serverErrors500") == 0, output);
            Assert.True(Long(check, "errorsOutsideWindows") == 0, output);
            Assert.Equal(Kills, check["kills"]!.AsArray().Count);
            Assert.All(check["kills"]!.AsArray(), kill => Assert.True(kill!["recoverySeconds"]?.GetValue<double>() <= 30, output));
            Assert.All(check["stock"]!.AsArray(), s => Assert.True(
                Long(s!, "apiQuantity") == Long(s!, "initial") - Long(s!, "deliveries") && Long(s!, "storedQuantity") == Long(s!, "apiQuantity"), output));
            Assert.True(exitCode == 0, output);

            // Issue 14: the billing run, read from the event log's projection, against every seeded line's charges:
            // nothing missing, nothing twice, after the kills.
            using var admin = new HttpClient { BaseAddress = frontDoor.BaseAddress };
            if (environment.TryGetValue("WARRANTY_TOKEN", out var token))
            {
                admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            var lineIds = Enumerable.Range(0, 200).Select(i => $"CC-{i:D8}").Concat(Enumerable.Range(0, 60).Select(i => $"CX-{i:D8}")).ToList();
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, JapanZone).DateTime);
            foreach (var month in new[] { today.AddMonths(-1), today }.Select(d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Distinct())
            {
                var (lines, items, total) = await BillingComparison.AssertMatchesChargesAsync(admin, lineIds, month);
                log.WriteLine($"billing run {month}: {lines} lines, {items} items, {total} yen: identical to the {lineIds.Count} lines' charges");
            }
        }
        finally
        {
            foreach (var silo in started)
            {
                await silo.DisposeAsync();
            }

            work.Delete(recursive: true);
        }
    }

    private static readonly TimeZoneInfo JapanZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    private static string Port() => TestData.FreePort().ToString(CultureInfo.InvariantCulture);

    private static long Long(JsonNode node, string name) => node[name]?.GetValue<long>() ?? -1;

    private static int Lines(string path) => System.IO.File.Exists(path) ? System.IO.File.ReadLines(path).Count(l => l.Length > 0) : 0;

    /// <summary>The probe answered right for 2 s (20 rounds in a row), all sent after <paramref name="since"/>.</summary>
    private static bool Recovered(string probeLog, DateTimeOffset since)
    {
        var rounds = new List<(DateTimeOffset SentAt, bool Ok)>();
        foreach (var line in System.IO.File.ReadLines(probeLog))
        {
            try
            {
                var round = JsonNode.Parse(line)!;
                var sentAt = round["sentAt"]!.GetValue<DateTimeOffset>();
                if (sentAt >= since)
                {
                    rounds.Add((sentAt, round["ok"]!.GetValue<bool>()));
                }
            }
            catch (JsonException)
            {
                // A line being written.
            }
        }

        var tail = 0;
        foreach (var (_, ok) in rounds.OrderBy(r => r.SentAt))
        {
            tail = ok ? tail + 1 : 0;
        }

        return tail >= 20;
    }

    /// <summary>Waits for a condition on the tools' logs; fails with their output if it is not met within <see cref="Patience"/>.</summary>
    private static async Task Until(Func<bool> condition, string what, params LoadToolProcess[] tools)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Not reached within {Patience.TotalSeconds:0} s: {what}.\n{string.Join("\n---\n", tools.Select(t => t.Output))}");
            }

            // Waiting on other processes' logs; there is nothing else to await.
            await Task.Delay(200);
        }
    }
}

/// <summary>
/// Authentication for the processes of a cluster test, in one place. Every process gets one generated
/// <c>Warranty__Auth__SigningKey</c>; once src/Api requires a bearer token (an API path answers 401), the tools get
/// <c>WARRANTY_TOKEN</c> from <c>Warranty.Api.dll dev-token admin</c> for that key. Before that, nothing is sent.
/// </summary>
internal static class ClusterAuth
{
    public const string SigningKeyVariable = "Warranty__Auth__SigningKey";
    public const string TokenRole = "admin";

    public static async Task<Dictionary<string, string>> ToolEnvironmentAsync(ServiceProcess frontDoor, string signingKey)
    {
        using var anonymous = new HttpClient { BaseAddress = frontDoor.BaseAddress };
        using var response = await anonymous.GetAsync("/v1/catalog/models/00000000");
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return [];
        }

        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [ServiceProcess.ApiAssembly, "dev-token", TokenRole])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment[SigningKeyVariable] = signingKey;
        using var process = System.Diagnostics.Process.Start(info)!;
        var token = (await process.StandardOutput.ReadToEndAsync()).Trim().Split('\n')[^1].Trim();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0 && token.Length > 0, "dev-token did not print a token");
        return new Dictionary<string, string> { ["WARRANTY_TOKEN"] = token };
    }
}
