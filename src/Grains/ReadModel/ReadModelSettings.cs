using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>
/// The read model's projection (section <c>Warranty:ReadModel</c>, an <see cref="ISettings"/> class). Read while the
/// silo builder runs (<see cref="Settings.Read{T}"/>), since it decides whether the silo runs a projector.
/// </summary>
public sealed class ReadModelSettings : ISettings
{
    public static string Section => "Warranty:ReadModel";

    /// <summary>
    /// <c>Warranty:ReadModel:Project</c> (default true): whether this silo may project the event log (one silo of the
    /// cluster does, holding the lease). False on every silo stops the read model: the log still grows.
    /// </summary>
    public bool Project { get; set; } = true;

    /// <summary><c>Warranty:ReadModel:PollInterval</c> (default 00:00:00.5): how long the projector waits when it has caught up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// <c>Warranty:ReadModel:RefusalFlushInterval</c> (default 00:00:05): how often a silo adds the refusals it counted to
    /// the store; a crash loses at most the counts of this long.
    /// </summary>
    public TimeSpan RefusalFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (RefusalFlushInterval <= TimeSpan.Zero || RefusalFlushInterval > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:RefusalFlushInterval must be more than 0 and at most 5 minutes.";
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:PollInterval must be more than 0 and at most a minute.";
        }
    }
}
