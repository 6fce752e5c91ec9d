using Microsoft.Extensions.Logging;
using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <remarks>
/// <para><b>Claims.</b> A claim lives in its line's state: the line is the one consistency boundary for
/// the CLM-1 limit, so concurrent filings are decided one at a time and never exceed it.</para>
/// <para><b>Exchange shipment protocol</b> (CLM-9): the line, the exchange device and the stock change.</para>
/// <list type="number">
/// <item>Validate (status, timestamp, the device is free, designated model of the same kind).</item>
/// <item>Write the intent: the claim's <see cref="ClaimState.PendingShipment"/>.</item>
/// <item>Reserve the exchange device for this line (idempotent per shipment key); refused if another line holds it.</item>
/// <item>Take one unit of stock (idempotent per shipment key, never below zero); if none, the reservation
/// is cancelled and the intent cleared.</item>
/// <item>Commit: the claim is <c>exchange_shipped</c>, in one write.</item>
/// </list>
/// <para>Delivery, maker replacement (CLM-6) and exclusion (CLM-8) change the line in one write and
/// tell the devices through the outbox. A crash anywhere leaves an intent or undelivered changes that
/// <see cref="ResumeAsync"/> finishes; the shipment key (line/claim) makes every retry take stock once.</para>
/// </remarks>
public sealed partial class LineGrain
{
    public Task<Result<QuoteView>> QuoteAsync(Incident incident, DateTimeOffset at, int? estimatedRepairCostYen = null)
    {
        if (!Line.Exists)
        {
            return Task.FromResult<Result<QuoteView>>(LineNotFound());
        }

        if (Line.Option is null)
        {
            return Task.FromResult<Result<QuoteView>>(NoOption());
        }

        if (TooManyRefusals() is { } limited)
        {
            return Task.FromResult<Result<QuoteView>>(limited);
        }

        var decision = ClaimRules.Decide(Line, incident, JapanTime.DateOf(at));
        if (!decision.Eligible)
        {
            Refusals.Record(time.GetUtcNow());
        }

        return Task.FromResult(Result<QuoteView>.Ok(ClaimRules.Quote(decision, estimatedRepairCostYen)));
    }

    /// <summary>Refused filings and ineligible quotes on this line, for the abuse limit (not stored).</summary>
    private RefusalWindow Refusals => _refusals ??= new RefusalWindow(limits.Value.RefusalsPerLine, limits.Value.RefusalWindow);

    private RefusalWindow? _refusals;

    private WarrantyError? TooManyRefusals() =>
        Refusals.RetryAfter(time.GetUtcNow()) is { } wait
            ? WarrantyError.TooMany(
                ErrorCodes.TooManyRefusals,
                $"Too many refused claims and ineligible quotes on line '{LineId}' ({limits.Value.RefusalsPerLine} in {limits.Value.RefusalWindow}); try again later.",
                wait)
            : null;

    public Task<Result<ClaimView>> FileClaimAsync(FileClaimCommand command, EventContext context) =>
        IdempotentAsync(line => line.Claims.Count > 0 ? ClaimRules.View(LineId, line.Claims[^1]) : null, () => FileClaimCoreAsync(command, context));

    private async Task<Result<ClaimView>> FileClaimCoreAsync(FileClaimCommand command, EventContext context)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        await ResumeAsync();
        if (Line.Option is null)
        {
            return NoOption();
        }

        if (TooManyRefusals() is { } limited)
        {
            return limited;
        }

        var decision = ClaimRules.Decide(Line, command.Incident, JapanTime.DateOf(context.At));
        if (!decision.Eligible)
        {
            Refusals.Record(time.GetUtcNow());
            WarrantyMetrics.ClaimRefused(decision.Rules);
            return WarrantyError.Refused(ErrorCodes.ClaimRefused, ClaimRules.Explain(Line, decision, command.Incident, JapanTime.DateOf(context.At)), decision.Rules);
        }

