namespace Warranty.Grains.Interfaces;

/// <summary>A model catalogue entry, keyed by TAC (the IMEI's first 8 digits).</summary>
[GenerateSerializer, Immutable, Alias("warranty.model")]
public sealed record CatalogModel(
    [property: Id(0)] string Tac,
    [property: Id(1)] string Maker,
    [property: Id(2)] string Model,
    [property: Id(3)] DeviceKind Kind,
    [property: Id(4)] DateOnly ReleaseDate,
    [property: Id(5)] bool WifiOnly,
    [property: Id(6)] bool SoldInJapan,
    [property: Id(7)] bool HasGiteki,
    [property: Id(8)] bool RepairableInJapan,
    [property: Id(9)] bool ExchangeDesignated);

[GenerateSerializer, Immutable, Alias("warranty.stock")]
public sealed record ExchangeStock(
    [property: Id(0)] string Tac,
    [property: Id(1)] DeviceKind Kind,
    [property: Id(2)] int Quantity);

/// <summary>The subscriber's declarations at registration (REG-6b, c; REG-7a–e, h).</summary>
[GenerateSerializer, Immutable, Alias("warranty.declarations")]
public sealed record Declarations(
    [property: Id(0)] bool ConditionOk,
    [property: Id(1)] bool OwnedBySubscriber,
    [property: Id(2)] bool RentedOrLeased,
    [property: Id(3)] bool BusinessUse,
    [property: Id(4)] bool UnofficialRepairOrModification,
    [property: Id(5)] bool ThirdPartyLostOrStolen,
    [property: Id(6)] bool IllegallyUnlocked,
    [property: Id(7)] bool CoveredByOtherWarranty);

/// <summary>Who did something and when (history, API.md).</summary>
[GenerateSerializer, Immutable, Alias("warranty.event-context")]
public sealed record EventContext([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Actor);

[GenerateSerializer, Immutable, Alias("warranty.create-line")]
public sealed record CreateLineCommand(
    [property: Id(0)] Plan Plan,
    [property: Id(1)] SimType SimType,
    [property: Id(2)] DateOnly ServiceStartDate,
    [property: Id(3)] bool WarrantyOption);

[GenerateSerializer, Immutable, Alias("warranty.register-device")]
public sealed record RegisterDeviceCommand(
    [property: Id(0)] string Imei,
    [property: Id(1)] Declarations Declarations);

[GenerateSerializer, Immutable, Alias("warranty.contract-year")]
public sealed record ContractYearView(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] DateOnly End,
    [property: Id(2)] int ClaimsCounted,
    [property: Id(3)] int ClaimsRemaining,
    [property: Id(4)] int ExchangesCounted,
    [property: Id(5)] int? NextExchangeFeeYen);

[GenerateSerializer, Immutable, Alias("warranty.option-view")]
public sealed record OptionView(
    [property: Id(0)] OptionStatus Status,
    [property: Id(1)] DateOnly CoverageStartDate,
    [property: Id(2)] DateOnly RegistrationDeadline,
    [property: Id(3)] string? CoveredImei,
    [property: Id(4)] DateOnly? TerminatedOn,
    [property: Id(5)] ContractYearView ContractYear);

[GenerateSerializer, Immutable, Alias("warranty.line-view")]
public sealed record LineView(
    [property: Id(0)] string LineId,
    [property: Id(1)] Plan Plan,
    [property: Id(2)] SimType SimType,
    [property: Id(3)] DateOnly ServiceStartDate,
    [property: Id(4)] LineStatus Status,
    [property: Id(5)] DateOnly? CancelledOn,
    [property: Id(6)] OptionView? Option);

[GenerateSerializer, Immutable, Alias("warranty.history-entry")]
public sealed record HistoryEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] string Actor,
    [property: Id(3)] IReadOnlyDictionary<string, string?> Data);

[GenerateSerializer, Immutable, Alias("warranty.reception")]
public sealed record ReceptionView(
    [property: Id(0)] Plan Desk,
    [property: Id(1)] string Phone,
    [property: Id(2)] string Hours,
    [property: Id(3)] bool OpenNow);

[GenerateSerializer, Immutable, Alias("warranty.claim-ref")]
public sealed record ClaimRef([property: Id(0)] string LineId, [property: Id(1)] string ClaimId);

[GenerateSerializer, Immutable, Alias("warranty.device-view")]
public sealed record DeviceView(
    [property: Id(0)] string Imei,
    [property: Id(1)] string Tac,
    [property: Id(2)] string Model,
    [property: Id(3)] DeviceStatus Status,
    [property: Id(4)] string? CoveredByLineId,
    [property: Id(5)] DateTimeOffset? RegisteredAt,
    [property: Id(6)] string? ReplacedByImei,
    [property: Id(7)] string? ReplacesImei,
    [property: Id(8)] IReadOnlyList<ClaimRef> Claims,
    [property: Id(9)] IReadOnlyList<CoveragePeriod> CoveragePeriods);

