using Warranty.Grains.Interfaces;
using static Warranty.Grains.Domain.LineHistory;

namespace Warranty.Grains.Domain;

/// <summary>
/// A claim's changes (CLM-1..13, BIL-4), as transitions of its line: each returns the line with the claim moved, its
/// history entry, its charges and any change of the covered device with the notices for the devices. What other
/// grains answer (the catalogue's model of a replacement) comes in as arguments.
/// </summary>
public static class ClaimTransitions
{
    /// <summary>CLM-13: a claim is accepted when no rule fails (<see cref="ClaimRules.Decide"/>); it counts from then on (CLM-1).</summary>
    public static Result<LineChange> File(LineState line, FileClaimCommand command, EventContext context)
    {
        var date = JapanTime.DateOf(context.At);
        var decision = ClaimRules.Decide(line, command.Incident, date);
        if (!decision.Eligible)
        {
            return WarrantyError.Refused(ErrorCodes.ClaimRefused, ClaimRules.Explain(line, decision, command.Incident, date), decision.Rules);
        }

        var sequence = line.ClaimSequence + 1;
        var claim = ClaimRules.NewClaim(ClaimRules.ClaimIdFor(sequence), decision, command, context.At);
        return LineChange.Ok(line with
        {
            ClaimSequence = sequence,
            Claims = [.. line.Claims, claim],
            History = WithClaim(line, context, HistoryTypes.ClaimFiled, claim, new()
            {
                ["imei"] = claim.Imei,
                ["incident"] = Wire(claim.Incident),
                ["loanerRequested"] = HistoryValues.Of(claim.LoanerRequested),
                ["note"] = claim.Note,
            }),
        });
    }

    /// <summary>The claim <paramref name="claimId"/>, if <paramref name="step"/> may be taken on it at <paramref name="at"/> (404, 409, 422).</summary>
    public static Result<ClaimState> Open(LineState line, string claimId, ClaimStepKind step, DateTimeOffset at)
    {
        if (Find(line, claimId) is not { } claim)
        {
            return LineErrors.ClaimNotFound(line.LineId, claimId);
        }

        return ClaimRules.CheckStep(claim, step, at) is { } refused ? refused : Result<ClaimState>.Ok(claim);
    }

    /// <summary>CLM-1: a withdrawn claim stops counting.</summary>
    public static LineChange Withdraw(LineState line, ClaimState claim, EventContext context) =>
        Move(line, ClaimCounting.Uncounted(claim), ClaimStatus.Withdrawn, context, HistoryTypes.ClaimWithdrawn, []);

    /// <summary>CLM-7: no inspection without the consent form; the other items are recorded as declared.</summary>
    public static Result<LineChange> Receive(LineState line, ClaimState claim, DeviceReceipt receipt, EventContext context)
    {
        if (ClaimRules.CheckReceipt(receipt) is { } missing)
        {
            return missing;
        }

        return LineChange.Ok(Move(line, claim with { Receipt = receipt }, ClaimStatus.Inspecting, context, HistoryTypes.ClaimDeviceReceived, new()
        {
            ["consentFormEnclosed"] = HistoryValues.Of(true),
            ["simAndSdRemoved"] = HistoryValues.Of(receipt.SimAndSdRemoved),
            ["esimErased"] = HistoryValues.Of(receipt.EsimErased),
            ["dataErased"] = HistoryValues.Of(receipt.DataErased),
            ["eCertificateRevoked"] = HistoryValues.Of(receipt.ECertificateRevoked),
        }));
    }

    /// <summary>
    /// The inspection decides: repair (CLM-5, sent to the maker), exchange (CLM-2: android and windows only), or
    /// rejection (CLM-1: it stops counting; CLM-8: found modified, the covered device is excluded from then on).
    /// </summary>
    public static Result<LineChange> Inspect(LineState line, ClaimState claim, InspectionOutcome outcome, RejectReason? reason, EventContext context)
    {
        var data = new Dictionary<string, string?>
        {
            ["outcome"] = Wire(outcome),
            ["reason"] = reason is { } r ? Wire(r) : null,
        };
        switch (outcome)
        {
            case InspectionOutcome.Repair:
                return LineChange.Ok(Move(line, claim with { Service = ClaimService.Repair }, ClaimStatus.Repairing, context, HistoryTypes.ClaimInspected, data));
            case InspectionOutcome.Exchange:
                return ClaimRules.CheckExchangeAvailable(claim.Kind) is { } repairOnly
                    ? repairOnly
                    : LineChange.Ok(Move(line, claim with { Service = ClaimService.Exchange }, ClaimStatus.ExchangePending, context, HistoryTypes.ClaimInspected, data));
            default:
                var rejected = Move(line, ClaimCounting.Uncounted(claim) with { RejectReason = reason }, ClaimStatus.Rejected, context, HistoryTypes.ClaimInspected, data);
                return LineChange.Ok(ClaimRules.Excludes(line, claim, reason) ? Exclude(rejected.Line, claim.Imei, context) : rejected);
        }
    }

