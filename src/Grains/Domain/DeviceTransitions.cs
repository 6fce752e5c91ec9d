using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>
/// A device's changes as its lines tell them (REG-4, REG-5, COV-7, CLM-6, CLM-8, CLM-9), and what it shows. Pure: the
/// device grain checks the link with the holding line (REG-5), calls these and stores the result.
/// </summary>
public static class DeviceTransitions
{
    /// <summary>The status as of <paramref name="today"/>: a covered device whose option ended (COV-7) is released after its last day.</summary>
    public static DeviceStatus StatusOn(DeviceState device, DateOnly today) =>
        device.Status == DeviceStatus.Covered && device.CoveredUntil is { } until && today > until
            ? DeviceStatus.Released
            : device.Status;

    /// <summary>The device is already the covered device of <paramref name="lineId"/>, with no end set: attaching it again changes nothing.</summary>
    public static bool IsAttachedTo(DeviceState device, string lineId) =>
        device is { Exists: true, Status: DeviceStatus.Covered, CoveredUntil: null } && device.LineId == lineId;

    /// <summary>
    /// REG-5, what the device knows: refused when it is held for another line's exchange; else the other line that may
    /// cover it on <paramref name="date"/> (null: none), whose own link decides (<see cref="HeldBy"/>), since a crash may
    /// have left a release notice undelivered there.
    /// </summary>
    public static Result<string?> HolderOn(DeviceState device, string imei, string lineId, DateOnly date)
    {
        if (device.ReservedForLineId is { } reserved && reserved != lineId)
        {
            return WarrantyError.Conflict(
                ErrorCodes.DeviceCoveredElsewhere,
                $"REG-5: device {imei} is on its way to another line as an exchange device; one device is covered by one option at a time.",
                "REG-5");
        }

        var mayHold = device is { Exists: true, Status: DeviceStatus.Covered, LineId: { } holder } && holder != lineId
            && !(device.CoveredUntil is { } until && date > until);
        return Result<string?>.Ok(mayHold ? device.LineId : null);
    }

    /// <summary>REG-5: refused when the holding line's <paramref name="link"/> covers the device on <paramref name="date"/>.</summary>
    public static WarrantyError? HeldBy(DeviceLink link, string imei, DateOnly date) =>
        !link.Covers || (link.LastDay is { } lastDay && date > lastDay)
            ? null
            : WarrantyError.Conflict(
                ErrorCodes.DeviceCoveredElsewhere,
                $"REG-5: on {WireNames.Date(date)} device {imei} is the covered device of another line's option; one device is covered by one option at a time.",
                "REG-5");

    /// <summary>REG-4: the device becomes the covered device of <paramref name="lineId"/>; REG-7c: one found modified (CLM-8) never does.</summary>
    public static Result<DeviceState> Attach(DeviceState device, string imei, string lineId, string modelName, DateTimeOffset at) =>
        device.Status == DeviceStatus.Excluded
            ? RegistrationRules.Ineligible(["REG-7c"])
            : Result<DeviceState>.Ok(CoveredBy(device, imei, lineId, modelName, at));

    /// <summary>CLM-9: held for the exchange shipment <paramref name="shipmentKey"/> to <paramref name="lineId"/> until delivery.</summary>
    public static DeviceState Reserve(DeviceState device, string imei, string lineId, string shipmentKey) =>
        device with { Imei = imei, ReservedForLineId = lineId, ReservationKey = shipmentKey };

    public static bool IsReservedFor(DeviceState device, string lineId, string shipmentKey) =>
        device.ReservedForLineId == lineId && device.ReservationKey == shipmentKey;

    /// <summary>
    /// The device after <paramref name="change"/> from a line; the same state when the change does not apply (another
    /// line's, already applied: every change is idempotent). A device is left whose old state leaves coverage on the
    /// day before the change (<see cref="CoveragePeriods.DayBefore"/>).
    /// </summary>
    public static DeviceState Apply(DeviceState device, string imei, DeviceChange change)
    {
        var linked = device.Exists && device.LineId == change.LineId;
        var dayBefore = CoveragePeriods.DayBefore(change.At);
        return change.Kind switch
        {
            DeviceChangeKind.Release when linked && device.Status == DeviceStatus.Covered => device with
            {
                Status = DeviceStatus.Released,
                Claims = WithClaims(device, change),
                Periods = Ended(device, change.LineId, dayBefore, CoverageEndReason.Released),
            },
            DeviceChangeKind.EndCoverage when linked && device.Status == DeviceStatus.Covered => device with
            {
                CoveredUntil = change.Date,
                Periods = change.Date is { } last ? Ended(device, change.LineId, last, change.EndReason ?? CoverageEndReason.Terminated, replace: true) : device.Periods,
            },
            DeviceChangeKind.AddClaim when device.Exists && !ReferenceEquals(WithClaims(device, change), device.Claims) => device with { Claims = WithClaims(device, change) },
            DeviceChangeKind.Replaced when linked && device.Status != DeviceStatus.Replaced => device with
            {
                Status = DeviceStatus.Replaced,
                ReplacedByImei = change.OtherImei,
                Claims = WithClaims(device, change),
                Periods = Ended(device, change.LineId, dayBefore, CoverageEndReason.Replaced),
            },
            DeviceChangeKind.Exclude when linked && device.Status != DeviceStatus.Excluded => device with
            {
                Status = DeviceStatus.Excluded,
                Claims = WithClaims(device, change),
                Periods = Ended(device, change.LineId, dayBefore, CoverageEndReason.Excluded),
            },
            DeviceChangeKind.BecomeCovered => BecomeCovered(device, imei, change),
            _ => device,
        };
    }

