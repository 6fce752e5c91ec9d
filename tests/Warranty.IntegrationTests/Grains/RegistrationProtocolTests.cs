using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// The registration protocol across the line and device grains (REG-4, REG-5): a failure between
/// any two steps, then a retry, leaves exactly one covered device per line and no device on two lines.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class RegistrationProtocolTests(GrainClusterFixture fixture)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);

    private IClusterClient Client => fixture.Client;

    private async Task<string> NewModelAsync()
    {
        var tac = TestData.NewTac();
        await Client.GetGrain<ICatalogModelGrain>(tac).PutAsync(
            new CatalogModel(tac, "Acme", "Acme Phone", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true));
        return tac;
    }

    private async Task<ILineGrain> NewLineAsync()
    {
        var line = Client.GetGrain<ILineGrain>(TestData.NewLineId("G"));
        var created = await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 6, 10), true), Context());
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return line;
    }

    private static EventContext Context() => new(GrainClusterFixture.Now, "test");

    private static Task<Result<LineView>> RegisterAsync(ILineGrain line, string imei) =>
        line.RegisterDeviceAsync(new RegisterDeviceCommand(imei, Clean), Context());

    public static TheoryData<string> Points => new(FaultPoints.All);

    /// <summary>A line with a registered device whose correction to another device fails at <paramref name="point"/>.</summary>
    private async Task<(ILineGrain Line, string First, string Second)> CorrectionFailingAtAsync(string point)
    {
        var tac = await NewModelAsync();
        var line = await NewLineAsync();
        var first = TestData.NewImei(tac);
        var second = TestData.NewImei(tac);
        Assert.True((await RegisterAsync(line, first)).IsSuccess);

        GrainClusterFixture.Faults.ArmOnce(point);
        await Assert.ThrowsAnyAsync<Exception>(() => RegisterAsync(line, second));
        GrainClusterFixture.Faults.Disarm();
        return (line, first, second);
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task REG_4_REG_5_a_correction_failing_between_steps_completes_on_retry(string point)
    {
        var (line, first, second) = await CorrectionFailingAtAsync(point);

        var retried = await RegisterAsync(line, second);

        Assert.True(retried.IsSuccess, retried.Error?.Detail);
        Assert.Equal(second, retried.Value!.Option!.CoveredImei);
        var newDevice = await Client.GetGrain<IDeviceGrain>(second).GetAsync();
        var oldDevice = await Client.GetGrain<IDeviceGrain>(first).GetAsync();
        Assert.Equal(DeviceStatus.Covered, newDevice!.Status);
        Assert.Equal(line.GetPrimaryKeyString(), newDevice.CoveredByLineId);
        Assert.Equal(DeviceStatus.Released, oldDevice!.Status);
        Assert.Null(oldDevice.CoveredByLineId);
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task REG_5_after_a_failure_without_retry_no_device_is_held_by_two_lines(string point)
    {
        var (line, first, second) = await CorrectionFailingAtAsync(point);

        // Another line asks for both devices before the first line is touched again.
        var other = await NewLineAsync();
        var takeFirst = await RegisterAsync(other, first);
        var takeSecond = await RegisterAsync(other, second);

        var lineView = (await line.GetAsync()).Value!;
        var otherView = (await other.GetAsync()).Value!;
        foreach (var imei in new[] { first, second })
        {
            var holders = new[] { lineView, otherView }.Count(v => v.Option!.CoveredImei == imei);
            Assert.True(holders <= 1, $"{imei} is the covered device of {holders} lines after a crash at {point}");
            var device = await Client.GetGrain<IDeviceGrain>(imei).GetAsync();
            if (device?.CoveredByLineId is { } holder)
            {
                var holderView = holder == lineView.LineId ? lineView : otherView;
                Assert.Equal(imei, holderView.Option!.CoveredImei);
            }
        }

        Assert.NotNull(lineView.Option!.CoveredImei);
        Assert.True(takeFirst.IsSuccess || takeSecond.IsSuccess || otherView.Option!.CoveredImei is null);
    }

    [Fact]
    public async Task REG_5_concurrent_registrations_of_one_device_on_many_lines_let_exactly_one_win()
    {
        var tac = await NewModelAsync();
        var imei = TestData.NewImei(tac);
        var lines = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => NewLineAsync()));

        var results = await Task.WhenAll(lines.Select(l => RegisterAsync(l, imei)));

        var winner = Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.DeviceCoveredElsewhere, r.Error!.Code));
        var device = await Client.GetGrain<IDeviceGrain>(imei).GetAsync();
        Assert.Equal(winner.Value!.LineId, device!.CoveredByLineId);
    }
}
