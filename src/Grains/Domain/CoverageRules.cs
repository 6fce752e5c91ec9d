using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>COV-1..7 as a lookup needs them; the contract year's counts come from <see cref="ClaimCounting"/>.</summary>
public static class CoverageRules
{
    /// <summary>COV-2: the last day natural failure is covered (the 36-month anniversary of the release).</summary>
    public static DateOnly NaturalFailureCoveredUntil(DateOnly releaseDate) => releaseDate.AddMonths(Terms.NaturalFailureMonths);

    /// <summary>CLM-2: android and windows devices may be exchanged; ios and routers are repaired only.</summary>
    public static bool ExchangeableKind(DeviceKind kind) => kind is DeviceKind.Android or DeviceKind.Windows;

    /// <summary>
    /// Coverage of <paramref name="imei"/> on <paramref name="date"/> as the line sees it.
    /// <c>covered</c>: the device is the option's covered device on that date, coverage has started (COV-4) and not
    /// ended (COV-7). Claim-time checks (COV-5, CLM-1) are only reported.
    /// </summary>
    public static CoverageView Evaluate(LineState line, string imei, DateOnly date) => Evaluate(FactsOf(line, imei), imei, date);

    /// <summary>
    /// As <see cref="Evaluate(LineState, string, DateOnly)"/>, from the facts the line keeps its devices up to date with
    /// (<see cref="FactsOf"/>): a device grain answers with this, the same rules on the same facts. Every part of the
    /// answer is read as of <paramref name="date"/> ("Time" under COV): the period of the device that contains it, the
    /// claims counted on it, the usage seen by it.
    /// </summary>
    public static CoverageView Evaluate(CoverageFacts facts, string imei, DateOnly date)
    {
        if (!facts.HasOption || facts.Periods.Count == 0)
        {
            return NotCovered(imei, date, facts.LineId, "REG-1");
        }

        // The period containing the date, else the last one that began by then.
        PeriodFact? containing = null, latest = null;
        DateOnly? latestUntil = null;
        CoverageEndReason? latestReason = null;
        foreach (var period in facts.Periods)
        {
            var (until, reason) = CoveragePeriods.WithTermination(period, facts.TerminatedOn, facts.Cancelled);
            if (period.From <= date && (until is null || date <= until))
            {
                containing = period;
                break;
            }

            if (period.From <= date)
            {
                (latest, latestUntil, latestReason) = (period, until, reason);
            }
        }

        var rules = new List<string>(2);
        if (date < facts.CoverageStartDate)
        {
            rules.Add("COV-4");
        }

        if (containing is null)
        {
            if (latest is not { } ended)
            {
                // Before the device's registration (REG-1).
                rules.Add("REG-1");
            }
            else if (latestReason is CoverageEndReason.Terminated or CoverageEndReason.Cancelled && latestUntil < date)
            {
                // COV-7: the option ended with this device covered.
                rules.Add("COV-7");
            }
            else
            {
                // Replaced (CLM-6, CLM-9), released (REG-4) or excluded (CLM-8): another device, or none, is covered.
                return NotCovered(imei, date, null, ended.EndRule ?? "REG-4");
            }
        }

        var covered = rules.Count == 0;
        var naturalUntil = NaturalFailureCoveredUntil(facts.ReleaseDate);
        var naturalFailure = covered && date <= naturalUntil;
        if (covered && !naturalFailure)
        {
            rules.Add("COV-2");
        }

        var year = ClaimCounting.YearAsOf(facts.CoverageStartDate, facts.Claims, date);
        var exchange = covered && ExchangeableKind(facts.Kind) && year.ClaimsRemaining > 0;
        return new CoverageView(
            imei,
            date,
            covered,
            facts.LineId,
            BreakageCovered: covered,
            NaturalFailureCovered: naturalFailure,
            NaturalFailureCoveredUntil: naturalUntil,
            LastUsageDate: UsageRules.LastUsageOnOrBefore(facts.Usage, date),
            ClaimsRemaining: year.ClaimsRemaining,
            ExchangeAvailable: exchange,
            NextExchangeFeeYen: exchange ? year.NextExchangeFeeYen : null,
            Rules: rules.Count == 0 ? [] : rules);
    }

    /// <summary>What <see cref="Evaluate(CoverageFacts, string, DateOnly)"/> needs of <paramref name="line"/> for <paramref name="imei"/>.</summary>
    public static CoverageFacts FactsOf(LineState line, string? imei)
    {
        var option = line.Option;
        var periods = CoveragePeriods.Of(line);
        CoveredDevice? device = null;
        for (var i = periods.Count - 1; i >= 0 && imei is not null; i--)
        {
            if (periods[i].Device.Imei == imei)
            {
                device = periods[i].Device;
                break;
            }
        }

        var usage = imei is null
            ? []
            : line.Usage.FirstOrDefault(u => u.Imei == imei)?.Runs.Select(r => new DateSpan(r.From, r.To)).ToArray() ?? [];
        return new CoverageFacts(
            line.LineId,
            option is not null,
            option?.CoverageStartDate ?? default,
            option?.TerminatedOn,
            line.CancelledOn is { } cancelled && option?.TerminatedOn == cancelled,
            device?.Kind ?? default,
            device?.ReleaseDate ?? default,
            imei is null ? [] : CoveragePeriods.FactsOf(periods, imei),
            option is null ? [] : ClaimCounting.FactsOf(line.Claims),
            usage,
            imei is null ? [] : line.Claims.Where(c => c.Imei == imei).Select(c => c.ClaimId).ToArray());
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> give the same answers (every field; lists by content).</summary>
    public static bool SameFacts(CoverageFacts a, CoverageFacts b) =>
        a.LineId == b.LineId && a.HasOption == b.HasOption && a.CoverageStartDate == b.CoverageStartDate
        && a.TerminatedOn == b.TerminatedOn && a.Cancelled == b.Cancelled
        && a.Kind == b.Kind && a.ReleaseDate == b.ReleaseDate
        && a.Periods.SequenceEqual(b.Periods)
        && a.Claims.SequenceEqual(b.Claims)
        && a.Usage.SequenceEqual(b.Usage)
        && a.ClaimIds.SequenceEqual(b.ClaimIds);

    public static CoverageView NotCovered(string imei, DateOnly date, string? lineId, params string[] rules) =>
        new(imei, date, false, lineId, false, false, null, null, null, false, null, rules);
}