/// <summary>
/// Japan dates, both ends included, in which a device was the covered device of a line's option; <paramref name="Until"/>
/// and <paramref name="EndReason"/> are null while the period lasts.
/// </summary>
[GenerateSerializer, Immutable, Alias("warranty.coverage-period")]
public sealed record CoveragePeriod(
    [property: Id(0)] string LineId,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly? Until,
    [property: Id(3)] CoverageEndReason? EndReason);

[GenerateSerializer, Immutable, Alias("warranty.coverage")]
public sealed record CoverageView(
    [property: Id(0)] string Imei,
    [property: Id(1)] DateOnly Date,
    [property: Id(2)] bool Covered,
    [property: Id(3)] string? LineId,
    [property: Id(4)] bool BreakageCovered,
    [property: Id(5)] bool NaturalFailureCovered,
    [property: Id(6)] DateOnly? NaturalFailureCoveredUntil,
    [property: Id(7)] DateOnly? LastUsageDate,
    [property: Id(8)] int? ClaimsRemaining,
    [property: Id(9)] bool ExchangeAvailable,
    [property: Id(10)] int? NextExchangeFeeYen,
    [property: Id(11)] IReadOnlyList<string> Rules);

[GenerateSerializer, Immutable, Alias("warranty.charge")]
public sealed record ChargeItem(
    [property: Id(0)] ChargeKind Kind,
    [property: Id(1)] string? ClaimId,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] int AmountYen,
    [property: Id(4)] int TaxYen,
    [property: Id(5)] bool Taxable);

[GenerateSerializer, Immutable, Alias("warranty.charges")]
public sealed record ChargesView(
    [property: Id(0)] string LineId,
    [property: Id(1)] string Month,
    [property: Id(2)] IReadOnlyList<ChargeItem> Items,
    [property: Id(3)] int TotalYen);

[GenerateSerializer, Immutable, Alias("warranty.device-link")]
public sealed record DeviceLink([property: Id(0)] bool Covers, [property: Id(1)] DateOnly? LastDay);

/// <summary>
/// What coverage answers for one device on any date need from a line it is or was covered by (COV-1..7, CLM-1, CLM-3),
/// as of the line's last stored state: the line sends it to the device grain after each write and on the device's
/// request, so the device answers lookups without asking the line. Every part is dated, so an answer about a date
/// depends only on what happened by the end of that date: the device's <see cref="Periods"/> on the line, the
/// <see cref="Claims"/> with the dates they counted, the <see cref="Usage"/> dates. <see cref="HasOption"/> false: the
/// line has no option. <see cref="ClaimIds"/>: the line's claims on the device, which the device lists with its own
/// stored references (so a filing writes the line only).
/// </summary>
[GenerateSerializer, Immutable, Alias("warranty.coverage-facts")]
public sealed record CoverageFacts(
    [property: Id(0)] string LineId,
    [property: Id(1)] bool HasOption,
    [property: Id(2)] DateOnly CoverageStartDate,
    [property: Id(3)] DateOnly? TerminatedOn,
    [property: Id(4)] bool Cancelled,
    [property: Id(5)] DeviceKind Kind,
    [property: Id(6)] DateOnly ReleaseDate,
    [property: Id(7)] IReadOnlyList<PeriodFact> Periods,
    [property: Id(8)] IReadOnlyList<ClaimFact> Claims,
    [property: Id(9)] IReadOnlyList<DateSpan> Usage,
    [property: Id(10)] IReadOnlyList<string> ClaimIds);

/// <summary>
/// One period in which the device was the line's covered device (its ends, Japan dates, both included; the option's
/// termination is not applied here), why it ended and the rule that ended it (REG-4, CLM-6, CLM-8, CLM-9).
/// </summary>
[GenerateSerializer, Immutable, Alias("warranty.period-fact")]
public readonly record struct PeriodFact(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] DateOnly? Until,
    [property: Id(2)] CoverageEndReason? EndReason,
    [property: Id(3)] string? EndRule);

/// <summary>
/// A claim as CLM-1 counts it over time: in the contract year starting <paramref name="YearStart"/>, from the Japan date
/// it was accepted through <paramref name="Until"/> (the day before it was rejected or withdrawn; null while it counts),
/// and as an exchange from <paramref name="ExchangeFrom"/> (the date of the inspection that decided it).
/// </summary>
[GenerateSerializer, Immutable, Alias("warranty.claim-fact")]
public readonly record struct ClaimFact(
    [property: Id(0)] DateOnly YearStart,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly? Until,
    [property: Id(3)] DateOnly? ExchangeFrom);

/// <summary>Consecutive dates, both ends included.</summary>
[GenerateSerializer, Immutable, Alias("warranty.date-span")]
public readonly record struct DateSpan([property: Id(0)] DateOnly From, [property: Id(1)] DateOnly To);
