using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

// Persistent state of the grains. Serialised as JSON by the grain storage: rename a property
// only with [JsonPropertyName] keeping the old name, and only add properties with defaults.

public sealed record LineState
{
    public string LineId { get; init; } = "";
    public bool Exists { get; init; }
    public Plan Plan { get; init; }
    public SimType SimType { get; init; }
    public DateOnly ServiceStartDate { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateOnly? CancelledOn { get; init; }
    public OptionState? Option { get; init; }

    /// <summary>A registration between its steps (see <c>Lines/LineProtocol.cs</c>); null when none.</summary>
    public PendingRegistration? PendingRegistration { get; init; }

    /// <summary>Changes for device grains, written with the change that caused them and delivered after.</summary>
    public IReadOnlyList<OutboxItem> Outbox { get; init; } = [];

    /// <summary>Claims of the current and previous contract year (older ones are archived).</summary>
    public IReadOnlyList<ClaimState> Claims { get; init; } = [];

    /// <summary>The number of the last claim filed on this line; claim ids are derived from it.</summary>
    public int ClaimSequence { get; init; }

    public IReadOnlyList<UsageRecord> Usage { get; init; } = [];
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    /// <summary>How many history entries were moved to the line's archive (they precede <see cref="History"/>).</summary>
    public int ArchivedHistoryCount { get; init; }

    /// <summary>
    /// How many of the line's history entries (archived ones included) are recorded in the event log: the entries
    /// after them are the log's outbox (see <c>Events/LineEvents.cs</c>).
    /// </summary>
    public int EventsPublished { get; init; }

    /// <summary>True once claims were moved to the line's archive.</summary>
    public bool HasArchivedClaims { get; init; }

    /// <summary>Responses to requests that carried an Idempotency-Key, for 24 hours.</summary>
    public IReadOnlyList<IdempotencyRecord> Idempotency { get; init; } = [];
}

/// <summary>
/// A keyed request: its fingerprint (method, path, body) and, once its effect is committed, the
/// response, written in the same state write as that effect. No response yet means the request
/// was interrupted before its commit.
/// </summary>
public sealed record IdempotencyRecord(string Key, string Fingerprint, DateTimeOffset ExpiresAt, string? Response);

public sealed record OptionState
{
    public DateOnly CoverageStartDate { get; init; }
    public DateOnly RegistrationDeadline { get; init; }
    public CoveredDevice? Device { get; init; }

    /// <summary>True once a device was registered, even if none is covered now.</summary>
    public bool Registered { get; init; }

    public DateOnly? TerminatedOn { get; init; }

    /// <summary>The device found modified at inspection (CLM-8); the option then covers none.</summary>
    public string? ExcludedImei { get; init; }

    /// <summary>
    /// The option's covered devices in order, each with the Japan dates it was covered and why that ended (REG-4,
    /// CLM-6, CLM-8, CLM-9); the option's termination (COV-7) is applied when they are read. Empty in a state stored
    /// before periods were kept: <see cref="CoveragePeriods.Of"/> derives them then.
    /// </summary>
    public IReadOnlyList<CoveredPeriod> Periods { get; init; } = [];
}

/// <summary>
/// <paramref name="Device"/> was the option's covered device from <paramref name="From"/> through <paramref name="Until"/>
/// (Japan dates, both included; null while it lasts). <paramref name="Until"/> may be the day before <paramref name="From"/>:
/// registered and replaced on the same date, covered on no date.
/// </summary>
public sealed record CoveredPeriod(
    CoveredDevice Device,
    DateOnly From,
    DateOnly? Until = null,
    CoverageEndReason? EndReason = null,
    string? EndRule = null);

/// <summary>The covered device, with what the rules need from the catalogue, as it was at registration.</summary>
public sealed record CoveredDevice(
    string Imei,
    string Tac,
    string ModelName,
    DeviceKind Kind,
    DateOnly ReleaseDate,
    DateTimeOffset RegisteredAt);

/// <param name="RequestKey">The Idempotency-Key of the request that started it, so a resume answers that request.</param>
public sealed record PendingRegistration(CoveredDevice Device, string Actor, string? RequestKey = null);

/// <summary>A change for the device grain of <paramref name="Imei"/>, waiting to be delivered.</summary>
public sealed record OutboxItem(string Imei, DeviceChange Change);


/// <summary>The Japan dates on which the network saw <see cref="Imei"/> on this line (COV-5), as runs.</summary>
public sealed record UsageRecord(string Imei, IReadOnlyList<UsageRun> Runs);

public sealed record DeviceState
{
    public string Imei { get; init; } = "";
    public bool Exists { get; init; }
    public string Tac { get; init; } = "";
    public string ModelName { get; init; } = "";
    public DeviceStatus Status { get; init; }

    /// <summary>The line that covers (or last covered) the device.</summary>
    public string? LineId { get; init; }

    /// <summary>Set when the option ends (COV-7): the last covered day.</summary>
    public DateOnly? CoveredUntil { get; init; }

    public DateTimeOffset? RegisteredAt { get; init; }

    /// <summary>Held for an exchange shipment to this line (CLM-9) until delivery.</summary>
    public string? ReservedForLineId { get; init; }
    public string? ReservationKey { get; init; }

    public string? ReplacedByImei { get; init; }
    public string? ReplacesImei { get; init; }
    public IReadOnlyList<ClaimRef> Claims { get; init; } = [];

    /// <summary>
    /// The periods in which lines covered the device, as their changes reached it (termination applied). The lines'
    /// own periods are the authority for answers; these keep the device's history, across lines.
    /// </summary>
    public IReadOnlyList<CoveragePeriod> Periods { get; init; } = [];
}

public sealed record ClaimState
{
    public string ClaimId { get; init; } = "";
    public string Imei { get; init; } = "";

    /// <summary>The claimed device's kind (CLM-2), as registered.</summary>
    public DeviceKind Kind { get; init; }
    public Incident Incident { get; init; }
    public ClaimStatus Status { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public DateOnly ContractYearStart { get; init; }
    public bool CountsTowardLimit { get; init; }
    public ClaimService? Service { get; init; }
    public bool LoanerRequested { get; init; }
    public string? Note { get; init; }
    public DeviceReceipt? Receipt { get; init; }
    public RejectReason? RejectReason { get; init; }
    public int? RepairCostYen { get; init; }

    /// <summary>The exchange device (CLM-9) or the maker's replacement unit (CLM-6), with its model.</summary>
    public CoveredDevice? Replacement { get; init; }

    /// <summary>A shipment between its steps (device reserved, stock taken); null when none.</summary>
    public CoveredDevice? PendingShipment { get; init; }

    /// <summary>The Idempotency-Key of the request that started <see cref="PendingShipment"/>, if any.</summary>
    public string? PendingShipmentKey { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? InitialDefectReportedAt { get; init; }
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];
    public IReadOnlyList<ChargeItem> Charges { get; init; } = [];

    public DateTimeOffset LastStepAt => Timeline.Count > 0 ? Timeline[^1].At : ReceivedAt;
}
