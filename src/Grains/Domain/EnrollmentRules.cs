using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>ENR-1..4 and the dates an option is born with (REG-2, COV-4).</summary>
public static class EnrollmentRules
{
    /// <summary>A new line, with the option when applied for together with it (ENR-1).</summary>
    public static Result<LineState> CreateLine(string lineId, CreateLineCommand command, EventContext context, DateOnly today)
    {
        if (command.ServiceStartDate > today.AddDays(Terms.MaxServiceStartDaysAhead))
        {
            return WarrantyError.InvalidField(
                "serviceStartDate",
                $"The service start date may be at most {Terms.MaxServiceStartDaysAhead} days ahead ({today.AddDays(Terms.MaxServiceStartDaysAhead):yyyy-MM-dd}).");
        }

        var option = command.WarrantyOption ? NewOption(command.ServiceStartDate) : null;
        return Result<LineState>.Ok(new LineState
        {
            LineId = lineId,
            Exists = true,
            Plan = command.Plan,
            SimType = command.SimType,
            ServiceStartDate = command.ServiceStartDate,
            CreatedAt = context.At,
            Option = option,
        });
    }

    public static OptionState NewOption(DateOnly serviceStartDate) => new()
    {
        // COV-4: claims from the first day of the month after the service start month.
        CoverageStartDate = JapanTime.FirstOfNextMonth(serviceStartDate),
        // REG-2: start date + 14 days, inclusive.
        RegistrationDeadline = serviceStartDate.AddDays(Terms.RegistrationWindowDays),
    };

    /// <summary>ENR-1: the option is only taken with a new line; ENR-2: one per line.</summary>
    public static WarrantyError AddOptionLater() => WarrantyError.Conflict(
        ErrorCodes.OptionEnrollmentClosed,
        "ENR-1: the warranty option can only be taken out together with a new line application (POST /v1/lines with warrantyOption: true).",
        "ENR-1");

    /// <summary>
    /// The option's status on <paramref name="today"/>. It is terminated from its termination date on
    /// (coverage still runs to the end of that date, COV-7); a termination scheduled for a later date
    /// leaves it as it is until then. ENR-3: once terminated it stays so. An option whose window passed
    /// with no registration is lapsed (REG-2).
    /// </summary>
    public static OptionStatus StatusOf(OptionState option, DateOnly today)
    {
        if (IsTerminated(option, today))
        {
            return OptionStatus.Terminated;
        }

        if (option.Registered)
        {
            return OptionStatus.Active;
        }

        return today > option.RegistrationDeadline ? OptionStatus.LapsedUnregistered : OptionStatus.AwaitingRegistration;
    }

    public static bool IsTerminated(OptionState option, DateOnly today) => option.TerminatedOn is { } end && end <= today;

    /// <summary>A line is cancelled from its cancellation date on; before that the cancellation is scheduled.</summary>
    public static bool IsCancelled(LineState line, DateOnly today) => line.CancelledOn is { } end && end <= today;

    /// <summary>A termination or cancellation date may be any day from the service start date on.</summary>
    public static WarrantyError? CheckEndDate(LineState line, DateOnly date) =>
        date < line.ServiceStartDate
            ? WarrantyError.InvalidField("date", $"The date must be on or after the service start date {line.ServiceStartDate:yyyy-MM-dd}.")
            : null;

    /// <summary>
    /// BIL-3 / COV-7: terminate the option on <paramref name="date"/>. A terminated option is not
    /// terminated again; a scheduled termination may be moved. The option never outlives a scheduled
    /// cancellation of its line (ENR-3).
    /// </summary>
    public static Result<OptionState> Terminate(LineState line, DateOnly date, DateOnly today)
    {
        if (line.Option is null)
        {
            return WarrantyError.Conflict(ErrorCodes.NoOption, "The line has no warranty option.");
        }

        if (IsTerminated(line.Option, today))
        {
            return WarrantyError.Conflict(ErrorCodes.OptionNotActive, $"ENR-3: the option is already terminated (on {WireNames.Date(line.Option.TerminatedOn!.Value)}); a termination cannot be changed after it took effect.", "ENR-3");
        }

        var end = line.CancelledOn is { } cancelled && cancelled < date ? cancelled : date;
        return Result<OptionState>.Ok(line.Option with { TerminatedOn = end });
    }

    /// <summary>ENR-3: cancelling the line terminates the option the same date (it cannot outlive the SIM).</summary>
    public static OptionState? OptionAfterCancellation(OptionState? option, DateOnly date) => option switch
    {
        null => null,
        { TerminatedOn: null } => option with { TerminatedOn = date },
        { TerminatedOn: { } earlier } when earlier <= date => option,
        _ => option with { TerminatedOn = date },
    };
}
