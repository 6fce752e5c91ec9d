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

    /// <summary>A registration between its steps (see the line grain's protocol); null when none.</summary>
    public PendingRegistration? PendingRegistration { get; init; }

    /// <summary>Notices to device grains written with the change that caused them, delivered after.</summary>
    public IReadOnlyList<DeviceNotice> Outbox { get; init; } = [];

    public IReadOnlyList<UsageRecord> Usage { get; init; } = [];
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
}

public sealed record OptionState
{
    public DateOnly CoverageStartDate { get; init; }
    public DateOnly RegistrationDeadline { get; init; }
    public CoveredDevice? Device { get; init; }

    /// <summary>True once a device was registered, even if none is covered now.</summary>
    public bool Registered { get; init; }

    public DateOnly? TerminatedOn { get; init; }
}

/// <summary>The covered device, with what the rules need from the catalogue, as it was at registration.</summary>
public sealed record CoveredDevice(
    string Imei,
    string Tac,
    string ModelName,
    DeviceKind Kind,
    DateOnly ReleaseDate,
    DateTimeOffset RegisteredAt);

public sealed record PendingRegistration(CoveredDevice Device, string Actor);

public enum DeviceNoticeKind
{
    /// <summary>The line no longer covers the device (a correction).</summary>
    Release = 0,

    /// <summary>The option ends: coverage runs to the end of <see cref="DeviceNotice.Date"/>.</summary>
    CoverUntil = 1,
}

public sealed record DeviceNotice(string Imei, DeviceNoticeKind Kind, DateOnly? Date, DateTimeOffset At);

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
    public string? ReplacedByImei { get; init; }
    public string? ReplacesImei { get; init; }
    public IReadOnlyList<ClaimRef> Claims { get; init; } = [];
}
