using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>REC-1, REC-2: which desk serves a line, and whether it is open now.</summary>
public static class ReceptionRules
{
    public static readonly TimeOnly Opens = new(10, 0);
    public static readonly TimeOnly Closes = new(18, 0);
    public const string Hours = "10:00-18:00";

    /// <summary>REC-1: 10:00–18:00 Japan time every day except 29 December – 3 January.</summary>
    public static bool OpenAt(DateTimeOffset instant)
    {
        var local = JapanTime.ToJapan(instant);
        var holiday = (local.Month == 12 && local.Day >= 29) || (local.Month == 1 && local.Day <= 3);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return !holiday && time >= Opens && time < Closes;
    }

    /// <summary>REC-2 / ENR-4: the desk follows the line's current plan; numbers are configuration.</summary>
    public static ReceptionView Describe(Plan plan, ReceptionOptions options, DateTimeOffset now) =>
        new(plan, plan == Plan.Giga ? options.GigaPhone : options.LegacyPhone, Hours, OpenAt(now));
}
