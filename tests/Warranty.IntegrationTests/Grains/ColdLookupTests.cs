using Orleans.Runtime;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// Issue 9: a cold lookup activates the device only. The device reads its line's stored state for the coverage
/// facts instead of activating the line, and answers exactly what the line would.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class ColdLookupTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);

    private async Task<bool> IsActiveAsync(GrainId id)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics.Any(s => s.GrainId == id);
    }

    [Fact]
    public async Task COV_1_a_cold_lookup_answers_from_the_stored_line_without_activating_it()
    {
        var client = fixture.Client;
        var tac = TestData.NewTac();
        await client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        var lineId = TestData.NewLineId("CL");
        var line = client.GetGrain<ILineGrain>(lineId);
        var imei = TestData.NewImei(tac);
        var day = new DateTimeOffset(2026, 4, 20, 10, 0, 0, TimeSpan.FromHours(9));
        await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 4, 20), true), new(day, "test"));
        await line.RegisterDeviceAsync(new RegisterDeviceCommand(imei, Clean), new(day.AddDays(1), "test"));
        await line.RecordUsageAsync(imei, day.AddDays(40));
        await line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, false, null), new(day.AddDays(41), "test"));
        var date = new DateOnly(2026, 6, 15);
        var warm = (await client.GetGrain<IDeviceGrain>(imei).GetCoverageAsync(date)).Value!;

        await client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.False(await IsActiveAsync(GrainId.Create("line", lineId)));
        var cold = (await client.GetGrain<IDeviceGrain>(imei).GetCoverageAsync(date)).Value!;

        Assert.False(await IsActiveAsync(GrainId.Create("line", lineId)));
        Assert.True(cold.Covered);
        Assert.Equal(1, cold.ClaimsRemaining);
        Assert.Equal(new DateOnly(2026, 5, 30), cold.LastUsageDate);
        Assert.Equal(warm with { Rules = [] }, cold with { Rules = [] });
        Assert.Equal(warm.Rules, cold.Rules);
        var device = await client.GetGrain<IDeviceGrain>(imei).GetAsync();
        Assert.Single(device!.Claims);
    }
}
