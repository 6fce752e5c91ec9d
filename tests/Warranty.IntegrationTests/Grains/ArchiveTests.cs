using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>A line's hot state stays bounded: old finished claims and old history move to its archive and stay readable.</summary>
[Collection(GrainCollection.Name)]
public sealed class ArchiveTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);

    private static EventContext At(int year, int month, int day) => new(new DateTimeOffset(year, month, day, 10, 0, 0, TimeSpan.FromHours(9)), "test");

    [Fact]
    public async Task Claims_of_old_contract_years_leave_the_hot_state_and_stay_readable()
    {
        var client = fixture.Client;
        var tac = TestData.NewTac();
        await client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2024, 1, 1), false, true, true, true, true));
        var line = client.GetGrain<ILineGrain>(TestData.NewLineId("A"));
        var imei = TestData.NewImei(tac);
        try
        {
            GrainClusterFixture.Clock.Set(At(2024, 5, 20).At);
            await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2024, 4, 20), true), At(2024, 4, 20));
            Assert.True((await line.RegisterDeviceAsync(new RegisterDeviceCommand(imei, Clean), At(2024, 4, 25))).IsSuccess);
            await line.RecordUsageAsync(imei, At(2024, 5, 10).At);
            // A repair with a loaner and a cost over the cap, finished in May 2024 (contract year 2024-05-01).
            var repaired = (await line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, true, null), At(2024, 5, 11))).Value!;
            await line.StepAsync(repaired.ClaimId, new ClaimStep(ClaimStepKind.DeviceReceipt, Receipt: new DeviceReceipt(true, true, true, true, true)), At(2024, 5, 12));
            await line.StepAsync(repaired.ClaimId, new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Repair), At(2024, 5, 13));
            Assert.True((await line.StepAsync(repaired.ClaimId, new ClaimStep(ClaimStepKind.RepairCompletion, RepairCostYen: 60_000), At(2024, 5, 14))).IsSuccess);
            // A claim still open, of the same year.
            var open = (await line.FileClaimAsync(new FileClaimCommand(Incident.WaterDamage, false, null), At(2024, 5, 15))).Value!;
            var before = await line.GetStatsAsync();

            // Two years on, any change of the line archives what is old.
            GrainClusterFixture.Clock.Set(At(2026, 6, 15).At);
            await line.ChangePlanAsync(Plan.Legacy, At(2026, 6, 15));

            var after = await line.GetStatsAsync();
            Assert.Equal(2, before.HotClaims);
            Assert.Equal(1, after.HotClaims);
            Assert.Equal(7, after.ArchivedHistory);
            Assert.Equal(1, after.HotHistory);
            var claims = (await line.GetClaimsAsync()).Value!;
            Assert.Equal([repaired.ClaimId, open.ClaimId], claims.Select(c => c.ClaimId).ToArray());
            Assert.Equal(ClaimStatus.Completed, (await line.GetClaimAsync(repaired.ClaimId)).Value!.Status);
            var may2024 = (await line.GetChargesAsync(2024, 5)).Value!;
            Assert.Equal(10_000 + 1_100, may2024.TotalYen);
            var history = (await line.GetHistoryAsync()).Value!;
            Assert.Equal("line_created", history[0].Type);
            Assert.Equal("plan_changed", history[^1].Type);
            Assert.Equal(before.HotHistory + 1, history.Count);
        }
        finally
        {
            GrainClusterFixture.Clock.Set(GrainClusterFixture.Now);
        }
    }
}
