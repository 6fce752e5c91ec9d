using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>API.md's conventions: problem documents, 400s with an errors map, timestamps, limits, operations.</summary>
public sealed class ConventionsApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    private async Task<(HttpStatusCode Status, string? ContentType, JsonNode? Body)> RawAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Theory]
    [InlineData("{\"lineId\":")]
    [InlineData("not json")]
    [InlineData("{\"lineId\":\"L-1\",\"plan\":\"giga\",\"simType\":\"esim\",\"serviceStartDate\":\"2026-06-10\",\"warrantyOption\":\"yes\"}")]
    [InlineData("{\"lineId\":42}")]
    [InlineData("")]
    public async Task Malformed_bodies_are_400_problem_documents_with_an_errors_map(string body)
    {
        var (status, contentType, problem) = await RawAsync(HttpMethod.Post, "/v1/lines", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("invalid_request", problem.Code());
        Assert.NotEmpty(problem!["errors"]!.AsObject());
        Assert.Equal("400", problem.Str("status"));
    }

    [Fact]
    public async Task Missing_fields_and_unknown_enum_values_are_each_named()
    {
        var (status, _, problem) = await RawAsync(HttpMethod.Post, "/v1/lines", "{\"lineId\":\"L-x\",\"plan\":\"platinum\",\"simType\":\"ESIM\"}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem!["errors"]!.AsObject();
        Assert.Equal(["plan", "serviceStartDate", "simType", "warrantyOption"], errors.Select(e => e.Key).Order().ToArray());
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    [InlineData("1899-12-31")]
    [InlineData("3000-01-01")]
    public async Task Dates_outside_1900_to_2999_are_malformed_not_a_server_error(string date)
    {
        var (_, imei, _) = await NewCoveredLineAsync();

        AssertProblem(await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date={date}"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/L-none/charges?month={date[..7]}"), HttpStatusCode.BadRequest, "invalid_request");
        var line = new { lineId = TestData.NewLineId(), plan = "giga", simType = "esim", serviceStartDate = date, warrantyOption = true, at = $"{date}T10:00:00+09:00" };
        AssertProblem(await Http.PostJsonAsync("/v1/lines", line), HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2999-12-31")).Status);
    }

    [Fact]
    public async Task Timestamps_more_than_5_minutes_ahead_are_refused_and_need_an_offset()
    {
        var lineId = TestData.NewLineId();
        var line = new { lineId, plan = "giga", simType = "esim", serviceStartDate = "2026-06-10", warrantyOption = true, at = "2026-06-15T12:06:00+09:00" };
        AssertProblem(await Http.PostJsonAsync("/v1/lines", line), HttpStatusCode.BadRequest, "timestamp_in_future");
        AssertProblem(await Http.PostJsonAsync("/v1/lines", line with { at = "2026-06-15T12:00:00" }), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.PostJsonAsync("/v1/lines", line with { at = "yesterday" }), HttpStatusCode.BadRequest, "invalid_request");

        var (status, _) = await Http.PostJsonAsync("/v1/lines", line with { at = "2026-06-15T03:04:00Z" });
        Assert.Equal(HttpStatusCode.Created, status);
        // A refused request left no trace: the first accepted one created the line.
        var (_, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        Assert.Equal("2026-06-15T12:04:00+09:00", Assert.Single(history!.AsArray()).Str("at"));
    }

    [Fact]
    public async Task Bodies_over_64_KiB_are_413()
    {
        var big = "{\"lineId\":\"" + new string('a', 70 * 1024) + "\"}";

        var (status, contentType, problem) = await RawAsync(HttpMethod.Post, "/v1/lines", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("payload_too_large", problem.Code());
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_media_types_are_problem_documents_too()
    {
        using var notFound = await Http.GetAsync("/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType?.MediaType);

        var (status, _, problem) = await RawAsync(HttpMethod.Post, "/v1/lines", "lineId=1", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", problem.Code());
        // The 415 says what to send.
        Assert.Contains("application/json", problem!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_whose_only_field_is_optional_may_be_omitted()
    {
        var lineId = await NewLineAsync();
        foreach (var step in new[] { "withdrawal", "exchange-delivery", "initial-defect-report" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/lines/{lineId}/claims/C0001/{step}");
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            // Not a 400 about the missing body: the request reaches the line, which has no such claim.
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{step}: {(int)response.StatusCode} {text}");
            Assert.Contains("claim_not_found", text);
        }
    }

    [Fact]
    public async Task The_reference_page_answers_with_and_without_a_trailing_slash()
    {
        using var anonymous = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var slash = await anonymous.GetAsync("/reference/v1/");
        Assert.Equal(HttpStatusCode.MovedPermanently, slash.StatusCode);
        Assert.Equal("/reference/v1", slash.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/reference/v1")).StatusCode);
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_described_tag_and_its_common_answers()
    {
        using var anonymous = Factory.CreateClient();
        var (_, document) = await anonymous.GetJsonAsync("/openapi/v1.json");
        var tags = document!["tags"]!.AsArray().ToDictionary(t => t.Str("name")!, t => t.Str("description"));
        Assert.All(tags.Values, d => Assert.False(string.IsNullOrWhiteSpace(d)));
        Assert.Equal("http://localhost:5000", document["servers"]![0].Str("url"));
        // Every request body has an example (the linters check each against its schema).
        Assert.All(
            document["components"]!["schemas"]!.AsObject().Where(s => s.Key.EndsWith("Request", StringComparison.Ordinal)),
            s => Assert.True(s.Value!["examples"] is JsonArray { Count: > 0 }, $"{s.Key} has no example"));
        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        Assert.All(new[] { "code", "rules", "errors" }, p => Assert.NotNull(problem["properties"]![p]));
        var keyed = document["paths"]!["/v1/lines/{lineId}/claims"]!["post"]!["parameters"]!.AsArray();
        Assert.Contains(keyed, p => p.Str("name") == "Idempotency-Key" && p.Str("in") == "header");
        var ids = new HashSet<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var where = $"{method} {path}";
                Assert.True(ids.Add(operation.Str("operationId") ?? ""), $"{where}: missing or repeated operationId");
                Assert.False(string.IsNullOrWhiteSpace(operation.Str("summary")), $"{where}: no summary");
                Assert.All(operation!["tags"]!.AsArray(), t => Assert.True(tags.ContainsKey(t!.GetValue<string>()), $"{where}: undescribed tag {t}"));
                if (path.StartsWith("/v1/", StringComparison.Ordinal))
                {
                    var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
                    Assert.True(new[] { "400", "401", "403", "429", "503" }.All(responses.Contains), $"{where}: {string.Join(",", responses)}");
                    if (operation["requestBody"] is not null)
                    {
                        Assert.True(responses.Contains("413") && responses.Contains("415"), $"{where}: {string.Join(",", responses)}");
                    }

                    // Every response body has an example (the linters check each against its schema); a problem's fits its status.
                    foreach (var (status, response) in operation["responses"]!.AsObject())
                    {
                        foreach (var (mediaType, content) in response!["content"]?.AsObject() ?? [])
                        {
                            var example = content!["example"];
                            Assert.True(example is not null, $"{where} {status} {mediaType}: no example");
                            if (status[0] is '4' or '5')
                            {
                                Assert.Equal(status, example.Str("status"));
                            }
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public async Task The_catalogue_validates_tacs_and_fields_and_stock_needs_a_designated_model()
    {
        AssertProblem(await Admin.PutJsonAsync("/v1/catalog/models/1234", TestData.Model()), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Admin.PutJsonAsync($"/v1/catalog/models/{TestData.NewTac()}", new { maker = "A" }), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.GetJsonAsync($"/v1/catalog/models/{TestData.NewTac()}"), HttpStatusCode.NotFound, "model_not_found");
        AssertProblem(await Admin.PutJsonAsync($"/v1/exchange-stock/{TestData.NewTac()}", new { quantity = 3 }), HttpStatusCode.NotFound, "model_not_found");

        var plain = await NewModelAsync(exchangeDesignated: false);
        AssertProblem(await Admin.PutJsonAsync($"/v1/exchange-stock/{plain}", new { quantity = 3 }), HttpStatusCode.UnprocessableEntity, "not_exchange_designated");

        var designated = await NewModelAsync(kind: "windows");
        AssertProblem(await Admin.PutJsonAsync($"/v1/exchange-stock/{designated}", new { quantity = -1 }), HttpStatusCode.BadRequest, "invalid_request");
        var (status, stock) = await Admin.PutJsonAsync($"/v1/exchange-stock/{designated}", new { quantity = 5 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("windows", stock.Str("kind"));
        var (_, read) = await Http.GetJsonAsync($"/v1/exchange-stock/{designated}");
        Assert.Equal("5", read.Str("quantity"));
        var (_, model) = await Http.GetJsonAsync($"/v1/catalog/models/{designated}");
        Assert.Equal("windows", model.Str("kind"));
        Assert.Equal("2025-06-01", model.Str("releaseDate"));
    }

    [Fact]
    public async Task Health_and_the_openapi_document_and_reference_page_are_served_without_a_token()
    {
        using var anonymous = Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/reference/v1")).StatusCode);

        var (status, document) = await anonymous.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, status);
        var paths = document!["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        string[] contract =
        [
            "/v1/catalog/models/{tac}", "/v1/exchange-stock/{tac}", "/v1/lines", "/v1/lines/{lineId}", "/v1/lines/{lineId}/option",
            "/v1/lines/{lineId}/option/termination", "/v1/lines/{lineId}/cancellation", "/v1/lines/{lineId}/history",
            "/v1/lines/{lineId}/reception", "/v1/lines/{lineId}/device", "/v1/devices/{imei}", "/v1/devices/{imei}/coverage",
            "/v1/lines/{lineId}/usage", "/v1/lines/{lineId}/charges",
        ];
        Assert.All(contract, p => Assert.Contains(p, paths));
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal(["giga", "legacy"], schemas["Plan"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray());
        // Request bodies: API.md's required fields (all but the optional ones) and enum values.
        var create = schemas["CreateLineRequest"]!;
        Assert.Equal(["lineId", "plan", "serviceStartDate", "simType", "warrantyOption"], create["required"]!.AsArray().Select(v => v!.GetValue<string>()).Order().ToArray());
        // One schema per enum, for requests and responses alike.
        Assert.Equal("#/components/schemas/SimType", create["properties"]!["simType"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["physical", "esim"], schemas["SimType"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray());
        // Required fields take no null; constrained fields carry their pattern or format.
        Assert.Equal("string", create["properties"]!["lineId"]!["type"]!.GetValue<string>());
        Assert.Equal("^[A-Za-z0-9-]{1,32}$", create["properties"]!["lineId"]!["pattern"]!.GetValue<string>());
        Assert.Equal("date", create["properties"]!["serviceStartDate"]!["format"]!.GetValue<string>());
    }
}
