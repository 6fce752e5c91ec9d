using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>
/// The registration of a device on a line (REG-1..8), as the line's transitions: checked, begun (the intent), then
/// committed or aborted once the device grain has answered. The device grain's answers come in as arguments.
/// </summary>
public static class RegistrationTransitions
{
    /// <summary>
    /// The line-level checks (REG-1, ENR-3, REG-2/4). False: <paramref name="imei"/> is already the covered device, so
    /// the registration answers as it is.
    /// </summary>
    public static Result<bool> Check(LineState line, string imei, DateTimeOffset at) =>
        RegistrationRules.CheckOption(line, JapanTime.DateOf(at)) is { } closed
            ? closed
            : Result<bool>.Ok(line.Option!.Device?.Imei != imei);

    /// <summary>
    /// The intent (<see cref="LineState.PendingRegistration"/>) once the catalogue (REG-3) and the eligibility rules
    /// (REG-6, REG-7; <paramref name="known"/> is what the system knows of the device, CLM-8) accept it.
    /// </summary>
    public static Result<LineChange> Begin(
        LineState line, RegisterDeviceCommand command, CatalogModel? model, DeviceView? known, EventContext context, string? requestKey)
    {
        if (model is null)
        {
            return WarrantyError.Refused(
                ErrorCodes.ModelNotFound, $"REG-3: the TAC of IMEI {command.Imei}, {Imei.TacOf(command.Imei)}, is not in the model catalogue.", ["REG-3"]);
        }

        var failed = RegistrationRules.FailedEligibility(
            model, command.Declarations, line.ServiceStartDate, knownModified: known?.Status == DeviceStatus.Excluded);
        if (failed.Count > 0)
        {
            return RegistrationRules.Ineligible(failed, model, line.ServiceStartDate);
        }

        var device = new CoveredDevice(command.Imei, model.Tac, model.Model, model.Kind, model.ReleaseDate, context.At);
        return LineChange.Ok(line with { PendingRegistration = new PendingRegistration(device, context.Actor, requestKey) });
    }

    /// <summary>The device grain refused the link (another line holds it): the intent is dropped.</summary>
    public static LineChange Abort(LineState line) => line with { PendingRegistration = null };

    /// <summary>
    /// The device grain holds the link: the pending device becomes the covered device. REG-4: a correction covers the
    /// new device from its registration date and the old one through the day before; the old one is released.
    /// </summary>
    public static LineChange Commit(LineState line)
    {
        var pending = line.PendingRegistration ?? throw new InvalidOperationException("No registration is pending.");
        var device = pending.Device;
        var option = line.Option!;
        var old = option.Device;
        IReadOnlyList<OutboxItem> notices = old is not null && old.Imei != device.Imei
            ? [new OutboxItem(old.Imei, new DeviceChange(DeviceChangeKind.Release, line.LineId, device.RegisteredAt, ClaimIds: LineChange.ClaimIdsOn(line, old.Imei)))]
            : [];
        var context = new EventContext(device.RegisteredAt, pending.Actor);
        var entry = old is null
            ? LineHistory.With(line, context, HistoryTypes.DeviceRegistered, new() { ["imei"] = device.Imei, ["model"] = device.ModelName })
            : LineHistory.With(line, context, HistoryTypes.DeviceCorrected, new() { ["imei"] = device.Imei, ["model"] = device.ModelName, ["replacesImei"] = old.Imei });
        var next = line with
        {
            Option = option with
            {
                Device = device,
                Registered = true,
                Periods = CoveragePeriods.Change(CoveragePeriods.Of(line), device, JapanTime.DateOf(device.RegisteredAt), CoverageEndReason.Released, "REG-4"),
            },
            PendingRegistration = null,
            History = entry,
        };
        return new LineChange(next, notices);
    }
}
