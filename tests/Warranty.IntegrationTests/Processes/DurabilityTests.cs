using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Each durable mode keeps what it acknowledged: write through the API, SIGKILL the process,
/// start it again on the same store, read everything back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DurabilityTests
{
    [Fact]
    public async Task Postgres_keeps_every_acknowledged_write_across_a_kill()
    {
        await WriteKillAndReadBackAsync(await Deployments.PostgresAsync("durable"));
    }

    [Fact]
    public async Task Sqlite_keeps_every_acknowledged_write_across_a_kill()
    {
        var folder = Directory.CreateTempSubdirectory("warranty-durable-");
        try
        {
            await WriteKillAndReadBackAsync(Deployments.Sqlite(Path.Combine(folder.FullName, "warranty.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task WriteKillAndReadBackAsync(Dictionary<string, string> settings)
    {
        string lineId, imei, tac;
        string lineBefore, deviceBefore, historyBefore;
        await using (var first = await ServiceProcess.StartAsync(settings))
        {
            tac = await Deployments.NewModelAsync(first.Http);
            lineId = await Deployments.NewLineAsync(first.Http);
            imei = TestData.NewImei(tac);
            await Deployments.RegisterAsync(first.Http, lineId, imei);
            var (usage, _) = await first.Http.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei });
            Assert.Equal(HttpStatusCode.NoContent, usage);
            var (stock, _) = await first.Http.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 7 });
            Assert.Equal(HttpStatusCode.OK, stock);
            lineBefore = (await first.Http.GetJsonAsync($"/v1/lines/{lineId}")).Body!.ToJsonString();
            deviceBefore = (await first.Http.GetJsonAsync($"/v1/devices/{imei}")).Body!.ToJsonString();
            historyBefore = (await first.Http.GetJsonAsync($"/v1/lines/{lineId}/history")).Body!.ToJsonString();
            await first.KillAsync();
        }

        await using var second = await ServiceProcess.StartAsync(settings);
        Assert.Equal(lineBefore, (await second.Http.GetJsonAsync($"/v1/lines/{lineId}")).Body!.ToJsonString());
        Assert.Equal(deviceBefore, (await second.Http.GetJsonAsync($"/v1/devices/{imei}")).Body!.ToJsonString());
        Assert.Equal(historyBefore, (await second.Http.GetJsonAsync($"/v1/lines/{lineId}/history")).Body!.ToJsonString());
        var (_, coverage) = await second.Http.GetJsonAsync($"/v1/devices/{imei}/coverage");
        Assert.Equal(Deployments.Iso(Deployments.Today), coverage.Str("lastUsageDate"));
        var (_, stockAfter) = await second.Http.GetJsonAsync($"/v1/exchange-stock/{tac}");
        Assert.Equal("7", stockAfter.Str("quantity"));
        var (_, model) = await second.Http.GetJsonAsync($"/v1/catalog/models/{tac}");
        Assert.Equal(tac, model.Str("tac"));
    }
}
