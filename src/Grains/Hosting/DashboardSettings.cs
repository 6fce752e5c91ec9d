using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Hosting;

/// <summary>
/// The Orleans Dashboard (section <c>Warranty:Dashboard</c>, an <see cref="ISettings"/> class): its collection in every
/// silo, and its pages at <c>/dashboard</c> on the front door, for admins. Whether it is added is decided while the silo
/// and client builders run, so they read it with <see cref="Settings.Read{T}"/>.
/// </summary>
public sealed class DashboardSettings : ISettings
{
    public static string Section => "Warranty:Dashboard";

    /// <summary><c>Warranty:Dashboard:Enabled</c> (default false). Off by default: it profiles every grain call.</summary>
    public bool Enabled { get; set; }

    public IEnumerable<string> Problems() => [];
}
