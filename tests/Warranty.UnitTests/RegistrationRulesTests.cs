using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class RegistrationRulesTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);

    /// <summary>SPEC's rule order for REG-6 and REG-7, the order REG-8 lists failures in.</summary>
    private static readonly string[] SpecRuleOrder =
    [
        "REG-6a", "REG-6b", "REG-6c", "REG-6d", "REG-6e", "REG-6f",
        "REG-7a", "REG-7b", "REG-7c", "REG-7d", "REG-7e", "REG-7f", "REG-7g", "REG-7h",
    ];

    /// <summary>SPEC REG-8's table: each failing fact and exactly the rules it names.</summary>
    public static TheoryData<string, string[]> Reg8Table => new()
    {
        { "wifiOnly", ["REG-6a", "REG-7f"] },
        { "not conditionOk", ["REG-6b"] },
        { "not ownedBySubscriber", ["REG-6c"] },
        { "rentedOrLeased", ["REG-6c", "REG-7a"] },
        { "not soldInJapan", ["REG-6d", "REG-7g"] },
        { "not hasGiteki", ["REG-6d"] },
        { "not repairableInJapan", ["REG-6e"] },
        { "release more than 24 months before the service start", ["REG-6f"] },
        { "businessUse", ["REG-7b"] },
        { "unofficialRepairOrModification", ["REG-7c"] },
        { "thirdPartyLostOrStolen", ["REG-7d"] },
        { "illegallyUnlocked", ["REG-7e"] },
        { "coveredByOtherWarranty", ["REG-7h"] },
    };

    public static TheoryData<string, string> Reg8FactPairs
    {
        get
        {
            var facts = Reg8Table.Select(row => (string)row[0]).ToArray();
            var data = new TheoryData<string, string>();
            for (var i = 0; i < facts.Length; i++)
            {
                for (var j = i + 1; j < facts.Length; j++)
                {
                    data.Add(facts[i], facts[j]);
                }
            }

            return data;
        }
    }

    private static (CatalogModel Model, Declarations Declarations) WithFacts(params string[] facts)
    {
        var model = TestData.Model();
        var declarations = TestData.CleanDeclarations;
        foreach (var fact in facts)
        {
            switch (fact)
            {
                case "wifiOnly":
                    model = model with { WifiOnly = true };
                    break;
                case "not conditionOk":
                    declarations = declarations with { ConditionOk = false };
                    break;
                case "not ownedBySubscriber":
                    declarations = declarations with { OwnedBySubscriber = false };
                    break;
                case "rentedOrLeased":
                    declarations = declarations with { RentedOrLeased = true };
                    break;
                case "not soldInJapan":
                    model = model with { SoldInJapan = false };
                    break;
                case "not hasGiteki":
                    model = model with { HasGiteki = false };
                    break;
                case "not repairableInJapan":
                    model = model with { RepairableInJapan = false };
                    break;
                case "release more than 24 months before the service start":
                    model = model with { ReleaseDate = Start.AddMonths(-24).AddDays(-1) };
                    break;
                case "businessUse":
                    declarations = declarations with { BusinessUse = true };
                    break;
                case "unofficialRepairOrModification":
                    declarations = declarations with { UnofficialRepairOrModification = true };
                    break;
                case "thirdPartyLostOrStolen":
                    declarations = declarations with { ThirdPartyLostOrStolen = true };
                    break;
                case "illegallyUnlocked":
                    declarations = declarations with { IllegallyUnlocked = true };
                    break;
                case "coveredByOtherWarranty":
                    declarations = declarations with { CoveredByOtherWarranty = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown fact '{fact}'.", nameof(facts));
            }
        }

        return (model, declarations);
    }

    private static IReadOnlyList<string> FailedWith(params string[] facts)
    {
        var (model, declarations) = WithFacts(facts);
        return RegistrationRules.FailedEligibility(model, declarations, Start);
    }

    private static string[] Expected(string[] facts) =>
        SpecRuleOrder.Where(rule => facts.SelectMany(fact => ExpectedFor(fact)).Contains(rule)).ToArray();

    private static string[] ExpectedFor(string fact) =>
        (string[])Reg8Table.Single(row => (string)row[0] == fact)[1];

    // --- REG-1, REG-2, REG-4 and ENR-3: the line-level checks ---

    [Fact]
    public void REG_1_registering_on_a_line_without_the_option_is_refused_with_no_option()
    {
        var line = TestData.LineWithoutOption(Start);

        var error = RegistrationRules.CheckOption(line, Start.AddDays(1));

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("no_option", error.Code);
        Assert.Equal(["REG-1"], error.Rules);
    }

    [Fact]
    public void REG_1_no_option_is_reported_before_the_window_check()
    {
        var line = TestData.LineWithoutOption(Start);

        var error = RegistrationRules.CheckOption(line, Start.AddDays(100));

        Assert.Equal("no_option", error!.Code);
    }

    [Fact]
    public void REG_2_registration_on_the_start_date_and_on_day_14_is_accepted()
    {
        var line = TestData.LineWithOption(Start);

        Assert.Null(RegistrationRules.CheckOption(line, Start));
        Assert.Null(RegistrationRules.CheckOption(line, new DateOnly(2026, 1, 24)));
    }

    [Fact]
    public void REG_2_registration_on_day_15_is_refused_with_registration_window_closed()
    {
        var line = TestData.LineWithOption(Start);

        var error = RegistrationRules.CheckOption(line, new DateOnly(2026, 1, 25));

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("registration_window_closed", error.Code);
        Assert.Equal(["REG-2"], error.Rules);
        Assert.Equal("REG-2: the registration on 2026-01-25 is after the window, which closed on 2026-01-24 (service start + 14 days).", error.Detail);
    }

    [Fact]
    public void REG_2_the_window_crosses_a_month_end()
    {
        var line = TestData.LineWithOption(new DateOnly(2026, 1, 20));

        Assert.Null(RegistrationRules.CheckOption(line, new DateOnly(2026, 2, 3)));
        Assert.Equal("registration_window_closed", RegistrationRules.CheckOption(line, new DateOnly(2026, 2, 4))!.Code);
    }

    [Fact]
    public void REG_4_within_the_window_a_registered_device_may_be_corrected()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());

        Assert.Null(RegistrationRules.CheckOption(line, new DateOnly(2026, 1, 24)));
    }

    [Fact]
    public void REG_4_after_the_window_a_registered_device_cannot_be_replaced_by_registration()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());

        var error = RegistrationRules.CheckOption(line, new DateOnly(2026, 1, 25));

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("registration_window_closed", error.Code);
        Assert.Equal(["REG-2", "REG-4"], error.Rules);
        Assert.EndsWith("REG-4: after the window the covered device changes only by an exchange (CLM-9) or a maker's replacement unit (CLM-6).", error.Detail);
    }

    [Fact]
    public void REG_4_an_option_registered_once_names_REG_4_even_with_no_device_covered_now()
    {
        var line = TestData.LineWithOption(Start);
        line = line with { Option = line.Option! with { Registered = true, Device = null } };

        var error = RegistrationRules.CheckOption(line, new DateOnly(2026, 1, 25));

        Assert.Equal(["REG-2", "REG-4"], error!.Rules);
    }

    [Fact]
    public void ENR_3_registering_on_a_terminated_option_is_refused_with_option_not_active()
    {
        var line = TestData.LineWithOption(Start);
        line = line with { Option = line.Option! with { TerminatedOn = Start.AddDays(2) } };

        var error = RegistrationRules.CheckOption(line, Start.AddDays(3));

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("option_not_active", error.Code);
        Assert.Equal(["ENR-3"], error.Rules);
        Assert.Equal("ENR-3: the option was terminated on 2026-01-12, before the registration on 2026-01-13; a terminated option takes no device.", error.Detail);
    }

    [Fact]
    public void ENR_3_registering_on_a_cancelled_line_is_refused_with_option_not_active()
    {
        var line = TestData.LineWithOption(Start);
        line = line with
        {
            CancelledOn = Start.AddDays(2),
            Option = EnrollmentRules.OptionAfterCancellation(line.Option, Start.AddDays(2)),
        };

        Assert.Equal("option_not_active", RegistrationRules.CheckOption(line, Start.AddDays(3))!.Code);
        Assert.StartsWith("ENR-3: the line was cancelled on 2026-01-12,", RegistrationRules.CheckOption(line, Start.AddDays(3))!.Detail);
        Assert.Equal("option_not_active", RegistrationRules.CheckOption(line with { Option = line.Option! with { TerminatedOn = null } }, Start.AddDays(3))!.Code);
    }

    [Fact]
    public void ENR_3_a_terminated_option_is_reported_before_the_window_check()
    {
        var line = TestData.LineWithOption(Start);
        line = line with { Option = line.Option! with { TerminatedOn = Start.AddDays(2) } };

        Assert.Equal("option_not_active", RegistrationRules.CheckOption(line, Start.AddDays(60))!.Code);
    }

    // --- REG-6, REG-7, REG-8: device eligibility ---

    [Fact]
    public void REG_6_an_eligible_device_with_clean_declarations_fails_no_rule()
    {
        Assert.Empty(FailedWith());
    }

    [Fact]
    public void REG_6a_and_REG_7f_a_wifi_only_model_is_refused()
    {
        Assert.Equal(["REG-6a", "REG-7f"], FailedWith("wifiOnly"));
    }

    [Fact]
    public void REG_6b_a_device_not_in_normal_condition_is_refused()
    {
        Assert.Equal(["REG-6b"], FailedWith("not conditionOk"));
    }

    [Fact]
    public void REG_6c_a_device_not_owned_by_the_subscriber_is_refused()
    {
        Assert.Equal(["REG-6c"], FailedWith("not ownedBySubscriber"));
    }

    [Fact]
    public void REG_6c_and_REG_7a_a_rented_or_leased_device_is_refused()
    {
        Assert.Equal(["REG-6c", "REG-7a"], FailedWith("rentedOrLeased"));
    }

    [Fact]
    public void REG_6d_and_REG_7g_a_model_not_sold_in_Japan_is_refused()
    {
        Assert.Equal(["REG-6d", "REG-7g"], FailedWith("not soldInJapan"));
    }

    [Fact]
    public void REG_6d_a_model_without_the_giteki_mark_is_refused()
    {
        Assert.Equal(["REG-6d"], FailedWith("not hasGiteki"));
    }

    [Fact]
    public void REG_6e_a_model_not_repairable_in_Japan_is_refused()
    {
        Assert.Equal(["REG-6e"], FailedWith("not repairableInJapan"));
    }

    [Fact]
    public void REG_6f_release_exactly_24_months_before_the_start_is_accepted()
    {
        var model = TestData.Model(releaseDate: new DateOnly(2024, 1, 10));

        Assert.Empty(RegistrationRules.FailedEligibility(model, TestData.CleanDeclarations, Start));
    }

    [Fact]
    public void REG_6f_release_more_than_24_months_before_start_is_refused()
    {
        var model = TestData.Model(releaseDate: new DateOnly(2024, 1, 9));

        Assert.Equal(["REG-6f"], RegistrationRules.FailedEligibility(model, TestData.CleanDeclarations, Start));
    }

    [Theory]
    [InlineData("2026-03-31", "2024-03-31", true)]
    [InlineData("2026-03-31", "2024-03-30", false)]
    [InlineData("2026-01-01", "2024-01-01", true)]
    [InlineData("2026-01-01", "2023-12-31", false)]
    [InlineData("2026-01-10", "2026-01-10", true)]
    [InlineData("2026-01-10", "2026-04-01", true)]
    [InlineData("2026-01-10", "2025-01-10", true)]
    public void REG_6f_the_age_limit_is_judged_against_the_service_start_date(string start, string release, bool eligible)
    {
        var model = TestData.Model(releaseDate: TestData.D(release));

        var failed = RegistrationRules.FailedEligibility(model, TestData.CleanDeclarations, TestData.D(start));

        string[] expected = eligible ? [] : ["REG-6f"];
        Assert.Equal(expected, failed);
    }

    [Fact]
    public void REG_6f_the_registration_date_does_not_move_the_limit()
    {
        // The application date is the service start date: a device released exactly 24 months
        // before the start stays eligible on the last day of the window.
        var model = TestData.Model(releaseDate: new DateOnly(2024, 1, 10));
        var line = TestData.LineWithOption(Start);

        Assert.Null(RegistrationRules.CheckOption(line, new DateOnly(2026, 1, 24)));
        Assert.Empty(RegistrationRules.FailedEligibility(model, TestData.CleanDeclarations, line.ServiceStartDate));
    }

    [Fact]
    public void REG_7b_a_device_used_for_business_is_refused()
    {
        Assert.Equal(["REG-7b"], FailedWith("businessUse"));
    }

    [Fact]
    public void REG_7c_an_unofficially_repaired_or_modified_device_is_refused()
    {
        Assert.Equal(["REG-7c"], FailedWith("unofficialRepairOrModification"));
    }

    [Fact]
    public void REG_7c_a_device_the_system_knows_was_found_modified_is_refused_even_if_declared_clean()
    {
        var failed = RegistrationRules.FailedEligibility(TestData.Model(), TestData.CleanDeclarations, Start, knownModified: true);

        Assert.Equal(["REG-7c"], failed);
    }

    [Fact]
    public void REG_7c_known_and_declared_modification_names_REG_7c_once()
    {
        var (model, declarations) = WithFacts("unofficialRepairOrModification");

        Assert.Equal(["REG-7c"], RegistrationRules.FailedEligibility(model, declarations, Start, knownModified: true));
    }

    [Fact]
    public void REG_7d_a_third_partys_lost_or_stolen_device_is_refused()
    {
        Assert.Equal(["REG-7d"], FailedWith("thirdPartyLostOrStolen"));
    }

    [Fact]
    public void REG_7e_an_illegally_unlocked_device_is_refused()
    {
        Assert.Equal(["REG-7e"], FailedWith("illegallyUnlocked"));
    }

    [Fact]
    public void COV_6_and_REG_7h_a_device_covered_by_another_warranty_is_refused()
    {
        Assert.Equal(["REG-7h"], FailedWith("coveredByOtherWarranty"));
    }

    [Theory]
    [MemberData(nameof(Reg8Table))]
    public void REG_8_each_failing_fact_names_exactly_the_listed_rules(string fact, string[] rules)
    {
        Assert.Equal(rules, FailedWith(fact));
    }

    [Theory]
    [MemberData(nameof(Reg8FactPairs))]
    public void REG_8_two_failing_facts_name_the_union_of_their_rules_in_rule_order_once_each(string first, string second)
    {
        var expected = Expected([first, second]);

        Assert.Equal(expected, FailedWith(first, second));
        Assert.Equal(expected, FailedWith(second, first));
    }

    [Fact]
    public void REG_8_every_failing_fact_at_once_names_every_rule_in_rule_order_without_duplicates()
    {
        var all = Reg8Table.Select(row => (string)row[0]).ToArray();

        var failed = FailedWith(all);

        Assert.Equal(SpecRuleOrder, failed);
    }

    [Fact]
    public void REG_8_rules_are_listed_in_rule_order_not_in_the_order_facts_are_checked()
    {
        // wifiOnly breaks REG-6a and REG-7f; businessUse REG-7b; not conditionOk REG-6b.
        Assert.Equal(["REG-6a", "REG-6b", "REG-7b", "REG-7f"], FailedWith("wifiOnly", "businessUse", "not conditionOk"));
        // Both giteki and sold-in-Japan break REG-6d: it is named once.
        Assert.Equal(["REG-6d", "REG-7g"], FailedWith("not hasGiteki", "not soldInJapan"));
        // Not owned and rented both break REG-6c.
        Assert.Equal(["REG-6c", "REG-7a"], FailedWith("not ownedBySubscriber", "rentedOrLeased"));
    }

    [Fact]
    public void REG_8_a_refused_registration_is_device_ineligible_with_every_failed_rule()
    {
        var rules = FailedWith("wifiOnly", "coveredByOtherWarranty");

        var error = RegistrationRules.Ineligible(rules);

        Assert.Equal(ErrorKind.Refused, error.Kind);
        Assert.Equal("device_ineligible", error.Code);
        Assert.Equal(["REG-6a", "REG-7f", "REG-7h"], error.Rules);
    }
}
