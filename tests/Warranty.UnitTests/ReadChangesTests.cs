using System.Text.Json;
using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;
using Warranty.Grains.ReadModel;
using Warranty.Grains.Storage;

namespace Warranty.UnitTests;

/// <summary>
/// Issue 14, with no database: which events a line publishes (its unpublished history entries, each with a stable id,
/// the completing step's charges with it), and what each event changes in the read tables (BIL-1..4).
/// </summary>
public class ReadChangesTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);
    private static readonly EventContext At = new(TestData.JapanInstant(2026, 1, 10), "operator:1");
    private static readonly DateTimeOffset Recorded = TestData.JapanInstant(2026, 1, 10, 13);

    private static LineState Created() =>
        LineTransitions.Create(new LineState(), "line-9", new CreateLineCommand(Plan.Giga, SimType.Esim, Start, true), At, Start).Value!.Line;

    private static IReadOnlyList<ReadChange> Changes(LogEvent e, long sequence = 7) => ReadChanges.Of(new StoredEvent(sequence, e)).ToList();

    [Fact]
    public void Only_the_entries_after_those_published_are_events_and_their_ids_count_archived_entries()
    {
        var line = Created();
        line = LineTransitions.ChangePlan(line, Plan.Legacy, At, Start).Value!.Line;

        Assert.Equal(["line-9:0", "line-9:1"], LineEvents.Unpublished(line, Recorded).Select(e => e.Id));
        Assert.Equal(["line-9:1"], LineEvents.Unpublished(line with { EventsPublished = 1 }, Recorded).Select(e => e.Id));
        Assert.Empty(LineEvents.Unpublished(line with { EventsPublished = 2 }, Recorded));
        Assert.False(LineEvents.HasUnpublished(line with { EventsPublished = 2 }));

        // Three entries archived before: the hot ones are the 4th and 5th the line ever had.
        var archived = line with { ArchivedHistoryCount = 3, EventsPublished = 3 };
        Assert.Equal(["line-9:3", "line-9:4"], LineEvents.Unpublished(archived, Recorded).Select(e => e.Id));
    }

    [Fact]
    public void BIL_2_a_created_line_opens_its_read_row_with_its_first_charged_month()
    {
        var created = LineEvents.Unpublished(Created(), Recorded).Single();

        var opened = Assert.IsType<LineOpened>(Assert.Single(Changes(created)));

        Assert.Equal(("line-9", "giga", Start, true, 7L), (opened.LineId, opened.Plan, opened.ServiceStartDate, opened.HasOption, opened.Sequence));
        // Started in January: charged from March (BIL-2).
        Assert.Equal(JapanTime.MonthIndex(2026, 3), opened.FirstChargedMonth);
    }

    [Fact]
    public void BIL_3_a_termination_and_a_cancellation_end_the_charged_months_in_their_month()
    {
        var line = Created();
        var terminated = LineTransitions.Terminate(line, new DateOnly(2026, 5, 31), At, Start).Value!.Line;
        var cancelled = LineTransitions.Cancel(line, new DateOnly(2026, 4, 1), At).Value!.Line;

        var end = Assert.IsType<OptionEnded>(Assert.Single(Changes(LineEvents.Unpublished(terminated with { EventsPublished = 1 }, Recorded).Single())));
        Assert.Equal((new DateOnly(2026, 5, 31), JapanTime.MonthIndex(2026, 5)), (end.TerminatedOn, end.LastChargedMonth));

        var changes = Changes(LineEvents.Unpublished(cancelled with { EventsPublished = 1 }, Recorded).Single());
        Assert.Equal(new DateOnly(2026, 4, 1), Assert.IsType<LineCancelled>(changes[0]).CancelledOn);
        Assert.Equal(JapanTime.MonthIndex(2026, 4), Assert.IsType<OptionEnded>(changes[1]).LastChargedMonth);
    }

    [Fact]
    public void BIL_4_a_completing_steps_charges_travel_with_its_event_and_become_read_charges_of_their_month()
    {
        var charges = new List<ChargeItem>
        {
            new(ChargeKind.ExcessOverCap, "C0001", new DateOnly(2026, 6, 1), 20_000, 0, false),
            new(ChargeKind.LoanerShipping, "C0001", new DateOnly(2026, 6, 1), 1_100, 100, true),
        };
        var entry = HistoryTypes.ClaimRepairCompleted.Entry(At.At, "op", new Dictionary<string, string?>
        {
            ["claimId"] = "C0001", ["repairCostYen"] = HistoryValues.Of(70_000), ["makerReplacementImei"] = null,
        });
        var line = Created() with { Claims = [new ClaimState { ClaimId = "C0001", Charges = charges }] };
        line = line with { History = [.. line.History, entry], EventsPublished = 1 };

        var e = LineEvents.Unpublished(line, Recorded).Single();
        var incurred = Changes(e).OfType<ChargeIncurred>().ToList();
        Assert.Equal(("C0001", At.At), Changes(e).OfType<ClaimCompleted>().Select(c => (c.ClaimId, c.CompletedAt)).Single());

        Assert.Equal(charges, incurred.Select(c => c.Charge));
        Assert.Equal([0, 1], incurred.Select(c => c.Item));
        Assert.All(incurred, c => Assert.Equal((e.Id, JapanTime.MonthIndex(2026, 6)), (c.EventId, c.Month)));
    }

    [Fact]
    public void Events_that_change_nothing_read_make_no_read_change()
    {
        var line = Created();
        var reported = HistoryTypes.ClaimInitialDefectReported.Entry(At.At, "op", new Dictionary<string, string?> { ["claimId"] = "C0001" });
        line = line with { History = [.. line.History, reported], EventsPublished = 1 };

        Assert.Empty(Changes(LineEvents.Unpublished(line, Recorded).Single()));
    }

    private static LogEvent Event(HistoryType type, Dictionary<string, string?> data, DateTimeOffset? at = null)
    {
        var line = Created();
        line = line with { History = [.. line.History, type.Entry(at ?? At.At, "op", data)], EventsPublished = 1 };
        return LineEvents.Unpublished(line, Recorded).Single();
    }

    [Fact]
    public void A_filed_claim_opens_its_read_row_with_its_devices_tac_incident_and_time()
    {
        var filed = Event(HistoryTypes.ClaimFiled, new()
        {
            ["claimId"] = "C0002", ["imei"] = "358240051111110", ["incident"] = "water_damage", ["loanerRequested"] = "false", ["note"] = null,
        });

        Assert.Equal(new ClaimOpened("line-9", 7, "C0002", "35824005", "water_damage", At.At), Changes(filed).Single());
    }

    [Theory]
    [InlineData("repair", ClaimOutcome.Repair, ClaimService.Repair)]
    [InlineData("exchange", ClaimOutcome.Exchange, ClaimService.Exchange)]
    [InlineData("reject", ClaimOutcome.Reject, null)]
    public void An_inspection_decides_the_claims_outcome_and_service(string outcome, ClaimOutcome expected, ClaimService? service)
    {
        var inspected = Event(HistoryTypes.ClaimInspected, new()
        {
            ["claimId"] = "C0001", ["outcome"] = outcome, ["reason"] = outcome == "reject" ? "no_fault_found" : null,
        });

        Assert.Equal(new ClaimDecided("line-9", 7, "C0001", expected, service), Changes(inspected).Single());
    }

    [Fact]
    public void A_withdrawal_is_the_claims_outcome()
    {
        var withdrawn = Event(HistoryTypes.ClaimWithdrawn, new() { ["claimId"] = "C0001" });

        Assert.Equal(new ClaimDecided("line-9", 7, "C0001", ClaimOutcome.Withdrawn, null), Changes(withdrawn).Single());
    }

    [Fact]
    public void A_registration_names_its_models_tac()
    {
        var registered = Event(HistoryTypes.DeviceRegistered, new() { ["imei"] = "358240051111110", ["model"] = "A1" });
        var corrected = Event(HistoryTypes.DeviceCorrected, new() { ["imei"] = "353911100000006", ["model"] = "Pixel 9", ["replacesImei"] = "358240051111110" });

        Assert.Equal(new ModelNamed("line-9", 7, "35824005", "A1"), Changes(registered).Single());
        Assert.Equal(new ModelNamed("line-9", 7, "35391110", "Pixel 9"), Changes(corrected).Single());
    }

    [Fact]
    public void CLM_9_a_stock_movement_is_an_event_with_its_shipments_line_and_becomes_a_read_movement()
    {
        var taken = new PendingStockMovement("35824005", 4, StockMovementKind.Shipment, -1, 11, "line-9/C0001", At.At);
        var set = new PendingStockMovement("35824005", 5, StockMovementKind.Set, 39, 50, null, At.At);

        var takenEvent = StockEvents.Of(taken, Recorded);
        var setEvent = StockEvents.Of(set, Recorded);

        Assert.Equal(("stock:35824005:4", "line-9", StockEvents.Taken), (takenEvent.Id, takenEvent.LineId, takenEvent.Type));
        Assert.Equal(("stock:35824005:5", "", StockEvents.Set), (setEvent.Id, setEvent.LineId, setEvent.Type));
        Assert.Contains("\"kind\":\"shipment\"", takenEvent.Data);
        Assert.Equal(new StockMoved("line-9", 7, "stock:35824005:4", "35824005", StockMovementKind.Shipment, -1, 11, At.At), Changes(takenEvent).Single());
        Assert.Equal(new StockMoved("", 7, "stock:35824005:5", "35824005", StockMovementKind.Set, 39, 50, At.At), Changes(setEvent).Single());
    }

    [Fact]
    public void CLM_9_a_stock_movement_names_its_model_so_a_model_only_ever_stocked_has_a_name()
    {
        var taken = new PendingStockMovement("35700001", 2, StockMovementKind.Shipment, -1, 7, "line-9/C0002", At.At, "Spare Phone");
        var takenEvent = StockEvents.Of(taken, Recorded);

        Assert.Contains("\"model\":\"Spare Phone\"", takenEvent.Data);
        Assert.Equal(
            [
                new StockMoved("line-9", 7, "stock:35700001:2", "35700001", StockMovementKind.Shipment, -1, 7, At.At),
                new ModelNamed("line-9", 7, "35700001", "Spare Phone"),
            ],
            Changes(takenEvent));
    }

    [Fact]
    public void A_stock_movement_stored_before_models_were_carried_still_reads_and_names_none()
    {
        // The outbox of a stock stored by an earlier version: no "model" in its pending movements.
        const string stored = """{"tac":"35700001","number":3,"kind":"Set","delta":5,"quantity":12,"at":"2026-05-01T10:00:00+09:00"}""";
        var options = new JsonSerializerOptions();
        GrainStateJson.Configure(options);
        var movement = JsonSerializer.Deserialize<PendingStockMovement>(stored, options)!;

        Assert.Null(movement.Model);
        Assert.Equal(
            new StockMoved("", 7, "stock:35700001:3", "35700001", StockMovementKind.Set, 5, 12, movement.At),
            Changes(StockEvents.Of(movement, Recorded)).Single());
    }
}