    /// <summary>
    /// A line asks to cover a device another line covers: refused (it was checked before the line decided; a device is
    /// never taken from another line). The device grain reports it.
    /// </summary>
    public static bool CoveredByAnother(DeviceState device, DeviceChange change) =>
        change.Kind == DeviceChangeKind.BecomeCovered && device is { Exists: true, Status: DeviceStatus.Covered, LineId: { } holder } && holder != change.LineId;

    /// <summary>The stored references, then <paramref name="claimIds"/> of <paramref name="lineId"/> not among them; the same list when none is new.</summary>
    public static IReadOnlyList<ClaimRef> WithReferences(DeviceState device, string lineId, IEnumerable<string> claimIds)
    {
        var added = claimIds.Distinct()
            .Where(id => !device.Claims.Any(c => c.LineId == lineId && c.ClaimId == id))
            .Select(id => new ClaimRef(lineId, id))
            .ToList();
        return added.Count == 0 ? device.Claims : [.. device.Claims, .. added];
    }

    /// <summary>
    /// The device's coverage periods, oldest first: the stored ones, with those of each line in <paramref name="fresh"/>
    /// read from its facts instead (the line's periods are the authority, and may be ahead of what reached the device,
    /// or the only record for a device stored before periods were kept). Periods covering no date are left out.
    /// </summary>
    public static IReadOnlyList<CoveragePeriod> PeriodsOf(DeviceState device, IReadOnlyList<CoverageFacts> fresh)
    {
        var periods = device.Periods.Where(p => !fresh.Any(f => f.LineId == p.LineId)).ToList();
        foreach (var facts in fresh)
        {
            periods.AddRange(facts.Periods
                .Select(p => CoveragePeriods.View(facts.LineId, p, facts.TerminatedOn, facts.Cancelled))
                .OfType<CoveragePeriod>());
        }

        return periods.Where(p => p.Until is not { } until || until >= p.From).OrderBy(p => p.From).ToList();
    }

    /// <summary>
    /// The stored claim references with those <paramref name="change"/> hands over (the line's claims on this device,
    /// when it leaves the line or archives them); the same list when none is new.
    /// </summary>
    private static IReadOnlyList<ClaimRef> WithClaims(DeviceState device, DeviceChange change) =>
        WithReferences(device, change.LineId, change.ClaimId is { } one ? (change.ClaimIds ?? []).Append(one) : change.ClaimIds ?? []);

    /// <summary>
    /// The stored periods with the last one on <paramref name="lineId"/> ending on <paramref name="lastDay"/>: only an
    /// open one, or with <paramref name="replace"/> (a termination date, which a cancellation may bring forward) any.
    /// </summary>
    private static IReadOnlyList<CoveragePeriod> Ended(DeviceState device, string lineId, DateOnly lastDay, CoverageEndReason reason, bool replace = false)
    {
        var periods = device.Periods;
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
    private static DeviceState BecomeCovered(DeviceState device, string imei, DeviceChange change)
    {
        if (device is { Exists: true, Status: DeviceStatus.Covered } && device.LineId == change.LineId)
        {
            return device.ReservedForLineId is null ? device : device with { ReservedForLineId = null, ReservationKey = null };
        }

        if (CoveredByAnother(device, change))
        {
            return device;
        }

        return CoveredBy(device, imei, change.LineId, change.ModelName ?? device.ModelName, change.At) with
        {
            ReplacesImei = change.OtherImei,
            ReservedForLineId = null,
            ReservationKey = null,
        };
    }

    /// <summary>The device as the covered device of <paramref name="lineId"/> from <paramref name="at"/>.</summary>
    private static DeviceState CoveredBy(DeviceState device, string imei, string lineId, string modelName, DateTimeOffset at) => device with
    {
        Imei = imei,
        Exists = true,
        Tac = Imei.TacOf(imei),
        ModelName = modelName,
        Status = DeviceStatus.Covered,
        LineId = lineId,
        CoveredUntil = null,
        RegisteredAt = at,
        Periods = [.. device.Periods, new CoveragePeriod(lineId, JapanTime.DateOf(at), null, null)],
    };
}
