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
    /// <summary>
    /// The device, or null when it was never registered, or when <paramref name="visibleToLineId"/> is given and
    /// that line does not cover it now (a subscriber sees only its own device, and cannot tell another from none).
    /// </summary>
    [Alias("get")]
    [ReadOnly]
    Task<DeviceView?> GetAsync(string? visibleToLineId = null);

    /// <summary>
    /// Coverage on <paramref name="date"/> (the hot path: answered from this grain's memory). <c>device_not_found</c>
    /// when never registered, or when <paramref name="visibleToLineId"/> is given and that line does not cover it now.
    /// </summary>
    [Alias("coverage")]
    [ReadOnly]
    Task<Result<CoverageView>> GetCoverageAsync(DateOnly date, string? visibleToLineId = null);

    /// <summary>
    /// The covering line's coverage facts after a write (line to device only; kept in memory, not stored). The line
    /// awaits it before answering the request that wrote, so no lookup after that answer sees older facts.
    /// </summary>
    [Alias("update-coverage-facts")]
    [AlwaysInterleave]
    Task UpdateCoverageFactsAsync(CoverageFacts facts);

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
