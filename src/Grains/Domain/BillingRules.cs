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
    /// The monthly fee items of <paramref name="year"/>-<paramref name="month"/>: one 550-yen fee
    /// (BIL-1) from the month after next of the start month (BIL-2) through the termination month
    /// whatever the day (BIL-3). Lapsed options are billed too (REG-2).
    /// </summary>
    public static IReadOnlyList<ChargeItem> MonthlyFees(LineState line, int year, int month)
    {
        if (line.Option is not { } option)
        {
            return [];
        }

        var (firstYear, firstMonth) = FirstChargedMonth(line.ServiceStartDate);
        var index = JapanTime.MonthIndex(year, month);
        if (index < JapanTime.MonthIndex(firstYear, firstMonth))
        {
            return [];
        }

        if (option.TerminatedOn is { } end && index > JapanTime.MonthIndex(end))
        {
            return [];
        }

        return [new ChargeItem(ChargeKind.MonthlyFee, null, new DateOnly(year, month, 1), Terms.MonthlyFeeYen, Terms.MonthlyFeeTaxYen, true)];
    }

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
}
