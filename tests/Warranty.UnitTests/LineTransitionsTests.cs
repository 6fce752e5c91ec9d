using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>
/// The line's own transitions (enrolment, plan, termination, cancellation, usage, archiving) with no Orleans and no
/// I/O: what each stores, the history it records and what it tells the devices.
/// </summary>
public class LineTransitionsTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);
    private static readonly DateOnly Today = new(2026, 1, 10);
    private static readonly EventContext At = new(TestData.JapanInstant(2026, 1, 10), "operator:1");

    private static LineState Covered(DateOnly? terminatedOn = null)
    {
        var line = TestData.LineWithDevice(Start, TestData.Device(), terminatedOn);
        return line with { Option = line.Option! with { Periods = [new CoveredPeriod(TestData.Device(), new DateOnly(2026, 1, 12))] } };
    }

    [Fact]
    public void ENR_1_a_new_line_with_the_option_is_created_with_its_option_and_one_history_entry()
    {
        var created = LineTransitions.Create(new LineState(), "line-9", new CreateLineCommand(Plan.Giga, SimType.Esim, Start, true), At, Today);

        var change = created.Value!;
        Assert.True(change.Line.Exists);
        Assert.Equal("line-9", change.Line.LineId);
        Assert.Equal(new DateOnly(2026, 2, 1), change.Line.Option!.CoverageStartDate);
        var entry = Assert.Single(change.Line.History);
        Assert.Equal("line_created", entry.Type);
        Assert.Equal("true", entry.Data["warrantyOption"]);
        Assert.Empty(change.Notices);
    }

    [Fact]
    public void ENR_1_a_line_that_exists_is_not_created_again()
    {
        var created = LineTransitions.Create(Covered(), "line-1", new CreateLineCommand(Plan.Giga, SimType.Esim, Start, true), At, Today);

        Assert.Equal(ErrorCodes.LineExists, created.Error!.Code);
    }

    [Fact]
    public void ENR_4_a_plan_change_keeps_the_option_and_records_both_plans()
    {
        var line = Covered();

        var change = LineTransitions.ChangePlan(line, Plan.Giga, At, Today).Value!;

        Assert.Equal(Plan.Giga, change.Line.Plan);
        Assert.Same(line.Option, change.Line.Option);
        Assert.Equal(("legacy", "giga"), (change.Line.History[^1].Data["from"], change.Line.History[^1].Data["to"]));
    }

    [Fact]
    public void ENR_4_the_same_plan_changes_nothing_and_a_cancelled_line_changes_no_plan()
    {
        var line = Covered();

        Assert.Same(line, LineTransitions.ChangePlan(line, line.Plan, At, Today).Value!.Line);
        var cancelled = line with { CancelledOn = Today };
        Assert.Equal(ErrorCodes.LineCancelled, LineTransitions.ChangePlan(cancelled, Plan.Giga, At, Today).Error!.Code);
    }

    [Fact]
    public void COV_7_a_termination_tells_the_covered_device_its_last_day()
    {
        var end = new DateOnly(2026, 3, 31);

        var change = LineTransitions.Terminate(Covered(), end, At, Today).Value!;

        Assert.Equal(end, change.Line.Option!.TerminatedOn);
        var notice = Assert.Single(change.Notices);
        Assert.Equal(TestData.ImeiA, notice.Imei);
        Assert.Equal((DeviceChangeKind.EndCoverage, end, CoverageEndReason.Terminated), (notice.Change.Kind, notice.Change.Date, notice.Change.EndReason));
        Assert.Equal(notice, change.ToStore().Outbox[^1]);
    }

    [Fact]
    public void COV_7_a_cancellation_ends_the_option_with_the_line_and_a_second_one_is_refused()
    {
        var end = new DateOnly(2026, 3, 31);

        var change = LineTransitions.Cancel(Covered(), end, At).Value!;

        Assert.Equal(end, change.Line.CancelledOn);
        Assert.Equal(end, change.Line.Option!.TerminatedOn);
        Assert.Equal(CoverageEndReason.Cancelled, Assert.Single(change.Notices).Change.EndReason);
        Assert.Equal(ErrorCodes.LineCancelled, LineTransitions.Cancel(change.Line, end, At).Error!.Code);
    }

    [Fact]
    public void COV_7_a_cancellation_after_the_options_termination_tells_the_device_nothing_new()
    {
        var terminated = Covered(terminatedOn: new DateOnly(2026, 2, 28));

        var change = LineTransitions.Cancel(terminated, new DateOnly(2026, 3, 31), At).Value!;

        Assert.Empty(change.Notices);
    }

    [Fact]
    public void COV_5_usage_is_recorded_once_per_device_and_day()
    {
        var seen = TestData.JapanInstant(2026, 2, 3);

        var first = LineTransitions.RecordUsage(Covered(), TestData.ImeiA, seen);
        var again = LineTransitions.RecordUsage(first.Line, TestData.ImeiA, seen.AddHours(2));

        Assert.Single(first.Line.Usage);
        Assert.Same(first.Line, again.Line);
    }

    [Fact]
    public void CLM_1_finished_claims_of_years_before_the_previous_one_are_archived_and_their_devices_keep_references()
    {
        var old = new ClaimState { ClaimId = "C0001", Imei = TestData.ImeiA, Status = ClaimStatus.Completed, ContractYearStart = new DateOnly(2026, 2, 1) };
        var open = old with { ClaimId = "C0002", Status = ClaimStatus.Repairing };
        var recent = old with { ClaimId = "C0003", ContractYearStart = new DateOnly(2027, 2, 1) };
        var line = Covered() with { Claims = [old, open, recent] };
        var now = TestData.JapanInstant(2028, 3, 1);

        var batch = LineTransitions.Archive(line, JapanTime.DateOf(now), now)!;

        Assert.Equal(["C0001"], batch.Claims.Select(c => c.ClaimId));
        Assert.Equal(["C0002", "C0003"], batch.After.Line.Claims.Select(c => c.ClaimId));
        Assert.True(batch.After.Line.HasArchivedClaims);
        var notice = Assert.Single(batch.After.Notices);
        Assert.Equal(DeviceChangeKind.AddClaim, notice.Change.Kind);
        Assert.Equal(["C0001"], notice.Change.ClaimIds!);
        Assert.Null(LineTransitions.Archive(batch.After.Line, JapanTime.DateOf(now), now));
    }
}
