using Microsoft.Extensions.Logging;
using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// The steps of a line's changes that involve other grains: the commit (one write, then the devices' coverage facts),
/// the outbox's delivery, the two sagas (registration, exchange shipment), archiving, and finishing what a crash
/// interrupted. Every decision comes from a transition in <see cref="Domain"/>; this only sequences and delivers.
/// </summary>
/// <remarks>
/// <para><b>Registration</b> (REG-4, REG-5): validate; write the intent (<see cref="LineState.PendingRegistration"/>);
/// the device grain links itself to the line (refused if another line holds it: the intent is dropped); commit (the
/// device becomes the covered device, the old one gets a release notice in the outbox); deliver the outbox. No step
/// can leave a device on two lines: each device grain holds its single link and refuses a second line.</para>
/// <para><b>Exchange shipment</b> (CLM-9): validate; write the intent (<see cref="ClaimState.PendingShipment"/>); reserve
/// the exchange device; take one unit of stock (both idempotent per shipment key line/claim, so every retry takes
/// stock once; if none, the reservation is cancelled and the intent dropped); commit (<c>exchange_shipped</c>).</para>
/// <para>A crash leaves an intent or undelivered notices; <see cref="ResumeAsync"/> finishes them, as the request
/// that started them, before every change of the line and once after activation.</para>
/// </remarks>
internal sealed class LineProtocol(
    string lineId,
    LineStore store,
    IGrainFactory grains,
    EventPublisher events,
    IFaultInjector faults,
    TimeProvider time,
    ILogger logger,
    Action dropActivation,
    Action publishLater)
{
    private readonly CoverageFactsSender _facts = new(grains);

    /// <summary>The line as it stands now (<see cref="LineStore.Line"/>).</summary>
    public LineState Line => store.Line;

    private DateOnly Today => JapanTime.Today(time);

    /// <summary>
    /// The last log append started, and how many entries the line has once it lands. Appends are chained: each starts
    /// once the one before has landed, so a line's events enter the log in its order.
    /// </summary>
    private (Task Append, int Total)? _publishing;

    /// <summary>
    /// Stores <paramref name="change"/> (its notices in the outbox), sends the devices their coverage facts, and starts
    /// recording its history entries in the event log. Nothing here waits for the log: an append that has landed is
    /// counted as published, one still under way is counted by a later commit, publish or deactivation.
    /// </summary>
    public async Task CommitAsync(LineChange change, KeyedRequest? request, bool answers = true)
    {
        SettleLanded();
        var before = await store.StoreAsync(change.ToStore(), request, answers);
        await _facts.SendAsync(store.Committed, before.Option?.Device?.Imei);
        StartPublishing();
    }

    /// <summary>
    /// Records the history entries the log does not have yet (<see cref="LineEvents"/>) and waits for them. A failed
    /// write is not a failure of the change (it is stored): the entries stay unpublished, and the line publishes them
    /// again a few seconds later, and anyway on its next change, activation or deactivation.
    /// </summary>
    public async Task PublishAsync()
    {
        await SettleAsync();
        StartPublishing();
        await SettleAsync();
    }

    /// <summary>Starts appending the entries neither published nor in an append under way, after that append.</summary>
    private void StartPublishing()
    {
        var from = _publishing?.Total ?? Line.EventsPublished;
        var total = LineEvents.Total(Line);
        if (from >= total)
        {
            return;
        }

        var entries = LineEvents.Unpublished(Line, from, time.GetUtcNow());
        var append = _publishing is { } previous ? AfterAsync(previous.Append, entries) : events.PublishAsync(entries);

        // A failed append is retried even if nothing else happens on the line (continued on the grain's scheduler).
        _ = append.ContinueWith(static (_, retry) => ((Action)retry!)(), publishLater, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        _publishing = (append, total);
    }

    /// <summary>Appends <paramref name="entries"/> once <paramref name="previous"/> has landed; not at all if it failed (they are published again).</summary>
    private async Task AfterAsync(Task previous, IReadOnlyList<LogEvent> entries)
    {
        await previous.ConfigureAwait(false);
        await events.PublishAsync(entries).ConfigureAwait(false);
    }

    /// <summary>Counts the appends that have landed as published, without waiting for one under way.</summary>
    private void SettleLanded()
    {
        if (_publishing is { Append.IsCompleted: true })
        {
            Settle(_publishing.Value);
        }
    }

    /// <summary>Waits for the appends under way, if any, and counts their entries as published once the log has them.</summary>
    private async Task SettleAsync()
    {
        if (_publishing is { } publishing)
        {
            try
            {
                await publishing.Append;
            }
            catch
            {
                // Reported by Settle.
            }

            Settle(publishing);
        }
    }

    private void Settle((Task Append, int Total) publishing)
    {
        _publishing = null;
        if (publishing.Append.Exception is { } failed)
        {
            logger.LogWarning(failed.GetBaseException(), "Line {LineId}: events not recorded in the log yet; the line publishes them again shortly", lineId);
            return;
        }

        faults.Reached(FaultPoints.EventsPublished);
        store.Published(publishing.Total);
    }

    /// <summary>Commits a change of a claim (fault point <see cref="FaultPoints.ClaimCommitted"/>) and delivers its notices.</summary>
    public async Task CommitClaimAsync(LineChange change, KeyedRequest? request)
    {
        await StepAsync(async () =>
        {
            await CommitAsync(change, request);
            faults.Reached(FaultPoints.ClaimCommitted);
        });
        await DeliverOutboxAsync();
    }

    /// <summary>
    /// A step of a cross-grain protocol. If it fails unexpectedly, the activation is dropped so that the next call
    /// starts from what storage holds, exactly as after a crash.
    /// </summary>
    private async Task StepAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch
        {
            store.Broken = true;
            dropActivation();
            throw;
        }
    }

    public async Task DeliverOutboxAsync()
    {
        if (Line.Outbox.Count == 0)
        {
            return;
        }

        await StepAsync(async () =>
        {
            foreach (var item in Line.Outbox)
            {
                await grains.GetGrain<IDeviceGrain>(item.Imei).ApplyAsync(item.Change);
                faults.Reached(FaultPoints.NoticeDelivered);
            }

            store.OutboxDelivered();
        });
    }

    /// <summary>Registration from its intent on: the device links itself, then the commit. Null on success, else the device's refusal.</summary>
    public async Task<WarrantyError?> RegisterAsync(LineChange intent, KeyedRequest? request)
    {
        await StepAsync(async () =>
        {
            await CommitAsync(intent, request, answers: false);
            faults.Reached(FaultPoints.RegistrationIntentWritten);
        });
        return await CompleteRegistrationAsync(request);
    }

    private async Task<WarrantyError?> CompleteRegistrationAsync(KeyedRequest? request)
    {
        var device = Line.PendingRegistration!.Device;
        var old = Line.Option?.Device?.Imei;
        WarrantyError? refusal = null;
        await StepAsync(async () =>
        {
            var attached = await grains.GetGrain<IDeviceGrain>(device.Imei).AttachAsync(lineId, device.ModelName, device.RegisteredAt);
            faults.Reached(FaultPoints.RegistrationDeviceAttached);
            if (attached.Error is { } error)
            {
                refusal = error;
                await CommitAsync(RegistrationTransitions.Abort(Line), request, answers: false);
                return;
            }

            await CommitAsync(RegistrationTransitions.Commit(Line), request);
            faults.Reached(FaultPoints.RegistrationCommitted);
            logger.LogDebug("Line {LineId}: device {Imei} registered (replaces {OldImei})", lineId, device.Imei, old);
        });
        await DeliverOutboxAsync();
        return refusal;
    }

    /// <summary>A shipment from its intent on: reserve the device, take the stock, commit. Null on success, else why it did not go ahead.</summary>
    public async Task<WarrantyError?> ShipAsync(LineChange intent, string claimId, EventContext context, KeyedRequest? request)
    {
        await StepAsync(async () =>
        {
            await CommitAsync(intent, request, answers: false);
            faults.Reached(FaultPoints.ShipmentIntentWritten);
        });
        return await CompleteShipmentAsync(claimId, context, request);
    }

    private async Task<WarrantyError?> CompleteShipmentAsync(string claimId, EventContext context, KeyedRequest? request)
    {
        var claim = ClaimTransitions.Find(Line, claimId)!;
        var pending = claim.PendingShipment!;
        var shipmentKey = $"{lineId}/{claimId}";
        WarrantyError? refusal = null;
        await StepAsync(async () =>
        {
            var device = grains.GetGrain<IDeviceGrain>(pending.Imei);
            if ((await device.ReserveAsync(lineId, shipmentKey, context.At)).Error is { } elsewhere)
            {
                refusal = elsewhere;
                await CommitAsync(ClaimTransitions.AbortShipment(Line, claim), request, answers: false);
                return;
            }

            faults.Reached(FaultPoints.ShipmentDeviceReserved);
            if ((await grains.GetGrain<IExchangeStockGrain>(pending.Tac).TakeAsync(shipmentKey, context.At)).Error is { } outOfStock)
            {
                refusal = outOfStock;
                await device.CancelReservationAsync(lineId, shipmentKey);
                await CommitAsync(ClaimTransitions.AbortShipment(Line, claim), request, answers: false);
                return;
            }

            faults.Reached(FaultPoints.ShipmentStockTaken);
            await CommitClaimAsync(ClaimTransitions.CommitShipment(Line, claim, context), request);
            faults.Reached(FaultPoints.ShipmentCommitted);
            WarrantyMetrics.ExchangeShipped(pending.Tac);
            logger.LogDebug("Claim {ClaimId} of line {LineId}: exchange device {Imei} shipped", claimId, lineId, pending.Imei);
        });
        return refusal;
    }

    /// <summary>
    /// Finishes what a crash interrupted: a pending registration or shipment, then undelivered notices, then archiving.
    /// Each is finished as the request that started it, so that request's retry gets its response.
    /// </summary>
    public async Task ResumeAsync()
    {
        if (Line.PendingRegistration is { } registration)
        {
            logger.LogInformation("Line {LineId}: resuming registration of {Imei}", lineId, registration.Device.Imei);
            await CompleteRegistrationAsync(store.Resuming(registration.RequestKey, line => LineViews.Of(line, Today)));
        }

        foreach (var claim in Line.Claims.Where(c => c.PendingShipment is not null).ToList())
        {
            logger.LogInformation("Line {LineId}: resuming shipment for claim {ClaimId}", lineId, claim.ClaimId);
            var request = store.Resuming(claim.PendingShipmentKey, line => ClaimTransitions.Find(line, claim.ClaimId) is { } c ? ClaimRules.View(lineId, c) : null);
            await CompleteShipmentAsync(claim.ClaimId, new EventContext(claim.PendingShipment!.RegisteredAt, "system"), request);
        }

        await DeliverOutboxAsync();
        await PublishAsync();
        await ArchiveAsync();
    }

    /// <summary>
    /// Moves finished claims of old contract years and old history to the line's archive, so the hot state stays
    /// bounded: archive first (idempotent), then drop from the hot state; a crash between repeats the first harmlessly.
    /// </summary>
    private async Task ArchiveAsync()
    {
        // History leaves the hot state only once the log has it.
        if (LineEvents.HasUnpublished(Line) || LineTransitions.Archive(Line, Today, time.GetUtcNow()) is not { } batch)
        {
            return;
        }

        await grains.GetGrain<ILineArchiveGrain>(lineId).AppendAsync(
            batch.Claims.Select(c => ClaimRules.View(lineId, c)).ToList(), batch.HistoryFrom, batch.History);
        await CommitAsync(batch.After, null, answers: false);
        logger.LogDebug("Line {LineId}: archived {Claims} claims and {History} history entries", lineId, batch.Claims.Count, batch.History.Count);
        await DeliverOutboxAsync();
    }

    /// <summary>
    /// A state stored before coverage periods were kept: derives its periods (<see cref="CoveragePeriods.Of"/>),
    /// completes the devices it no longer describes from the catalogue, and stores the result once.
    /// </summary>
    public async Task MigratePeriodsAsync()
    {
        var periods = new List<CoveredPeriod>();
        foreach (var period in CoveragePeriods.Of(Line))
        {
            var device = period.Device;
            if (device.ReleaseDate == default && await grains.GetGrain<ICatalogModelGrain>(device.Tac).GetAsync() is { } model)
            {
                device = device with { ReleaseDate = model.ReleaseDate, Kind = model.Kind, ModelName = device.ModelName.Length > 0 ? device.ModelName : model.Model };
            }

            periods.Add(period with { Device = device });
        }

        await store.StoreAsync(Line with { Option = Line.Option! with { Periods = periods } }, null);
        logger.LogInformation("Line {LineId}: coverage periods derived from its stored state ({Count})", lineId, periods.Count);
    }
}
