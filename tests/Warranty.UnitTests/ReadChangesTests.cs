using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;
using Warranty.Grains.ReadModel;

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
        var incurred = Changes(e).Cast<ChargeIncurred>().ToList();

        Assert.Equal(charges, incurred.Select(c => c.Charge));
        Assert.Equal([0, 1], incurred.Select(c => c.Item));
        Assert.All(incurred, c => Assert.Equal((e.Id, JapanTime.MonthIndex(2026, 6)), (c.EventId, c.Month)));
    }

    [Fact]
    public void Events_that_change_nothing_billed_make_no_read_change()
    {
        var line = Created();
        var filed = HistoryTypes.ClaimWithdrawn.Entry(At.At, "op", new Dictionary<string, string?> { ["claimId"] = "C0001" });
        line = line with { History = [.. line.History, filed], EventsPublished = 1 };

        Assert.Empty(Changes(LineEvents.Unpublished(line, Recorded).Single()));
    }
}
