using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// A line that writes to its device grain (a claim's outbox) while that device grain is answering a
/// coverage lookup through the line must not deadlock: the line answers coverage interleaved.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class InterleavingTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);

    [Fact]
    public async Task Coverage_lookups_racing_claim_filings_on_the_same_line_all_complete()
    {
        var client = fixture.Client;
        var tac = TestData.NewTac();
        await client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        var lines = new List<(ILineGrain Line, string Imei)>();
        for (var i = 0; i < 4; i++)
        {
            var line = client.GetGrain<ILineGrain>(TestData.NewLineId("D"));
            var imei = TestData.NewImei(tac);
            var day = new DateTimeOffset(2026, 4, 20, 10, 0, 0, TimeSpan.FromHours(9));
            await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 4, 20), true), new(day, "test"));
            await line.RegisterDeviceAsync(new RegisterDeviceCommand(imei, Clean), new(day.AddDays(1), "test"));
            await line.RecordUsageAsync(imei, day.AddDays(40));
            lines.Add((line, imei));
        }

        var date = new DateOnly(2026, 6, 1);
        var lookups = lines.SelectMany(l => Enumerable.Range(0, 100).Select(_ => client.GetGrain<IDeviceGrain>(l.Imei).GetCoverageAsync(date)));
        var filings = lines.SelectMany(l => Enumerable.Range(0, 3).Select(n =>
            l.Line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, false, null), new(new DateTimeOffset(2026, 6, 1, 10, n, 0, TimeSpan.FromHours(9)), "test"))));

        var all = Task.WhenAll(lookups.Cast<Task>().Concat(filings));
        await all.WaitAsync(TimeSpan.FromSeconds(10));

        foreach (var (line, _) in lines)
        {
            Assert.Equal(2, (await line.GetAsync()).Value!.Option!.ContractYear.ClaimsCounted);
        }
    }
}
