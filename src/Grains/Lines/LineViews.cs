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
                CoverageRules.ContractYearOn(option, today, ClaimRules.CountsAsOf(ClaimRules.FactsOf(line.Claims), option.CoverageStartDate, today)))
            : null);
}
