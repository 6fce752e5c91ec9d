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
    /// Step 3 of a correction: unlink the device from <paramref name="lineId"/>. Idempotent,
    /// and a no-op when another line (or none) holds the device.
    /// </summary>
    [Alias("release")]
    Task<DeviceView?> ReleaseAsync(string lineId, DateTimeOffset at);

    /// <summary>
    /// The option of <paramref name="lineId"/> ends: coverage runs to the end of
    /// <paramref name="lastDay"/> (COV-7). Idempotent; a no-op when another line holds the device.
    /// </summary>
    [Alias("end-coverage")]
    Task<DeviceView?> EndCoverageAsync(string lineId, DateOnly lastDay);
}
