using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 12: <c>Warranty.Api backup PATH</c> copies the SQLite store while the service runs, and a fresh process on
/// the copy reads back the same lines, devices and claims (and nothing written after the copy). Real processes.
/// </summary>
public sealed class BackupTests
{
    [Fact]
    public async Task A_backup_taken_while_the_service_runs_restores_into_a_fresh_process_with_identical_lines_devices_and_claims()
    {
        var folder = Directory.CreateTempSubdirectory("warranty-backup-").FullName;
        var settings = Deployments.Sqlite(Path.Combine(folder, "warranty.db"));
        var backup = Path.Combine(folder, "copies", "warranty-backup.db");
        await using var service = await ServiceProcess.StartAsync(settings);
        var http = service.Http;

        // Two covered lines, one with a claim (its line started two months ago, so its coverage has begun).
        var tac = await Deployments.NewModelAsync(http);
        var start = Deployments.Today.AddMonths(-2);
        var reads = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var lineId = TestData.NewLineId("B");
            var imei = TestData.NewImei(tac);
            Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/v1/lines", TestData.Line(lineId, Deployments.Iso(start)))).Status);
            var registeredAt = $"{Deployments.Iso(start.AddDays(1))}T10:00:00+09:00";
            Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, registeredAt))).Status);
            reads.AddRange([$"/v1/lines/{lineId}", $"/v1/devices/{imei}", $"/v1/lines/{lineId}/claims", $"/v1/lines/{lineId}/history"]);
            if (i == 0)
            {
                var usedAt = $"{Deployments.Iso(Deployments.Today.AddDays(-1))}T10:00:00+09:00";
                Assert.Equal(HttpStatusCode.NoContent, (await http.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = usedAt })).Status);
                var (filed, claim) = await http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack" });
                Assert.True(filed == HttpStatusCode.Created, claim?.ToJsonString());
            }
        }

        var before = await ReadAllAsync(http, reads);
        var (code, stdout, stderr) = await BackupAsync(settings, backup);
        // Written after the copy: not in it.
        var later = TestData.NewLineId("B");
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/v1/lines", TestData.Line(later, Deployments.Iso(start)))).Status);

        Assert.True(code == 0, stderr);
        Assert.StartsWith($"backup: copied the SQLite store {Path.Combine(folder, "warranty.db")} to {backup}", stdout);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        }

        // A backup never overwrites.
        var (again, _, refusal) = await BackupAsync(settings, backup);
        Assert.Equal(1, again);
        Assert.Contains("never overwrites", refusal);

        // The same deployment (its ServiceId keys the stored state) on the copy.
        await service.KillAsync();
        await using var restored = await ServiceProcess.StartAsync(settings.With("ConnectionStrings__Warranty", $"Data Source={backup}"));
        var after = await ReadAllAsync(restored.Http, reads);
        Assert.Equal(before.Count, after.Count);
        foreach (var (path, body) in before)
        {
            Assert.True(JsonNode.DeepEquals(body, after[path]), $"{path}: {body?.ToJsonString()} became {after[path]?.ToJsonString()}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await restored.Http.GetJsonAsync($"/v1/lines/{later}")).Status);
    }

    [Fact]
    public async Task A_backup_of_a_PostgreSQL_store_points_to_pg_dump_and_bad_usage_exits_2()
    {
        var (postgres, _, advice) = await BackupAsync(new Dictionary<string, string> { ["Warranty__Storage"] = "postgres" }, Path.Combine(Path.GetTempPath(), "never.db"));
        var (usage, _, text) = await BackupAsync(new Dictionary<string, string>());

        Assert.Equal(2, postgres);
        Assert.Contains("pg_dump", advice);
        Assert.Equal(2, usage);
        Assert.Contains("usage: backup PATH", text);
    }

    private static async Task<Dictionary<string, JsonNode?>> ReadAllAsync(HttpClient http, IEnumerable<string> paths)
    {
        var bodies = new Dictionary<string, JsonNode?>();
        foreach (var path in paths)
        {
            var (status, body) = await http.GetJsonAsync(path);
            Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body?.ToJsonString()}");
            bodies[path] = body;
        }

        return bodies;
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> BackupAsync(IReadOnlyDictionary<string, string> settings, params string[] target) =>
        ServiceProcess.RunCommandAsync(settings, ["backup", .. target]);
}
