using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Hosting;

/// <summary>
/// How long idle subscribers stay in memory, and how the silo sheds them under memory pressure
/// (section <c>Warranty:Activations</c>). Every subscriber stays reachable: a shed line or device is
/// activated again from storage on its next call.
/// </summary>
public sealed class ActivationOptions : ISettings
{
    public static string Section => "Warranty:Activations";

    /// <summary>An activation idle this long is deactivated (Orleans activation collection).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Deactivate the least recently used activations when memory use passes <see cref="MemoryLimitPercent"/>.</summary>
    public bool ShedOnMemoryPressure { get; set; } = true;

    /// <summary>
    /// Memory use, in percent of the memory the process may use, at which shedding starts. The base is the
    /// GC's available memory: the machine's, a container's limit, or <c>DOTNET_GCHeapHardLimit</c> when set.
    /// </summary>
    public double MemoryLimitPercent { get; set; } = 80;

    /// <summary>Shedding stops when memory use is back under this percentage.</summary>
    public double MemoryTargetPercent { get; set; } = 70;

    /// <summary>
    /// How often memory use is checked. Orleans' default (5 s) let a silo activating 2,000 subscribers a
    /// second run out of a 300 MB heap between two checks; at 1 s it stayed bounded.
    /// </summary>
    public TimeSpan MemoryPollingPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Each broken rule, naming its setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (CollectionAge < TimeSpan.FromMinutes(1))
        {
            yield return "Warranty:Activations:CollectionAge must be at least 00:01:00.";
        }

        if (!(MemoryLimitPercent is > 0 and <= 100))
        {
            yield return "Warranty:Activations:MemoryLimitPercent must be above 0 and at most 100.";
        }

        if (!(MemoryTargetPercent > 0 && MemoryTargetPercent < MemoryLimitPercent))
        {
            yield return "Warranty:Activations:MemoryTargetPercent must be above 0 and below MemoryLimitPercent.";
        }

        if (MemoryPollingPeriod < TimeSpan.FromMilliseconds(100))
        {
            yield return "Warranty:Activations:MemoryPollingPeriod must be at least 00:00:00.1.";
        }
    }
}
