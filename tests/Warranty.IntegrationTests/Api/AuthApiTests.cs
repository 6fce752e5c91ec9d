using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>
/// Authentication and the role matrix: every endpoint needs a valid bearer token (401 otherwise), each
/// role may do what README's matrix says (403 otherwise), and a subscriber sees only its own line and
/// the device that line covers.
/// </summary>
public sealed class AuthApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    private const string A = "admin", O = "operator", N = "network", S = "subscriber";

    /// <summary>
    /// Every endpoint and who may call it; <c>S</c> is the subscriber of <c>{lineId}</c> (and of the device
    /// <c>{imei}</c> it covers). The bodies are empty, so an allowed write is refused as malformed (or finds
    /// nothing, or imports nothing) and changes nothing: authorization is decided before the body is read.
    /// </summary>
    public static readonly TheoryData<string, string, string> Matrix = new()
    {
        { "PUT", "/v1/catalog/models/{tac}", A },
        { "GET", "/v1/catalog/models/{tac}", $"{A} {O}" },
        { "PUT", "/v1/exchange-stock/{tac}", A },
        { "GET", "/v1/exchange-stock/{tac}", $"{A} {O}" },
        { "POST", "/v1/lines", $"{A} {O}" },
        { "GET", "/v1/lines/{lineId}", $"{A} {O} {S}" },
        { "PATCH", "/v1/lines/{lineId}", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/option", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/option/termination", $"{A} {O} {S}" },
        { "POST", "/v1/lines/{lineId}/cancellation", $"{A} {O}" },
        { "GET", "/v1/lines/{lineId}/history", $"{A} {O} {S}" },
        { "GET", "/v1/lines/{lineId}/reception", $"{A} {O} {S}" },
        { "GET", "/v1/lines/{lineId}/charges", $"{A} {O} {S}" },
        { "PUT", "/v1/lines/{lineId}/device", $"{A} {O} {S}" },
        { "GET", "/v1/devices/{imei}", $"{A} {O} {S}" },
        { "GET", "/v1/devices/{imei}/coverage", $"{A} {O} {S}" },
        { "POST", "/v1/lines/{lineId}/usage", $"{A} {N}" },
        { "POST", "/v1/lines/{lineId}/claims/quote", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims", $"{A} {O}" },
        { "GET", "/v1/lines/{lineId}/claims", $"{A} {O} {S}" },
        { "GET", "/v1/lines/{lineId}/claims/{claimId}", $"{A} {O} {S}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/withdrawal", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/device-receipt", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/inspection", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/repair-completion", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/exchange-shipment", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/exchange-delivery", $"{A} {O}" },
        { "POST", "/v1/lines/{lineId}/claims/{claimId}/initial-defect-report", $"{A} {O}" },
        { "POST", "/v1/admin/imports", A },
        { "GET", "/v1/admin/billing/{month}", A },
        { "GET", "/v1/admin/projections", A },
        { "POST", "/v1/admin/projections/rebuild", A },
        { "GET", "/v1/reports/claims", $"{A} {O}" },
        { "GET", "/v1/reports/refusals", $"{A} {O}" },
        { "GET", "/v1/reports/turnaround", $"{A} {O}" },
        { "GET", "/v1/reports/stock", $"{A} {O}" },
        { "GET", "/v1/reports/fees", $"{A} {O}" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_may_call_exactly_the_endpoints_of_the_matrix(string method, string template, string allowed)
    {
        var (lineId, imei, tac) = await NewCoveredLineAsync();
        var path = template.Replace("{tac}", tac).Replace("{lineId}", lineId).Replace("{imei}", imei).Replace("{claimId}", "C1").Replace("{month}", "2026-06");
        var roles = allowed.Split(' ');

        foreach (var role in (string[])[A, O, N, S])
        {
            var status = await SendAsync(Factory.ClientFor(role, role == S ? lineId : null), method, path);
            if (roles.Contains(role))
            {
                Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{role} {method} {template}: {(int)status}, expected to be allowed");
            }
            else
            {
                Assert.True(status == HttpStatusCode.Forbidden, $"{role} {method} {template}: {(int)status}, expected 403");
            }
        }

        // A subscriber bound to another line: 403 on this line whatever exists; another line's device looks unregistered.
        var stranger = await SendAsync(Factory.ClientFor(S, TestData.NewLineId()), method, path);
        var expected = template.StartsWith("/v1/devices/", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden;
        Assert.True(stranger == expected, $"another line's subscriber {method} {template}: {(int)stranger}, expected {(int)expected}");

        // Without a token, everything here is 401.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Factory.CreateClient(), method, path));
    }

    [Fact]
    public void The_matrix_lists_every_endpoint_that_needs_a_token()
    {
        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order()
            .ToArray();

        Assert.Equal(Matrix.Select(row => $"{row[0]} {row[1]}").Order().ToArray(), endpoints);
    }

    public static readonly TheoryData<string> BadTokens = new() { "none", "garbage", "expired", "not yet valid", "wrongly signed", "other issuer", "other audience", "unsigned", "no sub" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Without_a_valid_token_every_request_is_401_unauthorized(string kind)
    {
        var lineId = await NewLineAsync();
        var now = DateTimeOffset.UtcNow;
        string? token = kind switch
        {
            "none" => null,
            "garbage" => "not-a-jwt",
            // Beyond the 30-second clock skew the service tolerates.
            "expired" => TestTokens.Create(O, notBefore: now.AddHours(-2), expires: now.AddMinutes(-2)),
            "not yet valid" => TestTokens.Create(O, notBefore: now.AddMinutes(5), expires: now.AddHours(1)),
            "wrongly signed" => TestTokens.Create(O, signingKey: Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('k', 32)))),
            "other issuer" => TestTokens.Create(O, issuer: "someone-else"),
            "other audience" => TestTokens.Create(O, audience: "another-api"),
            // alg "none": the header and payload of a valid token without its signature.
            "unsigned" => UnsignedCopy(TestTokens.Create(O)),
            "no sub" => TestTokens.Create(O, subject: ""),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var http = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/lines/{lineId}");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", problem.Code());
        Assert.Equal("401", problem.Str("status"));
        Assert.False(string.IsNullOrEmpty(problem.Str("title")));
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
    }

    [Fact]
    public async Task A_role_that_may_not_do_it_gets_a_403_forbidden_problem()
    {
        var lineId = await NewLineAsync();
        foreach (var client in (HttpClient[])[Network, Factory.ClientFor("guest")])
        {
            var (status, problem) = await client.GetJsonAsync($"/v1/lines/{lineId}");

            AssertProblem((status, problem), HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("403", problem.Str("status"));
            Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
        }
    }

    [Fact]
    public async Task A_subscriber_reads_its_own_line_and_gets_403_for_any_other()
    {
        var own = await NewLineAsync();
        var other = await NewLineAsync();
        using var subscriber = Factory.ClientFor(S, own);

        var (status, line) = await subscriber.GetJsonAsync($"/v1/lines/{own}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(own, line.Str("lineId"));

        var existing = await subscriber.GetJsonAsync($"/v1/lines/{other}");
        var unknown = await subscriber.GetJsonAsync($"/v1/lines/{TestData.NewLineId()}");
        AssertProblem(existing, HttpStatusCode.Forbidden, "forbidden");
        AssertProblem(unknown, HttpStatusCode.Forbidden, "forbidden");
        // Uniform: nothing tells an existing line from an unknown one.
        Assert.Equal(existing.Body!.ToJsonString(), unknown.Body!.ToJsonString());
        AssertProblem(await subscriber.GetJsonAsync($"/v1/lines/{other}/claims"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_subscriber_sees_only_the_device_its_line_covers_and_any_other_as_not_found()
    {
        var (own, imei, tac) = await NewCoveredLineAsync();
        var (_, othersImei, _) = await NewCoveredLineAsync();
        var unregistered = TestData.NewImei(tac);
        using var subscriber = Factory.ClientFor(S, own);

        Assert.Equal(HttpStatusCode.OK, (await subscriber.GetJsonAsync($"/v1/devices/{imei}")).Status);
        var (coverageStatus, coverage) = await subscriber.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-06-15");
        Assert.Equal(HttpStatusCode.OK, coverageStatus);
        Assert.Equal(own, coverage.Str("lineId"));

        foreach (var path in (string[])["", "/coverage"])
        {
            var others = await subscriber.GetJsonAsync($"/v1/devices/{othersImei}{path}");
            var nobodys = await subscriber.GetJsonAsync($"/v1/devices/{unregistered}{path}");
            AssertProblem(others, HttpStatusCode.NotFound, "device_not_found");
            AssertProblem(nobodys, HttpStatusCode.NotFound, "device_not_found");
            // The same answer as for an unregistered device: existence does not leak.
            Assert.Equal(nobodys.Body!.ToJsonString().Replace(unregistered, othersImei), others.Body!.ToJsonString());
        }

        // A malformed IMEI is the contract's 400, whoever asks.
        AssertProblem(await subscriber.GetJsonAsync("/v1/devices/12345"), HttpStatusCode.BadRequest, "invalid_imei");
    }

    [Fact]
    public async Task The_history_actor_is_the_tokens_sub()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync("2026-04-20", at: "2026-04-25T10:00:00+09:00");
        await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-06-01T09:00:00+09:00" });
        using var named = Factory.CreateClient();
        named.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(O, subject: "reception-desk-7"));

        var (filed, claim) = await named.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack", at = "2026-06-01T10:00:00+09:00" });

        Assert.Equal(HttpStatusCode.Created, filed);
        var (_, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        var entry = Assert.Single(history!.AsArray(), e => e.Str("data.claimId") == claim.Str("claimId"));
        Assert.Equal("reception-desk-7", entry.Str("actor"));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_bearer_scheme_and_who_may_call_each_operation()
    {
        using var anonymous = Factory.CreateClient();
        var (status, document) = await anonymous.GetJsonAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, status);
        var scheme = document!["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme.Str("type"));
        Assert.Equal("bearer", scheme.Str("scheme"));
        Assert.Equal("JWT", scheme.Str("bearerFormat"));

        var getLine = document["paths"]!["/v1/lines/{lineId}"]!["get"]!;
        Assert.NotNull(getLine["security"]![0]!["Bearer"]);
        Assert.Contains("subscriber", getLine.Str("description"));
        Assert.NotNull(getLine["responses"]!["401"]);
        Assert.NotNull(getLine["responses"]!["403"]);
        Assert.Contains("**Roles:** admin.", document["paths"]!["/v1/catalog/models/{tac}"]!["put"].Str("description"));
        Assert.Contains("| network |", document["info"].Str("description"));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string method, string path)
    {
        using (http)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method != "GET")
            {
                // Of the media type the endpoint takes: another one is refused (415) before anyone is asked for a token's role.
                request.Content = path.EndsWith("/imports", StringComparison.Ordinal)
                    ? new StringContent("", Encoding.UTF8, "application/x-ndjson")
                    : JsonContent.Create(new { });
            }

            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
    }

    private static string UnsignedCopy(string token)
    {
        var parts = token.Split('.');
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{header}.{parts[1]}.";
    }
}
