using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>
/// API.md: a POST with an Idempotency-Key is answered once; a replay returns the first response. A key
/// belongs to its principal (the token's sub), and a duplicate that meets the first in flight is 409.
/// </summary>
public sealed class IdempotencyApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, object body, string key, HttpClient? http = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await (http ?? Http).SendAsync(request);
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
        var lineId = await EligibleLineAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync($"/v1/lines/{lineId}/claims", Filing, key)));

        // Each duplicate either met the first one still in flight (409, nothing done) or got its response replayed.
        Assert.All(responses, r => Assert.True(
            r.Status == HttpStatusCode.Created || (r.Status == HttpStatusCode.Conflict && JsonNode.Parse(r.Body).Code() == "idempotency_key_in_flight"),
            $"{(int)r.Status} {r.Body}"));
        var created = responses.Where(r => r.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Body).Distinct());
        await AssertClaimsAsync(lineId, 1);
    }

    [Fact]
    public async Task A_duplicate_while_the_first_is_in_flight_is_409_idempotency_key_in_flight_and_changes_nothing()
    {
        var lineId = await EligibleLineAsync();
        var key = Guid.NewGuid().ToString();
        var path = $"/v1/lines/{lineId}/claims";
        // Both bodies are held back: whichever request registers its key first waits for its body, so the
        // other one meets it in flight and is answered without its body.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var streaming = Factory.Server.CreateClient().As("operator");
        var first = HeldPostAsync(streaming, path, key, release.Task);
        var second = HeldPostAsync(streaming, path, key, release.Task);

        var done = await Task.WhenAny(first, second);
        var refused = await done;

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("idempotency_key_in_flight", JsonNode.Parse(refused.Body).Code());
        await AssertClaimsAsync(lineId, 0);
        release.SetResult();
        var answered = await (done == first ? second : first);
        Assert.Equal(HttpStatusCode.Created, answered.Status);
        var replay = await PostAsync(path, Filing, key);
        Assert.Equal((HttpStatusCode.Created, answered.Body), replay);
        await AssertClaimsAsync(lineId, 1);
    }

    [Fact]
    public async Task A_key_is_scoped_to_its_principal_so_two_principals_with_one_key_make_two_requests()
    {
        var lineId = await EligibleLineAsync();
        var key = Guid.NewGuid().ToString();
        using var other = Factory.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("operator", subject: "another-operator"));

        var mine = await PostAsync($"/v1/lines/{lineId}/claims", Filing, key);
        var theirs = await PostAsync($"/v1/lines/{lineId}/claims", Filing, key, other);
        var myReplay = await PostAsync($"/v1/lines/{lineId}/claims", Filing, key);

        Assert.Equal(HttpStatusCode.Created, mine.Status);
        Assert.Equal(HttpStatusCode.Created, theirs.Status);
        Assert.NotEqual(JsonNode.Parse(mine.Body).Str("claimId"), JsonNode.Parse(theirs.Body).Str("claimId"));
        Assert.Equal(mine, myReplay);
        await AssertClaimsAsync(lineId, 2);
    }

    private static readonly object Filing = new { incident = "screen_crack", at = "2026-06-01T10:00:00+09:00" };

    /// <summary>A line whose coverage has started, with usage: a claim filed on 2026-06-01 is accepted.</summary>
    private async Task<string> EligibleLineAsync()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync("2026-04-20", at: "2026-04-25T10:00:00+09:00");
        var (usage, _) = await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-06-01T09:00:00+09:00" });
        Assert.Equal(HttpStatusCode.NoContent, usage);
        return lineId;
    }

    private async Task AssertClaimsAsync(string lineId, int count)
    {
        var (_, claims) = await Http.GetJsonAsync($"/v1/lines/{lineId}/claims");
        Assert.Equal(count, claims!.AsArray().Count);
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Str("option.contractYear.claimsCounted"));
    }

    private static async Task<(HttpStatusCode Status, string Body)> HeldPostAsync(HttpClient http, string path, string key, Task release)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new HeldContent(JsonContent.Create(Filing), release) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A JSON body that is sent only once <c>release</c> completes.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Task _release;

        public HeldContent(HttpContent inner, Task release)
        {
            (_inner, _release) = (inner, release);
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await _release.WaitAsync(TimeSpan.FromSeconds(60));
            await _inner.CopyToAsync(stream);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
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
