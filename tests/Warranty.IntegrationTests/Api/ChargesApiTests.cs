using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

public sealed class ChargesApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task BIL_1_BIL_2_the_550_yen_fee_starts_in_the_month_after_next_of_the_start_month()
    {
        var lineId = await NewLineAsync("2026-06-10");

        var (_, july) = await Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month=2026-07");
        var (status, august) = await Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month=2026-08");

        Assert.Empty(july!["items"]!.AsArray());
        Assert.Equal("0", july.Str("totalYen"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(lineId, august.Str("lineId"));
        Assert.Equal("2026-08", august.Str("month"));
        var item = Assert.Single(august!["items"]!.AsArray());
        Assert.Equal("monthly_fee", item.Str("kind"));
        Assert.Equal("550", item.Str("amountYen"));
        Assert.Equal("50", item.Str("taxYen"));
        Assert.Equal("true", item.Str("taxable"));
        Assert.Equal("550", august.Str("totalYen"));
    }

    [Fact]
    public async Task BIL_3_the_termination_month_is_charged_in_full_and_nothing_after()
    {
        var lineId = await NewLineAsync("2026-06-10");
        await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-09-03" });

        var (_, september) = await Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month=2026-09");
        var (_, october) = await Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month=2026-10");

        Assert.Equal("550", september.Str("totalYen"));
        Assert.Equal("0", october.Str("totalYen"));
    }

    [Fact]
    public async Task REG_2_a_lapsed_option_is_still_billed_and_a_line_without_option_is_not()
    {
        var lapsed = await NewLineAsync("2026-05-20");
        var bare = await NewLineAsync("2026-05-20", warrantyOption: false);

        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lapsed}");
        var (_, billed) = await Http.GetJsonAsync($"/v1/lines/{lapsed}/charges?month=2026-07");
        var (_, none) = await Http.GetJsonAsync($"/v1/lines/{bare}/charges?month=2026-07");

        Assert.Equal("lapsed_unregistered", line.Str("option.status"));
        Assert.Equal("550", billed.Str("totalYen"));
        Assert.Equal("0", none.Str("totalYen"));
    }

    [Fact]
    public async Task A_missing_or_malformed_month_is_400_and_an_unknown_line_404()
    {
        var lineId = await NewLineAsync();

        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{lineId}/charges"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month=2026-13"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month=2026-7"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{TestData.NewLineId()}/charges?month=2026-07"), HttpStatusCode.NotFound, "line_not_found");
    }
}
