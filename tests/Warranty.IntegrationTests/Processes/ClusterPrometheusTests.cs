using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 12: <c>cluster/run.sh --prometheus</c> starts Debian's Prometheus scraping every process of the local cluster
/// (the front door's /metrics with an admin token, each silo's metrics port), and <c>stop</c> stops it with the rest.
/// </summary>
public sealed partial class ClusterPrometheusTests(ITestOutputHelper log)
{
    [Fact]
    public async Task The_local_clusters_prometheus_scrapes_the_front_door_and_every_silo_and_stops_with_it()
    {
        var dir = Directory.CreateTempSubdirectory("warranty-cluster-prom-").FullName;
        var (code, output) = await RunAsync(dir, "--silos", "2", "--prometheus");
        log.WriteLine(output);
        try
        {
            Assert.True(code == 0, output);
            var url = Prometheus().Match(output).Groups[1].Value;
            Assert.StartsWith("http://127.0.0.1:", url);
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            // Every target up: the front door (with the token) and both silos.
            JsonArray targets = [];
            for (var i = 0; i < 120; i++)
            {
                targets = JsonNode.Parse(await http.GetStringAsync("/api/v1/targets"))!["data"]!["activeTargets"]!.AsArray();
                if (targets.Count == 3 && targets.All(t => t!["health"]!.GetValue<string>() == "up"))
                {
                    break;
                }

                await Task.Delay(500);
            }

            Assert.Equal(["frontdoor", "silos", "silos"], targets.Select(t => t!["labels"]!["job"]!.GetValue<string>()).Order());
            Assert.All(targets, t => Assert.Equal("up", t!["health"]!.GetValue<string>()));
            // The silos' Orleans meters are in Prometheus.
            var activations = JsonNode.Parse(await http.GetStringAsync("/api/v1/query?query=count(orleans_catalog_activations)"))!;
            Assert.NotEmpty(activations["data"]!["result"]!.AsArray());
        }
        finally
        {
            var pid = File.Exists(Path.Combine(dir, "prometheus.pid")) ? int.Parse(File.ReadAllText(Path.Combine(dir, "prometheus.pid")).Trim()) : 0;
            var (stopped, stopOutput) = await RunAsync(dir, "stop");
            log.WriteLine(stopOutput);
            Assert.Equal(0, stopped);
            if (pid != 0)
            {
                Assert.True(!ProcessRunner.IsRunning(pid), $"prometheus (pid {pid}) still runs after stop");
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string dir, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(ServiceProcess.RepositoryRoot, "cluster", "run.sh"), .. arguments]);
        info.Environment["WARRANTY_CLUSTER_DIR"] = dir;
        info.Environment["WARRANTY_CLUSTER_NO_BUILD"] = "1";
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(info, TimeSpan.FromMinutes(3));
        return (code, stdout + stderr);
    }

    [GeneratedRegex(@"prometheus:\s+(http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex Prometheus();
}
