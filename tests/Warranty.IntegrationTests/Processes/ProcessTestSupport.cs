using System.Net;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Settings for one deployment that is started, killed and started again: the same store, cluster
/// and silo ports each time, as a restarted production node would have.
/// </summary>
public static class Deployments
{
    public static async Task<Dictionary<string, string>> PostgresAsync(string prefix) =>
        Settings("postgres", await PostgresServer.Shared.CreateDatabaseAsync(prefix));

    public static Dictionary<string, string> Sqlite(string file) => Settings("sqlite", $"Data Source={file}");

    private static Dictionary<string, string> Settings(string storage, string connectionString)
    {
        var id = $"proc-{Guid.NewGuid():N}";
        return new Dictionary<string, string>
        {
            ["Warranty__Storage"] = storage,
            ["ConnectionStrings__Warranty"] = connectionString,
            ["Warranty__ClusterId"] = id,
            ["Warranty__ServiceId"] = id,
            ["Warranty__SiloPort"] = TestData.FreePort().ToString(),
            ["Warranty__GatewayPort"] = TestData.FreePort().ToString(),
        };
    }

    public static Dictionary<string, string> With(this Dictionary<string, string> settings, string key, string value) =>
        new(settings) { [key] = value };

    /// <summary>Today in Japan by the machine's clock (the processes run on real time).</summary>
    public static DateOnly Today => JapanTime.Today(TimeProvider.System);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<string> NewModelAsync(HttpClient http)
    {
        var tac = TestData.NewTac();
        var (status, body) = await http.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model(releaseDate: Iso(Today.AddMonths(-6))));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return tac;
    }

    public static async Task<string> NewLineAsync(HttpClient http)
    {
        var lineId = TestData.NewLineId("P");
        var (status, body) = await http.PostJsonAsync("/v1/lines", TestData.Line(lineId, Iso(Today)));
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return lineId;
    }

    public static async Task RegisterAsync(HttpClient http, string lineId, string imei)
    {
        var (status, body) = await http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
    }
}
