using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>
/// CLM-1..13 and BIL-4: whether a claim is accepted (one decision for quotes and filings), how a
/// claim moves, and what it costs.
/// </summary>
public static class ClaimRules
{
    /// <summary>CLM-4: the repair cost covered per claim (non-taxable).</summary>
    public const int CapYen = 50_000;

    /// <summary>CLM-11: a problem with a delivered exchange device is reported within 2 days of arrival.</summary>
    public const int InitialDefectDays = 2;

    /// <summary>The order in which failed rules are listed (CLM-13).</summary>
    private static readonly string[] RuleOrder = ["REG-1", "REG-2", "COV-1", "COV-2", "COV-4", "COV-5", "COV-7", "CLM-1", "CLM-8"];

    /// <summary>
    /// CLM-13: every rule a claim for <paramref name="incident"/> on <paramref name="date"/> fails. Quotes
    /// and filings both call this, so they cannot disagree.
    /// </summary>
    public static ClaimDecision Decide(LineState line, Incident incident, DateOnly date)
    {
        var option = line.Option ?? throw new InvalidOperationException("A line without the option has no claims to decide.");
        var failed = new HashSet<string>();
        var device = option.Device;

        if (device is null || date < JapanTime.DateOf(device.RegisteredAt))
        {
            // REG-1: without a registered device no claim is accepted; CLM-8 when it was excluded.
            failed.Add(option.ExcludedImei is not null && device is null ? "CLM-8" : "REG-1");
        }

        if (EnrollmentRules.StatusOf(option, date) == OptionStatus.LapsedUnregistered)
        {
            failed.Add("REG-2");
        }

        if (incident is Incident.Theft or Incident.Loss)
        {
            failed.Add("COV-1");
        }

        if (incident == Incident.NaturalFailure && device is not null && date > CoverageRules.NaturalFailureCoveredUntil(device.ReleaseDate))
        {
            failed.Add("COV-2");
        }

        if (date < option.CoverageStartDate)
        {
            failed.Add("COV-4");
        }

        if (device is not null && !UsageRules.UsedRecently(line.Usage, device.Imei, date))
        {
            failed.Add("COV-5");
        }

        if (option.TerminatedOn is { } end && date > end)
        {
            failed.Add("COV-7");
        }

        var year = ContractYear.Containing(option.CoverageStartDate, date);
        var counts = ClaimCounting.Counts(line.Claims, year.Start);
        if (counts.Claims >= Terms.ClaimsPerContractYear)
        {
            failed.Add("CLM-1");
        }

        return new ClaimDecision(RuleOrder.Where(failed.Contains).ToArray(), device, year, counts);
    }

    /// <summary>
    /// A refusal's detail: for each failed rule of <paramref name="decision"/>, in words, why it failed for this claim,
    /// with the values that made it fail (CLM-13 names every rule; this says what each one found).
    /// </summary>
    public static string Explain(LineState line, ClaimDecision decision, Incident incident, DateOnly date)
    {
        var option = line.Option!;
        var device = decision.Device;
        var reasons = decision.Rules.Select(rule => rule switch
        {
            "REG-1" when device is not null =>
                $"REG-1: the covered device was registered on {WireNames.Date(JapanTime.DateOf(device.RegisteredAt))}, after the incident on {WireNames.Date(date)}",
            "REG-1" => "REG-1: no device is registered on this line",
            "CLM-8" => $"CLM-8: the device {option.ExcludedImei} was excluded at inspection and no device is covered",
            "REG-2" => $"REG-2: no device was registered by the deadline {WireNames.Date(option.RegistrationDeadline)}, so the option has lapsed",
            "COV-1" => $"COV-1: {WireNames.Of(incident)} is not a covered incident (theft and loss are not covered)",
            "COV-2" when device is not null =>
                $"COV-2: natural failure is covered through {WireNames.Date(CoverageRules.NaturalFailureCoveredUntil(device.ReleaseDate))} " +
                $"({Terms.NaturalFailureMonths} months from the model's release on {WireNames.Date(device.ReleaseDate)}); the incident is on {WireNames.Date(date)}",
            "COV-4" => $"COV-4: claims are accepted from {WireNames.Date(option.CoverageStartDate)}; the incident is on {WireNames.Date(date)}",
            "COV-5" when device is not null && UsageRules.LastUsageOnOrBefore(line.Usage, device.Imei, date) is { } last =>
                $"COV-5: last use on this line was {WireNames.Date(last)}, more than {Terms.UsageLookbackDays} days before the incident on {WireNames.Date(date)}",
            "COV-5" => $"COV-5: the device was not seen on this line on or before the incident on {WireNames.Date(date)} (within {Terms.UsageLookbackDays} days is needed)",
            "COV-7" => $"COV-7: the option ended on {WireNames.Date(option.TerminatedOn ?? date)}; the incident is on {WireNames.Date(date)}",
            "CLM-1" =>
                $"CLM-1: {decision.Counts.Claims} claims already count in the contract year {WireNames.Date(decision.Year.Start)} to {WireNames.Date(decision.Year.End)} " +
                $"(at most {Terms.ClaimsPerContractYear})",
            _ => rule,
        });
        return $"The claim cannot be accepted. {string.Join("; ", reasons)}.";
    }

