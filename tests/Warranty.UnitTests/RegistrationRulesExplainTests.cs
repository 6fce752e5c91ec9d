using Warranty.Grains.Domain;

namespace Warranty.UnitTests;

/// <summary>REG-8: a refused registration's detail says what each failed rule found, with the values that made it fail.</summary>
public class RegistrationRulesExplainTests
{
    [Fact]
    public void REG_6f_the_detail_names_the_release_the_service_start_and_the_earliest_release_accepted()
    {
        var start = new DateOnly(2026, 1, 10);
        var model = TestData.Model(releaseDate: new DateOnly(2023, 12, 1));
        var rules = RegistrationRules.FailedEligibility(model, TestData.CleanDeclarations, start);

        var refusal = RegistrationRules.Ineligible(rules, model, start);

        Assert.Equal(["REG-6f"], refusal.Rules);
        Assert.Equal(
            "The device is not eligible for the warranty option. REG-6f: the model Maker Phone 1 was released on 2023-12-01, more than 24 months " +
            "before the service start on 2026-01-10 (the earliest release accepted is 2024-01-10).",
            refusal.Detail);
    }

    [Fact]
    public void REG_8_every_named_rule_is_explained_in_order()
    {
        var start = new DateOnly(2026, 1, 10);
        var model = TestData.Model(wifiOnly: true);
        var declarations = TestData.CleanDeclarations with { RentedOrLeased = true };
        var rules = RegistrationRules.FailedEligibility(model, declarations, start);

        var detail = RegistrationRules.Explain(rules, model, start);

        Assert.Equal(["REG-6a", "REG-6c", "REG-7a", "REG-7f"], rules);
        Assert.Contains("REG-6a: the model Maker Phone 1 is Wi-Fi only", detail);
        Assert.Contains("REG-7a: the device is declared rented or leased", detail);
        Assert.True(detail.IndexOf("REG-6a", StringComparison.Ordinal) < detail.IndexOf("REG-7f", StringComparison.Ordinal));
    }
}
