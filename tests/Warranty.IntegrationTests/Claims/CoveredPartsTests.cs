using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>COV-3: only the device body is covered, not the SIM, accessories, consumables or software.</summary>
public sealed class CoveredPartsTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Theory]
    [InlineData("sim_card")]
    [InlineData("battery")]
    [InlineData("ac_adapter")]
    [InlineData("accessory")]
    [InlineData("software")]
    public async Task COV_3_an_incident_of_anything_but_the_device_body_is_not_a_claimable_incident(string incident)
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var filed = await FileAsync(lineId, incident);
        var quoted = await QuoteAsync(lineId, incident);

        AssertProblem(filed, HttpStatusCode.BadRequest, "invalid_request");
        Assert.NotNull(filed.Body?["errors"]?["incident"]);
        AssertProblem(quoted, HttpStatusCode.BadRequest, "invalid_request");
        var (_, claims) = await Http.GetJsonAsync($"/v1/lines/{lineId}/claims");
        Assert.Empty(claims!.AsArray());
    }

    [Fact]
    public async Task COV_3_a_claim_is_always_for_the_covered_device_body()
    {
        var (lineId, imei, _) = await EligibleLineAsync();

        var claim = await FileOkAsync(lineId, "partial_breakage");

        Assert.Equal(imei, claim.Str("imei"));
        var (_, device) = await Http.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Equal(claim.Str("claimId"), device!["claims"]!.AsArray().Single()!.Str("claimId"));
    }
}
