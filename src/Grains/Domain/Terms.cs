namespace Warranty.Grains.Domain;

/// <summary>The fixed figures of the service page, each with the rule that states it.</summary>
public static class Terms
{
    /// <summary>BIL-1: 550 yen a month, of which 50 yen is tax.</summary>
    public const int MonthlyFeeYen = 550;
    public const int MonthlyFeeTaxYen = 50;

    /// <summary>BIL-2: the first charged month is the month after next of the service start month.</summary>
    public const int FirstChargedMonthOffset = 2;

    /// <summary>REG-2: registration within 14 days from the service start date, inclusive.</summary>
    public const int RegistrationWindowDays = 14;

    /// <summary>REG-6f: release at most 24 months before the service start date.</summary>
    public const int MaxDeviceAgeMonths = 24;

    /// <summary>COV-2: natural failure covered for 36 months from the maker release date.</summary>
    public const int NaturalFailureMonths = 36;

    /// <summary>COV-5: usage within 90 days before the claim date.</summary>
    public const int UsageLookbackDays = 90;

    /// <summary>CLM-1: at most 2 claims per contract year.</summary>
    public const int ClaimsPerContractYear = 2;

    /// <summary>CLM-3: exchange fee by use number (1st, 2nd), tax included; tax 10%.</summary>
    public static int? ExchangeFeeYen(int useNumber) => useNumber switch
    {
        1 => 4_400,
        2 => 8_800,
        _ => null,
    };

    /// <summary>The tax part of a 10%-taxed, tax-inclusive amount.</summary>
    public static int TaxOf(int amountIncludingTax) => amountIncludingTax / 11;

    /// <summary>How far ahead a new line's service start date may be.</summary>
    public const int MaxServiceStartDaysAhead = 30;
}
