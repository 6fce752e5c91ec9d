using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// A step of a claim (API.md's state machine): which transition of <see cref="ClaimTransitions"/> it is, and what
/// other grains must answer first: whether a maker's unit (CLM-6) or an exchange device (CLM-9) is free, and its model.
/// The exchange shipment runs its own protocol (<see cref="LineProtocol.ShipAsync"/>).
/// </summary>
internal static class ClaimSteps
{
    public static async ValueTask<Result<LineChange>> TakeAsync(
        IGrainFactory grains, LineProtocol protocol, LineState line, string claimId, ClaimStep step, EventContext context, FeeOptions fees, KeyedRequest? request)
    {
        var open = ClaimTransitions.Open(line, claimId, step.Kind, context.At);
        if (open.Error is { } refused)
        {
            return refused;
        }

        var claim = open.Value!;
        return step.Kind switch
        {
            ClaimStepKind.Withdrawal => LineChange.Ok(ClaimTransitions.Withdraw(line, claim, context)),
            ClaimStepKind.DeviceReceipt => ClaimTransitions.Receive(line, claim, step.Receipt!, context),
            ClaimStepKind.Inspection => ClaimTransitions.Inspect(line, claim, step.Outcome!.Value, step.Reason, context),
            ClaimStepKind.RepairCompletion => await CompleteRepairAsync(grains, line, claim, step.RepairCostYen!.Value, step.Imei, context, fees),
            ClaimStepKind.ExchangeShipment => await ShipAsync(grains, protocol, line, claim, step.Imei!, context, request),
            ClaimStepKind.ExchangeDelivery => LineChange.Ok(ClaimTransitions.Deliver(line, claim, context, fees)),
            _ => ClaimTransitions.ReportInitialDefect(line, claim, context),
        };
    }

    private static async Task<Result<LineChange>> CompleteRepairAsync(
        IGrainFactory grains, LineState line, ClaimState claim, int repairCostYen, string? makerImei, EventContext context, FeeOptions fees)
    {
        CoveredDevice? unit = null;
        if (ClaimRules.IsMakerReplacement(claim, makerImei))
        {
            if (await HeldElsewhereAsync(grains, line, makerImei!, context) is { } elsewhere)
            {
                return elsewhere;
            }

            unit = ClaimRules.MakerUnit(line, claim, makerImei!, await ModelOfAsync(grains, makerImei!), context.At);
        }

        return LineChange.Ok(ClaimTransitions.CompleteRepair(line, claim, repairCostYen, makerImei, unit, context, fees));
    }

    private static async Task<Result<LineChange>> ShipAsync(
        IGrainFactory grains, LineProtocol protocol, LineState line, ClaimState claim, string replacementImei, EventContext context, KeyedRequest? request)
    {
        if (ClaimTransitions.CheckShipmentTarget(line, claim, replacementImei) is { } same)
        {
            return same;
        }

        if (await HeldElsewhereAsync(grains, line, replacementImei, context) is { } elsewhere)
        {
            return elsewhere;
        }

        var intent = ClaimTransitions.BeginShipment(line, claim, replacementImei, await ModelOfAsync(grains, replacementImei), context, request?.Key);
        if (intent.Error is { } notDesignated)
        {
            return notDesignated;
        }

        // The protocol stores its own steps: nothing is left to store once it is through.
        return await protocol.ShipAsync(intent.Value!, claim.ClaimId, context, request) is { } refusal
            ? refusal
            : LineChange.Ok(LineChange.None(protocol.Line));
    }

    /// <summary>REG-5: a device another line covers, or holds for an exchange, is not taken.</summary>
    private static async Task<WarrantyError?> HeldElsewhereAsync(IGrainFactory grains, LineState line, string imei, EventContext context) =>
        (await grains.GetGrain<IDeviceGrain>(imei).CheckAttachableAsync(line.LineId, context.At)).Error;

    private static Task<CatalogModel?> ModelOfAsync(IGrainFactory grains, string imei) =>
        grains.GetGrain<ICatalogModelGrain>(Imei.TacOf(imei)).GetAsync();
}
