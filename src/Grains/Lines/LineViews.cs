using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

public static class LineViews
{
    public static LineView Of(LineState line, DateOnly today) => new(
        line.LineId,
        line.Plan,
        line.SimType,
        line.ServiceStartDate,
        EnrollmentRules.IsCancelled(line, today) ? LineStatus.Cancelled : LineStatus.Active,
        line.CancelledOn,
        line.Option is { } option
            ? new OptionView(
                EnrollmentRules.StatusOf(option, today),
                option.CoverageStartDate,
                option.RegistrationDeadline,
                option.Device?.Imei,
                option.TerminatedOn,
                ClaimCounting.YearAsOf(option.CoverageStartDate, ClaimCounting.FactsOf(line.Claims), today))
            : null);

    /// <summary>
    /// Whether <paramref name="line"/> holds <paramref name="imei"/>: as its covered device (until its option's end, if
    /// any), or in a registration or an exchange shipment under way.
    /// </summary>
    public static DeviceLink LinkOf(LineState line, string imei)
    {
        if (line.PendingRegistration?.Device.Imei == imei || line.Claims.Any(c => c.PendingShipment?.Imei == imei))
        {
            return new DeviceLink(true, null);
        }

        var option = line.Option;
        return option?.Device?.Imei == imei ? new DeviceLink(true, option.TerminatedOn) : new DeviceLink(false, null);
    }
}
