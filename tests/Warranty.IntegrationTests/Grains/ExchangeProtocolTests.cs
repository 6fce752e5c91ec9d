using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// CLM-9 across the line, two device grains and the stock: a failure between any two steps of a
/// shipment or delivery, then a retry with the same Idempotency-Key, leaves one covered device per
/// line, no device on two lines and the stock taken exactly once.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class ExchangeProtocolTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);
    private static readonly DateTimeOffset Day = new(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(9));

    private IClusterClient Client => fixture.Client;

    public static TheoryData<string> Points => new(FaultPoints.Exchange);

    private static async Task<T> KeyedAsync<T>(string key, Func<Task<T>> call)
    {
        IdempotencyContext.Set(key, key);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>Calls until the step is answered: a simulated crash surfaces as an exception, and the client retries.</summary>
    private static async Task<Result<ClaimView>> RetryAsync(string key, Func<Task<Result<ClaimView>>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await KeyedAsync(key, call);
            }
            catch (Exception) when (attempt < 3)
            {
                GrainClusterFixture.Faults.Disarm();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task CLM_9_an_exchange_interrupted_at_any_step_completes_on_retry_and_takes_stock_once(string point)
    {
        var tac = TestData.NewTac();
        await Client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        Assert.True((await Client.GetGrain<IExchangeStockGrain>(tac).SetAsync(5)).IsSuccess);
        var line = Client.GetGrain<ILineGrain>(TestData.NewLineId("X"));
        var lineId = line.GetPrimaryKeyString();
        var old = TestData.NewImei(tac);
        var replacement = TestData.NewImei(tac);
        await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 4, 20), true), new(Day.AddDays(-40), "test"));
        Assert.True((await line.RegisterDeviceAsync(new RegisterDeviceCommand(old, Clean), new(Day.AddDays(-37), "test"))).IsSuccess);
        await line.RecordUsageAsync(old, Day.AddDays(-1));
        var claim = (await line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, false, null), new(Day, "test"))).Value!;
        await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.DeviceReceipt, Receipt: new DeviceReceipt(true, true, true, true, true)), new(Day.AddHours(1), "test"));
        Assert.True((await line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Exchange), new(Day.AddHours(2), "test"))).IsSuccess);

        GrainClusterFixture.Faults.ArmOnce(point);
        var shipped = await RetryAsync($"ship-{lineId}", () => line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.ExchangeShipment, Imei: replacement), new(Day.AddHours(3), "test")));
        GrainClusterFixture.Faults.ArmOnce(point);
        var delivered = await RetryAsync($"deliver-{lineId}", () => line.StepAsync(claim.ClaimId, new ClaimStep(ClaimStepKind.ExchangeDelivery), new(Day.AddHours(4), "test")));
        GrainClusterFixture.Faults.Disarm();

        Assert.True(shipped.IsSuccess, shipped.Error?.Detail);
        Assert.Equal(ClaimStatus.ExchangeShipped, shipped.Value!.Status);
        Assert.True(delivered.IsSuccess, delivered.Error?.Detail);
        Assert.Equal(ClaimStatus.Completed, delivered.Value!.Status);
        // Stock taken exactly once.
        Assert.Equal(4, (await Client.GetGrain<IExchangeStockGrain>(tac).GetAsync()).Value!.Quantity);
        // One covered device for the line, and it is the replacement; the old one is replaced.
        var view = (await line.GetAsync()).Value!;
        Assert.Equal(replacement, view.Option!.CoveredImei);
        var newDevice = await Client.GetGrain<IDeviceGrain>(replacement).GetAsync();
        var oldDevice = await Client.GetGrain<IDeviceGrain>(old).GetAsync();
        Assert.Equal((DeviceStatus.Covered, lineId, old), (newDevice!.Status, newDevice.CoveredByLineId, newDevice.ReplacesImei));
        Assert.Equal((DeviceStatus.Replaced, (string?)null, replacement), (oldDevice!.Status, oldDevice.CoveredByLineId, oldDevice.ReplacedByImei));
        // No other line can take the replacement.
        var other = Client.GetGrain<ILineGrain>(TestData.NewLineId("X"));
        await other.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 6, 10), true), new(GrainClusterFixture.Now, "test"));
        var taken = await other.RegisterDeviceAsync(new RegisterDeviceCommand(replacement, Clean), new(GrainClusterFixture.Now, "test"));
        Assert.Equal(ErrorCodes.DeviceCoveredElsewhere, taken.Error?.Code);
        // The exchange fee and COD fee were charged once.
        Assert.Equal(2, delivered.Value.Charges.Count);
    }

    [Fact]
    public async Task CLM_9_concurrent_shipments_never_take_stock_below_zero()
    {
        var tac = TestData.NewTac();
        await Client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        await Client.GetGrain<IExchangeStockGrain>(tac).SetAsync(3);
        var stock = Client.GetGrain<IExchangeStockGrain>(tac);

        var takes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => stock.TakeAsync($"shipment-{i}", DateTimeOffset.UtcNow)));
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => stock.TakeAsync($"shipment-{i}", DateTimeOffset.UtcNow)));

        Assert.Equal(3, takes.Count(t => t.IsSuccess));
        Assert.All(takes.Where(t => !t.IsSuccess), t => Assert.Equal(ErrorCodes.OutOfStock, t.Error!.Code));
        Assert.Equal(3, retries.Count(t => t.IsSuccess));
        Assert.Equal(0, (await stock.GetAsync()).Value!.Quantity);
    }
}