    /// <summary>
    /// What the claim would cost: the exchange fee by its use number (CLM-3), the cap (CLM-4) and, for an
    /// estimated repair cost, the excess the subscriber would pay.
    /// </summary>
    public static QuoteView Quote(ClaimDecision decision, int? estimatedRepairCostYen = null)
    {
        var exchange = decision.Eligible && CoverageRules.ExchangeableKind(decision.Device!.Kind);
        return new QuoteView(
            decision.Eligible,
            decision.Rules,
            exchange,
            exchange ? decision.Counts.NextExchangeFeeYen : null,
            CapYen,
            estimatedRepairCostYen is { } cost && decision.Eligible ? Math.Max(0, cost - CapYen) : null);
    }

    /// <summary>
    /// CLM-8: a rejection for unofficial repair or modification excludes the claimed device, when it is still the
    /// line's covered device.
    /// </summary>
    public static bool Excludes(LineState line, ClaimState claim, RejectReason? reason) =>
        reason == RejectReason.UnofficialRepair && line.Option?.Device?.Imei == claim.Imei;

    /// <summary>
    /// CLM-6: the maker's replacement unit as the covered device from <paramref name="at"/>: its model from the
    /// catalogue; a model not in the catalogue is taken as the replaced device's (same model, same kind).
    /// </summary>
    public static CoveredDevice MakerUnit(LineState line, ClaimState claim, string imei, CatalogModel? model, DateTimeOffset at) =>
        model is not null
            ? new CoveredDevice(imei, model.Tac, model.Model, model.Kind, model.ReleaseDate, at)
            : line.Option?.Device is { } old
                ? old with { Imei = imei, RegisteredAt = at }
                : new CoveredDevice(imei, Imei.TacOf(imei), "", claim.Kind, JapanTime.DateOf(at), at);

    /// <summary>CLM-6: a completion names a maker's unit when it gives an IMEI other than the claimed device's.</summary>
    public static bool IsMakerReplacement(ClaimState claim, string? makerReplacementImei) =>
        makerReplacementImei is not null && makerReplacementImei != claim.Imei;

    public static ClaimState NewClaim(string claimId, ClaimDecision decision, FileClaimCommand command, DateTimeOffset at) => new()
    {
        ClaimId = claimId,
        Imei = decision.Device!.Imei,
        Kind = decision.Device.Kind,
        Incident = command.Incident,
        Status = ClaimStatus.Received,
        ReceivedAt = at,
        ContractYearStart = decision.Year.Start,
        // CLM-1: a claim counts from the moment it is accepted.
        CountsTowardLimit = true,
        LoanerRequested = command.LoanerRequested,
        Note = command.Note,
        Timeline = [new TimelineEntry(ClaimStatus.Received, at)],
    };

    public static string ClaimIdFor(int sequence) => $"C{sequence:0000}";

    /// <summary>The state each step starts from (API.md's state machine).</summary>
    public static ClaimStatus? RequiredStatus(ClaimStepKind step) => step switch
    {
        ClaimStepKind.Withdrawal or ClaimStepKind.DeviceReceipt => ClaimStatus.Received,
        ClaimStepKind.Inspection => ClaimStatus.Inspecting,
        ClaimStepKind.RepairCompletion => ClaimStatus.Repairing,
        ClaimStepKind.ExchangeShipment => ClaimStatus.ExchangePending,
        ClaimStepKind.ExchangeDelivery => ClaimStatus.ExchangeShipped,
        _ => null,
    };

    /// <summary>409 for a step the claim's status does not allow; 422 for one dated before the previous step.</summary>
    public static WarrantyError? CheckStep(ClaimState claim, ClaimStepKind step, DateTimeOffset at)
    {
        var allowed = step == ClaimStepKind.InitialDefectReport
            ? claim is { Status: ClaimStatus.Completed, Service: ClaimService.Exchange }
            : claim.Status == RequiredStatus(step);
        if (!allowed)
        {
            return WarrantyError.Conflict(
                ErrorCodes.InvalidClaimTransition,
                $"A claim that is {WireNames.Of(claim.Status)} cannot take this step ({WireNames.Of(step)}).");
        }

        if (at < claim.LastStepAt)
        {
            return WarrantyError.Refused(
                ErrorCodes.TimestampOutOfOrder,
                $"The step is dated before the claim's previous step ({claim.LastStepAt:O}).",
                []);
        }

        return null;
    }

