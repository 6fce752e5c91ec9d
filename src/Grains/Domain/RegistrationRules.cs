using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>REG-2, REG-4, REG-6, REG-7 and REG-8: may this device be registered on this line?</summary>
public static class RegistrationRules
{
    /// <summary>The order in which failed rules are listed.</summary>
    private static readonly string[] RuleOrder =
    [
        "REG-6a", "REG-6b", "REG-6c", "REG-6d", "REG-6e", "REG-6f",
        "REG-7a", "REG-7b", "REG-7c", "REG-7d", "REG-7e", "REG-7f", "REG-7g", "REG-7h",
    ];

    /// <summary>The line-level checks, in the contract's order: option, status, window (REG-2, REG-4).</summary>
    public static WarrantyError? CheckOption(LineState line, DateOnly registrationDate)
    {
        if (line.Option is null)
        {
            return WarrantyError.Conflict(ErrorCodes.NoOption, "REG-1: the line has no warranty option, so it covers no device.", "REG-1");
        }

        if (EnrollmentRules.IsTerminated(line.Option, registrationDate) || EnrollmentRules.IsCancelled(line, registrationDate))
        {
            var end = EnrollmentRules.IsCancelled(line, registrationDate) ? $"the line was cancelled on {WireNames.Date(line.CancelledOn!.Value)}" : $"the option was terminated on {WireNames.Date(line.Option.TerminatedOn!.Value)}";
            return WarrantyError.Conflict(
                ErrorCodes.OptionNotActive,
                $"ENR-3: {end}, before the registration on {WireNames.Date(registrationDate)}; a terminated option takes no device.",
                "ENR-3");
        }

        if (registrationDate > line.Option.RegistrationDeadline)
        {
            return WarrantyError.Conflict(
                ErrorCodes.RegistrationWindowClosed,
                $"REG-2: the registration on {WireNames.Date(registrationDate)} is after the window, which closed on " +
                $"{WireNames.Date(line.Option.RegistrationDeadline)} (service start + {Terms.RegistrationWindowDays} days)." +
                (line.Option.Registered ? " REG-4: after the window the covered device changes only by an exchange (CLM-9) or a maker's replacement unit (CLM-6)." : ""),
                line.Option.Registered ? ["REG-2", "REG-4"] : ["REG-2"]);
        }

        return null;
    }

    /// <summary>
    /// Every eligibility rule the device fails (REG-6, REG-7), named as REG-8's table says, in
    /// rule order, each once. <paramref name="knownModified"/> is the system's own knowledge
    /// that the device was found modified (CLM-8).
    /// </summary>
    public static IReadOnlyList<string> FailedEligibility(
        CatalogModel model, Declarations declarations, DateOnly serviceStartDate, bool knownModified = false)
    {
        var failed = new HashSet<string>();
        void Fail(params string[] rules) => failed.UnionWith(rules);

        if (model.WifiOnly)
        {
            Fail("REG-6a", "REG-7f");
        }

        if (!declarations.ConditionOk)
        {
            Fail("REG-6b");
        }

        if (!declarations.OwnedBySubscriber)
        {
            Fail("REG-6c");
        }

        if (declarations.RentedOrLeased)
        {
            Fail("REG-6c", "REG-7a");
        }

        if (!model.SoldInJapan)
        {
            Fail("REG-6d", "REG-7g");
        }

        if (!model.HasGiteki)
        {
            Fail("REG-6d");
        }

        if (!model.RepairableInJapan)
        {
            Fail("REG-6e");
        }

        if (model.ReleaseDate < serviceStartDate.AddMonths(-Terms.MaxDeviceAgeMonths))
        {
            Fail("REG-6f");
        }

        if (declarations.BusinessUse)
        {
            Fail("REG-7b");
        }

        if (declarations.UnofficialRepairOrModification || knownModified)
        {
            Fail("REG-7c");
        }

        if (declarations.ThirdPartyLostOrStolen)
        {
            Fail("REG-7d");
        }

        if (declarations.IllegallyUnlocked)
        {
            Fail("REG-7e");
        }

        if (declarations.CoveredByOtherWarranty)
        {
            Fail("REG-7h");
        }

        return RuleOrder.Where(failed.Contains).ToArray();
    }

    public static WarrantyError Ineligible(IReadOnlyList<string> rules, CatalogModel? model = null, DateOnly? serviceStartDate = null) =>
        WarrantyError.Refused(ErrorCodes.DeviceIneligible, Explain(rules, model, serviceStartDate), rules);

    /// <summary>A refusal's detail: what each failed rule found (REG-8 names every rule; this says why each failed).</summary>
    public static string Explain(IReadOnlyList<string> rules, CatalogModel? model = null, DateOnly? serviceStartDate = null)
    {
        var name = model is null ? "the model" : $"the model {model.Maker} {model.Model}";
        var reasons = rules.Select(rule => rule switch
        {
            "REG-6a" => $"REG-6a: {name} is Wi-Fi only, so it cannot communicate with this line's SIM",
            "REG-6b" => "REG-6b: the device is not declared free of cracks and water damage and working normally",
            "REG-6c" => "REG-6c: the device is not declared owned by the subscriber (or is declared rented or leased)",
            "REG-6d" => $"REG-6d: {name} is not a genuine product sold in Japan with the technical conformity mark",
            "REG-6e" => $"REG-6e: {name} cannot be repaired in Japan",
            "REG-6f" when model is not null && serviceStartDate is { } start =>
                $"REG-6f: {name} was released on {WireNames.Date(model.ReleaseDate)}, more than {Terms.MaxDeviceAgeMonths} months before the " +
                $"service start on {WireNames.Date(start)} (the earliest release accepted is {WireNames.Date(start.AddMonths(-Terms.MaxDeviceAgeMonths))})",
            "REG-6f" => $"REG-6f: the model was released more than {Terms.MaxDeviceAgeMonths} months before the service start",
            "REG-7a" => "REG-7a: the device is declared rented or leased",
            "REG-7b" => "REG-7b: the device is declared used for business",
            "REG-7c" => "REG-7c: the device is declared (or was found at an inspection) repaired or modified other than by the maker's official repair",
            "REG-7d" => "REG-7d: the device is declared lost or stolen property of a third party",
            "REG-7e" => "REG-7e: the device is declared SIM-unlocked by an unofficial method",
            "REG-7f" => $"REG-7f: {name} is a Wi-Fi-only model",
            "REG-7g" => $"REG-7g: {name} is sold only outside Japan",
            "REG-7h" => "REG-7h: the device is declared covered by another insurance or warranty",
            _ => rule,
        });
        return $"The device is not eligible for the warranty option. {string.Join("; ", reasons)}.";
    }
}
