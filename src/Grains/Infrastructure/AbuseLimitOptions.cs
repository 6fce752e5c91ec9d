using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Infrastructure;

/// <summary>Abuse limits the grains apply (section <c>Warranty:Limits</c>).</summary>
public sealed class AbuseLimitOptions : ISettings
{
    public static string Section => "Warranty:Limits";

    /// <summary>Refused claim filings plus ineligible quotes on one line within <see cref="RefusalWindow"/> before further ones are refused with 429.</summary>
    public int RefusalsPerLine { get; set; } = 30;

    public TimeSpan RefusalWindow { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Problems()
    {
        if (RefusalsPerLine <= 0 || RefusalWindow <= TimeSpan.Zero)
        {
            yield return "Warranty:Limits:RefusalsPerLine and RefusalWindow must be positive.";
        }
    }
}
