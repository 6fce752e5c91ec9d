using Microsoft.Extensions.Configuration;

namespace Warranty.Grains.Infrastructure;

/// <summary>
/// Named points between the steps of the cross-grain protocols. Production runs with
/// <see cref="NoFaults"/>; crash tests configure <c>Warranty:CrashAt</c> to kill the process at one
/// point, proving that a retry after a real crash completes the work.
/// </summary>
public interface IFaultInjector
{
    void Reached(string point);
}

public static class FaultPoints
{
    public const string RegistrationIntentWritten = "registration-intent-written";
    public const string RegistrationDeviceAttached = "registration-device-attached";
    public const string RegistrationCommitted = "registration-committed";
    public const string NoticeDelivered = "notice-delivered";
    public const string ShipmentIntentWritten = "shipment-intent-written";
    public const string ShipmentDeviceReserved = "shipment-device-reserved";
    public const string ShipmentStockTaken = "shipment-stock-taken";
    public const string ShipmentCommitted = "shipment-committed";
    public const string ClaimCommitted = "claim-committed";

    /// <summary>A line's events are in the log and the line has not counted them as published yet.</summary>
    public const string EventsPublished = "events-published";

    /// <summary>The points of the registration protocol.</summary>
    public static readonly string[] All = [RegistrationIntentWritten, RegistrationDeviceAttached, RegistrationCommitted, NoticeDelivered];

    /// <summary>The points of an exchange: shipment (device, stock) and delivery (the outbox).</summary>
    public static readonly string[] Exchange = [ShipmentIntentWritten, ShipmentDeviceReserved, ShipmentStockTaken, ShipmentCommitted, ClaimCommitted, NoticeDelivered];
}

public sealed class NoFaults : IFaultInjector
{
    public void Reached(string point)
    {
    }
}

/// <summary>Kills the process, with no clean-up, at the configured point.</summary>
public sealed class CrashAtConfiguredPoint(string crashPoint) : IFaultInjector
{
    public const string ConfigurationKey = "Warranty:CrashAt";

    public void Reached(string point)
    {
        if (string.Equals(crashPoint, point, StringComparison.Ordinal))
        {
            Environment.FailFast($"Injected crash at '{point}' ({ConfigurationKey}).");
        }
    }

    public static IFaultInjector FromConfiguration(IConfiguration configuration) =>
        configuration[ConfigurationKey] is { Length: > 0 } point ? new CrashAtConfiguredPoint(point) : new NoFaults();
}