    /// <summary>CLM-7: the claim does not proceed to inspection without the repair consent form.</summary>
    public static WarrantyError? CheckReceipt(DeviceReceipt receipt) => receipt.ConsentFormEnclosed
        ? null
        : WarrantyError.Refused(ErrorCodes.ConsentFormMissing, "CLM-7: the repair consent form (修理同意書) was not enclosed; without it the claim does not go on to inspection.", ["CLM-7"]);

    /// <summary>CLM-2: ios and routers are repaired only.</summary>
    public static WarrantyError? CheckExchangeAvailable(DeviceKind kind) => CoverageRules.ExchangeableKind(kind)
        ? null
        : WarrantyError.Refused(ErrorCodes.ExchangeNotAvailable, $"CLM-2: the device is {WireNames.Of(kind)}, and {WireNames.Of(kind)} devices are repaired only, never exchanged.", ["CLM-2"]);

    /// <summary>CLM-9: the exchange device is a designated exchange model of the same kind.</summary>
    public static WarrantyError? CheckReplacementModel(CatalogModel? model, DeviceKind kind) =>
        model is { ExchangeDesignated: true } && model.Kind == kind
            ? null
            : WarrantyError.Refused(
                ErrorCodes.ReplacementNotDesignated,
                $"CLM-9: the replacement must be a designated exchange model of kind {WireNames.Of(kind)}, and its model " +
                (model is null ? "is not in the catalogue." : $"{model.Tac} is {WireNames.Of(model.Kind)}{(model.ExchangeDesignated ? "" : " and not designated for exchanges")}."),
                ["CLM-9"]);

    /// <summary>CLM-11: within 2 days of arrival (arrival date + 2, inclusive).</summary>
    public static WarrantyError? CheckInitialDefectWindow(ClaimState claim, DateTimeOffset at) =>
        JapanTime.DateOf(at) <= JapanTime.DateOf(claim.DeliveredAt!.Value).AddDays(InitialDefectDays)
            ? null
            : WarrantyError.Refused(
                ErrorCodes.InitialDefectWindowPassed,
                $"CLM-11: the exchange device arrived on {WireNames.Date(JapanTime.DateOf(claim.DeliveredAt!.Value))}; a problem is reported within " +
                $"{InitialDefectDays} days of arrival, by {WireNames.Date(JapanTime.DateOf(claim.DeliveredAt!.Value).AddDays(InitialDefectDays))}, and this report is dated {WireNames.Date(JapanTime.DateOf(at))}.",
                ["CLM-11"]);

    /// <summary>
    /// BIL-4 on delivery: the exchange fee by use number (CLM-3) and the cash-on-delivery fee (CLM-10),
    /// both in the month of delivery.
    /// </summary>
    public static IReadOnlyList<ChargeItem> ExchangeCharges(string claimId, int useNumber, DateOnly deliveryDate, FeeOptions fees)
    {
        var fee = Terms.ExchangeFeeYen(useNumber) ?? Terms.ExchangeFeeYen(Terms.ClaimsPerContractYear)!.Value;
        return
        [
            new ChargeItem(ChargeKind.ExchangeFee, claimId, deliveryDate, fee, Terms.TaxOf(fee), true),
            new ChargeItem(ChargeKind.CodFee, claimId, deliveryDate, fees.CodFeeYen, Terms.TaxOf(fees.CodFeeYen), true),
        ];
    }

    /// <summary>
    /// BIL-4 on completion of a repair: no fee (CLM-3); the cost above the cap, non-taxable (CLM-4, CLM-6);
    /// the loaner's shipping when one was lent (CLM-12).
    /// </summary>
    public static IReadOnlyList<ChargeItem> RepairCharges(string claimId, int repairCostYen, bool loaner, DateOnly completionDate, FeeOptions fees)
    {
        var items = new List<ChargeItem>();
        if (repairCostYen > CapYen)
        {
            items.Add(new ChargeItem(ChargeKind.ExcessOverCap, claimId, completionDate, repairCostYen - CapYen, 0, false));
        }

        if (loaner)
        {
            items.Add(new ChargeItem(ChargeKind.LoanerShipping, claimId, completionDate, fees.LoanerShippingYen, Terms.TaxOf(fees.LoanerShippingYen), true));
        }

        return items;
    }

    public static ClaimView View(string lineId, ClaimState claim) => new(
        claim.ClaimId,
        lineId,
        claim.Imei,
        claim.Incident,
        claim.Status,
        claim.ReceivedAt,
        claim.ContractYearStart,
        claim.CountsTowardLimit,
        claim.Service,
        claim.LoanerRequested,
        claim.Replacement?.Imei,
        claim.RejectReason,
        claim.InitialDefectReportedAt,
        claim.Timeline,
        claim.Charges);
}

public sealed record ClaimDecision(IReadOnlyList<string> Rules, CoveredDevice? Device, ContractYear Year, ClaimCounts Counts)
{
    public bool Eligible => Rules.Count == 0;
}
