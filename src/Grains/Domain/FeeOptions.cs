using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>Configuration section <c>Warranty:Fees</c>: the amounts the page leaves to the company (tax included).</summary>
public sealed class FeeOptions : ISettings
{
    public static string Section => "Warranty:Fees";

    /// <summary>CLM-10: the cash-on-delivery handling fee, tax included.</summary>
    public int CodFeeYen { get; set; } = 330;

    /// <summary>CLM-12: shipping of the loaner device, tax included.</summary>
    public int LoanerShippingYen { get; set; } = 1_100;

    public IEnumerable<string> Problems()
    {
        if (CodFeeYen < 0 || LoanerShippingYen < 0)
        {
            yield return "Fees cannot be negative.";
        }
    }
}
