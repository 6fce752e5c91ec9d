using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Warranty.IntegrationTests.Api;

/// <summary>
/// Issue 5, item 5: generated malformed and hostile requests across every endpoint and role. Whatever comes in,
/// the answer is never a 5xx, every error is <c>application/problem+json</c> with its status and a code, and the
/// service still answers correctly afterwards. The generator is seeded, so a failure replays exactly.
/// </summary>
public sealed class HostileInputTests(ApiFactory factory, ITestOutputHelper output) : ApiTestBase(factory)
{
    private const int Requests = 10_000;
    private const int Seed = 20261125;

    /// <summary>No credentials of its own: each generated request carries its own (or none).</summary>
    private readonly HttpClient _raw = factory.CreateClient();

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_only_problem_json_errors_and_leave_the_service_correct()
    {
        var target = await NewCoveredLineAsync();
        var pristine = await NewCoveredLineAsync();
        var pristineLine = await ReadAsync($"/v1/lines/{pristine.LineId}");
        var pristineCoverage = await ReadAsync($"/v1/devices/{pristine.Imei}/coverage?date=2026-06-20");
        var generator = new HostileRequests(target.LineId, target.Imei, target.Tac, pristine.LineId);

        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var request = generator.Create(new Random(Seed + i), Authorize);
            var description = $"#{i} {request.Method} {request.RequestUri}";
            HttpResponseMessage response;
            try
            {
                response = await _raw.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
            {
                failures.Enqueue($"{description}: no response ({e.GetType().Name}: {e.Message})");
                return;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (status >= 500)
                {
                    failures.Enqueue($"{description}: {status} {Cut(body)}");
                }
                else if (status >= 400 && Problem(response, body, status) is { } why)
                {
                    failures.Enqueue($"{description}: {status} {why}: {Cut(body)}");
                }
            }
        });

        output.WriteLine($"{Requests:N0} requests; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers; first ones:\n{string.Join("\n", failures.Take(15))}");
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 8, "the generator should provoke many kinds of error");

        // Afterwards: the line the generator never addressed is unchanged, and the service works normally.
        Assert.Equal(pristineLine, await ReadAsync($"/v1/lines/{pristine.LineId}"));
        Assert.Equal(pristineCoverage, await ReadAsync($"/v1/devices/{pristine.Imei}/coverage?date=2026-06-20"));
        var fresh = await NewCoveredLineAsync();
        var coverage = JsonNode.Parse(await ReadAsync($"/v1/devices/{fresh.Imei}/coverage?date=2026-07-05"))!;
        Assert.True(coverage["covered"]!.GetValue<bool>(), coverage.ToJsonString());
    }

    /// <summary>The credentials a generated request carries: chosen by the generator from every role, none or garbage.</summary>
    private static void Authorize(HttpRequestMessage request, string? role, string? lineId)
    {
        if (role is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Bearer", role == "garbage" ? "eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ." : TestTokens.Create(role, role == "subscriber" ? lineId : null));
        }
    }

    private async Task<string> ReadAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Why an error response is not the contract's problem document, or null when it is.</summary>
    private static string? Problem(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type '{response.Content.Headers.ContentType}'";
        }

        try
        {
            var problem = JsonNode.Parse(body);
            if (problem?["status"]?.GetValue<int>() != status)
            {
                return "status field differs";
            }

            return problem["code"]?.GetValue<string>() is { Length: > 0 } ? null : "no code";
        }
        catch (System.Text.Json.JsonException)
        {
            return "body is not JSON";
        }
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

