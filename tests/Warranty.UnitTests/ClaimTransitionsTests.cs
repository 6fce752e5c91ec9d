using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>
/// A claim's transitions from filing to completion, with no Orleans and no I/O: what each step stores, counts and
/// charges, how it changes the covered device, and what it tells the devices.
/// </summary>
public class ClaimTransitionsTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);
    private static readonly FeeOptions Fees = new();
    private static readonly string ImeiC = Imei.WithCheckDigit(TestData.Tac + "000003");

    private static EventContext On(int month, int day) => new(TestData.JapanInstant(2026, month, day), "operator:1");

    /// <summary>A covered device, seen on the line shortly before the incidents of these tests (COV-5 passes).</summary>
    private static LineState Line()
    {
        var device = TestData.Device();
        var line = TestData.LineWithDevice(Start, device);
        return line with
        {
            Usage = UsageRules.Record(line.Usage, TestData.ImeiA, new DateOnly(2026, 5, 28)),
            Option = line.Option! with { Periods = [new CoveredPeriod(device, new DateOnly(2026, 1, 12))] },
        };
    }

    private static (LineState Line, ClaimState Claim) Filed(LineState? line = null, bool loaner = false)
    {
        var filed = ClaimTransitions.File(line ?? Line(), new FileClaimCommand(Incident.ScreenCrack, loaner, null), On(6, 1)).Value!.Line;
        return (filed, filed.Claims[^1]);
    }

    private static (LineState Line, ClaimState Claim) Step(LineState line, ClaimState claim, Func<LineState, ClaimState, Result<LineChange>> step)
    {
        var next = step(line, claim).Value!.ToStore();
        return (next, ClaimTransitions.Find(next, claim.ClaimId)!);
    }

    private static (LineState Line, ClaimState Claim) Inspecting(LineState? line = null)
    {
        var (filed, claim) = Filed(line);
        return Step(filed, claim, (l, c) => ClaimTransitions.Receive(l, c, new DeviceReceipt(true, true, true, true, true), On(6, 3)));
    }

    [Fact]
    public void CLM_1_an_accepted_claim_counts_from_its_filing_with_the_next_id_and_a_history_entry()
    {
        var (line, claim) = Filed();

        Assert.Equal(("C0001", ClaimStatus.Received, true), (claim.ClaimId, claim.Status, claim.CountsTowardLimit));
        Assert.Equal(new DateOnly(2026, 2, 1), claim.ContractYearStart);
        Assert.Equal(1, line.ClaimSequence);
        Assert.Equal(("claim_filed", "C0001"), (line.History[^1].Type, line.History[^1].Data["claimId"]));
    }

    [Fact]
    public void CLM_13_a_refused_filing_names_every_failed_rule_and_stores_nothing()
    {
        var refused = ClaimTransitions.File(Line() with { Usage = [] }, new FileClaimCommand(Incident.Theft, false, null), On(6, 1));

        Assert.Equal(ErrorCodes.ClaimRefused, refused.Error!.Code);
        Assert.Equal(["COV-1", "COV-5"], refused.Error.Rules);
    }

    [Fact]
    public void CLM_1_a_withdrawn_claim_stops_counting()
    {
        var (line, claim) = Filed();

        var withdrawn = ClaimTransitions.Withdraw(line, claim, On(6, 2)).Line.Claims[^1];

        Assert.Equal(ClaimStatus.Withdrawn, withdrawn.Status);
        Assert.False(withdrawn.CountsTowardLimit);
    }

    [Fact]
    public void CLM_7_without_the_consent_form_the_claim_does_not_go_on_to_inspection()
    {
        var (line, claim) = Filed();

        var refused = ClaimTransitions.Receive(line, claim, new DeviceReceipt(false, true, true, true, true), On(6, 3));

        Assert.Equal(ErrorCodes.ConsentFormMissing, refused.Error!.Code);
    }

    [Fact]
    public void CLM_2_an_ios_device_is_repaired_never_exchanged()
    {
        var ios = Line() with { Option = Line().Option! with { Device = TestData.Device(kind: DeviceKind.Ios) } };
        var (line, claim) = Inspecting(ios);

        var refused = ClaimTransitions.Inspect(line, claim, InspectionOutcome.Exchange, null, On(6, 4));

        Assert.Equal(["CLM-2"], refused.Error!.Rules);
    }

    [Fact]
    public void CLM_8_a_device_found_modified_is_excluded_through_the_day_before_the_inspection()
    {
        var (line, claim) = Inspecting();

        var change = ClaimTransitions.Inspect(line, claim, InspectionOutcome.Reject, RejectReason.UnofficialRepair, On(6, 4)).Value!;

        var rejected = change.Line.Claims[^1];
        Assert.Equal((ClaimStatus.Rejected, false), (rejected.Status, rejected.CountsTowardLimit));
        Assert.Null(change.Line.Option!.Device);
        Assert.Equal(TestData.ImeiA, change.Line.Option.ExcludedImei);
        var period = Assert.Single(change.Line.Option.Periods);
        Assert.Equal((new DateOnly(2026, 6, 3), CoverageEndReason.Excluded, "CLM-8"), (period.Until!.Value, period.EndReason!.Value, period.EndRule!));
        var notice = Assert.Single(change.Notices);
        Assert.Equal((TestData.ImeiA, DeviceChangeKind.Exclude), (notice.Imei, notice.Change.Kind));
        Assert.Equal(["C0001"], notice.Change.ClaimIds);
    }

    [Fact]
    public void CLM_8_a_rejection_for_another_reason_stops_counting_and_keeps_the_device_covered()
    {
        var (line, claim) = Inspecting();

        var change = ClaimTransitions.Inspect(line, claim, InspectionOutcome.Reject, RejectReason.NotCovered, On(6, 4)).Value!;

        Assert.False(change.Line.Claims[^1].CountsTowardLimit);
        Assert.Equal(TestData.ImeiA, change.Line.Option!.Device!.Imei);
        Assert.Empty(change.Notices);
    }

    [Fact]
    public void CLM_4_a_repair_charges_the_cost_above_the_cap_and_CLM_12_the_loaners_shipping()
    {
        var (filed, claim) = Filed(loaner: true);
        var (line, inspecting) = Step(filed, claim, (l, c) => ClaimTransitions.Receive(l, c, new DeviceReceipt(true, true, true, true, true), On(6, 3)));
        var (repairing, repair) = Step(line, inspecting, (l, c) => ClaimTransitions.Inspect(l, c, InspectionOutcome.Repair, null, On(6, 4)));

        var completed = ClaimTransitions.CompleteRepair(repairing, repair, 62_000, null, null, On(6, 20), Fees).Line.Claims[^1];

        Assert.Equal(ClaimStatus.Completed, completed.Status);
        Assert.Equal(
            [(ChargeKind.ExcessOverCap, 12_000, false), (ChargeKind.LoanerShipping, 1_100, true)],
            completed.Charges.Select(c => (c.Kind, c.AmountYen, c.Taxable)));
    }

    [Fact]
    public void CLM_6_the_makers_replacement_unit_becomes_the_covered_device_from_the_completion_date()
    {
        var (line, claim) = Inspecting();
        (line, claim) = Step(line, claim, (l, c) => ClaimTransitions.Inspect(l, c, InspectionOutcome.Repair, null, On(6, 4)));
        var unit = ClaimRules.MakerUnit(line, claim, ImeiC, TestData.Model(), On(6, 20).At);

        var change = ClaimTransitions.CompleteRepair(line, claim, 20_000, ImeiC, unit, On(6, 20), Fees);

        Assert.Equal(ImeiC, change.Line.Option!.Device!.Imei);
        Assert.Equal(ImeiC, change.Line.Claims[^1].Replacement!.Imei);
        Assert.Equal(
            [(ImeiC, DeviceChangeKind.BecomeCovered), (TestData.ImeiA, DeviceChangeKind.Replaced)],
            change.Notices.Select(n => (n.Imei, n.Change.Kind)));
        Assert.Equal(
            [(TestData.ImeiA, (DateOnly?)new DateOnly(2026, 6, 19), "CLM-6"), (ImeiC, null, null)],
            change.Line.Option.Periods.Select(p => (p.Device.Imei, p.Until, p.EndRule)));
    }

    [Fact]
    public void CLM_6_a_unit_whose_model_is_not_in_the_catalogue_is_taken_as_the_replaced_devices_model()
    {
        var (line, claim) = Filed();

        var unit = ClaimRules.MakerUnit(line, claim, ImeiC, null, On(6, 20).At);

        Assert.Equal((ImeiC, "Phone 1", DeviceKind.Android, new DateOnly(2025, 6, 1)), (unit.Imei, unit.ModelName, unit.Kind, unit.ReleaseDate));
        Assert.False(ClaimRules.IsMakerReplacement(claim, claim.Imei));
        Assert.True(ClaimRules.IsMakerReplacement(claim, ImeiC));
    }

    [Fact]
    public void CLM_9_the_exchange_device_is_another_device_of_a_designated_model_of_the_same_kind()
    {
        var (line, claim) = Inspecting();
        (line, claim) = Step(line, claim, (l, c) => ClaimTransitions.Inspect(l, c, InspectionOutcome.Exchange, null, On(6, 4)));

        Assert.Equal(["CLM-9"], ClaimTransitions.CheckShipmentTarget(line, claim, TestData.ImeiA)!.Rules);
        Assert.Null(ClaimTransitions.CheckShipmentTarget(line, claim, ImeiC));
        var notDesignated = ClaimTransitions.BeginShipment(line, claim, ImeiC, TestData.Model(), On(6, 5), null);
        Assert.Equal(ErrorCodes.ReplacementNotDesignated, notDesignated.Error!.Code);
    }

    [Fact]
    public void CLM_9_a_shipment_is_an_intent_until_committed_and_BIL_4_delivery_charges_the_fee_by_use_number()
    {
        var designated = TestData.Model() with { ExchangeDesignated = true };
        var (line, claim) = Inspecting();
        (line, claim) = Step(line, claim, (l, c) => ClaimTransitions.Inspect(l, c, InspectionOutcome.Exchange, null, On(6, 4)));

        (line, claim) = Step(line, claim, (l, c) => ClaimTransitions.BeginShipment(l, c, ImeiC, designated, On(6, 5), "key-1"));
        Assert.Equal((ClaimStatus.ExchangePending, ImeiC, "key-1"), (claim.Status, claim.PendingShipment!.Imei, claim.PendingShipmentKey));
        Assert.Null(ClaimTransitions.AbortShipment(line, claim).Line.Claims[^1].PendingShipment);

        (line, claim) = (ClaimTransitions.CommitShipment(line, claim, On(6, 5)).Line, ClaimTransitions.CommitShipment(line, claim, On(6, 5)).Line.Claims[^1]);
        Assert.Equal((ClaimStatus.ExchangeShipped, ImeiC), (claim.Status, claim.Replacement!.Imei));
        Assert.Null(claim.PendingShipment);

        var delivered = ClaimTransitions.Deliver(line, claim, On(6, 7), Fees);
        Assert.Equal(ImeiC, delivered.Line.Option!.Device!.Imei);
        Assert.Equal(
            [(ChargeKind.ExchangeFee, 4_400, new DateOnly(2026, 6, 7)), (ChargeKind.CodFee, 330, new DateOnly(2026, 6, 7))],
            delivered.Line.Claims[^1].Charges.Select(c => (c.Kind, c.AmountYen, c.Date)));
        Assert.Equal("1", delivered.Line.History[^1].Data["useNumber"]);
        Assert.Equal([DeviceChangeKind.BecomeCovered, DeviceChangeKind.Replaced], delivered.Notices.Select(n => n.Change.Kind));
    }

    [Fact]
    public void CLM_11_a_problem_with_the_exchange_device_is_reported_within_2_days_of_arrival()
    {
        var (line, claim) = Filed();
        var delivered = claim with { Status = ClaimStatus.Completed, Service = ClaimService.Exchange, DeliveredAt = On(6, 7).At };
        line = line with { Claims = [delivered] };

        var inTime = ClaimTransitions.ReportInitialDefect(line, delivered, On(6, 9)).Value!.Line;
        var late = ClaimTransitions.ReportInitialDefect(line, delivered, On(6, 10));

        Assert.Equal(On(6, 9).At, inTime.Claims[^1].InitialDefectReportedAt);
        Assert.Equal(ClaimStatus.Completed, inTime.Claims[^1].Status);
        Assert.Equal("claim_initial_defect_reported", inTime.History[^1].Type);
        Assert.Equal(["CLM-11"], late.Error!.Rules);
    }

    [Fact]
    public void A_step_on_a_missing_claim_is_404_and_out_of_order_409()
    {
        var (line, _) = Filed();

        Assert.Equal(ErrorCodes.ClaimNotFound, ClaimTransitions.Open(line, "C0009", ClaimStepKind.Withdrawal, On(6, 2).At).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidClaimTransition, ClaimTransitions.Open(line, "C0001", ClaimStepKind.Inspection, On(6, 2).At).Error!.Code);
        Assert.Equal("C0001", ClaimTransitions.Open(line, "C0001", ClaimStepKind.Withdrawal, On(6, 2).At).Value!.ClaimId);
    }
}
