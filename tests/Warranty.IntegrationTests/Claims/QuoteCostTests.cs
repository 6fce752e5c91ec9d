using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>The quote says what a claim would cost: fee by use number (CLM-3), cap and excess (CLM-4).</summary>
public sealed class QuoteCostTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Theory]
    [InlineData(30_000, 0)]
    [InlineData(50_000, 0)]
    [InlineData(50_001, 1)]
    [InlineData(82_500, 32_500)]
    public async Task CLM_4_a_quote_with_a_repair_estimate_states_the_excess_over_the_cap(int estimate, int excess)
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var (status, quote) = await Http.PostJsonAsync($"/v1/lines/{lineId}/claims/quote", new { incident = "screen_crack", at = FiledAt, estimatedRepairCostYen = estimate });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(excess.ToString(System.Globalization.CultureInfo.InvariantCulture), quote.Str("excessYen"));
        Assert.Equal("50000", quote.Str("capYen"));
    }

    [Fact]
    public async Task Without_an_estimate_the_excess_is_null_and_a_negative_estimate_is_400()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var (_, quote) = await QuoteAsync(lineId);
        var negative = await Http.PostJsonAsync($"/v1/lines/{lineId}/claims/quote", new { incident = "screen_crack", at = FiledAt, estimatedRepairCostYen = -1 });

        Assert.Null(quote.Str("excessYen"));
        AssertProblem(negative, HttpStatusCode.BadRequest, "invalid_request");
    }
}
