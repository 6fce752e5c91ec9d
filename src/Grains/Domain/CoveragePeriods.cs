using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>
/// Which device an option covered on which Japan date ("Time" under COV): on the date of a change of covered device
/// (a correction, REG-4; an exchange delivery, CLM-9; a maker's unit at repair completion, CLM-6) the new device is
/// covered from that date and the old one through the previous day; a device excluded at inspection (CLM-8) through
/// the day before the inspection; the covered device at a termination (COV-7) through the termination date.
/// </summary>
public static class CoveragePeriods
{
    /// <summary>
    /// The option's periods: as stored, or, for a state stored before periods were kept, derived from what it records
    /// (the registration and correction history entries, the claims' delivered and maker units, the exclusion).
    /// </summary>
    public static IReadOnlyList<CoveredPeriod> Of(LineState line) =>
        line.Option is not { } option ? [] : option.Periods.Count > 0 || !option.Registered ? option.Periods : Derive(line, option);

    /// <summary><paramref name="device"/> becomes the covered device on <paramref name="date"/>; the one covered before ends the day before, for <paramref name="rule"/>.</summary>
    public static IReadOnlyList<CoveredPeriod> Change(
        IReadOnlyList<CoveredPeriod> periods, CoveredDevice device, DateOnly date, CoverageEndReason reason, string rule)
    {
        if (Open(periods) is { } open && open.Device.Imei == device.Imei)
        {
            return periods;
        }

        return [.. End(periods, date.AddDays(-1), reason, rule), new CoveredPeriod(device, date)];
    }

    /// <summary>
    /// The last covered day of a device that leaves coverage at <paramref name="at"/> (replaced, released, excluded):
    /// the Japan date before it, so that the new state starts on that date.
    /// </summary>
    public static DateOnly DayBefore(DateTimeOffset at) => JapanTime.DateOf(at).AddDays(-1);

    /// <summary>The covered device stops being covered after <paramref name="lastDay"/>, for <paramref name="rule"/>; no device follows it.</summary>
    public static IReadOnlyList<CoveredPeriod> End(IReadOnlyList<CoveredPeriod> periods, DateOnly lastDay, CoverageEndReason reason, string rule) =>
        Open(periods) is { } open
            ? [.. periods.Take(periods.Count - 1), open with { Until = lastDay, EndReason = reason, EndRule = rule }]
            : periods;

    /// <summary>The period that lasts (the option's covered device now), if any.</summary>
    public static CoveredPeriod? Open(IReadOnlyList<CoveredPeriod> periods) =>
        periods.Count > 0 && periods[^1].Until is null ? periods[^1] : null;

    /// <summary><paramref name="imei"/>'s periods on the line, for its coverage facts.</summary>
    public static IReadOnlyList<PeriodFact> FactsOf(IReadOnlyList<CoveredPeriod> periods, string imei) =>
        periods.Where(p => p.Device.Imei == imei).Select(p => new PeriodFact(p.From, p.Until, p.EndReason, p.EndRule)).ToArray();

    /// <summary>
    /// A period as a device shows it (<see cref="CoveragePeriod"/>), with the option's termination applied: an open
    /// period, or one ending after the termination date, ends on that date. Null for a period covering no date.
    /// </summary>
    public static CoveragePeriod? View(string lineId, PeriodFact period, DateOnly? terminatedOn, bool cancelled)
    {
        var (until, reason) = WithTermination(period, terminatedOn, cancelled);
        return until is { } last && last < period.From ? null : new CoveragePeriod(lineId, period.From, until, reason);
    }

    /// <summary>The period's last day and end reason once the option's termination (COV-7) is applied.</summary>
    public static (DateOnly? Until, CoverageEndReason? Reason) WithTermination(PeriodFact period, DateOnly? terminatedOn, bool cancelled) =>
        terminatedOn is { } end && (period.Until is null || period.Until > end)
            ? (end, cancelled ? CoverageEndReason.Cancelled : CoverageEndReason.Terminated)
            : (period.Until, period.EndReason);

    private static IReadOnlyList<CoveredPeriod> Derive(LineState line, OptionState option)
    {
        // The changes of covered device that the state records, in time order.
        var changes = new List<(DateTimeOffset At, string? OldImei, CoveredDevice? New, CoverageEndReason Reason, string Rule)>();
        foreach (var entry in line.History)
        {
            if ((entry.Type == HistoryTypes.DeviceRegistered.Name || entry.Type == HistoryTypes.DeviceCorrected.Name) && entry.Data.TryGetValue("imei", out var imei) && imei is not null)
            {
                var model = entry.Data.TryGetValue("model", out var name) ? name ?? "" : "";
                var device = option.Device?.Imei == imei
                    ? option.Device
                    : new CoveredDevice(imei, Imei.TacOf(imei), model, KindOf(line, imei, option), default, entry.At);
                changes.Add((entry.At, entry.Data.GetValueOrDefault("replacesImei"), device, CoverageEndReason.Released, "REG-4"));
            }
        }

        foreach (var claim in line.Claims)
        {
            if (claim is { Status: ClaimStatus.Completed, Replacement: { } unit })
            {
                var at = claim.DeliveredAt ?? unit.RegisteredAt;
                var exchange = claim.Service == ClaimService.Exchange;
                changes.Add((at, claim.Imei, unit, CoverageEndReason.Replaced, exchange ? "CLM-9" : "CLM-6"));
            }
            else if (claim is { RejectReason: RejectReason.UnofficialRepair } && claim.Imei == option.ExcludedImei)
            {
                var at = claim.Timeline.LastOrDefault(t => t.Status == ClaimStatus.Rejected)?.At ?? claim.LastStepAt;
                changes.Add((at, claim.Imei, null, CoverageEndReason.Excluded, "CLM-8"));
            }
        }

        IReadOnlyList<CoveredPeriod> periods = [];
        foreach (var change in changes.OrderBy(c => c.At))
        {
            var date = JapanTime.DateOf(change.At);
            if (change.New is { } device)
            {
                periods = periods.Count == 0 && change.OldImei is { } first
                    // The history was archived: the replaced device's start is not known; it counts from the line's start.
                    ? [new CoveredPeriod(Placeholder(line, first, option), line.ServiceStartDate), new CoveredPeriod(device, date)]
                    : Change(periods, device, date, change.Reason, change.Rule);
            }
            else
            {
                periods = End(periods, date.AddDays(-1), change.Reason, change.Rule);
            }
        }

        // Whatever the history held, the current device is covered from its registration.
        if (option.Device is { } current && Open(periods)?.Device.Imei != current.Imei)
        {
            periods = Change(periods, current, JapanTime.DateOf(current.RegisteredAt), CoverageEndReason.Released, "REG-4");
        }

        return periods;
    }

    private static CoveredDevice Placeholder(LineState line, string imei, OptionState option) =>
        new(imei, Imei.TacOf(imei), "", KindOf(line, imei, option), default, line.CreatedAt);

    /// <summary>A device the state no longer describes: its kind from a claim on it, else the covered device's.</summary>
    private static DeviceKind KindOf(LineState line, string imei, OptionState option) =>
        line.Claims.FirstOrDefault(c => c.Imei == imei)?.Kind ?? option.Device?.Kind ?? DeviceKind.Android;
}