    /// <summary>
    /// CLM-8: the device found modified stops being covered, through the day before the inspection, and the option
    /// covers no device from then on; the device is told, with the line's claims on it.
    /// </summary>
    private static LineChange Exclude(LineState line, string imei, EventContext context) => new(
        line with
        {
            Option = line.Option! with
            {
                Device = null,
                ExcludedImei = imei,
                Periods = CoveragePeriods.End(CoveragePeriods.Of(line), CoveragePeriods.DayBefore(context.At), CoverageEndReason.Excluded, "CLM-8"),
            },
        },
        [new OutboxItem(imei, new DeviceChange(DeviceChangeKind.Exclude, line.LineId, context.At, ClaimIds: LineChange.ClaimIdsOn(line, imei)))]);

    /// <summary>
    /// A repair completes (CLM-3: no fee; CLM-4: the excess over the cap; CLM-12: the loaner's shipping). With
    /// <paramref name="makerUnit"/> (<see cref="ClaimRules.MakerUnit"/>), CLM-6: the maker replaced the unit, still a
    /// repair, and the new unit becomes the covered device.
    /// </summary>
    public static LineChange CompleteRepair(
        LineState line, ClaimState claim, int repairCostYen, string? makerReplacementImei, CoveredDevice? makerUnit, EventContext context, FeeOptions fees)
    {
        var charges = ClaimRules.RepairCharges(claim.ClaimId, repairCostYen, claim.LoanerRequested, JapanTime.DateOf(context.At), fees);
        var completed = claim with { RepairCostYen = repairCostYen, Charges = charges, Replacement = makerUnit ?? claim.Replacement };
        var moved = Move(line, completed, ClaimStatus.Completed, context, HistoryTypes.ClaimRepairCompleted, new()
        {
            ["repairCostYen"] = HistoryValues.Of(repairCostYen),
            ["makerReplacementImei"] = makerReplacementImei,
        });
        return makerUnit is null ? moved : SwapCoveredDevice(moved.Line, claim.Imei, makerUnit, context.At, "CLM-6");
    }

    /// <summary>CLM-9: the exchange device is another device than the one it replaces and the line's covered one.</summary>
    public static WarrantyError? CheckShipmentTarget(LineState line, ClaimState claim, string replacementImei) =>
        replacementImei == claim.Imei || replacementImei == line.Option?.Device?.Imei
            ? WarrantyError.Conflict(
                ErrorCodes.DeviceCoveredElsewhere,
                $"CLM-9: {replacementImei} is the device the exchange replaces (or the line's covered device); the exchange device must be another.",
                "CLM-9")
            : null;

    /// <summary>
    /// CLM-9: the intent of a shipment (<see cref="ClaimState.PendingShipment"/>) once the replacement's model is a
    /// designated exchange model of the claimed device's kind.
    /// </summary>
    public static Result<LineChange> BeginShipment(LineState line, ClaimState claim, string replacementImei, CatalogModel? model, EventContext context, string? requestKey)
    {
        if (ClaimRules.CheckReplacementModel(model, claim.Kind) is { } notDesignated)
        {
            return notDesignated;
        }

        var pending = new CoveredDevice(replacementImei, model!.Tac, model.Model, model.Kind, model.ReleaseDate, context.At);
        return LineChange.Ok(Replace(line, claim with { PendingShipment = pending, PendingShipmentKey = requestKey }));
    }

    /// <summary>The exchange device or its stock was not there: the intent is dropped.</summary>
    public static LineChange AbortShipment(LineState line, ClaimState claim) =>
        Replace(line, claim with { PendingShipment = null, PendingShipmentKey = null });

