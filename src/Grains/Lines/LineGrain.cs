using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.Grains.ReadModel;

namespace Warranty.Grains.Lines;

/// <summary>
/// The line, its option and its claims. Each change is a transition in <see cref="Domain"/>
/// (<see cref="LineTransitions"/>, <see cref="RegistrationTransitions"/>, <see cref="ClaimTransitions"/>); this grain
/// loads the line, asks other grains what a transition needs, calls it, and hands the result to
/// <see cref="LineProtocol"/>, which stores it once through <see cref="LineStore"/> and delivers its notices.
/// </summary>
/// <remarks>
/// A claim lives in its line's state: the line is the one consistency boundary for the CLM-1 limit, so concurrent
/// filings are decided one at a time and never exceed it. A request with an Idempotency-Key is served once
/// (<see cref="LineRequests.ServeAsync{T}"/>): its response is stored in the same write as its effect.
/// </remarks>
[GrainType("line")]
public sealed class LineGrain(
    [PersistentState(LineGrain.StateName, "warranty")] IPersistentState<LineState> state,
    [FromKeyedServices(RulesClock.Key)] TimeProvider time,
    IOptions<ReceptionOptions> reception,
    IOptions<FeeOptions> fees,
    IOptions<AbuseLimitOptions> limits,
    EventPublisher events,
    RefusalCounts refusalCounts,
    IFaultInjector faults,
    ILogger<LineGrain> logger) : Grain, ILineGrain
{
    /// <summary>The name of the line's persistent state, as in its <c>[PersistentState]</c> (its storage row with the grain's id).</summary>
    public const string StateName = "line";

    private readonly LineStore _store = new(state, time);
    private LineProtocol _protocol = null!;
    private LineRequests _requests = null!;

    /// <summary>Refused filings and ineligible quotes on this line, for the abuse limit (not stored).</summary>
    private RefusalLimit? _refusals;

    private LineState Line => _store.Line;

    private string LineId => this.GetPrimaryKeyString();

    private DateOnly Today => JapanTime.Today(time);

    /// <summary>The grain id of line <paramref name="lineId"/> (grain type <c>line</c>), for reading its stored state.</summary>
    public static GrainId IdOf(string lineId) => GrainId.Create("line", lineId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _protocol = new LineProtocol(LineId, _store, GrainFactory, events, faults, time, logger, DeactivateOnIdle, PublishLater);
        _requests = new LineRequests(LineId, _store, _protocol, time);
        if (LineStore.NeedsPeriods(Line))
        {
            await _protocol.MigratePeriodsAsync();
        }

        _store.Loaded();
        // Entries not counted as published (a crash, or a log write that failed) are published again: the log ignores repeats.
        if (LineStore.HasInterruptedWork(Line) || LineEvents.HasUnpublished(Line) || ArchiveRules.IsDue(Line, Today, time.GetUtcNow()))
        {
            // Not awaited here: finishing may call device grains, which may be waiting on this line (GetLinkAsync)
            // while it activates. A timer turn runs once activation is done.
            this.RegisterGrainTimer(
                static (grain, _) => grain.ResumeAfterActivationAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        }
    }

    /// <summary>The event log refused a write: the line publishes again in a while (or on its next change or activation).</summary>
    private void PublishLater()
    {
        try
        {
            this.RegisterGrainTimer(
                static (grain, _) => grain._protocol.PublishAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = PublishRetryDelay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
        catch (Exception ex)
        {
            // Deactivating: the next activation (or the projection's sweep) publishes them.
            logger.LogDebug(ex, "Line {LineId}: no retry of the log write scheduled", LineId);
        }
    }

    private static readonly TimeSpan PublishRetryDelay = TimeSpan.FromSeconds(5);

    private async Task ResumeAfterActivationAsync()
    {
        try
        {
            await _protocol.ResumeAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Line {LineId}: unfinished work not completed after activation; the next change retries it", LineId);
        }
    }

    /// <summary>Publishes what a failed log write left, and stores an outbox emptied by a delivery (and the count of published events) when nothing has written the line since.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // Entries a failed log write left unpublished: one more try, else the next activation (or a sweep) publishes them.
            if (!_store.Broken)
            {
                await _protocol.PublishAsync();
            }

            await _store.FlushAsync();
        }
        catch (Exception ex)
        {
            // Harmless: the next activation delivers the (idempotent) changes again and clears them.
            logger.LogWarning(ex, "Line {LineId}: the emptied outbox was not stored at deactivation", LineId);
        }
    }

    public Task<Result<LineView>> CreateAsync(CreateLineCommand command, EventContext context) =>
        _requests.ServeAsync(LineView, async request =>
        {
            if (await _requests.ApplyAsync(LineTransitions.Create(Line, LineId, command, context, Today), request) is { } refused)
            {
                return refused;
            }

            logger.LogDebug("Line {LineId} created (option: {WarrantyOption})", LineId, command.WarrantyOption);
            return View();
        });

    public Task<Result<LineView>> GetAsync() => Task.FromResult(Line.Exists ? View() : LineErrors.NotFound(LineId));

    public Task<Result<LineView>> ChangePlanAsync(Plan plan, EventContext context) =>
        _requests.ChangeAsync(LineView, (line, _) => LineTransitions.ChangePlan(line, plan, context, Today), _ => View());

    public Task<Result<LineView>> AddOptionAsync(EventContext context) =>
        Task.FromResult<Result<LineView>>(Line.Exists ? EnrollmentRules.AddOptionLater() : LineErrors.NotFound(LineId));

    public Task<Result<LineView>> TerminateOptionAsync(DateOnly date, EventContext context) =>
        _requests.ChangeAsync(LineView, (line, _) => LineTransitions.Terminate(line, date, context, Today), _ =>
        {
            logger.LogDebug("Line {LineId}: option terminated on {Date}", LineId, date);
            return View();
        });

    public Task<Result<LineView>> CancelAsync(DateOnly date, EventContext context) =>
        _requests.ChangeAsync(LineView, (line, _) => LineTransitions.Cancel(line, date, context), _ =>
        {
            logger.LogDebug("Line {LineId} cancelled on {Date}", LineId, date);
            return View();
        });

    public async Task<Result<LineView>> RegisterDeviceAsync(RegisterDeviceCommand command, EventContext context)
    {
        var result = await _requests.ChangeAsync(
            LineView, (line, request) => RegistrationSteps.TakeAsync(GrainFactory, _protocol, line, command, context, request), _ => View());
        if (result.Error is { Rules.Count: > 0 } refusal)
        {
            WarrantyMetrics.RegistrationRefused(refusal.Rules);
            refusalCounts.Count(RefusedOperation.Registration, refusal.Rules, Today);
        }

        return result;
    }

    public Task<Result<Done>> RecordUsageAsync(string imei, DateTimeOffset at) =>
        _requests.ServeAsync(_ => Done.Instance, async request =>
        {
            if (!Line.Exists)
            {
                return LineErrors.NotFound(LineId);
            }

            await _requests.ApplyAsync(LineChange.Ok(LineTransitions.RecordUsage(Line, imei, at)), request);
            return Result<Done>.Ok(Done.Instance);
        });

    public async Task<Result<IReadOnlyList<HistoryEntry>>> GetHistoryAsync()
    {
        if (!Line.Exists)
        {
            return LineErrors.NotFound(LineId);
        }

        return Line.ArchivedHistoryCount == 0
            ? Result<IReadOnlyList<HistoryEntry>>.Ok(Line.History)
            : Result<IReadOnlyList<HistoryEntry>>.Ok([.. await Archive.GetHistoryAsync(), .. Line.History]);
    }

    public Task<Result<ReceptionView>> GetReceptionAsync() =>
        Task.FromResult(Line.Exists ? Result<ReceptionView>.Ok(ReceptionRules.Describe(Line.Plan, reception.Value, time.GetUtcNow())) : LineErrors.NotFound(LineId));

    public async Task<Result<ChargesView>> GetChargesAsync(int year, int month)
    {
        if (!Line.Exists)
        {
            return LineErrors.NotFound(LineId);
        }

        var archived = Line.HasArchivedClaims ? await Archive.GetClaimsAsync() : [];
        return Result<ChargesView>.Ok(BillingRules.Statement(Line, archived.SelectMany(c => c.Charges), year, month));
    }

    public Task<CoverageFacts> GetCoverageFactsAsync(string imei) => Task.FromResult(CoverageRules.FactsOf(_store.Committed, imei));

    /// <remarks>
    /// Interleaves with a running request: it only reads, and it is called by device grains that this line may itself
    /// be waiting on (a registration racing another line's), so queueing it could deadlock both. It reads the last
    /// stored state, which is replaced whole on every change.
    /// </remarks>
    public Task<DeviceLink> GetLinkAsync(string imei) => Task.FromResult(LineViews.LinkOf(_store.Committed, imei));

    public Task<LineStats> GetStatsAsync() => Task.FromResult(new LineStats(
        Line.Claims.Count, Line.History.Count, Line.Idempotency.Count, Line.Usage.Sum(u => u.Runs.Count), Line.ArchivedHistoryCount));

    public Task<Result<QuoteView>> QuoteAsync(Incident incident, DateTimeOffset at, int? estimatedRepairCostYen = null)
    {
        if (ClaimPreconditions() is { } refused)
        {
            return Task.FromResult<Result<QuoteView>>(refused);
        }

        var decision = ClaimRules.Decide(Line, incident, JapanTime.DateOf(at));
        if (!decision.Eligible)
        {
            Refusals.Record();
            refusalCounts.Count(RefusedOperation.Quote, decision.Rules, Today);
        }

        return Task.FromResult(Result<QuoteView>.Ok(ClaimRules.Quote(decision, estimatedRepairCostYen)));
    }

    public Task<Result<ClaimView>> FileClaimAsync(FileClaimCommand command, EventContext context) =>
        _requests.ChangeAsync(
            line => line.Claims.Count > 0 ? ClaimRules.View(LineId, line.Claims[^1]) : null,
            (line, _) => ValueTask.FromResult(ClaimPreconditions() is { } refused ? refused : CountRefusal(ClaimTransitions.File(line, command, context))),
            line => Filed(line.Claims[^1]),
            claim: true);

    private Result<LineChange> CountRefusal(Result<LineChange> filed)
    {
        if (filed.Error is { } refused)
        {
            Refusals.Record();
            WarrantyMetrics.ClaimRefused(refused.Rules);
            refusalCounts.Count(RefusedOperation.Filing, refused.Rules, Today);
        }

        return filed;
    }

    private Result<ClaimView> Filed(ClaimState claim)
    {
        WarrantyMetrics.ClaimFiled(WireNames.Of(claim.Incident));
        logger.LogDebug("Claim {ClaimId} accepted for line {LineId} ({Incident})", claim.ClaimId, LineId, claim.Incident);
        return ClaimView(claim.ClaimId);
    }

    public async Task<Result<IReadOnlyList<ClaimView>>> GetClaimsAsync()
    {
        if (!Line.Exists)
        {
            return LineErrors.NotFound(LineId);
        }

        var archived = Line.HasArchivedClaims ? await Archive.GetClaimsAsync() : [];
        return Result<IReadOnlyList<ClaimView>>.Ok([.. archived, .. Line.Claims.Select(c => ClaimRules.View(LineId, c))]);
    }

    public async Task<Result<ClaimView>> GetClaimAsync(string claimId)
    {
        if (!Line.Exists)
        {
            return LineErrors.NotFound(LineId);
        }

        if (ClaimTransitions.Find(Line, claimId) is not null)
        {
            return ClaimView(claimId);
        }

        var archived = Line.HasArchivedClaims ? (await Archive.GetClaimsAsync()).FirstOrDefault(c => c.ClaimId == claimId) : null;
        return archived is null ? LineErrors.ClaimNotFound(LineId, claimId) : Result<ClaimView>.Ok(archived);
    }

    public Task<Result<ClaimView>> StepAsync(string claimId, ClaimStep step, EventContext context) =>
        _requests.ChangeAsync(
            line => ClaimTransitions.Find(line, claimId) is { } claim ? ClaimRules.View(LineId, claim) : null,
            (line, request) => ClaimSteps.TakeAsync(GrainFactory, _protocol, line, claimId, step, context, fees.Value, request),
            _ => StepTaken(claimId, step.Kind),
            claim: true);

    private Result<ClaimView> StepTaken(string claimId, ClaimStepKind kind)
    {
        if (kind == ClaimStepKind.ExchangeDelivery && ClaimTransitions.Find(Line, claimId)?.Replacement is { } unit)
        {
            WarrantyMetrics.ExchangeDelivered(unit.Tac);
            logger.LogDebug("Claim {ClaimId} of line {LineId}: exchange device {Imei} delivered and covered", claimId, LineId, unit.Imei);
        }

        if (kind == ClaimStepKind.Inspection && ClaimTransitions.Find(Line, claimId) is { RejectReason: RejectReason.UnofficialRepair } rejected
            && Line.Option?.ExcludedImei == rejected.Imei)
        {
            logger.LogDebug("Line {LineId}: device {Imei} excluded after inspection of claim {ClaimId}", LineId, rejected.Imei, claimId);
        }

        return ClaimView(claimId);
    }

    /// <summary>The line's option, and the abuse limit on refusals (429), before a claim is quoted or filed.</summary>
    private WarrantyError? ClaimPreconditions() =>
        !Line.Exists ? LineErrors.NotFound(LineId)
        : Line.Option is null ? LineErrors.NoOption()
        : Refusals.Check(LineId);

    private RefusalLimit Refusals => _refusals ??= new RefusalLimit(limits.Value, time);

    private ILineArchiveGrain Archive => GrainFactory.GetGrain<ILineArchiveGrain>(LineId);

    private LineView LineView(LineState line) => LineViews.Of(line, Today);

    private Result<LineView> View() => Result<LineView>.Ok(LineViews.Of(Line, Today));

    private Result<ClaimView> ClaimView(string claimId) => Result<ClaimView>.Ok(ClaimRules.View(LineId, ClaimTransitions.Find(Line, claimId)!));
}
