using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>
/// API tests share one host (<see cref="ApiFactory"/>); each test uses fresh line ids, TACs and IMEIs.
/// <see cref="Http"/> acts as an operator; the catalogue and stock are written as <see cref="Admin"/>,
/// usage is fed as <see cref="Network"/>.
/// </summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTestBase(ApiFactory factory)
{
    protected ApiFactory Factory { get; } = factory;

    protected HttpClient Http { get; } = factory.ClientFor("operator");

    protected HttpClient Admin { get; } = factory.ClientFor("admin");

    protected HttpClient Network { get; } = factory.ClientFor("network");

    protected async Task<string> NewModelAsync(
        string kind = "android", string releaseDate = "2025-06-01", bool wifiOnly = false, bool soldInJapan = true,
        bool hasGiteki = true, bool repairableInJapan = true, bool exchangeDesignated = true)
    {
        var tac = TestData.NewTac();
        var (status, body) = await Admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model(kind, releaseDate, wifiOnly, soldInJapan, hasGiteki, repairableInJapan, exchangeDesignated));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return tac;
    }

    protected async Task<string> NewLineAsync(string serviceStartDate = "2026-06-10", bool warrantyOption = true, string plan = "giga")
    {
        var lineId = TestData.NewLineId();
        var (status, body) = await Http.PostJsonAsync("/v1/lines", TestData.Line(lineId, serviceStartDate, warrantyOption, plan));
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return lineId;
    }

    /// <summary>A line with the option and a registered device of a fresh model; returns both keys.</summary>
    protected async Task<(string LineId, string Imei, string Tac)> NewCoveredLineAsync(
        string serviceStartDate = "2026-06-10", string kind = "android", string releaseDate = "2025-06-01", string? at = null)
    {
        var tac = await NewModelAsync(kind, releaseDate);
        var lineId = await NewLineAsync(serviceStartDate);
        var imei = TestData.NewImei(tac);
        var (status, body) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, at));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return (lineId, imei, tac);
    }

    protected static void AssertProblem((HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body) response, HttpStatusCode status, string code, params string[] rules)
    {
        Assert.True(response.Status == status, $"expected {(int)status} {code}, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        Assert.Equal(code, response.Body.Code());
        if (rules.Length > 0)
        {
            Assert.Equal(rules, response.Body.Rules());
        }
    }
}