    /// <summary>CLM-9: the device is reserved and a unit of stock taken: the claim is <c>exchange_shipped</c>.</summary>
    public static LineChange CommitShipment(LineState line, ClaimState claim, EventContext context)
    {
        var pending = claim.PendingShipment ?? throw new InvalidOperationException($"Claim {claim.ClaimId} has no pending shipment.");
        return Move(
            line,
            claim with { PendingShipment = null, PendingShipmentKey = null, Replacement = pending },
            ClaimStatus.ExchangeShipped,
            context,
            HistoryTypes.ClaimExchangeShipped,
            new() { ["replacementImei"] = pending.Imei, ["tac"] = pending.Tac });
    }

    /// <summary>
    /// CLM-9: the exchange device arrives and becomes the covered device. BIL-4: the fee by the claim's use number
    /// (CLM-3) and the cash-on-delivery fee (CLM-10), in the month of delivery.
    /// </summary>
    public static LineChange Deliver(LineState line, ClaimState claim, EventContext context, FeeOptions fees)
    {
        var useNumber = ClaimCounting.UseNumber(line.Claims, claim);
        var charges = ClaimRules.ExchangeCharges(claim.ClaimId, useNumber, JapanTime.DateOf(context.At), fees);
        var unit = claim.Replacement! with { RegisteredAt = context.At };
        var moved = Move(line, claim with { DeliveredAt = context.At, Charges = charges }, ClaimStatus.Completed, context, HistoryTypes.ClaimExchangeDelivered, new()
        {
            ["replacementImei"] = unit.Imei,
            ["useNumber"] = HistoryValues.Of(useNumber),
        });
        return SwapCoveredDevice(moved.Line, claim.Imei, unit, context.At, "CLM-9");
    }

    /// <summary>CLM-11: a problem with the exchange device, within 2 days of arrival; recorded, the status does not change.</summary>
    public static Result<LineChange> ReportInitialDefect(LineState line, ClaimState claim, EventContext context)
    {
        if (ClaimRules.CheckInitialDefectWindow(claim, context.At) is { } late)
        {
            return late;
        }

        var reported = Replace(line, claim with { InitialDefectReportedAt = context.At });
        return LineChange.Ok(reported with { History = WithClaim(reported, context, HistoryTypes.ClaimInitialDefectReported, claim, []) });
    }

    public static ClaimState? Find(LineState line, string claimId) => line.Claims.FirstOrDefault(c => c.ClaimId == claimId);

    /// <summary>CLM-6 / CLM-9: <paramref name="unit"/> becomes the covered device; the old one is told it was replaced.</summary>
    private static LineChange SwapCoveredDevice(LineState line, string oldImei, CoveredDevice unit, DateTimeOffset at, string rule)
    {
        var option = line.Option!;
        var covered = option.Device?.Imei == oldImei
            ? option with
            {
                Device = unit,
                Periods = CoveragePeriods.Change(CoveragePeriods.Of(line), unit, JapanTime.DateOf(at), CoverageEndReason.Replaced, rule),
            }
            : option;
        return new LineChange(
            line with { Option = covered },
            [
                new OutboxItem(unit.Imei, new DeviceChange(DeviceChangeKind.BecomeCovered, line.LineId, at, OtherImei: oldImei, ModelName: unit.ModelName)),
                new OutboxItem(oldImei, new DeviceChange(DeviceChangeKind.Replaced, line.LineId, at, OtherImei: unit.Imei, ClaimIds: LineChange.ClaimIdsOn(line, oldImei))),
            ]);
    }

    /// <summary>The claim moved to <paramref name="status"/> (its timeline records when), with its history entry.</summary>
    private static LineChange Move(
        LineState line, ClaimState claim, ClaimStatus status, EventContext context, HistoryType type, Dictionary<string, string?> data)
    {
        var moved = claim with { Status = status, Timeline = [.. claim.Timeline, new TimelineEntry(status, context.At)] };
        return Replace(line, moved) with { History = WithClaim(line, context, type, claim, data) };
    }

    private static LineState Replace(LineState line, ClaimState claim) =>
        line with { Claims = line.Claims.Select(c => c.ClaimId == claim.ClaimId ? claim : c).ToList() };
}
