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

    public IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:PollInterval must be more than 0 and at most a minute.";
        }
    }
}
