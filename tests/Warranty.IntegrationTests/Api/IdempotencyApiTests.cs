using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>API.md: a POST with an Idempotency-Key is answered once; a replay returns the first response.</summary>
public sealed class IdempotencyApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_replayed_line_creation_returns_the_first_response_and_changes_nothing()
    {
        var lineId = TestData.NewLineId();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync("/v1/lines", TestData.Line(lineId, "2026-06-10"), key);
        var replay = await PostAsync("/v1/lines", TestData.Line(lineId, "2026-06-10"), key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(first.Body, replay.Body);
        var (_, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        Assert.Single(history!.AsArray());
        // Without the key, the same request is a conflict.
        AssertProblem(await Http.PostJsonAsync("/v1/lines", TestData.Line(lineId, "2026-06-10")), HttpStatusCode.Conflict, "line_exists");
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_idempotency_key_reused()
    {
        var lineId = TestData.NewLineId();
        var key = Guid.NewGuid().ToString();
        await PostAsync("/v1/lines", TestData.Line(lineId, "2026-06-10"), key);

        var (status, body) = await PostAsync("/v1/lines", TestData.Line(lineId, "2026-06-11"), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("idempotency_key_reused", JsonNode.Parse(body).Code());
    }

    [Fact]
    public async Task A_refused_request_does_not_use_its_key()
    {
        var lineId = await NewLineAsync();
        var key = Guid.NewGuid().ToString();

        var refused = await PostAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-01-01" }, key);
        var accepted = await PostAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-30" }, key);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("2026-06-30", JsonNode.Parse(accepted.Body).Str("option.terminatedOn"));
    }

    [Fact]
    public async Task Concurrent_duplicates_of_one_keyed_filing_file_one_claim()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync("2026-04-20", at: "2026-04-25T10:00:00+09:00");
        await Http.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-06-01T09:00:00+09:00" });
        var key = Guid.NewGuid().ToString();
        var body = new { incident = "screen_crack", at = "2026-06-01T10:00:00+09:00" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync($"/v1/lines/{lineId}/claims", body, key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        var (_, claims) = await Http.GetJsonAsync($"/v1/lines/{lineId}/claims");
        Assert.Single(claims!.AsArray());
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Equal("1", line.Str("option.contractYear.claimsCounted"));
    }

    [Fact]
    public async Task Malformed_keys_are_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lines") { Content = JsonContent.Create(TestData.Line(TestData.NewLineId(), "2026-06-10")) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 129));
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", JsonNode.Parse(await response.Content.ReadAsStringAsync()).Code());
    }
}
