using Orleans.Concurrency;

namespace Warranty.Grains.Interfaces;

/// <summary>
/// One physical device (key: IMEI): which line covers it, if any, and its replacement chain.
/// The device grain is the single authority on the device's link, so a device can never be
/// on two lines (REG-5).
/// </summary>
[Alias("warranty.device")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>The device, or null when it was never registered.</summary>
    [Alias("get")]
    [ReadOnly]
    Task<DeviceView?> GetAsync();

    [Alias("coverage")]
    [ReadOnly]
    Task<Result<CoverageView>> GetCoverageAsync(DateOnly date);

    /// <summary>
    /// Whether <paramref name="lineId"/> could take the device at <paramref name="at"/> (REG-5),
    /// without changing anything; the device's view (null when never registered) when it could.
    /// </summary>
    [Alias("check-attachable")]
    [ReadOnly]
    Task<Result<DeviceView?>> CheckAttachableAsync(string lineId, DateTimeOffset at);

    /// <summary>
    /// Step 2 of registration: link the device to <paramref name="lineId"/>. Idempotent: a
    /// repeat for the same line succeeds without change. Refused with
    /// <c>device_covered_elsewhere</c> when another line covers it.
    /// </summary>
    [Alias("attach")]
    Task<Result<DeviceView>> AttachAsync(string lineId, string modelName, DateTimeOffset at);

    /// <summary>
    /// Applies a change the line decided (an outbox notice). Idempotent; ignored when the device is
    /// not linked to that line (except <see cref="DeviceChangeKind.BecomeCovered"/>, which links it).
    /// </summary>
    [Alias("apply")]
    Task<DeviceView?> ApplyAsync(DeviceChange change);

    /// <summary>
    /// Holds the device for an exchange shipment to <paramref name="lineId"/> (CLM-9), so no other line
    /// can register it before delivery. Idempotent for the same shipment.
    /// </summary>
    [Alias("reserve")]
    Task<Result<DeviceView?>> ReserveAsync(string lineId, string shipmentKey, DateTimeOffset at);

    /// <summary>Undoes <see cref="ReserveAsync"/> when the shipment does not go ahead.</summary>
    [Alias("cancel-reservation")]
    Task CancelReservationAsync(string lineId, string shipmentKey);

}
