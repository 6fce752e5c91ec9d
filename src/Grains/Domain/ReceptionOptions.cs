using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>Configuration section <c>Warranty:Reception</c>.</summary>
public sealed class ReceptionOptions : ISettings
{
    public static string Section => "Warranty:Reception";

    /// <summary>The desk for ギガプラン lines. The default is a placeholder; set the real number in configuration.</summary>
    public string GigaPhone { get; set; } = "0120-000-101";

    /// <summary>The desk for the legacy plans. The default is a placeholder; set the real number in configuration.</summary>
    public string LegacyPhone { get; set; } = "0120-000-102";

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(GigaPhone) || string.IsNullOrWhiteSpace(LegacyPhone))
        {
            yield return "Both reception phone numbers must be set.";
        }
    }
}
