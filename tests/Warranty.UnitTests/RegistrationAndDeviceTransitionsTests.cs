using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>
/// The registration's transitions on the line (checked, begun, committed or aborted) and the device's own transitions
/// as its lines tell them, with no Orleans and no I/O.
/// </summary>
public class RegistrationAndDeviceTransitionsTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);
    private static readonly EventContext At = new(TestData.JapanInstant(2026, 1, 12), "subscriber:line-1");

    private static RegisterDeviceCommand Command(string imei) => new(imei, TestData.CleanDeclarations);

    private static DeviceView Known(DeviceStatus status) => new(TestData.ImeiB, TestData.Tac, "Phone 1", status, null, null, null, null, [], []);

    [Fact]
    public void REG_2_after_the_window_no_device_is_registered()
    {
        var late = new DateTimeOffset(2026, 1, 25, 12, 0, 0, JapanTime.Offset);

        var check = RegistrationTransitions.Check(TestData.LineWithOption(Start), TestData.ImeiA, late);

        Assert.Equal(["REG-2"], check.Error!.Rules);
    }

    [Fact]
    public void REG_1_the_covered_device_registered_again_changes_nothing_and_a_line_without_the_option_takes_none()
    {
        Assert.False(RegistrationTransitions.Check(TestData.LineWithDevice(Start, TestData.Device()), TestData.ImeiA, At.At).Value);
        Assert.True(RegistrationTransitions.Check(TestData.LineWithOption(Start), TestData.ImeiA, At.At).Value);
        Assert.Equal(["REG-1"], RegistrationTransitions.Check(TestData.LineWithoutOption(Start), TestData.ImeiA, At.At).Error!.Rules);
    }

    [Fact]
    public void REG_3_a_model_not_in_the_catalogue_is_refused()
    {
        var begun = RegistrationTransitions.Begin(TestData.LineWithOption(Start), Command(TestData.ImeiA), null, null, At, null);

        Assert.Equal((ErrorCodes.ModelNotFound, "REG-3"), (begun.Error!.Code, begun.Error.Rules.Single()));
    }

    [Fact]
    public void REG_7c_a_device_the_system_found_modified_is_ineligible_whatever_was_declared()
    {
        var begun = RegistrationTransitions.Begin(TestData.LineWithOption(Start), Command(TestData.ImeiB), TestData.Model(), Known(DeviceStatus.Excluded), At, null);

        Assert.Contains("REG-7c", begun.Error!.Rules);
    }

    [Fact]
    public void REG_4_a_correction_covers_the_new_device_from_its_date_and_releases_the_old_one()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());
        line = line with { Option = line.Option! with { Periods = [new CoveredPeriod(TestData.Device(), new DateOnly(2026, 1, 12))] } };
        var correction = new EventContext(TestData.JapanInstant(2026, 1, 20), "operator:1");

        var intent = RegistrationTransitions.Begin(line, Command(TestData.ImeiB), TestData.Model(), Known(DeviceStatus.Released), correction, "key-1").Value!;
        Assert.Equal((TestData.ImeiB, "key-1"), (intent.Line.PendingRegistration!.Device.Imei, intent.Line.PendingRegistration.RequestKey));
        Assert.Null(RegistrationTransitions.Abort(intent.Line).Line.PendingRegistration);

        var committed = RegistrationTransitions.Commit(intent.Line);

        Assert.Null(committed.Line.PendingRegistration);
        Assert.Equal(TestData.ImeiB, committed.Line.Option!.Device!.Imei);
        Assert.Equal(
            [(TestData.ImeiA, (DateOnly?)new DateOnly(2026, 1, 19), "REG-4"), (TestData.ImeiB, null, null)],
            committed.Line.Option.Periods.Select(p => (p.Device.Imei, p.Until, p.EndRule)));
        var release = Assert.Single(committed.Notices);
        Assert.Equal((TestData.ImeiA, DeviceChangeKind.Release), (release.Imei, release.Change.Kind));
        Assert.Equal(("device_corrected", TestData.ImeiA), (committed.Line.History[^1].Type, committed.Line.History[^1].Data["replacesImei"]));
    }

    private static DeviceState Attached(string lineId = "line-1") =>
        DeviceTransitions.Attach(new DeviceState(), TestData.ImeiA, lineId, "Phone 1", At.At).Value!;

    [Fact]
    public void REG_4_an_attached_device_is_covered_by_its_line_from_the_registration_date()
    {
        var device = Attached();

        Assert.Equal((true, DeviceStatus.Covered, "line-1"), (device.Exists, device.Status, device.LineId));
        Assert.True(DeviceTransitions.IsAttachedTo(device, "line-1"));
        Assert.Equal(new DateOnly(2026, 1, 12), Assert.Single(device.Periods).From);
    }

    [Fact]
    public void CLM_8_an_excluded_device_leaves_coverage_the_day_before_and_REG_7c_is_never_attached_again()
    {
        var excluded = DeviceTransitions.Apply(
            Attached(), TestData.ImeiA, new DeviceChange(DeviceChangeKind.Exclude, "line-1", TestData.JapanInstant(2026, 6, 4), ClaimIds: ["C0001"]));

        Assert.Equal(DeviceStatus.Excluded, excluded.Status);
        Assert.Equal((new DateOnly(2026, 6, 3), CoverageEndReason.Excluded), (excluded.Periods[0].Until!.Value, excluded.Periods[0].EndReason!.Value));
        Assert.Equal([new ClaimRef("line-1", "C0001")], excluded.Claims);
        Assert.Equal(["REG-7c"], DeviceTransitions.Attach(excluded, TestData.ImeiA, "line-2", "Phone 1", At.At).Error!.Rules);
    }

    [Fact]
    public void COV_7_a_device_whose_option_ended_is_released_after_its_last_day()
    {
        var ended = DeviceTransitions.Apply(
            Attached(), TestData.ImeiA, new DeviceChange(DeviceChangeKind.EndCoverage, "line-1", At.At, Date: new DateOnly(2026, 3, 31), EndReason: CoverageEndReason.Terminated));

        Assert.Equal(DeviceStatus.Covered, DeviceTransitions.StatusOn(ended, new DateOnly(2026, 3, 31)));
        Assert.Equal(DeviceStatus.Released, DeviceTransitions.StatusOn(ended, new DateOnly(2026, 4, 1)));
    }

    [Fact]
    public void REG_5_a_device_another_line_covers_is_not_taken_by_an_exchange_and_changes_from_other_lines_do_not_apply()
    {
        var device = Attached("line-2");
        var take = new DeviceChange(DeviceChangeKind.BecomeCovered, "line-1", At.At, OtherImei: TestData.ImeiB, ModelName: "Phone 1");

        Assert.True(DeviceTransitions.CoveredByAnother(device, take));
        Assert.Same(device, DeviceTransitions.Apply(device, TestData.ImeiA, take));
        Assert.Same(device, DeviceTransitions.Apply(device, TestData.ImeiA, new DeviceChange(DeviceChangeKind.Release, "line-1", At.At)));
    }

    [Fact]
    public void CLM_9_a_reserved_exchange_device_becomes_covered_on_delivery_and_the_reservation_ends()
    {
        var reserved = DeviceTransitions.Reserve(new DeviceState(), TestData.ImeiB, "line-1", "line-1/C0001");
        Assert.True(DeviceTransitions.IsReservedFor(reserved, "line-1", "line-1/C0001"));

        var covered = DeviceTransitions.Apply(
            reserved, TestData.ImeiB, new DeviceChange(DeviceChangeKind.BecomeCovered, "line-1", At.At, OtherImei: TestData.ImeiA, ModelName: "Phone 2"));

        Assert.Equal((DeviceStatus.Covered, "line-1", TestData.ImeiA, "Phone 2"), (covered.Status, covered.LineId, covered.ReplacesImei, covered.ModelName));
        Assert.Null(covered.ReservedForLineId);
    }

    [Fact]
    public void REG_5_another_line_holds_a_device_while_its_link_covers_the_date_and_an_exchange_reservation_holds_it_outright()
    {
        var device = Attached("line-2");
        var date = new DateOnly(2026, 3, 1);

        Assert.Equal("line-2", DeviceTransitions.HolderOn(device, TestData.ImeiA, "line-1", date).Value);
        Assert.Null(DeviceTransitions.HolderOn(device, TestData.ImeiA, "line-2", date).Value);
        Assert.Null(DeviceTransitions.HolderOn(device with { CoveredUntil = date.AddDays(-1) }, TestData.ImeiA, "line-1", date).Value);
        Assert.Equal(["REG-5"], DeviceTransitions.HolderOn(device with { ReservedForLineId = "line-3" }, TestData.ImeiA, "line-1", date).Error!.Rules);

        Assert.Equal(["REG-5"], DeviceTransitions.HeldBy(new DeviceLink(true, null), TestData.ImeiA, date)!.Rules);
        Assert.Null(DeviceTransitions.HeldBy(new DeviceLink(true, date.AddDays(-1)), TestData.ImeiA, date));
        Assert.Null(DeviceTransitions.HeldBy(new DeviceLink(false, null), TestData.ImeiA, date));
    }
}
