using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Lines;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// Issue 10: a line and devices stored before coverage periods were kept (no <c>periods</c> in their state) get their
/// periods from what the state records (the registration and correction history, the claims' delivered units) when
/// they are read, and answer every date as a line that kept them would.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class CoveragePeriodMigrationTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);
    private static readonly DeviceReceipt FullReceipt = new(true, true, true, true, true);

    private IGrainStorage Storage => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(WarrantyStorageOptions.ProviderName);

    private static DateTimeOffset At(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public async Task COV_time_state_stored_without_periods_answers_every_date_as_before()
    {
        var client = fixture.Client;
        var tac = TestData.NewTac();
        await client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "M1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        await client.GetGrain<IExchangeStockGrain>(tac).SetAsync(5);
        var lineId = TestData.NewLineId("MG");
        var line = client.GetGrain<ILineGrain>(lineId);
        var (first, second, third) = (TestData.NewImei(tac), TestData.NewImei(tac), TestData.NewImei(tac));
        await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 4, 20), true), new(At(4, 20, 9), "test"));
        Assert.True((await line.RegisterDeviceAsync(new RegisterDeviceCommand(first, Clean), new(At(4, 21, 10), "test"))).IsSuccess);
        // REG-4: corrected on 2026-04-25.
        Assert.True((await line.RegisterDeviceAsync(new RegisterDeviceCommand(second, Clean), new(At(4, 25, 10), "test"))).IsSuccess);
        await line.RecordUsageAsync(second, At(5, 20, 10));
        var claim = (await line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, false, null), new(At(6, 1, 10), "test"))).Value!;
        Assert.True((await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.DeviceReceipt, Receipt: FullReceipt), new(At(6, 2, 10), "test"))).IsSuccess);
        Assert.True((await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Exchange), new(At(6, 3, 10), "test"))).IsSuccess);
        Assert.True((await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.ExchangeShipment, Imei: third), new(At(6, 4, 10), "test"))).IsSuccess);
        // CLM-9: delivered on 2026-06-05.
        Assert.True((await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.ExchangeDelivery), new(At(6, 5, 10), "test"))).IsSuccess);

        var dates = Enumerable.Range(0, 60).Select(i => new DateOnly(2026, 4, 15).AddDays(i)).ToArray();
        var kept = await AnswersAsync([first, second, third], dates);
        var keptPeriods = await PeriodsAsync([first, second, third]);

        // As an earlier version stored them: no periods on the line or the devices.
        await client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await RewriteAsync<LineState>(LineGrain.StateName, LineGrain.IdOf(lineId), s => s with { Option = s.Option! with { Periods = [] } });
        foreach (var imei in new[] { first, second, third })
        {
            await RewriteAsync<DeviceState>("device", GrainId.Create("device", imei), s => s with { Periods = [] });
        }

        // Cold: the devices read the stored line (its periods derived) without activating it.
        AssertSame(kept, await AnswersAsync([first, second, third], dates));
        Assert.Equal(keptPeriods, await PeriodsAsync([first, second, third]));
        // Warm, once the line is active again (it derives them on activation).
        Assert.True((await line.GetAsync()).IsSuccess);
        await client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.True((await line.GetAsync()).IsSuccess);
        AssertSame(kept, await AnswersAsync([first, second, third], dates));

        Assert.Equal(
            [
                $"{first}: {lineId} 2026-04-21..2026-04-24 Released",
                $"{second}: {lineId} 2026-04-25..2026-06-04 Replaced",
                $"{third}: {lineId} 2026-06-05..- -",
            ],
            keptPeriods);
    }

    private static void AssertSame(List<string> expected, List<string> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"expected {expected[i]}\n  actual {actual[i]}");
        }
    }

    private async Task RewriteAsync<T>(string stateName, GrainId id, Func<T, T> change)
    {
        var stored = new GrainState<T>();
        await Storage.ReadStateAsync(stateName, id, stored);
        stored.State = change(stored.State!);
        await Storage.WriteStateAsync(stateName, id, stored);
    }

    private async Task<List<string>> AnswersAsync(string[] imeis, DateOnly[] dates)
    {
        var answers = new List<string>();
        foreach (var imei in imeis)
        {
            foreach (var date in dates)
            {
                var v = (await fixture.Client.GetGrain<IDeviceGrain>(imei).GetCoverageAsync(date)).Value!;
                answers.Add($"{imei} {date:yyyy-MM-dd} covered={v.Covered} line={v.LineId} remaining={v.ClaimsRemaining} fee={v.NextExchangeFeeYen} " +
                    $"usage={v.LastUsageDate} natural={v.NaturalFailureCovered} rules={string.Join(",", v.Rules)}");
            }
        }

        return answers;
    }

    private async Task<List<string>> PeriodsAsync(string[] imeis)
    {
        var periods = new List<string>();
        foreach (var imei in imeis)
        {
            var device = (await fixture.Client.GetGrain<IDeviceGrain>(imei).GetAsync())!;
            periods.AddRange(device.CoveragePeriods.Select(p => $"{imei}: {p.LineId} {p.From:yyyy-MM-dd}..{p.Until?.ToString("yyyy-MM-dd") ?? "-"} {p.EndReason?.ToString() ?? "-"}"));
        }

        return periods;
    }
}
