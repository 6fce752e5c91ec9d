using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using Warranty.Grains.Hosting;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Infrastructure;
using Warranty.IntegrationTests.Storage;

namespace Warranty.IntegrationTests.Grains;

/// <summary>
/// "Time" under COV (issue 10), as a property: random sequences of registrations, corrections, usage, claims through
/// every step (repairs, maker replacements, exchanges, rejections, withdrawals) and terminations, played day by day over two contract years on
/// the test clock. Each day, once its events are recorded, every device is asked about that day; at the end every one
/// of those answers must come back unchanged, from warm grains and again from storage after every activation is gone.
/// Each case runs a silo of its own, with its own clock, on memory, SQLite and PostgreSQL storage.
/// </summary>
public sealed class CoverageTimelineTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Declarations Clean = new(true, true, false, false, false, false, false, false);
    private static readonly TimeSpan Japan = TimeSpan.FromHours(9);
    private static readonly DeviceReceipt FullReceipt = new(true, true, true, true, true);

    private IClusterClient Client { get; set; } = null!;

    private SettableClock Clock { get; } = new(GrainClusterFixture.Now);

    public static TheoryData<StorageKind, int> Cases => new()
    {
        { StorageKind.Memory, 1 }, { StorageKind.Memory, 2 }, { StorageKind.Memory, 3 },
        { StorageKind.Sqlite, 4 }, { StorageKind.Sqlite, 5 },
        { StorageKind.Postgres, 6 }, { StorageKind.Postgres, 7 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task COV_time_every_answer_about_a_day_stays_what_it_was_on_that_day(StorageKind storage, int seed)
    {
        using var sqlite = storage == StorageKind.Sqlite ? new TempSqliteFile() : null;
        var connectionString = storage switch
        {
            StorageKind.Postgres => await PostgresServer.Shared.CreateDatabaseAsync("timeline"),
            StorageKind.Sqlite => sqlite!.ConnectionString,
            _ => null,
        };
        var serviceId = $"timeline-{Guid.NewGuid():N}";
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.WithSiloSettings(StorageTestSupport.Configuration(storage, connectionString, serviceId)).ConfigureSilo((_, silo) =>
        {
            silo.AddWarrantyStorage();
            silo.Services.AddKeyedSingleton<TimeProvider>(RulesClock.Key, Clock);
            silo.Services.AddWarrantyGrainServices();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        Client = cluster.Client;

        var (recorded, events) = await PlayAsync(new Random(seed));
        output.WriteLine($"{storage} seed {seed}: {recorded.Count} answers; " + string.Join(", ", events.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
        Assert.True(recorded.Count > 500, $"only {recorded.Count} answers recorded");
        // Each sequence changes the covered device at least once and takes claims through their steps.
        Assert.True(events.GetValueOrDefault("devices") >= 2 && events.GetValueOrDefault("claim steps") >= 3, string.Join(", ", events));

        await AssertUnchangedAsync(recorded, "warm");
        await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await AssertUnchangedAsync(recorded, "after deactivation");
    }

    private async Task AssertUnchangedAsync(Dictionary<(string Imei, DateOnly Date), CoverageView> recorded, string when)
    {
        foreach (var ((imei, date), then) in recorded)
        {
            var now = (await Client.GetGrain<IDeviceGrain>(imei).GetCoverageAsync(date)).Value!;
            var same = (then with { Rules = [] }) == (now with { Rules = [] }) && then.Rules.SequenceEqual(now.Rules);
            Assert.True(same, $"{when}: {imei} on {date}: recorded {Describe(then)}, now {Describe(now)}");
        }
    }

    private static string Describe(CoverageView v) =>
        $"covered={v.Covered} line={v.LineId} claimsRemaining={v.ClaimsRemaining} exchange={v.ExchangeAvailable} fee={v.NextExchangeFeeYen} " +
        $"lastUsage={v.LastUsageDate} natural={v.NaturalFailureCovered} rules=[{string.Join(",", v.Rules)}]";

    /// <summary>Plays 450 days (two contract years) of one line; returns each device's answer about each day, asked on that day.</summary>
    private async Task<(Dictionary<(string Imei, DateOnly Date), CoverageView> Recorded, Dictionary<string, int> Events)> PlayAsync(Random random)
    {
        var events = new Dictionary<string, int>();
        void Count(string what) => events[what] = events.GetValueOrDefault(what) + 1;
        var tac = TestData.NewTac();
        await Client.GetGrain<ICatalogModelGrain>(tac).PutAsync(new CatalogModel(tac, "Acme", "T1", DeviceKind.Android, new DateOnly(2024, 3, 1), false, true, true, true, true));
        await Client.GetGrain<IExchangeStockGrain>(tac).SetAsync(100);
        var start = new DateOnly(2026, 1, 5);
        var lineId = TestData.NewLineId("TL");
        var line = Client.GetGrain<ILineGrain>(lineId);
        var devices = new List<string>();
        string? covered = null;
        string? openClaim = null;
        var terminatedOn = (DateOnly?)null;
        var recorded = new Dictionary<(string, DateOnly), CoverageView>();

        DateTimeOffset At(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), Japan);
        EventContext Ctx(DateOnly day, int hour) => new(At(day, hour), "test");

        string NewDevice()
        {
            var imei = TestData.NewImei(tac);
            devices.Add(imei);
            return imei;
        }

        Clock.Set(At(start, 8));
        Assert.True((await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, start, true), Ctx(start, 8))).IsSuccess);

        for (var day = start; day < start.AddDays(450); day = day.AddDays(1))
        {
            Clock.Set(At(day, 8));
            var active = terminatedOn is not { } end || day <= end;

            // REG-1, REG-4: the first registration, and corrections within the window (start + 14 days).
            if (active && day <= start.AddDays(14) && (covered is null ? day > start : random.NextDouble() < 0.15))
            {
                var imei = NewDevice();
                if ((await line.RegisterDeviceAsync(new RegisterDeviceCommand(imei, Clean), Ctx(day, 9))).IsSuccess)
                {
                    Count(covered is null ? "registrations" : "corrections");
                    covered = imei;
                }
            }

            // COV-5: the network sees the covered device.
            if (active && covered is not null && random.NextDouble() < 0.3)
            {
                await line.RecordUsageAsync(covered, At(day, 9).AddMinutes(30));
            }

            if (active && openClaim is null && covered is not null && random.NextDouble() < 0.08)
            {
                var filed = await line.FileClaimAsync(new FileClaimCommand(Incident.ScreenCrack, random.NextDouble() < 0.3, null), Ctx(day, 11));
                openClaim = filed.IsSuccess ? filed.Value!.ClaimId : null;
                Count(filed.IsSuccess ? "claims filed" : "claims refused");
            }
            else if (openClaim is not null && random.NextDouble() < 0.5)
            {
                var claim = (await line.GetClaimAsync(openClaim)).Value!;
                var step = claim.Status switch
                {
                    ClaimStatus.Received when random.NextDouble() < 0.15 => new ClaimStep(ClaimStepKind.Withdrawal),
                    ClaimStatus.Received => new ClaimStep(ClaimStepKind.DeviceReceipt, Receipt: FullReceipt),
                    ClaimStatus.Inspecting => random.NextDouble() switch
                    {
                        < 0.45 => new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Repair),
                        < 0.8 => new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Exchange),
                        < 0.9 => new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Reject, Reason: RejectReason.UnofficialRepair),
                        _ => new ClaimStep(ClaimStepKind.Inspection, Outcome: InspectionOutcome.Reject, Reason: RejectReason.NoFaultFound),
                    },
                    ClaimStatus.Repairing => new ClaimStep(
                        ClaimStepKind.RepairCompletion,
                        RepairCostYen: random.Next(5_000, 80_000),
                        Imei: random.NextDouble() < 0.3 ? NewDevice() : null),
                    ClaimStatus.ExchangePending => new ClaimStep(ClaimStepKind.ExchangeShipment, Imei: NewDevice()),
                    ClaimStatus.ExchangeShipped => new ClaimStep(ClaimStepKind.ExchangeDelivery),
                    _ => null,
                };
                if (step is not null)
                {
                    var result = await line.StepAsync(openClaim, step, Ctx(day, 12));
                    if (result.IsSuccess)
                    {
                        Count("claim steps");
                        Count(result.Value!.Status.ToString());
                    }

                    if (result.IsSuccess && result.Value!.Status is ClaimStatus.Completed or ClaimStatus.Rejected or ClaimStatus.Withdrawn)
                    {
                        openClaim = null;
                    }
                }
                else
                {
                    openClaim = null;
                }
            }

            // COV-7: now and then the option ends, on this day or a few days on.
            if (terminatedOn is null && day > start.AddDays(60) && random.NextDouble() < 0.003)
            {
                var last = day.AddDays(random.Next(0, 10));
                if ((await line.TerminateOptionAsync(last, Ctx(day, 13))).IsSuccess)
                {
                    terminatedOn = last;
                    Count("terminations");
                }
            }

            covered = (await line.GetAsync()).Value!.Option?.CoveredImei;

            // The day's answers, asked once the day's events are recorded.
            Clock.Set(At(day, 23));
            foreach (var imei in devices)
            {
                var answer = await Client.GetGrain<IDeviceGrain>(imei).GetCoverageAsync(day);
                if (answer.IsSuccess)
                {
                    recorded[(imei, day)] = answer.Value!;
                }
            }
        }

        events["devices"] = devices.Count;
        return (recorded, events);
    }
}
