using System.Text.Json.Nodes;
using Warranty.Grains.Events;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// Issue 14: every history entry a line commits is recorded in the event log exactly once, with the charges of the
/// step that incurred them (BIL-4), across a crash between the log write and the line counting it, and across a log
/// that refuses writes for a while.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class EventPublicationTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);
    private static readonly DateTimeOffset Day = new(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(9));

    private IClusterClient Client => fixture.Client;

    private static FlakyEventLog Log => GrainClusterFixture.EventLog;

    private async Task<ILineGrain> RepairedLineAsync()
    {
        var tac = TestData.NewTac();
        await Client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        var line = Client.GetGrain<ILineGrain>(TestData.NewLineId("E"));
        var imei = TestData.NewImei(tac);
        Assert.True((await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 4, 20), true), new(Day.AddDays(-40), "test"))).IsSuccess);
        Assert.True((await line.RegisterDeviceAsync(new RegisterDeviceCommand(imei, Clean), new(Day.AddDays(-37), "test"))).IsSuccess);
        await line.RecordUsageAsync(imei, Day.AddDays(-1));
        var claim = (await line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, true, null), new(Day, "test"))).Value!;
        await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.DeviceReceipt, Receipt: new DeviceReceipt(true, true, true, true, true)), new(Day.AddHours(1), "test"));
        await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Repair), new(Day.AddHours(2), "test"));
        var completed = await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.RepairCompletion, RepairCostYen: 60_000), new(Day.AddHours(3), "test"));
        Assert.True(completed.IsSuccess, completed.Error?.Detail);
        return line;
    }

    /// <summary>Waits until the log holds <paramref name="count"/> events of the line (a retry or a resume runs in the background).</summary>
    private static async Task<List<LogEvent>> EventsAsync(string lineId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var events = await Log.OfAsync(lineId);
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task BIL_4_each_history_entry_is_one_event_and_the_completed_repair_carries_its_charges()
    {
        var line = await RepairedLineAsync();
        var lineId = line.GetPrimaryKeyString();
        var history = (await line.GetHistoryAsync()).Value!;

        // The last change's append may still be under way: the request does not wait for the log.
        var events = await EventsAsync(lineId, history.Count);

        Assert.Equal(history.Select((h, i) => ($"{lineId}:{i}", h.Type, h.At)), events.Select(e => (e.Id, e.Type, e.At)));
        var repaired = JsonNode.Parse(events.Single(e => e.Type == "claim_repair_completed").Data)!;
        Assert.Equal(60_000, repaired["repairCostYen"]!.GetValue<int>());
        Assert.Equal("test", repaired["actor"]!.GetValue<string>());
        var claim = (await line.GetClaimsAsync()).Value!.Single();
        Assert.Equal(
            claim.Charges.Select(c => (WireNames.Of(c.Kind), c.ClaimId, c.Date.ToString("yyyy-MM-dd"), c.AmountYen, c.TaxYen, c.Taxable)),
            repaired["charges"]!.AsArray().Select(c => (
                c!["kind"]!.GetValue<string>(), c["claimId"]?.GetValue<string>(), c["date"]!.GetValue<string>(),
                c["amountYen"]!.GetValue<int>(), c["taxYen"]!.GetValue<int>(), c["taxable"]!.GetValue<bool>())));
        Assert.Equal(["excess_over_cap", "loaner_shipping"], repaired["charges"]!.AsArray().Select(c => c!["kind"]!.GetValue<string>()));
        Assert.All(events.Where(e => e.Type != "claim_repair_completed"), e => Assert.Null(JsonNode.Parse(e.Data)!["charges"]));
    }

    [Fact]
    public async Task A_crash_after_the_log_write_publishes_again_on_activation_and_the_log_keeps_each_event_once()
    {
        var line = await RepairedLineAsync();
        var lineId = line.GetPrimaryKeyString();

        // The change is stored and its append is under way when the line "dies": it deactivates, settles the append
        // (the log has it) and fails before counting it or storing anything more.
        Assert.True((await line.ChangePlanAsync(Plan.Legacy, new(Day.AddHours(5), "test"))).IsSuccess);
        GrainClusterFixture.Faults.ArmOnce(FaultPoints.EventsPublished);
        await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        GrainClusterFixture.Faults.Disarm();

        // The next activation finds the entry counted as unpublished and publishes it again; the log ignores the repeat.
        Assert.Equal(Plan.Legacy, (await line.GetAsync()).Value!.Plan);
        Assert.True((await line.ChangePlanAsync(Plan.Giga, new(Day.AddHours(6), "test"))).IsSuccess);
        var history = (await line.GetHistoryAsync()).Value!;
        var events = await EventsAsync(lineId, history.Count);

        Assert.Equal(history.Select((h, i) => $"{lineId}:{i}"), events.Select(e => e.Id));
        Assert.Equal(["plan_changed", "plan_changed"], events.TakeLast(2).Select(e => e.Type));
    }

    [Fact]
    public async Task A_log_that_refuses_writes_does_not_fail_the_change_and_the_line_publishes_it_later()
    {
        var line = await RepairedLineAsync();
        var lineId = line.GetPrimaryKeyString();
        var before = (await EventsAsync(lineId, (await line.GetHistoryAsync()).Value!.Count)).Count;

        Log.FailNext(1);
        var changed = await line.ChangePlanAsync(Plan.Legacy, new(Day.AddHours(5), "test"));

        Assert.True(changed.IsSuccess, changed.Error?.Detail);
        Assert.Equal(before, (await Log.OfAsync(lineId)).Count);
        // The line tries again on its own a few seconds later.
        var events = await EventsAsync(lineId, before + 1);
        Assert.Equal(before + 1, events.Count);
        Assert.Equal("plan_changed", events[^1].Type);
    }

    [Fact]
    public async Task CLM_9_each_stock_movement_is_handed_to_the_log_once_however_quickly_they_follow_each_other()
    {
        var tac = TestData.NewTac();
        await Client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        var stock = Client.GetGrain<IExchangeStockGrain>(tac);
        await stock.SetAsync(50);

        // Each take is stored and its append started before the previous append (20 ms of linger) has landed.
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await stock.TakeAsync($"line-{i}/C0001", Day)).IsSuccess);
        }

        var ids = Enumerable.Range(0, 21).Select(n => StockEvents.IdOf(tac, n)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (ids.Any(id => Log.HandedCount(id) == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // Two writes racing with one id would each take a sequence number and leave one unused: a gap the projection waits on.
        Assert.Equal(ids.Select(_ => 1), ids.Select(Log.HandedCount));
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => $"line-{i}"),
            (await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Log.OfAsync($"line-{i}")))).Select(e => e.Single().LineId));
    }
}
