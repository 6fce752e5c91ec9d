using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>BIL-1..4: the monthly fee, and what a month's statement holds.</summary>
public static class BillingRules
{
    /// <summary>BIL-2: the month after next of the service start month.</summary>
    public static (int Year, int Month) FirstChargedMonth(DateOnly serviceStartDate)
    {
        var first = new DateOnly(serviceStartDate.Year, serviceStartDate.Month, 1).AddMonths(Terms.FirstChargedMonthOffset);
        return (first.Year, first.Month);
    }

    /// <summary>
    /// BIL-2, BIL-3: the months an option is charged for, as month indexes (<see cref="JapanTime.MonthIndex(int, int)"/>):
    /// from the month after next of the start month through the termination month whatever the day (null: no end yet).
    /// Lapsed options are charged too (REG-2).
    /// </summary>
    public static (int First, int? Last) ChargedMonths(DateOnly serviceStartDate, DateOnly? terminatedOn) =>
        (FirstChargedMonthIndex(serviceStartDate), terminatedOn is { } end ? LastChargedMonthIndex(end) : null);

    /// <summary>BIL-2, as a month index.</summary>
    public static int FirstChargedMonthIndex(DateOnly serviceStartDate)
    {
        var (year, month) = FirstChargedMonth(serviceStartDate);
        return JapanTime.MonthIndex(year, month);
    }

    /// <summary>BIL-3: the termination month is charged whatever the day, as a month index.</summary>
    public static int LastChargedMonthIndex(DateOnly terminatedOn) => JapanTime.MonthIndex(terminatedOn);

    /// <summary>Whether month <paramref name="monthIndex"/> is one of <paramref name="charged"/> (<see cref="ChargedMonths"/>).</summary>
    public static bool IsCharged(int monthIndex, (int First, int? Last) charged) =>
        monthIndex >= charged.First && (charged.Last is not { } last || monthIndex <= last);

    /// <summary>
    /// For each month index from <paramref name="first"/> to <paramref name="last"/>: how many options were in force in it
    /// (from the service start month, <see cref="Terms.FirstChargedMonthOffset"/> months before the first charged one,
    /// through the termination month) and how many were charged for it (BIL-2, BIL-3), from options counted by their
    /// charged months (<see cref="ChargedMonths"/>).
    /// </summary>
    public static IEnumerable<(int Month, long Active, long Charged)> FeeMonths(IEnumerable<(int FirstCharged, int? LastCharged, long Options)> options, int first, int last)
    {
        var counted = options.ToList();
        for (var month = first; month <= last; month++)
        {
            long active = 0, charged = 0;
            foreach (var (firstCharged, lastCharged, count) in counted)
            {
                var running = lastCharged is not { } end || month <= end;
                active += running && month >= firstCharged - Terms.FirstChargedMonthOffset ? count : 0;
                charged += running && month >= firstCharged ? count : 0;
            }

            yield return (month, active, charged);
        }
    }

    /// <summary>BIL-1: the option's 550-yen fee for <paramref name="year"/>-<paramref name="month"/>.</summary>
    public static ChargeItem MonthlyFee(int year, int month) =>
        new(ChargeKind.MonthlyFee, null, new DateOnly(year, month, 1), Terms.MonthlyFeeYen, Terms.MonthlyFeeTaxYen, true);

    /// <summary>The monthly fee items of <paramref name="year"/>-<paramref name="month"/>: one fee (BIL-1) in a charged month (BIL-2, BIL-3).</summary>
    public static IReadOnlyList<ChargeItem> MonthlyFees(LineState line, int year, int month) =>
        line.Option is { } option && IsCharged(JapanTime.MonthIndex(year, month), ChargedMonths(line.ServiceStartDate, option.TerminatedOn))
            ? [MonthlyFee(year, month)]
            : [];

    /// <summary>
    /// BIL-4: the statement of <paramref name="year"/>-<paramref name="month"/>: the monthly fee (BIL-1..3), then every
    /// charge of the line's claims (CLM-3, CLM-4, CLM-10, CLM-12), archived ones first, dated in that month.
    /// </summary>
    public static ChargesView Statement(LineState line, IEnumerable<ChargeItem> archivedCharges, int year, int month)
    {
        var items = MonthlyFees(line, year, month)
            .Concat(archivedCharges.Concat(line.Claims.SelectMany(c => c.Charges)).Where(c => c.Date.Year == year && c.Date.Month == month))
            .ToList();
        return new ChargesView(line.LineId, $"{year:0000}-{month:00}", items, items.Sum(i => i.AmountYen));
    }

    /// <summary>
    /// Which closed months' fees a line's changed facts correct: for each closed month (a month index, with the log
    /// position when it was closed) that the change came after, +1 when the fee is due now and was not billed (a line
    /// recorded late with an earlier start), -1 when it was billed and is no longer due (a termination back-dated before
    /// it). <paramref name="billedMonths"/> are the months closed runs billed its fee for.
    /// </summary>
    public static IEnumerable<(int Month, int Sign)> FeeCorrections(
        bool hasOption, DateOnly serviceStartDate, DateOnly? terminatedOn, long changedSequence, IReadOnlyCollection<int> billedMonths,
        IEnumerable<(int Month, long Position)> closedMonths)
    {
        var charged = ChargedMonths(serviceStartDate, terminatedOn);
        foreach (var (month, position) in closedMonths)
        {
            if (position >= changedSequence)
            {
                continue;
            }

            var due = hasOption && IsCharged(month, charged);
            var billed = billedMonths.Contains(month);
            if (due != billed)
            {
                yield return (month, due ? 1 : -1);
            }
        }
    }

    /// <summary>A fee correction of <paramref name="year"/>-<paramref name="month"/>: the fee, or its credit (<paramref name="sign"/> -1).</summary>
    public static ChargeItem FeeCorrection(int year, int month, int sign) =>
        new(ChargeKind.MonthlyFee, null, new DateOnly(year, month, 1), sign * Terms.MonthlyFeeYen, sign * Terms.MonthlyFeeTaxYen, true);
}
