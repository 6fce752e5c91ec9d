using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>BIL-1..3: the monthly fee.</summary>
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

    public static ChargesView Statement(string lineId, int year, int month, IReadOnlyList<ChargeItem> items) =>
        new(lineId, $"{year:0000}-{month:00}", items, items.Sum(i => i.AmountYen));
}
