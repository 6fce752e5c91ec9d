using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Lines;

namespace Warranty.Grains.Devices;

/// <summary>
/// One device and its single link to a line: the authority for REG-5. Coverage questions are
/// answered here for devices no line covers, and forwarded to the covering line otherwise.
/// </summary>
[GrainType("device")]
public sealed class DeviceGrain(
    [PersistentState("device", "warranty")] IPersistentState<DeviceState> state,
    [FromKeyedServices(RulesClock.Key)] TimeProvider time,
    [FromKeyedServices(Storage.WarrantyStorageOptions.ProviderName)] IGrainStorage storage,
    ILogger<DeviceGrain> logger) : Grain, IDeviceGrain
{
    private DeviceState Device => state.State;

    private string Imei => this.GetPrimaryKeyString();

    /// <summary>
    /// The coverage facts of the line the device is linked to, as it last sent them (or as fetched when none were sent
    /// since this activation began). Not stored: derived from the line, which sends them again after each of its writes.
    /// </summary>
    private CoverageFacts? _facts;

    /// <summary>The facts of another line that covered the device before, for answers about those dates (rarely needed).</summary>
    private CoverageFacts? _earlierFacts;

    /// <summary>Counts the facts received from lines, so a fetch that a newer update overtook is dropped.</summary>
    private long _factsReceived;

    public async Task<DeviceView?> GetAsync(string? visibleToLineId = null)
    {
        if (!VisibleTo(visibleToLineId))
        {
            return null;
        }

        // The linked line's claims and periods on this device are read from its facts: fetched once per activation.
        if (Device is { Exists: true, LineId: { } lineId } && FactsOf(lineId) is null)
        {
            await FetchFactsAsync(lineId);
        }

        return View();
    }

    /// <summary>The facts of the line this device is linked to, when this activation has them.</summary>
    private CoverageFacts? CurrentFacts => Device.LineId is { } lineId ? FactsOf(lineId) : null;

    private CoverageFacts? FactsOf(string lineId) =>
        _facts is { } facts && facts.LineId == lineId ? facts
        : _earlierFacts is { } earlier && earlier.LineId == lineId ? earlier
        : null;

    public Task<Result<CoverageView>> GetCoverageAsync(DateOnly date, string? visibleToLineId = null)
    {
        if (!Device.Exists || !VisibleTo(visibleToLineId))
        {
            return Task.FromResult<Result<CoverageView>>(WarrantyError.NotFound(ErrorCodes.DeviceNotFound, $"Device {Imei} is not registered."));
        }

        var lineId = LineOn(date);
        if (lineId is null)
        {
            return Task.FromResult(Result<CoverageView>.Ok(CoverageRules.NotCovered(Imei, date, null, "REG-1")));
        }

        return FactsOf(lineId) is { } facts
            ? Task.FromResult(Result<CoverageView>.Ok(CoverageRules.Evaluate(facts, Imei, date)))
            : CoverageFromLineAsync(lineId, date);
    }

    /// <summary>
    /// The line whose facts answer for <paramref name="date"/>: the one whose period contains it, else the last that
    /// began by then, else the first; the linked line when the device has no periods (stored before they were kept).
    /// The line's own periods then decide the answer.
    /// </summary>
    private string? LineOn(DateOnly date)
    {
        var periods = Device.Periods;
        if (periods.Count == 0)
        {
            return Device.LineId;
        }

        for (var i = periods.Count - 1; i >= 0; i--)
        {
            if (periods[i].From <= date)
            {
                return periods[i].LineId;
            }
        }

        return periods[0].LineId;
    }

    /// <summary>The first lookup since activation (or for another line's dates) asks the line once.</summary>
    private async Task<Result<CoverageView>> CoverageFromLineAsync(string lineId, DateOnly date) =>
        Result<CoverageView>.Ok(CoverageRules.Evaluate(await FetchFactsAsync(lineId), Imei, date));

    /// <summary>
    /// The facts of <paramref name="lineId"/> for this device, read from the line's stored state without activating the
    /// line: the same answer its <see cref="ILineGrain.GetCoverageFactsAsync"/> gives, since a line stores each state
    /// before it makes it its committed one. A lookup then keeps one activation (the device) in memory, not two. When
    /// the stored line has interrupted work (or is not found), the line grain is asked instead, so that its activation
    /// finishes that work.
    /// </summary>
    private async Task<CoverageFacts> FetchFactsAsync(string lineId)
    {
        var received = _factsReceived;
        var stored = new GrainState<LineState>();
        await storage.ReadStateAsync(LineGrain.StateName, LineGrain.IdOf(lineId), stored);
        var facts = stored.RecordExists && stored.State is { Exists: true } line && !LineStore.HasInterruptedWork(line)
            ? CoverageRules.FactsOf(line, Imei)
            : await GrainFactory.GetGrain<ILineGrain>(lineId).GetCoverageFactsAsync(Imei);
        if (received == _factsReceived)
        {
            Keep(facts);
        }

        return facts;
    }

    public Task UpdateCoverageFactsAsync(CoverageFacts facts)
    {
        Keep(facts);
        _factsReceived++;
        return Task.CompletedTask;
    }

    /// <summary>The linked line's facts in the first slot, another line's (an earlier period) in the second; <see cref="FactsOf"/> reads both.</summary>
    private void Keep(CoverageFacts facts)
    {
        if (facts.LineId == Device.LineId)
        {
            _facts = facts;
        }
        else
        {
            _earlierFacts = facts;
        }
    }

    /// <summary>Staff see every device (<paramref name="lineId"/> null); a subscriber's line only the device it covers now.</summary>
    private bool VisibleTo(string? lineId) => lineId is null || (Device.Exists && CurrentStatus == DeviceStatus.Covered && Device.LineId == lineId);

    /// <summary>The status as of today: a covered device whose option ended (COV-7) is released after its last day.</summary>
    private DeviceStatus CurrentStatus =>
        Device.CoveredUntil is null ? Device.Status : DeviceTransitions.StatusOn(Device, JapanTime.Today(time));

    public async Task<Result<DeviceView?>> CheckAttachableAsync(string lineId, DateTimeOffset at) =>
        await HeldElsewhereAsync(lineId, at) is { } refusal ? refusal : Result<DeviceView?>.Ok(View());

    public async Task<Result<DeviceView>> AttachAsync(string lineId, string modelName, DateTimeOffset at)
    {
        if (DeviceTransitions.IsAttachedTo(Device, lineId))
        {
            return Result<DeviceView>.Ok(View()!);
        }

        if (await HeldElsewhereAsync(lineId, at) is { } refusal)
        {
            return refusal;
        }

        var attached = DeviceTransitions.Attach(Device, Imei, lineId, modelName, at);
        if (attached.Error is { } excluded)
        {
            return excluded;
        }

        var previousLine = Device.LineId;
        await SaveAsync(attached.Value!);
        logger.LogDebug("Device {Imei} attached to line {LineId} (previously {PreviousLineId})", Imei, lineId, previousLine);
        return Result<DeviceView>.Ok(View()!);
    }

    public async Task<DeviceView?> ApplyAsync(DeviceChange change)
    {
        if (DeviceTransitions.CoveredByAnother(Device, change))
        {
            logger.LogError("Device {Imei} is covered by line {Holder}; line {LineId} cannot take it", Imei, Device.LineId, change.LineId);
        }

        var next = DeviceTransitions.Apply(Device, Imei, change);
        if (!ReferenceEquals(next, Device) && next != Device)
        {
            await SaveAsync(next);
            logger.LogDebug("Device {Imei}: {Change} from line {LineId}", Imei, change.Kind, change.LineId);
        }

        return View();
    }

    public async Task<Result<DeviceView?>> ReserveAsync(string lineId, string shipmentKey, DateTimeOffset at)
    {
        if (DeviceTransitions.IsReservedFor(Device, lineId, shipmentKey))
        {
            return Result<DeviceView?>.Ok(View());
        }

        if (await HeldElsewhereAsync(lineId, at) is { } refusal)
        {
            return refusal;
        }

        await SaveAsync(DeviceTransitions.Reserve(Device, Imei, lineId, shipmentKey));
        return Result<DeviceView?>.Ok(View());
    }

    public async Task CancelReservationAsync(string lineId, string shipmentKey)
    {
        if (DeviceTransitions.IsReservedFor(Device, lineId, shipmentKey))
        {
            await SaveAsync(Device with { ReservedForLineId = null, ReservationKey = null });
        }
    }

    /// <summary>
    /// REG-5: another line holds the device on <paramref name="at"/>'s date. A link is confirmed
    /// with that line, since a crash may have left a release notice undelivered there.
    /// </summary>
    private async Task<WarrantyError?> HeldElsewhereAsync(string lineId, DateTimeOffset at)
    {
        var date = JapanTime.DateOf(at);
        var held = DeviceTransitions.HolderOn(Device, Imei, lineId, date);
        if (held.Value is not { } holder)
        {
            // Refused (reserved for another line's exchange), or no other line can hold it on that date.
            return held.Error;
        }

        return DeviceTransitions.HeldBy(await GrainFactory.GetGrain<ILineGrain>(holder).GetLinkAsync(Imei), Imei, date);
    }

    private DeviceView? View()
    {
        if (!Device.Exists)
        {
            return null;
        }

        var status = CurrentStatus;
        return new DeviceView(
            Imei,
            Device.Tac,
            Device.ModelName,
            status,
            status == DeviceStatus.Covered ? Device.LineId : null,
            Device.RegisteredAt,
            Device.ReplacedByImei,
            Device.ReplacesImei,
            // The covering line's claims on this device are not stored here while it keeps them: listed from its facts.
            CurrentFacts is { ClaimIds.Count: > 0 } facts ? DeviceTransitions.WithReferences(Device, facts.LineId, facts.ClaimIds) : Device.Claims,
            DeviceTransitions.PeriodsOf(Device, new[] { _facts, _earlierFacts }.OfType<CoverageFacts>().Where(f => f.HasOption).ToList()));
    }

    private Task SaveAsync(DeviceState device) => state.WriteAsync(device);
}
