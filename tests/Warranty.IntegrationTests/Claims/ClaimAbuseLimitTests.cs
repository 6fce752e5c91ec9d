using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>Issue 5, item 4: repeated refused claim filings or quotes on one line are limited (429 with Retry-After).</summary>
public sealed class ClaimAbuseLimitTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Fact]
    public async Task After_30_refusals_in_10_minutes_filings_and_quotes_on_that_line_are_429_with_retry_after()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var (otherLineId, _, _) = await EligibleLineAsync();

        for (var i = 0; i < 15; i++)
        {
            AssertProblem(await FileAsync(lineId, "theft"), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-1");
            var (status, quote) = await QuoteAsync(lineId, "loss");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("false", quote.Str("eligible"));
        }

        using var filing = await Http.PostAsync($"/v1/lines/{lineId}/claims", System.Net.Http.Json.JsonContent.Create(new { incident = "screen_crack", at = FiledAt }));
        var body = System.Text.Json.Nodes.JsonNode.Parse(await filing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, filing.StatusCode);
        Assert.Equal("application/problem+json", filing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("too_many_refusals", body.Code());
        Assert.Equal("600", filing.Headers.GetValues("Retry-After").Single());

        AssertProblem(await QuoteAsync(lineId, "screen_crack"), HttpStatusCode.TooManyRequests, "too_many_refusals");
        Assert.Empty(await GetClaimsAsync(lineId));

        // Another line is not affected, and eligible requests never count.
        Assert.Equal(HttpStatusCode.Created, (await FileAsync(otherLineId, "screen_crack")).Status);
    }
}
