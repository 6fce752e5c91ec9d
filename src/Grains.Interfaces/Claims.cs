namespace Warranty.Grains.Interfaces;

[GenerateSerializer, Immutable, Alias("warranty.timeline-entry")]
public sealed record TimelineEntry([property: Id(0)] ClaimStatus Status, [property: Id(1)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("warranty.claim")]
public sealed record ClaimView(
    [property: Id(0)] string ClaimId,
    [property: Id(1)] string LineId,
    [property: Id(2)] string Imei,
    [property: Id(3)] Incident Incident,
    [property: Id(4)] ClaimStatus Status,
    [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] DateOnly ContractYearStart,
    [property: Id(7)] bool CountsTowardLimit,
    [property: Id(8)] ClaimService? Service,
    [property: Id(9)] bool LoanerRequested,
    [property: Id(10)] string? ReplacementImei,
    [property: Id(11)] RejectReason? RejectReason,
    [property: Id(12)] DateTimeOffset? InitialDefectReportedAt,
    [property: Id(13)] IReadOnlyList<TimelineEntry> Timeline,
    [property: Id(14)] IReadOnlyList<ChargeItem> Charges);

[GenerateSerializer, Immutable, Alias("warranty.quote")]
public sealed record QuoteView(
    [property: Id(0)] bool Eligible,
    [property: Id(1)] IReadOnlyList<string> Rules,
    [property: Id(2)] bool ExchangeAvailable,
    [property: Id(3)] int? ExchangeFeeYen,
    [property: Id(4)] int CapYen,
    [property: Id(5)] int? ExcessYen = null);

[GenerateSerializer, Immutable, Alias("warranty.file-claim")]
public sealed record FileClaimCommand(
    [property: Id(0)] Incident Incident,
    [property: Id(1)] bool LoanerRequested,
    [property: Id(2)] string? Note);

/// <summary>What the reception centre found in the parcel (CLM-7).</summary>
[GenerateSerializer, Immutable, Alias("warranty.device-receipt")]
public sealed record DeviceReceipt(
    [property: Id(0)] bool ConsentFormEnclosed,
    [property: Id(1)] bool SimAndSdRemoved,
    [property: Id(2)] bool EsimErased,
    [property: Id(3)] bool DataErased,
    [property: Id(4)] bool ECertificateRevoked);

/// <summary>One step of a claim after filing; which fields matter depends on <see cref="Kind"/>.</summary>
[GenerateSerializer, Immutable, Alias("warranty.claim-step")]
public sealed record ClaimStep(
    [property: Id(0)] ClaimStepKind Kind,
    [property: Id(1)] DeviceReceipt? Receipt = null,
    [property: Id(2)] InspectionOutcome? Outcome = null,
    [property: Id(3)] RejectReason? Reason = null,
    [property: Id(4)] int? RepairCostYen = null,
    [property: Id(5)] string? Imei = null);

[GenerateSerializer, Alias("warranty.claim-step-kind")]
public enum ClaimStepKind
{
    Withdrawal = 0,
    DeviceReceipt = 1,
    Inspection = 2,
    RepairCompletion = 3,
    ExchangeShipment = 4,
    ExchangeDelivery = 5,
    InitialDefectReport = 6,
}

/// <summary>A change a line asks of a device grain; applying one twice changes nothing more.</summary>
[GenerateSerializer, Immutable, Alias("warranty.device-change")]
public sealed record DeviceChange(
    [property: Id(0)] DeviceChangeKind Kind,
    [property: Id(1)] string LineId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] DateOnly? Date = null,
    [property: Id(4)] string? OtherImei = null,
    [property: Id(5)] string? ModelName = null,
    [property: Id(6)] string? ClaimId = null,
    [property: Id(7)] IReadOnlyList<string>? ClaimIds = null,
    [property: Id(8)] CoverageEndReason? EndReason = null);
