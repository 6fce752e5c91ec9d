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
            return WarrantyError.Conflict(ErrorCodes.NoOption, "The line has no warranty option.", "REG-1");
        }

        if (EnrollmentRules.IsTerminated(line.Option, registrationDate) || EnrollmentRules.IsCancelled(line, registrationDate))
        {
            return WarrantyError.Conflict(ErrorCodes.OptionNotActive, "The option is terminated.", "ENR-3");
        }

        if (registrationDate > line.Option.RegistrationDeadline)
        {
            return WarrantyError.Conflict(
                ErrorCodes.RegistrationWindowClosed,
                $"Devices can be registered or corrected only until {line.Option.RegistrationDeadline:yyyy-MM-dd} (service start + {Terms.RegistrationWindowDays} days).",
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

    public static WarrantyError Ineligible(IReadOnlyList<string> rules) =>
        WarrantyError.Refused(ErrorCodes.DeviceIneligible, "The device is not eligible for the warranty option.", rules);
}
