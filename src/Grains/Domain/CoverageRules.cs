using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>COV-1..7 as a lookup needs them, and the contract-year counters (CLM-1, CLM-3).</summary>
public static class CoverageRules
{
    /// <summary>COV-2: the last day natural failure is covered (the 36-month anniversary of the release).</summary>
    public static DateOnly NaturalFailureCoveredUntil(DateOnly releaseDate) => releaseDate.AddMonths(Terms.NaturalFailureMonths);

    /// <summary>Claims and exchanges counted in the contract year containing <paramref name="date"/>.</summary>
    public static ContractYearView ContractYearOn(OptionState option, DateOnly date, ClaimCounts counts)
    {
        var year = ContractYear.Containing(option.CoverageStartDate, date);
        var remaining = Math.Max(0, Terms.ClaimsPerContractYear - counts.Claims);
        return new ContractYearView(
            year.Start,
            year.End,
            counts.Claims,
            remaining,
            counts.Exchanges,
            remaining > 0 ? Terms.ExchangeFeeYen(counts.Claims + 1) : null);
    }

    /// <summary>CLM-2: android and windows devices may be exchanged; ios and routers are repaired only.</summary>
    public static bool ExchangeableKind(DeviceKind kind) => kind is DeviceKind.Android or DeviceKind.Windows;

    /// <summary>
    /// Coverage of <paramref name="imei"/> on <paramref name="date"/> as the line sees it.
    /// <c>covered</c>: the device is the option's covered device, coverage has started (COV-4)
    /// and not ended (COV-7). Claim-time checks (COV-5, CLM-1) are only reported.
    /// </summary>
    public static CoverageView Evaluate(LineState line, string imei, DateOnly date) =>
        Evaluate(line, imei, date, line.Option is { } option
            ? ClaimRules.Counts(line.Claims, ContractYear.Containing(option.CoverageStartDate, date).Start)
            : ClaimCounts.None);

    /// <summary>As <see cref="Evaluate(LineState, string, DateOnly)"/>, with the contract year's claim counts given.</summary>
    public static CoverageView Evaluate(LineState line, string imei, DateOnly date, ClaimCounts counts)
    {
        var option = line.Option;
        var device = option?.Device;
        if (option is null || device is null || device.Imei != imei)
        {
            return NotCovered(imei, date, line.LineId, option?.ExcludedImei == imei ? "CLM-8" : "REG-1");
        }

        var rules = new List<string>();
        if (date < option.CoverageStartDate)
        {
            rules.Add("COV-4");
        }

        if (date < JapanTime.DateOf(device.RegisteredAt))
        {
            rules.Add("REG-1");
        }

        if (option.TerminatedOn is { } end && date > end)
        {
            rules.Add("COV-7");
        }

        var covered = rules.Count == 0;
        var until = NaturalFailureCoveredUntil(device.ReleaseDate);
        var naturalFailure = covered && date <= until;
        if (covered && !naturalFailure)
        {
            rules.Add("COV-2");
        }

        var year = ContractYearOn(option, date, counts);
        var exchange = covered && ExchangeableKind(device.Kind) && year.ClaimsRemaining > 0;
        return new CoverageView(
            imei,
            date,
            covered,
            line.LineId,
            BreakageCovered: covered,
            NaturalFailureCovered: naturalFailure,
            NaturalFailureCoveredUntil: until,
            LastUsageDate: UsageRules.LastUsageOnOrBefore(line.Usage, imei, date),
            ClaimsRemaining: year.ClaimsRemaining,
            ExchangeAvailable: exchange,
            NextExchangeFeeYen: exchange ? year.NextExchangeFeeYen : null,
            Rules: rules);
    }

    public static CoverageView NotCovered(string imei, DateOnly date, string? lineId, params string[] rules) =>
        new(imei, date, false, lineId, false, false, null, null, null, false, null, rules);
}

/// <summary>Claims counted toward CLM-1 in one contract year, and how many of them are exchanges.</summary>
public readonly record struct ClaimCounts(int Claims, int Exchanges)
{
    public static readonly ClaimCounts None = new(0, 0);
}
