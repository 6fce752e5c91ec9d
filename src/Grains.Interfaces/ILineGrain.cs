using Orleans.Concurrency;

namespace Warranty.Grains.Interfaces;

/// <summary>
/// One SIM line (key: line id) and its warranty option: dates, status, covered device,
/// contract-year counters, usage observations and history. The consistency boundary for
/// everything that happens to a line.
/// </summary>
[Alias("warranty.line")]
public interface ILineGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<Result<LineView>> CreateAsync(CreateLineCommand command, EventContext context);

    [Alias("get")]
    [ReadOnly]
    Task<Result<LineView>> GetAsync();

    [Alias("change-plan")]
    Task<Result<LineView>> ChangePlanAsync(Plan plan, EventContext context);

    /// <summary>Adding the option to an existing line: always refused (ENR-1).</summary>
    [Alias("add-option")]
    Task<Result<LineView>> AddOptionAsync(EventContext context);

    [Alias("terminate-option")]
    Task<Result<LineView>> TerminateOptionAsync(DateOnly date, EventContext context);

    [Alias("cancel")]
    Task<Result<LineView>> CancelAsync(DateOnly date, EventContext context);

    [Alias("register-device")]
    Task<Result<LineView>> RegisterDeviceAsync(RegisterDeviceCommand command, EventContext context);

    [Alias("history")]
    [ReadOnly]
    Task<Result<IReadOnlyList<HistoryEntry>>> GetHistoryAsync();

    [Alias("reception")]
    [ReadOnly]
    Task<Result<ReceptionView>> GetReceptionAsync();

    [Alias("charges")]
    [ReadOnly]
    Task<Result<ChargesView>> GetChargesAsync(int year, int month);

    /// <summary>The network saw <paramref name="imei"/> communicate with this line's SIM (COV-5).</summary>
    [Alias("record-usage")]
    Task<Result<Done>> RecordUsageAsync(string imei, DateTimeOffset at);

    /// <summary>
    /// What a coverage answer for <paramref name="imei"/> needs from this line, as last stored; called by the device
    /// grain when it has none (the line sends it after every write: <see cref="IDeviceGrain.UpdateCoverageFactsAsync"/>).
    /// Interleaves with a running request of the line (it reads the last committed state and calls nothing): the
    /// line may itself be waiting on that device grain, and queueing would deadlock both.
    /// </summary>
    [Alias("coverage-facts")]
    [AlwaysInterleave]
    Task<CoverageFacts> GetCoverageFactsAsync(string imei);

    /// <summary>
    /// Whether this line covers (or is registering) <paramref name="imei"/>, and its last covered
    /// day when the option has ended. Asked by a device grain whose link may be stale.
    /// </summary>
    [Alias("quote")]
    [ReadOnly]
    Task<Result<QuoteView>> QuoteAsync(Incident incident, DateTimeOffset at, int? estimatedRepairCostYen = null);

    [Alias("file-claim")]
    Task<Result<ClaimView>> FileClaimAsync(FileClaimCommand command, EventContext context);

    [Alias("claims")]
    Task<Result<IReadOnlyList<ClaimView>>> GetClaimsAsync();

    [Alias("claim")]
    Task<Result<ClaimView>> GetClaimAsync(string claimId);

    [Alias("claim-step")]
    Task<Result<ClaimView>> StepAsync(string claimId, ClaimStep step, EventContext context);

    [Alias("stats")]
    [ReadOnly]
    Task<LineStats> GetStatsAsync();

    [Alias("link")]
    [AlwaysInterleave]
    Task<DeviceLink> GetLinkAsync(string imei);
}