/// <summary>Malformed and hostile requests against every endpoint of API.md.</summary>
internal sealed class HostileRequests(string lineId, string imei, string tac, string untouchedLineId)
{
    private static readonly (string Method, string Path, string[] Fields)[] Endpoints =
    [
        ("PUT", "/v1/catalog/models/{tac}", ["maker", "model", "kind", "releaseDate", "wifiOnly", "soldInJapan", "hasGiteki", "repairableInJapan", "exchangeDesignated"]),
        ("GET", "/v1/catalog/models/{tac}", []),
        ("PUT", "/v1/exchange-stock/{tac}", ["quantity"]),
        ("GET", "/v1/exchange-stock/{tac}", []),
        ("POST", "/v1/lines", ["lineId", "plan", "simType", "serviceStartDate", "warrantyOption"]),
        ("GET", "/v1/lines/{lineId}", []),
        ("PATCH", "/v1/lines/{lineId}", ["plan"]),
        ("POST", "/v1/lines/{lineId}/option", []),
        ("POST", "/v1/lines/{lineId}/option/termination", ["date"]),
        ("POST", "/v1/lines/{lineId}/cancellation", ["date"]),
        ("GET", "/v1/lines/{lineId}/history", []),
        ("GET", "/v1/lines/{lineId}/reception", []),
        ("PUT", "/v1/lines/{lineId}/device", ["imei", "at", "declarations"]),
        ("GET", "/v1/lines/{lineId}/coverage", []),
        ("GET", "/v1/devices/{imei}", []),
        ("GET", "/v1/devices/{imei}/coverage?date={date}", []),
        ("POST", "/v1/lines/{lineId}/usage", ["imei", "at"]),
        ("POST", "/v1/lines/{lineId}/claims/quote", ["incident", "at", "estimatedRepairCostYen"]),
        ("POST", "/v1/lines/{lineId}/claims", ["incident", "at", "loanerRequested", "note"]),
        ("GET", "/v1/lines/{lineId}/claims", []),
        ("GET", "/v1/lines/{lineId}/claims/{claimId}", []),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/withdrawal", ["at"]),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/device-receipt", ["at", "consentFormEnclosed", "simAndSdRemoved", "esimErased", "dataErased", "eCertificateRevoked"]),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/inspection", ["at", "outcome", "reason"]),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/repair-completion", ["at", "repairCostYen", "makerReplacementImei"]),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/exchange-shipment", ["at", "replacementImei"]),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/exchange-delivery", ["at"]),
        ("POST", "/v1/lines/{lineId}/claims/{claimId}/initial-defect-report", ["at"]),
        ("GET", "/v1/lines/{lineId}/charges?month={month}", []),
        ("POST", "/v1/admin/imports", []),
    ];

    private static readonly string[] Roles = ["admin", "operator", "network", "subscriber"];

    private static readonly string[] Strings =
    [
        "", " ", "\t", "null", "true", "-1", "0", "1e309", "NaN", "Infinity", "9223372036854775808",
        "..", "../..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f", "a/b", "/", "\\", "%00", "\0", "\u0001\u001f",
        "' OR 1=1 --", "\"; DROP TABLE orleans_grain_state; --", "<script>alert(1)</script>", "${jndi:ldap://x/y}",
        "\r\nX-Injected: 1", "\u202Egiga", "\u200B", "😀", "𠜎𠜎", "e\u0301", "\uFEFF", "ｇｉｇａ", "GIGA", "giga ",
        "2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "-2026-01-01", "2026-06-15T25:61:61+09:00",
        "2026-06-15T12:00:00+25:00", "2026-06-15T12:00:00", "1999-01-01T00:00:00Z", "2026-06", "2026-6-1",
        "35000000123456", "3500000012345670", "abcdefghijklmno", "00000000", "1234567", "123456789",
    ];

    private static readonly string[] Numbers =
    [
        "-1", "-0", "0", "1", "0.5", "-2147483649", "2147483648", "9223372036854775808", "1e308", "1e309",
        "-1e309", "1E2", "01", "1.0", "100000000000000000000000000000000000000",
    ];

    public HttpRequestMessage Create(Random random, Action<HttpRequestMessage, string?, string?> authorize)
    {
        var (method, template, fields) = Endpoints[random.Next(Endpoints.Length)];
        if (random.Next(20) == 0)
        {
            method = Pick(random, ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
        }

        var path = template
            .Replace("{tac}", Segment(random, tac, "35000000"))
            .Replace("{lineId}", Segment(random, lineId, untouchedLineId == lineId ? "X" : "OTHER-1"))
            .Replace("{imei}", Segment(random, imei, "350000001234562"))
            .Replace("{claimId}", Segment(random, "C-1", "C-999"))
            .Replace("{date}", Query(random, "2026-06-20"))
            .Replace("{month}", Query(random, "2026-06"));
        if (random.Next(15) == 0)
        {
            path += Pick(random, ["/", "//", "/..", "/%2e%2e", "?x=1&x=2", "#frag", "/extra", ";jsessionid=1"]);
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = Body(random, template, fields);
        }

        if (random.Next(6) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Pick(random, ["", " ", "k", new string('k', 129), "キー", "a\tb", Guid.NewGuid().ToString(), "dup", "dup"]));
        }

        var role = random.Next(8) switch
        {
            0 => null,
            1 => "garbage",
            _ => Pick(random, Roles),
        };
        authorize(request, role, random.Next(3) == 0 ? untouchedLineId : lineId);
        return request;
    }

    private HttpContent Body(Random random, string template, string[] fields)
    {
        if (template == "/v1/admin/imports")
        {
            var lines = string.Join("\n", Enumerable.Range(0, random.Next(1, 4)).Select(_ => JsonObjectText(random, ["lineId", "plan", "simType", "serviceStartDate", "warrantyOption", "device"])));
            return Text(random, lines, random.Next(3) == 0 ? "application/json" : "application/x-ndjson");
        }

        var text = random.Next(12) switch
        {
            0 => "",
            1 => "null",
            2 => "[]",
            3 => "\"a string\"",
            4 => "{\"" + Field(random, fields) + "\":",
            5 => new string('[', 2000) + new string(']', 2000),
            6 => "{" + string.Join(",", Enumerable.Repeat($"\"{Field(random, fields)}\":1", 3)) + "}",
            7 => "{'plan': 'giga',}",
            8 => "{\"plan\": NaN, /* comment */ \"x\": 1}",
            9 => "{\"note\":\"" + new string('x', random.Next(2) == 0 ? 70_000 : 60_000) + "\"}",
            _ => JsonObjectText(random, fields),
        };
        return Text(random, text, random.Next(10) == 0 ? Pick(random, ["text/plain", "application/xml", "application/json; charset=latin1", "multipart/form-data"]) : "application/json");
    }

    private string JsonObjectText(Random random, string[] fields)
    {
        var parts = new List<string>();
        foreach (var field in fields.Where(_ => random.Next(5) > 0))
        {
            parts.Add($"\"{field}\":{Value(random, field)}");
        }

        if (random.Next(4) == 0 && fields.Length > 0)
        {
            var field = Field(random, fields);
            parts.Add($"\"{field}\":{Value(random, field)}");
        }

        if (random.Next(5) == 0)
        {
            parts.Add($"\"{Escape(Pick(random, Strings))}\":{Value(random, "x")}");
        }

        return "{" + string.Join(",", parts.OrderBy(_ => random.Next())) + "}";
    }

    private string Value(Random random, string field) => random.Next(9) switch
    {
        0 => Pick(random, Numbers),
        1 => Pick(random, ["true", "false", "null"]),
        2 => "[" + Pick(random, Numbers) + ",\"a\"]",
        3 => "{\"nested\":{\"deeper\":[1,2,{\"x\":null}]}}",
        4 => "\"" + new string(Pick(random, ["a", "ア", "😀", "\\u0000"])[0], random.Next(1, 5000)) + "\"",
        5 => field switch
        {
            "declarations" => "{\"conditionOk\":\"yes\",\"ownedBySubscriber\":1}",
            "imei" or "replacementImei" or "makerReplacementImei" => "\"" + Pick(random, [imei, "350000001234562", "35000000123456", "abc", ""]) + "\"",
            "lineId" => "\"" + Pick(random, [lineId, "OK-" + random.Next(1_000_000), "bad id", new string('L', 33)]) + "\"",
            _ => "\"" + Escape(Pick(random, Strings)) + "\"",
        },
        _ => "\"" + Escape(Pick(random, Strings)) + "\"",
    };

    private static StringContent Text(Random random, string text, string mediaType)
    {
        var content = new StringContent(random.Next(20) == 0 ? "\uFEFF" + text : text, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType.Contains("charset") ? mediaType : mediaType);
        return content;
    }

    // No NUL in paths: the in-process test server refuses them before sending (Kestrel answers them 400 itself).
    private static string Segment(Random random, string valid, string other) => random.Next(4) switch
    {
        0 or 1 => valid,
        2 => other,
        _ => random.Next(3) == 0 ? Pick(random, ["..", "%2e%2e", "a%2Fb", "%01", ".", "~", "%20"]) : Uri.EscapeDataString(Pick(random, Strings).Replace("\0", "") is { Length: > 0 } s ? s : "x"),
    };

    private static string Query(Random random, string valid) =>
        random.Next(3) == 0 ? valid : Uri.EscapeDataString(Pick(random, Strings));

    private static string Field(Random random, string[] fields) => fields.Length == 0 ? "x" : fields[random.Next(fields.Length)];

    private static string Escape(string text) => System.Text.Json.JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
