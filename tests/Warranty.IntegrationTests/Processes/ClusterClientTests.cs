using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>src/Silo alone on PostgreSQL membership, and src/Api joining it as a pure client (Warranty:Hosting=client).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterClientTests
{
    [Fact]
    public async Task A_front_door_in_client_mode_serves_the_api_from_a_standalone_silo()
    {
        var settings = await Deployments.PostgresAsync("cluster");
        // The grains' per-event lines are Debug (appsettings.json): turned on here to see where the device grain ran.
        await using var silo = await ServiceProcess.StartSiloAsync(settings.With("Logging__LogLevel__Warranty.Grains", "Debug"));
        await using var api = await ServiceProcess.StartAsync(settings
            .With("Warranty__Hosting", "client")
            .With("Warranty__SiloPort", TestData.FreePort().ToString()));

        var tac = await Deployments.NewModelAsync(api.Http);
        var lineId = await Deployments.NewLineAsync(api.Http);
        var imei = TestData.NewImei(tac);
        await Deployments.RegisterAsync(api.Http, lineId, imei);

        var (status, device) = await api.Http.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(lineId, device.Str("coveredByLineId"));
        Assert.DoesNotContain("Warranty silo started", api.Output);
        Assert.Contains("Device " + imei + " attached", silo.Output);
    }
}
