namespace Warranty.Grains.Interfaces;

/// <summary>Dates in the rules are Japan dates (Asia/Tokyo, UTC+09:00, no daylight saving).</summary>
public static class JapanTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(9);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    public static DateOnly Today(TimeProvider time) => DateOf(time.GetUtcNow());

    public static DateTimeOffset ToJapan(DateTimeOffset instant) => instant.ToOffset(Offset);

    /// <summary>The first day of the month after <paramref name="date"/>'s month.</summary>
    public static DateOnly FirstOfNextMonth(DateOnly date) => new DateOnly(date.Year, date.Month, 1).AddMonths(1);

    public static int MonthIndex(DateOnly date) => (date.Year * 12) + date.Month - 1;

    public static int MonthIndex(int year, int month) => (year * 12) + month - 1;

    /// <summary>The year and month of a <see cref="MonthIndex(int, int)"/>.</summary>
    public static (int Year, int Month) MonthOf(int index) => (index / 12, (index % 12) + 1);
}
