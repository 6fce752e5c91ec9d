using System.Net;
using Npgsql;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 9, item 5: a claim filing is one durable write (the line's row), on PostgreSQL. The device's row is not
/// written: the device lists the line's claims on it from the facts the line sends, and stores their references
/// only when it leaves the line.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClaimWriteCountTests
{
    private static string Iso(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The stored version of the one grain of <paramref name="grainType"/> in this test's own database (0 when none).</summary>
    private static async Task<int> VersionAsync(string connectionString, string grainType)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM orleans_grain_state WHERE grain_type = @type", connection);
        command.Parameters.AddWithValue("type", grainType);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    private static async Task<string> RowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT grain_type || ' ' || coalesce(grain_id_ext, '-') || ' ' || grain_id_n0 || ' ' || grain_id_n1 || ' v' || version FROM orleans_grain_state", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join("; ", rows);
    }

    [Fact]
    public async Task CLM_1_a_filing_writes_the_line_once_and_the_device_lists_the_claim_without_a_write()
    {
        var settings = await Deployments.PostgresAsync("writes");
        var connectionString = settings["ConnectionStrings__Warranty"];
        var now = DateTimeOffset.UtcNow;
        var start = Deployments.Today.AddDays(-40);
        await using var api = await ServiceProcess.StartAsync(settings);
        var http = api.Http;
        var tac = await Deployments.NewModelAsync(http);
        var lineId = TestData.NewLineId("WC");
        var imei = TestData.NewImei(tac);
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/v1/lines", TestData.Line(lineId, Deployments.Iso(start)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, $"{Deployments.Iso(start.AddDays(1))}T10:00:00+09:00"))).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = Iso(now.AddDays(-1)) })).Status);
        var line = await VersionAsync(connectionString, "line");
        var device = await VersionAsync(connectionString, "device");
        Assert.True(line > 0 && device > 0, $"line version {line}, device version {device}: " + await RowsAsync(connectionString));

        var (filed, claim) = await http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack", at = Iso(now.AddHours(-1)) });

        Assert.True(filed == HttpStatusCode.Created, claim?.ToJsonString());
        Assert.Equal(line + 1, await VersionAsync(connectionString, "line"));
        Assert.Equal(device, await VersionAsync(connectionString, "device"));
        var (_, view) = await http.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Contains(view!["claims"]!.AsArray(), c => c.Str("claimId") == claim.Str("claimId") && c.Str("lineId") == lineId);

        // After a restart (no facts in memory) the device still lists it, from its line.
        await api.KillAsync();
        await using var again = await ServiceProcess.StartAsync(settings);
        var (_, reread) = await again.Http.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Contains(reread!["claims"]!.AsArray(), c => c.Str("claimId") == claim.Str("claimId"));
    }
}
