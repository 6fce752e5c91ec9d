using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 12: a SIGTERM under load is a graceful stop. The service stops accepting, answers the requests it took, lets
/// the grains finish and persist, and exits 0: after a restart on the same store, a write is stored exactly when its
/// request was acknowledged, and no request the service took went unanswered.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SIGTERM_under_load_answers_what_it_took_stores_every_acknowledged_write_and_exits_0()
    {
        var settings = Deployments.Sqlite(Path.Combine(Directory.CreateTempSubdirectory("warranty-term-").FullName, "warranty.db"));
        var outcomes = new ConcurrentDictionary<string, string>();
        var start = Iso(Deployments.Today.AddDays(-3));
        TimeSpan stopped;
        int exitCode;
        await using (var service = await ServiceProcess.StartAsync(settings))
        {
            using var http = service.ClientFor("operator");
            async Task WorkAsync()
            {
                // Each worker writes until the service is gone; a request that fails in transport ends it.
                while (true)
                {
                    var lineId = TestData.NewLineId("T");
                    try
                    {
                        using var response = await http.PostAsJsonAsync("/v1/lines", new { lineId, plan = "giga", simType = "esim", serviceStartDate = start, warrantyOption = true });
                        outcomes[lineId] = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        outcomes[lineId] = "transport";
                        return;
                    }
                }
            }

            var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(WorkAsync)).ToArray();
            // Stop under load: once the writers have had 100 writes acknowledged (however slow the machine), not
            // after a fixed time.
            var loaded = Stopwatch.StartNew();
            while (outcomes.Count(o => o.Value == "201") < 100 && loaded.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            var clock = Stopwatch.StartNew();
            service.Terminate();
            exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(60));
            stopped = clock.Elapsed;
            await Task.WhenAll(workers);
        }

        output.WriteLine($"{outcomes.Count} requests: {string.Join(", ", outcomes.GroupBy(o => o.Value).Select(g => $"{g.Key}×{g.Count()}"))}; stopped in {stopped.TotalMilliseconds:0} ms, exit {exitCode}");
        Assert.Equal(0, exitCode);
        Assert.True(stopped < TimeSpan.FromSeconds(30), $"the stop took {stopped}");
        var acknowledged = outcomes.Where(o => o.Value == "201").Select(o => o.Key).ToList();
        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} writes before the stop");
        // Answered requests got answers, not 5xx: the silo stayed up until the server had answered.
        Assert.All(outcomes.Values, v => Assert.True(v is "201" or "transport", $"answer {v}"));

        await using var restarted = await ServiceProcess.StartAsync(settings);
        foreach (var (lineId, outcome) in outcomes)
        {
            var status = (await restarted.Http.GetAsync($"/v1/lines/{lineId}")).StatusCode;
            // Stored exactly when acknowledged: nothing acknowledged was lost, and nothing the service took went unanswered.
            Assert.True((outcome == "201") == (status == HttpStatusCode.OK), $"{lineId}: answered {outcome}, stored {status}");
        }
    }

    private static string Iso(DateOnly date) => Deployments.Iso(date);
}
