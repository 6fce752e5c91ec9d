using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// The line and its option. Rules live in <see cref="Domain"/>; this class sequences them,
/// persists the result, and runs the steps that involve device grains.
/// </summary>
/// <remarks>
/// <para><b>Registration protocol</b> (REG-4, REG-5): two grains change, the line and the new
/// device (and a third, the old device, on a correction). No step can leave a device on two lines,
/// because each device grain holds its own single link and refuses a second line.</para>
/// <list type="number">
/// <item>Validate (option, window, REG-5 pre-check, catalogue, eligibility). Nothing written.</item>
/// <item>Write the intent: <see cref="LineState.PendingRegistration"/>.</item>
/// <item>Attach: the device grain links itself to this line (idempotent for the same line;
/// refused if another line holds it, in which case the intent is cleared).</item>
/// <item>Commit: the device becomes the covered device, the old one (if any) gets a
/// <see cref="DeviceNoticeKind.Release"/> notice in the <see cref="LineState.Outbox"/>, the intent is
/// cleared, history appended, in one write.</item>
/// <item>Deliver the outbox: each notice is applied by its device grain (idempotent) and removed.</item>
/// </list>
/// <para>A crash after step 2 leaves an intent; after step 4, undelivered notices. Both are finished
/// by <see cref="ResumeAsync"/>, which runs before every change of the line and, once, shortly after
/// activation. Terminations and cancellations use the same outbox to tell the device its last
/// covered day.</para>
/// </remarks>
[GrainType("line")]
public sealed partial class LineGrain(
    [PersistentState("line", "warranty")] IPersistentState<LineState> state,
    [FromKeyedServices(RulesClock.Key)] TimeProvider time,
    IOptions<ReceptionOptions> reception,
    IOptions<FeeOptions> fees,
    IOptions<AbuseLimitOptions> limits,
    IFaultInjector faults,
    ILogger<LineGrain> logger) : Grain, ILineGrain
{
    private LineState Line => state.State;

    /// <summary>
    /// The state as last stored: what the interleaving readers (<see cref="GetCoverageAsync"/>,
    /// <see cref="GetLinkAsync"/>) see while a request is between assigning and storing a new state.
    /// </summary>
    private LineState _committed = new();

    private string LineId => this.GetPrimaryKeyString();

    /// <summary>The outbox was delivered and emptied in memory, and no write has stored that yet.</summary>
    private bool _outboxClearUnsaved;

    /// <summary>A protocol step failed: this activation is dropped and must not write on its way out.</summary>
    private bool _broken;

    private DateOnly Today => JapanTime.Today(time);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (NeedsPeriods(state.State))
        {
            await MigratePeriodsAsync();
        }

        _committed = state.State;
        if (HasUnfinishedWork)
        {
            // Not awaited here: finishing may call device grains, which may be waiting on this
            // line (GetLinkAsync) while it activates. A timer turn runs once activation is done.
            this.RegisterGrainTimer(
                static (grain, _) => grain.ResumeAfterActivationAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        }
    }

    /// <summary>A state stored before coverage periods were kept: its periods are derived once, on activation.</summary>
    public static bool NeedsPeriods(LineState line) => line.Option is { Registered: true, Periods.Count: 0 };

    /// <summary>
    /// Derives the periods of a state stored before they were kept (<see cref="CoveragePeriods.Of"/>), completes the
    /// devices it no longer describes (release date, kind) from the catalogue, and stores the result, so that the
    /// derivation happens once and devices reading the stored line find the periods.
    /// </summary>
    private async Task MigratePeriodsAsync()
    {
        var periods = new List<CoveredPeriod>();
        foreach (var period in CoveragePeriods.Of(state.State))
        {
            var device = period.Device;
            if (device.ReleaseDate == default && await GrainFactory.GetGrain<ICatalogModelGrain>(device.Tac).GetAsync() is { } model)
            {
                device = device with { ReleaseDate = model.ReleaseDate, Kind = model.Kind, ModelName = device.ModelName.Length > 0 ? device.ModelName : model.Model };
            }

            periods.Add(period with { Device = device });
        }

        await state.WriteAsync(state.State with { Option = state.State.Option! with { Periods = periods } });
        logger.LogInformation("Line {LineId}: coverage periods derived from its stored state ({Count})", LineId, periods.Count);
    }

    /// <summary>The name of the line's persistent state, as in its <c>[PersistentState]</c> (its storage row with the grain's id).</summary>
    public const string StateName = "line";

    /// <summary>The grain id of line <paramref name="lineId"/> (grain type <c>line</c>), for reading its stored state.</summary>
    public static GrainId IdOf(string lineId) => GrainId.Create("line", lineId);

    /// <summary>
    /// Work the line finishes when it activates: a protocol a crash interrupted (an intent, a pending shipment or
    /// undelivered device changes), or coverage periods not derived yet. A device reading the stored line asks the line then.
    /// </summary>
    public static bool HasInterruptedWork(LineState line) =>
        line.PendingRegistration is not null || line.Outbox.Count > 0 || line.Claims.Any(c => c.PendingShipment is not null)
        || NeedsPeriods(line);

    private bool HasUnfinishedWork =>
        HasInterruptedWork(Line)
        || ArchiveRules.ClaimsToArchive(Line, Today).Count > 0 || ArchiveRules.HistoryToArchive(Line, time.GetUtcNow()) > 0;

    private async Task ResumeAfterActivationAsync()
    {
        try
        {
            await ResumeAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Line {LineId}: unfinished work not completed after activation; the next change retries it", LineId);
        }
    }

    public Task<Result<LineView>> CreateAsync(CreateLineCommand command, EventContext context) =>
        IdempotentAsync(line => LineViews.Of(line, Today), () => CreateCoreAsync(command, context));

    private async Task<Result<LineView>> CreateCoreAsync(CreateLineCommand command, EventContext context)
    {
        if (Line.Exists)
        {
            return WarrantyError.Conflict(ErrorCodes.LineExists, $"Line '{LineId}' already exists.");
        }

        var created = EnrollmentRules.CreateLine(LineId, command, context, Today);
        if (created.Error is { } error)
        {
            return error;
        }

        var line = created.Value! with
        {
            History = [Entry(context, HistoryTypes.LineCreated, new()
            {
                ["plan"] = Wire(command.Plan),
                ["simType"] = Wire(command.SimType),
                ["serviceStartDate"] = Date(command.ServiceStartDate),
                ["warrantyOption"] = HistoryValues.Of(command.WarrantyOption),
            })],
        };
        await SaveAsync(line);
        logger.LogDebug("Line {LineId} created (option: {WarrantyOption})", LineId, command.WarrantyOption);
        return View();
    }

    public Task<Result<LineView>> GetAsync() => Task.FromResult(Line.Exists ? View() : LineNotFound());

    public Task<Result<LineView>> ChangePlanAsync(Plan plan, EventContext context) =>
        IdempotentAsync(line => LineViews.Of(line, Today), () => ChangePlanCoreAsync(plan, context));

    private async Task<Result<LineView>> ChangePlanCoreAsync(Plan plan, EventContext context)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        await ResumeAsync();
        if (EnrollmentRules.IsCancelled(Line, Today))
        {
            return LineCancelled();
        }

        if (Line.Plan == plan)
        {
            return View();
        }

        // ENR-4: the option stays; the reception desk follows the new plan (REC-2).
        await SaveAsync(Line with
        {
            Plan = plan,
            History = [.. Line.History, Entry(context, HistoryTypes.PlanChanged, new() { ["from"] = Wire(Line.Plan), ["to"] = Wire(plan) })],
        });
        return View();
    }

    public Task<Result<LineView>> AddOptionAsync(EventContext context) =>
        Task.FromResult<Result<LineView>>(Line.Exists ? EnrollmentRules.AddOptionLater() : LineNotFound());

    public Task<Result<LineView>> TerminateOptionAsync(DateOnly date, EventContext context) =>
        IdempotentAsync(line => LineViews.Of(line, Today), () => TerminateOptionCoreAsync(date, context));

    private async Task<Result<LineView>> TerminateOptionCoreAsync(DateOnly date, EventContext context)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        if (EnrollmentRules.CheckEndDate(Line, date) is { } invalid)
        {
            return invalid;
        }

        await ResumeAsync();
        var terminated = EnrollmentRules.Terminate(Line, date, Today);
        if (terminated.Error is { } error)
        {
            return error;
        }

        var option = terminated.Value!;
        await SaveAsync(Line with
        {
            Option = option,
            Outbox = WithEndNotice(Line.Outbox, option, context.At, CoverageEndReason.Terminated),
            History = [.. Line.History, Entry(context, HistoryTypes.OptionTerminated, new() { ["date"] = Date(date) })],
        });
        logger.LogDebug("Line {LineId}: option terminated on {Date}", LineId, date);
        await DeliverOutboxAsync();
        return View();
    }

    public Task<Result<LineView>> CancelAsync(DateOnly date, EventContext context) =>
        IdempotentAsync(line => LineViews.Of(line, Today), () => CancelCoreAsync(date, context));

    private async Task<Result<LineView>> CancelCoreAsync(DateOnly date, EventContext context)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        await ResumeAsync();
        if (Line.CancelledOn is not null)
        {
            return LineCancelled();
        }

        if (EnrollmentRules.CheckEndDate(Line, date) is { } invalid)
        {
            return invalid;
        }

        var option = EnrollmentRules.OptionAfterCancellation(Line.Option, date);
        var outbox = option is not null && option.TerminatedOn != Line.Option?.TerminatedOn
            ? WithEndNotice(Line.Outbox, option, context.At, CoverageEndReason.Cancelled)
            : Line.Outbox;
        await SaveAsync(Line with
        {
            CancelledOn = date,
            Option = option,
            Outbox = outbox,
            History = [.. Line.History, Entry(context, HistoryTypes.LineCancelled, new()
            {
                ["date"] = Date(date),
                ["optionTerminatedOn"] = option?.TerminatedOn is { } end ? Date(end) : null,
            })],
        });
        logger.LogDebug("Line {LineId} cancelled on {Date}", LineId, date);
        await DeliverOutboxAsync();
        return View();
    }

    public async Task<Result<LineView>> RegisterDeviceAsync(RegisterDeviceCommand command, EventContext context)
    {
        var result = await IdempotentAsync(line => LineViews.Of(line, Today), () => RegisterDeviceCoreAsync(command, context));
        if (result.Error is { Rules.Count: > 0 } refusal)
        {
            WarrantyMetrics.RegistrationRefused(refusal.Rules);
        }

        return result;
    }

    private async Task<Result<LineView>> RegisterDeviceCoreAsync(RegisterDeviceCommand command, EventContext context)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        await ResumeAsync();
        if (RegistrationRules.CheckOption(Line, JapanTime.DateOf(context.At)) is { } closed)
        {
            return closed;
        }

        if (Line.Option!.Device?.Imei == command.Imei)
        {
            return View();
        }

        // REG-5 before the catalogue and eligibility, as the contract orders the errors; the
        // device grain checks again, atomically, when it attaches.
        var device = GrainFactory.GetGrain<IDeviceGrain>(command.Imei);
        var attachable = await device.CheckAttachableAsync(LineId, context.At);
        if (attachable.Error is { } elsewhere)
        {
            return elsewhere;
        }

        var model = await GrainFactory.GetGrain<ICatalogModelGrain>(Imei.TacOf(command.Imei)).GetAsync();
        if (model is null)
        {
            return WarrantyError.Refused(ErrorCodes.ModelNotFound, $"REG-3: the TAC of IMEI {command.Imei}, {Imei.TacOf(command.Imei)}, is not in the model catalogue.", ["REG-3"]);
        }

        var failed = RegistrationRules.FailedEligibility(
            model, command.Declarations, Line.ServiceStartDate, knownModified: attachable.Value?.Status == DeviceStatus.Excluded);
        if (failed.Count > 0)
        {
            return RegistrationRules.Ineligible(failed, model, Line.ServiceStartDate);
        }

        var pending = new PendingRegistration(
            new CoveredDevice(command.Imei, model.Tac, model.Model, model.Kind, model.ReleaseDate, context.At),
            context.Actor,
            _keyed?.Key);
        await RunProtocolStepAsync(async () =>
        {
            await SaveAsync(Line with { PendingRegistration = pending }, commit: false);
            faults.Reached(FaultPoints.RegistrationIntentWritten);
        });
        var completed = await CompleteRegistrationAsync();
        return completed ?? View();
    }

    /// <summary>Steps 3–5 of the registration protocol; null on success, else the device's refusal.</summary>
    private async Task<WarrantyError?> CompleteRegistrationAsync()
    {
        var pending = Line.PendingRegistration!;
        var device = pending.Device;
        WarrantyError? refusal = null;
        await RunProtocolStepAsync(async () =>
        {
            var attached = await GrainFactory.GetGrain<IDeviceGrain>(device.Imei).AttachAsync(LineId, device.ModelName, device.RegisteredAt);
            faults.Reached(FaultPoints.RegistrationDeviceAttached);
            if (attached.Error is { } error)
            {
                refusal = error;
                await SaveAsync(Line with { PendingRegistration = null }, commit: false);
                return;
            }

            var option = Line.Option!;
            var old = option.Device;
            var outbox = old is not null && old.Imei != device.Imei
                ? [.. Line.Outbox, new OutboxItem(old.Imei, new DeviceChange(DeviceChangeKind.Release, LineId, device.RegisteredAt, ClaimIds: ClaimIdsOn(Line, old.Imei)))]
                : Line.Outbox;
            await SaveAsync(Line with
            {
                Option = option with
                {
                    Device = device,
                    Registered = true,
                    // REG-4: a correction covers the new device from its registration date, the old one through the day before.
                    Periods = CoveragePeriods.Change(CoveragePeriods.Of(Line), device, JapanTime.DateOf(device.RegisteredAt), CoverageEndReason.Released, "REG-4"),
                },
                PendingRegistration = null,
                Outbox = outbox,
                History = [.. Line.History, (old is null
                    ? HistoryTypes.DeviceRegistered.Entry(device.RegisteredAt, pending.Actor, new Dictionary<string, string?> { ["imei"] = device.Imei, ["model"] = device.ModelName })
                    : HistoryTypes.DeviceCorrected.Entry(device.RegisteredAt, pending.Actor, new Dictionary<string, string?> { ["imei"] = device.Imei, ["model"] = device.ModelName, ["replacesImei"] = old.Imei }))],
            });
            faults.Reached(FaultPoints.RegistrationCommitted);
            logger.LogDebug("Line {LineId}: device {Imei} registered (replaces {OldImei})", LineId, device.Imei, old?.Imei);
        });
        await DeliverOutboxAsync();
        return refusal;
    }

    /// <summary>
    /// Finishes what a crash interrupted: a pending registration or shipment, then undelivered changes.
    /// Each is finished as the request that started it, so that request's retry gets its response.
    /// </summary>
    private async Task ResumeAsync()
    {
        var current = _keyed;
        try
        {
            if (Line.PendingRegistration is { } registration)
            {
                logger.LogInformation("Line {LineId}: resuming registration of {Imei}", LineId, registration.Device.Imei);
                _keyed = KeyedRequestFor(registration.RequestKey, line => LineViews.Of(line, Today));
                await CompleteRegistrationAsync();
            }

            foreach (var claim in Line.Claims.Where(c => c.PendingShipment is not null).ToList())
            {
                logger.LogInformation("Line {LineId}: resuming shipment for claim {ClaimId}", LineId, claim.ClaimId);
                _keyed = KeyedRequestFor(claim.PendingShipmentKey, line => line.Claims.FirstOrDefault(c => c.ClaimId == claim.ClaimId) is { } c ? ClaimRules.View(LineId, c) : null);
                await CompleteShipmentAsync(claim.ClaimId, claim.PendingShipment!.RegisteredAt, "system");
            }

            _keyed = null;
            await DeliverOutboxAsync();
            await ArchiveAsync();
        }
        finally
        {
            _keyed = current;
        }
    }

    /// <summary>
    /// Moves finished claims of old contract years and old history to the line's archive, so the hot
    /// state stays bounded. Archive first (idempotent), then drop from the hot state: a crash between
    /// the two repeats the first step harmlessly.
    /// </summary>
    private async Task ArchiveAsync()
    {
        var claims = ArchiveRules.ClaimsToArchive(Line, Today);
        var history = ArchiveRules.HistoryToArchive(Line, time.GetUtcNow());
        if (claims.Count == 0 && history == 0)
        {
            return;
        }

        await GrainFactory.GetGrain<ILineArchiveGrain>(LineId).AppendAsync(
            claims.Select(c => ClaimRules.View(LineId, c)).ToList(), Line.ArchivedHistoryCount, Line.History.Take(history).ToList());
        var archived = claims.Select(c => c.ClaimId).ToHashSet();
        // The devices keep references to their archived claims (while hot, the line's facts list them).
        var references = claims.GroupBy(c => c.Imei)
            .Select(g => new OutboxItem(g.Key, new DeviceChange(DeviceChangeKind.AddClaim, LineId, time.GetUtcNow(), ClaimIds: g.Select(c => c.ClaimId).ToArray())));
        await SaveAsync(Line with
        {
            Claims = Line.Claims.Where(c => !archived.Contains(c.ClaimId)).ToList(),
            Outbox = [.. Line.Outbox, .. references],
            HasArchivedClaims = Line.HasArchivedClaims || claims.Count > 0,
            History = Line.History.Skip(history).ToList(),
            ArchivedHistoryCount = Line.ArchivedHistoryCount + history,
        }, commit: false);
        logger.LogDebug("Line {LineId}: archived {Claims} claims and {History} history entries", LineId, claims.Count, history);
        await DeliverOutboxAsync();
    }

    public Task<LineStats> GetStatsAsync() => Task.FromResult(new LineStats(
        Line.Claims.Count, Line.History.Count, Line.Idempotency.Count, Line.Usage.Sum(u => u.Runs.Count), Line.ArchivedHistoryCount));

    private ILineArchiveGrain Archive => GrainFactory.GetGrain<ILineArchiveGrain>(LineId);

    private KeyedRequest? KeyedRequestFor(string? key, Func<LineState, object?> respond) =>
        key is not null && Line.Idempotency.FirstOrDefault(r => r.Key == key) is { } record
            ? new KeyedRequest(record.Key, record.Fingerprint, record.ExpiresAt, respond)
            : null;

    private async Task DeliverOutboxAsync()
    {
        if (Line.Outbox.Count == 0)
        {
            return;
        }

        await RunProtocolStepAsync(async () =>
        {
            foreach (var item in Line.Outbox)
            {
                await GrainFactory.GetGrain<IDeviceGrain>(item.Imei).ApplyAsync(item.Change);
                faults.Reached(FaultPoints.NoticeDelivered);
            }

            // Not written now: the line's next write (or its deactivation) stores the empty outbox. Every
            // device change is idempotent, so a crash before then only delivers these again on resume,
            // exactly as a crash between delivery and a write would. This saves one of the three writes
            // of a claim filing.
            state.State = Line with { Outbox = [] };
            _outboxClearUnsaved = true;
        });
    }

    /// <summary>Stores an outbox emptied by <see cref="DeliverOutboxAsync"/> when nothing has written the line since.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_outboxClearUnsaved || _broken)
        {
            return;
        }

        try
        {
            await state.WriteAsync(Line);
            _outboxClearUnsaved = false;
        }
        catch (Exception ex)
        {
            // Harmless: the next activation delivers the (idempotent) changes again and clears them.
            logger.LogWarning(ex, "Line {LineId}: the emptied outbox was not stored at deactivation", LineId);
        }
    }

    /// <summary>
    /// A step of a cross-grain protocol. If it fails unexpectedly, the activation is dropped so that
    /// the next call starts from what storage holds, exactly as after a crash.
    /// </summary>
    private async Task RunProtocolStepAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch
        {
            _broken = true;
            DeactivateOnIdle();
            throw;
        }
    }

    public async Task<Result<IReadOnlyList<HistoryEntry>>> GetHistoryAsync()
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        return Line.ArchivedHistoryCount == 0
            ? Result<IReadOnlyList<HistoryEntry>>.Ok(Line.History)
            : Result<IReadOnlyList<HistoryEntry>>.Ok([.. await Archive.GetHistoryAsync(), .. Line.History]);
    }

    public Task<Result<ReceptionView>> GetReceptionAsync() =>
        Task.FromResult(Line.Exists ? Result<ReceptionView>.Ok(ReceptionRules.Describe(Line.Plan, reception.Value, time.GetUtcNow())) : LineNotFound());

    public async Task<Result<ChargesView>> GetChargesAsync(int year, int month)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        var archived = Line.HasArchivedClaims ? (await Archive.GetClaimsAsync()).SelectMany(c => c.Charges) : [];
        var items = BillingRules.MonthlyFees(Line, year, month)
            .Concat(archived.Concat(Line.Claims.SelectMany(c => c.Charges)).Where(c => c.Date.Year == year && c.Date.Month == month))
            .ToList();
        return Result<ChargesView>.Ok(BillingRules.Statement(LineId, year, month, items));
    }

    public Task<Result<Done>> RecordUsageAsync(string imei, DateTimeOffset at) =>
        IdempotentAsync(_ => Done.Instance, () => RecordUsageCoreAsync(imei, at));

    private async Task<Result<Done>> RecordUsageCoreAsync(string imei, DateTimeOffset at)
    {
        if (!Line.Exists)
        {
            return LineNotFound();
        }

        var usage = UsageRules.Record(Line.Usage, imei, JapanTime.DateOf(at), CoveragePeriods.Of(Line).Select(p => p.Device.Imei));
        if (!ReferenceEquals(usage, Line.Usage))
        {
            await SaveAsync(Line with { Usage = usage });
        }

        return Result<Done>.Ok(Done.Instance);
    }

    public Task<CoverageFacts> GetCoverageFactsAsync(string imei) => Task.FromResult(CoverageRules.FactsOf(_committed, imei));

    /// <remarks>
    /// Interleaves with a running request: it only reads, and it is called by device grains that
    /// this line may itself be waiting on (a registration racing another line's), so queueing it
    /// could deadlock both. It reads the last stored state, which is replaced whole on every change.
    /// </remarks>
    public Task<DeviceLink> GetLinkAsync(string imei)
    {
        var line = _committed;
        if (line.PendingRegistration?.Device.Imei == imei || line.Claims.Any(c => c.PendingShipment?.Imei == imei))
        {
            return Task.FromResult(new DeviceLink(true, null));
        }

        var option = line.Option;
        return Task.FromResult(option?.Device?.Imei == imei ? new DeviceLink(true, option.TerminatedOn) : new DeviceLink(false, null));
    }

    private IReadOnlyList<OutboxItem> WithEndNotice(IReadOnlyList<OutboxItem> outbox, OptionState option, DateTimeOffset at, CoverageEndReason reason) =>
        option.Device is { } device
            ? [.. outbox, new OutboxItem(device.Imei, new DeviceChange(DeviceChangeKind.EndCoverage, LineId, at, Date: option.TerminatedOn, EndReason: reason))]
            : outbox;

    /// <summary>The keyed request being served, and how to answer it from the state it commits.</summary>
    private KeyedRequest? _keyed;

    private sealed record KeyedRequest(string Key, string Fingerprint, DateTimeOffset ExpiresAt, Func<LineState, object?> Respond);

    /// <summary>
    /// Serves a request that may carry an Idempotency-Key (API.md): a replay returns the stored response
    /// and changes nothing; a reused key with another request is refused; a refusal leaves no record.
    /// The response is stored by <see cref="SaveAsync"/> in the same write as the effect it answers for.
    /// </summary>
    private async Task<Result<T>> IdempotentAsync<T>(Func<LineState, T?> respond, Func<Task<Result<T>>> action)
        where T : class
    {
        if (IdempotencyContext.Current is not { } request)
        {
            return await action();
        }

        var now = time.GetUtcNow();
        var existing = Line.Idempotency.FirstOrDefault(r => r.Key == request.Key && r.ExpiresAt > now);
        if (existing is not null && existing.Fingerprint != request.Fingerprint)
        {
            return WarrantyError.Refused(
                ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used with a different request.", []);
        }

        if (existing is { Response: null })
        {
            // The same request was interrupted: finishing its protocol stores its response.
            await ResumeAsync();
            existing = Line.Idempotency.FirstOrDefault(r => r.Key == request.Key && r.ExpiresAt > now);
        }

        if (existing?.Response is { } stored)
        {
            WarrantyMetrics.IdempotentReplay();
            return Result<T>.Ok(Idempotency.Deserialize<T>(stored));
        }

        _keyed = new KeyedRequest(request.Key, request.Fingerprint, existing?.ExpiresAt ?? now + Idempotency.Lifetime, line => respond(line));
        try
        {
            var result = await action();
            var record = Line.Idempotency.FirstOrDefault(r => r.Key == request.Key);
            if (result.IsSuccess && record?.Response is null)
            {
                // Nothing was committed by this request (a no-op, or a retry after a crash): answer now.
                await SaveAsync(Line);
            }
            else if (!result.IsSuccess && record is not null)
            {
                _keyed = null;
                await SaveAsync(Line with { Idempotency = Idempotency.Without(Line.Idempotency, request.Key) });
            }

            return result;
        }
        finally
        {
            _keyed = null;
        }
    }

    /// <summary>Writes the line. <paramref name="commit"/>: the write makes the request's effect visible, so a keyed request's response is stored with it.</summary>
    private async Task SaveAsync(LineState line, bool commit = true)
    {
        if (_keyed is { } keyed && line.Exists)
        {
            var response = commit && keyed.Respond(line) is { } answer ? Idempotency.Serialize(answer) : null;
            var kept = line.Idempotency.FirstOrDefault(r => r.Key == keyed.Key)?.Response;
            var record = new IdempotencyRecord(keyed.Key, keyed.Fingerprint, keyed.ExpiresAt, response ?? kept);
            line = line with { Idempotency = Idempotency.Upsert(line.Idempotency, record, time.GetUtcNow()) };
        }

        var before = _committed;
        await state.WriteAsync(line);
        _committed = line;
        _outboxClearUnsaved = false;
        await SendCoverageFactsAsync(before.Option?.Device?.Imei, line.Option?.Device?.Imei);
    }

    /// <summary>Every device the option covered: their answers about their dates on this line come from its facts.</summary>
    private IEnumerable<string> PeriodImeis() => (_committed.Option?.Periods ?? []).Select(p => p.Device.Imei);

    /// <summary>The coverage facts last sent to each device grain by this activation, and those not delivered.</summary>
    private readonly Dictionary<string, CoverageFacts> _factsSent = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends the devices covered before and after a write the facts their lookups answer from, before the write's
    /// request is answered: a lookup after that answer sees this write. The device keeps them in memory only.
    /// </summary>
    private async Task SendCoverageFactsAsync(string? before, string? after)
    {
        foreach (var imei in _factsSent.Keys.Concat(PeriodImeis()).Concat([before, after]).OfType<string>().Distinct().ToList())
        {
            var facts = CoverageRules.FactsOf(_committed, imei);
            if (_factsSent.TryGetValue(imei, out var sent) && CoverageRules.SameFacts(sent, facts))
            {
                continue;
            }

            // Until delivered, the entry is a placeholder that never equals the facts: the next write sends again.
            _factsSent[imei] = Undelivered;
            await GrainFactory.GetGrain<IDeviceGrain>(imei).UpdateCoverageFactsAsync(facts);
            _factsSent[imei] = facts;
        }
    }

    private static readonly CoverageFacts Undelivered = new("", false, default, null, false, default, default, [], [], [], []);

    /// <summary>The ids of this line's claims on <paramref name="imei"/>: handed to the device when it leaves the line.</summary>
    private static IReadOnlyList<string> ClaimIdsOn(LineState line, string imei) =>
        line.Claims.Where(c => c.Imei == imei).Select(c => c.ClaimId).ToArray();

    private Result<LineView> View() => Result<LineView>.Ok(LineViews.Of(Line, Today));

    private WarrantyError LineNotFound() => WarrantyError.NotFound(ErrorCodes.LineNotFound, $"Line '{LineId}' does not exist.");

    private WarrantyError LineCancelled() => WarrantyError.Conflict(ErrorCodes.LineCancelled, $"Line '{LineId}' is cancelled.");

    private static HistoryEntry Entry(EventContext context, HistoryType type, Dictionary<string, string?> data) =>
        type.Entry(context.At, context.Actor, data);

    private static string Date(DateOnly date) => WireNames.Date(date);

    private static string Wire<T>(T value) where T : struct, Enum => WireNames.Of(value);
}