        var sequence = Line.ClaimSequence + 1;
        var claim = ClaimRules.NewClaim(ClaimRules.ClaimIdFor(sequence), decision, command, context.At);
        await RunProtocolStepAsync(async () =>
        {
            await SaveAsync(Line with
            {
                ClaimSequence = sequence,
                Claims = [.. Line.Claims, claim],
                History = [.. Line.History, ClaimEntry(context, HistoryTypes.ClaimFiled, claim, new()
                {
                    ["imei"] = claim.Imei,
                    ["incident"] = WireNames.Of(claim.Incident),
                    ["loanerRequested"] = Bool(claim.LoanerRequested),
                    ["note"] = claim.Note,
                })],
            });
            faults.Reached(FaultPoints.ClaimCommitted);
        });
        WarrantyMetrics.ClaimFiled(WireNames.Of(claim.Incident));
        logger.LogDebug("Claim {ClaimId} accepted for line {LineId} ({Incident})", claim.ClaimId, LineId, claim.Incident);
        await DeliverOutboxAsync();
        return ClaimView(claim.ClaimId);
    }

    public async Task<Result<IReadOnlyList<ClaimView>>> GetClaimsAsync()
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        var archived = Line.HasArchivedClaims ? await Archive.GetClaimsAsync() : [];
        return Result<IReadOnlyList<ClaimView>>.Ok([.. archived, .. Line.Claims.Select(c => ClaimRules.View(LineId, c))]);
    }

    public async Task<Result<ClaimView>> GetClaimAsync(string claimId)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        if (FindClaim(claimId) is not null)
        {
            return ClaimView(claimId);
        }

        var archived = Line.HasArchivedClaims ? (await Archive.GetClaimsAsync()).FirstOrDefault(c => c.ClaimId == claimId) : null;
        return archived is null ? ClaimNotFound(claimId) : Result<ClaimView>.Ok(archived);
    }

    public Task<Result<ClaimView>> StepAsync(string claimId, ClaimStep step, EventContext context) =>
        IdempotentAsync(line => line.Claims.FirstOrDefault(c => c.ClaimId == claimId) is { } claim ? ClaimRules.View(LineId, claim) : null, () => StepCoreAsync(claimId, step, context));

    private async Task<Result<ClaimView>> StepCoreAsync(string claimId, ClaimStep step, EventContext context)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        await ResumeAsync();
        if (FindClaim(claimId) is not { } claim)
        {
            return ClaimNotFound(claimId);
        }

        if (ClaimRules.CheckStep(claim, step.Kind, context.At) is { } refused)
        {
            return refused;
        }

        var error = step.Kind switch
        {
            ClaimStepKind.Withdrawal => await WithdrawAsync(claim, context),
            ClaimStepKind.DeviceReceipt => await ReceiveDeviceAsync(claim, step.Receipt!, context),
            ClaimStepKind.Inspection => await InspectAsync(claim, step.Outcome!.Value, step.Reason, context),
            ClaimStepKind.RepairCompletion => await CompleteRepairAsync(claim, step.RepairCostYen!.Value, step.Imei, context),
            ClaimStepKind.ExchangeShipment => await ShipAsync(claim, step.Imei!, context),
            ClaimStepKind.ExchangeDelivery => await DeliverAsync(claim, context),
            _ => await ReportInitialDefectAsync(claim, context),
        };
        return error ?? ClaimView(claimId);
    }

    private async Task<WarrantyError?> WithdrawAsync(ClaimState claim, EventContext context)
    {
        // CLM-1: a withdrawn claim stops counting.
        await CommitClaimAsync(
            claim with { CountsTowardLimit = false },
            ClaimStatus.Withdrawn,
            context,
            ClaimEntry(context, HistoryTypes.ClaimWithdrawn, claim, []));
        return null;
    }

    private async Task<WarrantyError?> ReceiveDeviceAsync(ClaimState claim, DeviceReceipt receipt, EventContext context)
    {
        if (ClaimRules.CheckReceipt(receipt) is { } missing)
        {
            return missing;
        }

        // CLM-7: the other items are recorded as declared.
        await CommitClaimAsync(claim with { Receipt = receipt }, ClaimStatus.Inspecting, context, ClaimEntry(context, HistoryTypes.ClaimDeviceReceived, claim, new()
        {
            ["consentFormEnclosed"] = Bool(true),
            ["simAndSdRemoved"] = Bool(receipt.SimAndSdRemoved),
            ["esimErased"] = Bool(receipt.EsimErased),
            ["dataErased"] = Bool(receipt.DataErased),
            ["eCertificateRevoked"] = Bool(receipt.ECertificateRevoked),
        }));
        return null;
    }

    private async Task<WarrantyError?> InspectAsync(ClaimState claim, InspectionOutcome outcome, RejectReason? reason, EventContext context)
    {
        var entry = ClaimEntry(context, HistoryTypes.ClaimInspected, claim, new()
        {
            ["outcome"] = WireNames.Of(outcome),
            ["reason"] = reason is { } r ? WireNames.Of(r) : null,
        });
        switch (outcome)
        {
            case InspectionOutcome.Repair:
                // CLM-5: repairs are sent to the maker.
                await CommitClaimAsync(claim with { Service = ClaimService.Repair }, ClaimStatus.Repairing, context, entry);
                return null;
            case InspectionOutcome.Exchange:
                if (ClaimRules.CheckExchangeAvailable(claim.Kind) is { } repairOnly)
                {
                    return repairOnly;
                }

                await CommitClaimAsync(claim with { Service = ClaimService.Exchange }, ClaimStatus.ExchangePending, context, entry);
                return null;
            default:
                // CLM-8: a rejected claim stops counting; unofficial repair excludes the device from then on.
                var rejected = claim with { CountsTowardLimit = false, RejectReason = reason };
                if (reason == RejectReason.UnofficialRepair && Line.Option?.Device?.Imei == claim.Imei)
                {
                    await CommitClaimAsync(rejected, ClaimStatus.Rejected, context, entry, line => line with
                    {
                        Option = line.Option! with
                        {
                            Device = null,
                            ExcludedImei = claim.Imei,
                            // CLM-8: covered through the day before the inspection.
                            Periods = CoveragePeriods.End(CoveragePeriods.Of(line), JapanTime.DateOf(context.At).AddDays(-1), CoverageEndReason.Excluded, "CLM-8"),
                        },
                        Outbox = [.. line.Outbox, new OutboxItem(claim.Imei, new DeviceChange(DeviceChangeKind.Exclude, LineId, context.At, ClaimIds: ClaimIdsOn(line, claim.Imei)))],
                    });
                    logger.LogDebug("Line {LineId}: device {Imei} excluded after inspection of claim {ClaimId}", LineId, claim.Imei, claim.ClaimId);
                }
                else
                {
                    await CommitClaimAsync(rejected, ClaimStatus.Rejected, context, entry);
                }

                return null;
        }
    }

    private async Task<WarrantyError?> CompleteRepairAsync(ClaimState claim, int repairCostYen, string? makerReplacementImei, EventContext context)
    {
        var completionDate = JapanTime.DateOf(context.At);
        var charges = ClaimRules.RepairCharges(claim.ClaimId, repairCostYen, claim.LoanerRequested, completionDate, fees.Value);
        var entry = ClaimEntry(context, HistoryTypes.ClaimRepairCompleted, claim, new()
        {
            ["repairCostYen"] = HistoryValues.Of(repairCostYen),
            ["makerReplacementImei"] = makerReplacementImei,
        });
        var completed = claim with { RepairCostYen = repairCostYen, Charges = charges };
        if (makerReplacementImei is null || makerReplacementImei == claim.Imei)
        {
            await CommitClaimAsync(completed, ClaimStatus.Completed, context, entry);
            return null;
        }

        // CLM-6: the maker replaced the unit: still a repair, and the new unit is the covered device.
        var device = GrainFactory.GetGrain<IDeviceGrain>(makerReplacementImei);
        if ((await device.CheckAttachableAsync(LineId, context.At)).Error is { } elsewhere)
        {
            return elsewhere;
        }

        var old = Line.Option?.Device;
        var model = await GrainFactory.GetGrain<ICatalogModelGrain>(Imei.TacOf(makerReplacementImei)).GetAsync();
        var unit = model is not null
            ? new CoveredDevice(makerReplacementImei, model.Tac, model.Model, model.Kind, model.ReleaseDate, context.At)
            : old is not null
                ? old with { Imei = makerReplacementImei, RegisteredAt = context.At }
                : new CoveredDevice(makerReplacementImei, Imei.TacOf(makerReplacementImei), "", claim.Kind, completionDate, context.At);
        await CommitClaimAsync(completed with { Replacement = unit }, ClaimStatus.Completed, context, entry, line => SwapCoveredDevice(line, claim.Imei, unit, context.At, "CLM-6"));
        return null;
    }

    private async Task<WarrantyError?> ShipAsync(ClaimState claim, string replacementImei, EventContext context)
    {
        if (replacementImei == claim.Imei || replacementImei == Line.Option?.Device?.Imei)
        {
            return WarrantyError.Conflict(
                ErrorCodes.DeviceCoveredElsewhere, $"CLM-9: {replacementImei} is the device the exchange replaces (or the line's covered device); the exchange device must be another.", "CLM-9");
        }

        var device = GrainFactory.GetGrain<IDeviceGrain>(replacementImei);
        if ((await device.CheckAttachableAsync(LineId, context.At)).Error is { } elsewhere)
        {
            return elsewhere;
        }

        var model = await GrainFactory.GetGrain<ICatalogModelGrain>(Imei.TacOf(replacementImei)).GetAsync();
        if (ClaimRules.CheckReplacementModel(model, claim.Kind) is { } notDesignated)
        {
            return notDesignated;
        }

        var pending = new CoveredDevice(replacementImei, model!.Tac, model.Model, model.Kind, model.ReleaseDate, context.At);
        await RunProtocolStepAsync(async () =>
        {
            await SaveAsync(WithClaim(Line, claim with { PendingShipment = pending, PendingShipmentKey = _keyed?.Key }), commit: false);
            faults.Reached(FaultPoints.ShipmentIntentWritten);
        });
        return await CompleteShipmentAsync(claim.ClaimId, context.At, context.Actor);
    }

    /// <summary>Steps 3–5 of the shipment protocol; null on success, else why the shipment did not go ahead.</summary>
    private async Task<WarrantyError?> CompleteShipmentAsync(string claimId, DateTimeOffset at, string actor)
    {
        var claim = FindClaim(claimId)!;
        var pending = claim.PendingShipment!;
        var shipmentKey = $"{LineId}/{claimId}";
        WarrantyError? refusal = null;
        await RunProtocolStepAsync(async () =>
        {
            var device = GrainFactory.GetGrain<IDeviceGrain>(pending.Imei);
            if ((await device.ReserveAsync(LineId, shipmentKey, at)).Error is { } elsewhere)
            {
                refusal = elsewhere;
                await SaveAsync(WithClaim(Line, claim with { PendingShipment = null, PendingShipmentKey = null }), commit: false);
                return;
            }

            faults.Reached(FaultPoints.ShipmentDeviceReserved);
            if ((await GrainFactory.GetGrain<IExchangeStockGrain>(pending.Tac).TakeAsync(shipmentKey)).Error is { } outOfStock)
            {
                refusal = outOfStock;
                await device.CancelReservationAsync(LineId, shipmentKey);
                await SaveAsync(WithClaim(Line, claim with { PendingShipment = null, PendingShipmentKey = null }), commit: false);
                return;
            }

            faults.Reached(FaultPoints.ShipmentStockTaken);
            var context = new EventContext(at, actor);
            await CommitClaimAsync(
                claim with { PendingShipment = null, PendingShipmentKey = null, Replacement = pending },
                ClaimStatus.ExchangeShipped,
                context,
                ClaimEntry(context, HistoryTypes.ClaimExchangeShipped, claim, new() { ["replacementImei"] = pending.Imei, ["tac"] = pending.Tac }));
            faults.Reached(FaultPoints.ShipmentCommitted);
            WarrantyMetrics.ExchangeShipped(pending.Tac);
            logger.LogDebug("Claim {ClaimId} of line {LineId}: exchange device {Imei} shipped", claimId, LineId, pending.Imei);
        });
        return refusal;
    }

    private async Task<WarrantyError?> DeliverAsync(ClaimState claim, EventContext context)
    {
        // CLM-3 / BIL-4: the fee by the claim's use number, with the COD fee (CLM-10), in the month of delivery.
        var useNumber = ClaimRules.UseNumber(Line.Claims, claim);
        var charges = ClaimRules.ExchangeCharges(claim.ClaimId, useNumber, JapanTime.DateOf(context.At), fees.Value);
        var unit = claim.Replacement! with { RegisteredAt = context.At };
        await CommitClaimAsync(
            claim with { DeliveredAt = context.At, Charges = charges },
            ClaimStatus.Completed,
            context,
            ClaimEntry(context, HistoryTypes.ClaimExchangeDelivered, claim, new() { ["replacementImei"] = unit.Imei, ["useNumber"] = HistoryValues.Of(useNumber) }),
            line => SwapCoveredDevice(line, claim.Imei, unit, context.At, "CLM-9"));
        WarrantyMetrics.ExchangeDelivered(unit.Tac);
        logger.LogDebug("Claim {ClaimId} of line {LineId}: exchange device {Imei} delivered and covered", claim.ClaimId, LineId, unit.Imei);
        return null;
    }

    private async Task<WarrantyError?> ReportInitialDefectAsync(ClaimState claim, EventContext context)
    {
        if (ClaimRules.CheckInitialDefectWindow(claim, context.At) is { } late)
        {
            return late;
        }

        // CLM-11: recorded on the completed claim; its status does not change.
        await RunProtocolStepAsync(() => SaveAsync(WithClaim(Line, claim with { InitialDefectReportedAt = context.At }) with
        {
            History = [.. Line.History, ClaimEntry(context, HistoryTypes.ClaimInitialDefectReported, claim, [])],
        }));
        return null;
    }

    /// <summary>CLM-6 / CLM-9: <paramref name="unit"/> becomes the covered device and the old one is replaced.</summary>
    private LineState SwapCoveredDevice(LineState line, string oldImei, CoveredDevice unit, DateTimeOffset at, string rule)
    {
        var option = line.Option!;
        var covered = option.Device?.Imei == oldImei
            ? option with
            {
                Device = unit,
                Periods = CoveragePeriods.Change(CoveragePeriods.Of(line), unit, JapanTime.DateOf(at), CoverageEndReason.Replaced, rule),
            }
            : option;
        return line with
        {
            Option = covered,
            Outbox =
            [
                .. line.Outbox,
                new OutboxItem(unit.Imei, new DeviceChange(DeviceChangeKind.BecomeCovered, LineId, at, OtherImei: oldImei, ModelName: unit.ModelName)),
                new OutboxItem(oldImei, new DeviceChange(DeviceChangeKind.Replaced, LineId, at, OtherImei: unit.Imei, ClaimIds: ClaimIdsOn(line, oldImei))),
            ],
        };
    }

    /// <summary>Moves a claim to <paramref name="status"/> in one write with its history entry and any other change of the line.</summary>
    private async Task CommitClaimAsync(
        ClaimState claim, ClaimStatus status, EventContext context, HistoryEntry entry, Func<LineState, LineState>? alsoChange = null)
    {
        var moved = claim with { Status = status, Timeline = [.. claim.Timeline, new TimelineEntry(status, context.At)] };
        var line = WithClaim(Line, moved) with { History = [.. Line.History, entry] };
        await RunProtocolStepAsync(async () =>
        {
            await SaveAsync(alsoChange is null ? line : alsoChange(line));
            faults.Reached(FaultPoints.ClaimCommitted);
        });
        await DeliverOutboxAsync();
    }

    private static LineState WithClaim(LineState line, ClaimState claim) =>
        line with { Claims = line.Claims.Select(c => c.ClaimId == claim.ClaimId ? claim : c).ToList() };

    private ClaimState? FindClaim(string claimId) => Line.Claims.FirstOrDefault(c => c.ClaimId == claimId);

    private Result<ClaimView> ClaimView(string claimId) => Result<ClaimView>.Ok(ClaimRules.View(LineId, FindClaim(claimId)!));

    private WarrantyError ClaimNotFound(string claimId) =>
        WarrantyError.NotFound(ErrorCodes.ClaimNotFound, $"Line '{LineId}' has no claim '{claimId}'.");

    private static WarrantyError NoOption() => WarrantyError.Conflict(ErrorCodes.NoOption, "The line has no warranty option.");

    private static HistoryEntry ClaimEntry(EventContext context, HistoryType type, ClaimState claim, Dictionary<string, string?> data)
    {
        data["claimId"] = claim.ClaimId;
        return type.Entry(context.At, context.Actor, data);
    }

    private static string Bool(bool value) => HistoryValues.Of(value);
}
