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
        var facts = stored.RecordExists && stored.State is { Exists: true } line && !LineGrain.HasInterruptedWork(line)
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
        Device.Status == DeviceStatus.Covered && Device.CoveredUntil is { } until && JapanTime.Today(time) > until
            ? DeviceStatus.Released
            : Device.Status;

    public async Task<Result<DeviceView?>> CheckAttachableAsync(string lineId, DateTimeOffset at) =>
        await HeldElsewhereAsync(lineId, at) is { } refusal ? refusal : Result<DeviceView?>.Ok(View());

    public async Task<Result<DeviceView>> AttachAsync(string lineId, string modelName, DateTimeOffset at)
    {
        if (Device.Exists && Device.Status == DeviceStatus.Covered && Device.LineId == lineId && Device.CoveredUntil is null)
        {
            return Result<DeviceView>.Ok(View()!);
        }

        if (await HeldElsewhereAsync(lineId, at) is { } refusal)
        {
            return refusal;
        }

        if (Device.Status == DeviceStatus.Excluded)
        {
            return RegistrationRules.Ineligible(["REG-7c"]);
        }

        var previousLine = Device.LineId;
        await SaveAsync(CoveredBy(lineId, modelName, at));
        logger.LogDebug("Device {Imei} attached to line {LineId} (previously {PreviousLineId})", Imei, lineId, previousLine);
        return Result<DeviceView>.Ok(View()!);
    }

    public async Task<DeviceView?> ApplyAsync(DeviceChange change)
    {
        var linked = Device.Exists && Device.LineId == change.LineId;
        var dayBefore = JapanTime.DateOf(change.At).AddDays(-1);
        var next = change.Kind switch
        {
            DeviceChangeKind.Release when linked && Device.Status == DeviceStatus.Covered => Device with
            {
                Status = DeviceStatus.Released,
                Claims = WithClaims(change),
                Periods = Ended(change.LineId, dayBefore, CoverageEndReason.Released),
            },
            DeviceChangeKind.EndCoverage when linked && Device.Status == DeviceStatus.Covered => Device with
            {
                CoveredUntil = change.Date,
                Periods = change.Date is { } last ? Ended(change.LineId, last, change.EndReason ?? CoverageEndReason.Terminated, replace: true) : Device.Periods,
            },
            DeviceChangeKind.AddClaim when Device.Exists && !ReferenceEquals(WithClaims(change), Device.Claims) => Device with { Claims = WithClaims(change) },
            DeviceChangeKind.Replaced when linked && Device.Status != DeviceStatus.Replaced => Device with
            {
                Status = DeviceStatus.Replaced,
                ReplacedByImei = change.OtherImei,
                Claims = WithClaims(change),
                Periods = Ended(change.LineId, dayBefore, CoverageEndReason.Replaced),
            },
            DeviceChangeKind.Exclude when linked && Device.Status != DeviceStatus.Excluded => Device with
            {
                Status = DeviceStatus.Excluded,
                Claims = WithClaims(change),
                Periods = Ended(change.LineId, dayBefore, CoverageEndReason.Excluded),
            },
            DeviceChangeKind.BecomeCovered => BecomeCovered(change),
            _ => Device,
        };
        if (!ReferenceEquals(next, Device) && next != Device)
        {
            await SaveAsync(next);
            logger.LogDebug("Device {Imei}: {Change} from line {LineId}", Imei, change.Kind, change.LineId);
        }

        return View();
    }

    /// <summary>
    /// The stored claim references with those <paramref name="change"/> hands over (the line's claims on this device,
    /// when it leaves the line or archives them); the same list when none is new.
    /// </summary>
    private IReadOnlyList<ClaimRef> WithClaims(DeviceChange change) =>
        WithReferences(change.LineId, change.ClaimId is { } one ? (change.ClaimIds ?? []).Append(one) : change.ClaimIds ?? []);

    /// <summary>The stored references, then <paramref name="claimIds"/> of <paramref name="lineId"/> not among them; the same list when none is new.</summary>
    private IReadOnlyList<ClaimRef> WithReferences(string lineId, IEnumerable<string> claimIds)
    {
        var added = claimIds.Distinct()
            .Where(id => !Device.Claims.Any(c => c.LineId == lineId && c.ClaimId == id))
            .Select(id => new ClaimRef(lineId, id))
            .ToList();
        return added.Count == 0 ? Device.Claims : [.. Device.Claims, .. added];
    }

    /// <summary>
    /// The stored periods with the last one on <paramref name="lineId"/> ending on <paramref name="lastDay"/>: only an
    /// open one, or with <paramref name="replace"/> (a termination date, which a cancellation may bring forward) any.
    /// </summary>
    private IReadOnlyList<CoveragePeriod> Ended(string lineId, DateOnly lastDay, CoverageEndReason reason, bool replace = false)
    {
        var periods = Device.Periods;
        for (var i = periods.Count - 1; i >= 0; i--)
        {
            if (periods[i].LineId != lineId)
            {
                continue;
            }

            if (periods[i].Until is not null && !replace)
            {
                break;
            }

            var ended = periods[i] with { Until = lastDay, EndReason = reason };
            return [.. periods.Take(i), ended, .. periods.Skip(i + 1)];
        }

        return periods;
    }

    /// <summary>CLM-6 / CLM-9: the exchange device or the maker's unit becomes the covered device.</summary>
    private DeviceState BecomeCovered(DeviceChange change)
    {
        if (Device is { Exists: true, Status: DeviceStatus.Covered } && Device.LineId == change.LineId)
        {
            return Device.ReservedForLineId is null ? Device : Device with { ReservedForLineId = null, ReservationKey = null };
        }

        if (Device is { Exists: true, Status: DeviceStatus.Covered } && Device.LineId is not null)
        {
            // Checked before the line decided; never take a device from another line.
            logger.LogError("Device {Imei} is covered by line {Holder}; line {LineId} cannot take it", Imei, Device.LineId, change.LineId);
            return Device;
        }

        return CoveredBy(change.LineId, change.ModelName ?? Device.ModelName, change.At) with
        {
            ReplacesImei = change.OtherImei,
            ReservedForLineId = null,
            ReservationKey = null,
        };
    }

    /// <summary>This device as the covered device of <paramref name="lineId"/> from <paramref name="at"/>.</summary>
    private DeviceState CoveredBy(string lineId, string modelName, DateTimeOffset at) => Device with
    {
        Imei = Imei,
        Exists = true,
        Tac = Interfaces.Imei.TacOf(Imei),
        ModelName = modelName,
        Status = DeviceStatus.Covered,
        LineId = lineId,
        CoveredUntil = null,
        RegisteredAt = at,
        Periods = [.. Device.Periods, new CoveragePeriod(lineId, JapanTime.DateOf(at), null, null)],
    };

    public async Task<Result<DeviceView?>> ReserveAsync(string lineId, string shipmentKey, DateTimeOffset at)
    {
        if (Device.ReservedForLineId == lineId && Device.ReservationKey == shipmentKey)
        {
            return Result<DeviceView?>.Ok(View());
        }

        if (await HeldElsewhereAsync(lineId, at) is { } refusal)
        {
            return refusal;
        }

        await SaveAsync(Device with { Imei = Imei, ReservedForLineId = lineId, ReservationKey = shipmentKey });
        return Result<DeviceView?>.Ok(View());
    }

    public async Task CancelReservationAsync(string lineId, string shipmentKey)
    {
        if (Device.ReservedForLineId == lineId && Device.ReservationKey == shipmentKey)
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
        if (Device.ReservedForLineId is { } reserved && reserved != lineId)
        {
            return WarrantyError.Conflict(ErrorCodes.DeviceCoveredElsewhere, $"REG-5: device {Imei} is on its way to another line as an exchange device; one device is covered by one option at a time.", "REG-5");
        }

        if (!Device.Exists || Device.Status != DeviceStatus.Covered || Device.LineId == lineId || Device.LineId is null)
        {
            return null;
        }

        var date = JapanTime.DateOf(at);
        if (Device.CoveredUntil is { } until && date > until)
        {
            return null;
        }

        var link = await GrainFactory.GetGrain<ILineGrain>(Device.LineId).GetLinkAsync(Imei);
        if (!link.Covers || (link.LastDay is { } lastDay && date > lastDay))
        {
            return null;
        }

        return WarrantyError.Conflict(ErrorCodes.DeviceCoveredElsewhere, $"REG-5: on {WireNames.Date(date)} device {Imei} is the covered device of another line's option; one device is covered by one option at a time.", "REG-5");
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
            CurrentFacts is { ClaimIds.Count: > 0 } facts ? WithReferences(facts.LineId, facts.ClaimIds) : Device.Claims,
            PeriodsView());
    }

    /// <summary>
    /// The device's coverage periods, oldest first: the stored ones, with those of each line whose facts this activation
    /// holds read from the facts instead (the line's periods are the authority, and they may be ahead of what reached
    /// the device, or the only record for a device stored before periods were kept). Periods covering no date are left out.
    /// </summary>
    private IReadOnlyList<CoveragePeriod> PeriodsView()
    {
        var fresh = new[] { _facts, _earlierFacts }.OfType<CoverageFacts>().Where(f => f.HasOption).ToList();
        var periods = Device.Periods.Where(p => !fresh.Any(f => f.LineId == p.LineId)).ToList();
        foreach (var facts in fresh)
        {
            periods.AddRange(facts.Periods
                .Select(p => CoveragePeriods.View(facts.LineId, p, facts.TerminatedOn, facts.Cancelled))
                .OfType<CoveragePeriod>());
        }

        return periods.Where(p => p.Until is not { } until || until >= p.From).OrderBy(p => p.From).ToList();
    }

    private Task SaveAsync(DeviceState device) => state.WriteAsync(device);
}
