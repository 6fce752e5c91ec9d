using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Billing;

/// <summary>
/// Reads the billing run (NDJSON) and the lines' charges endpoint, to compare them item for item (issue 14): used by
/// the billing run's tests and by the cluster's crash test.
/// </summary>
public static class BillingComparison
{
    /// <summary>
    /// Waits (at most 2 minutes) until the read model has applied every recorded event, and the log has not grown for
    /// half a second (a request does not wait for its events' append, which lands a moment later).
    /// </summary>
    public static async Task CaughtUpAsync(HttpClient admin)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        long? settledEnd = null;
        while (true)
        {
            var status = await OkAsync(admin.GetJsonAsync("/v1/admin/projections"));
            var end = status["logEnd"]!.GetValue<long>();
            if (status["eventsBehind"]!.GetValue<long>() == 0)
            {
                if (settledEnd == end)
                {
                    return;
                }

                settledEnd = end;
                await Task.Delay(500);
                continue;
            }

            settledEnd = null;

            Assert.True(DateTime.UtcNow < deadline, $"the projection did not catch up: {status.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The run's records (NDJSON), the summary last.</summary>
    public static async Task<List<JsonObject>> RecordsAsync(HttpClient admin, string month)
    {
        using var response = await admin.GetAsync($"/v1/admin/billing/{month}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var records = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var summary = records[^1];
        Assert.Equal("summary", summary["type"]!.GetValue<string>());
        Assert.Equal(month, summary["month"]!.GetValue<string>());
        return records;
    }

    /// <summary>The run's items and its summary (it must have no adjustments).</summary>
    public static async Task<(List<Item> Items, JsonObject Summary)> RunAsync(HttpClient admin, string month)
    {
        var records = await RecordsAsync(admin, month);
        Assert.All(records[..^1], l => Assert.Equal("item", l["type"]!.GetValue<string>()));
        return (records[..^1].Select(l => Item.Of(l["lineId"]!.GetValue<string>(), l)).ToList(), records[^1]);
    }

    /// <summary>
    /// Asserts that the run of <paramref name="month"/> lists, for each of <paramref name="lineIds"/>, exactly that line's
    /// charges, and (unless <paramref name="others"/>) nothing for lines not listed. Returns the run's line and item counts
    /// and total.
    /// </summary>
    public static async Task<(int Lines, int Items, long TotalYen)> AssertMatchesChargesAsync(
        HttpClient admin, IReadOnlyCollection<string> lineIds, string month, bool others = false)
    {
        await CaughtUpAsync(admin);
        var (items, summary) = await RunAsync(admin, month);
        var byLine = items.GroupBy(i => i.LineId).ToDictionary(g => g.Key, g => g.ToList());
        if (!others)
        {
            Assert.Empty(byLine.Keys.Except(lineIds));
        }

        foreach (var lineId in lineIds)
        {
            var expected = await ChargesAsync(admin, lineId, month);
            var own = byLine.GetValueOrDefault(lineId) ?? [];
            Assert.True(expected.SequenceEqual(own), $"{month}, line {lineId}: charges [{string.Join("; ", expected)}] but billing run [{string.Join("; ", own)}]");
        }

        return (summary["lines"]!.GetValue<int>(), items.Count, summary["totalYen"]!.GetValue<long>());
    }

    public static async Task<List<Item>> ChargesAsync(HttpClient http, string lineId, string month)
    {
        var charges = await OkAsync(http.GetJsonAsync($"/v1/lines/{lineId}/charges?month={month}"));
        return charges["items"]!.AsArray().Select(i => Item.Of(lineId, i!)).ToList();
    }

    private static async Task<JsonNode> OkAsync(Task<(HttpStatusCode Status, JsonNode? Body)> request)
    {
        var (status, body) = await request;
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body?.ToJsonString()}");
        return body!;
    }

    public sealed record Item(string LineId, string Kind, string? ClaimId, string Date, int AmountYen, int TaxYen, bool Taxable)
    {
        public static Item Of(string lineId, JsonNode node) => new(
            lineId,
            node["kind"]!.GetValue<string>(),
            node["claimId"]?.GetValue<string>(),
            node["date"]!.GetValue<string>(),
            node["amountYen"]!.GetValue<int>(),
            node["taxYen"]!.GetValue<int>(),
            node["taxable"]!.GetValue<bool>());
    }
}
