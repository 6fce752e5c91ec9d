using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Warranty.IntegrationTests.Billing;

/// <summary>The API on a PostgreSQL database of its own, for the billing run over every line it holds.</summary>
public sealed class BillingApiFactory : ApiFactory
{
}

[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<BillingApiFactory>
{
    public const string Name = "Billing run on PostgreSQL";
}

/// <summary>
/// Issue 14: the billing run (<c>GET /v1/admin/billing/{month}</c>) is exactly what each line's
/// <c>GET /v1/lines/{lineId}/charges?month=</c> answers (BIL-1..4), item for item and yen for yen, for lines with mixed
/// histories: with and without the option, starts over a year, repairs with and without excess and loaners, exchanges
/// (1st and 2nd use), withdrawn claims, terminations (past and future) and cancellations, all back-dated.
/// </summary>
[Collection(BillingCollection.Name)]
public sealed class BillingRunTests(BillingApiFactory factory, ITestOutputHelper output)
{
    /// <summary>How many lines the comparison makes (WARRANTY_BILLING_LINES overrides, for a quicker local run).</summary>
    private static readonly int LineCount =
        int.TryParse(Environment.GetEnvironmentVariable("WARRANTY_BILLING_LINES"), out var n) && n > 0 ? n : 10_000;

    private static readonly string[] Months = ["2025-12", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"];

    private static readonly DateOnly Today = DateOnly.FromDateTime(ApiFactory.Now.Date);

    private readonly HttpClient _http = factory.ClientFor("operator");
    private readonly HttpClient _admin = factory.ClientFor("admin");
    private readonly HttpClient _network = factory.ClientFor("network");

    [Fact]
    public async Task BIL_1_BIL_2_BIL_3_BIL_4_the_billing_run_lists_exactly_each_lines_charges_for_mixed_histories()
    {
        var deviceTac = await ModelAsync("2025-01-10");
        var stockTac = await ModelAsync("2025-01-10");
        await Ok(_admin.PutJsonAsync($"/v1/exchange-stock/{stockTac}", new { quantity = LineCount * 2 }), "stock");

        var prefix = $"B{Guid.NewGuid():N}"[..9];
        var lineIds = Enumerable.Range(0, LineCount).Select(i => $"{prefix}-{i:00000}").ToList();
        var stories = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            lineIds.Select((id, i) => (id, i)),
            new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (line, _) => await StoryAsync(line.id, new Random(line.i), deviceTac, stockTac));

        await CaughtUpAsync();
        output.WriteLine($"{LineCount} lines' histories made and projected in {stories.Elapsed.TotalSeconds:0.0} s");
        foreach (var month in Months)
        {
            var (items, summary) = await RunAsync(month);
            var byLine = items.Where(i => i.LineId.StartsWith(prefix, StringComparison.Ordinal)).GroupBy(i => i.LineId).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(items.Select(i => i.LineId).Order(StringComparer.Ordinal), items.Select(i => i.LineId));

            var expected = new Dictionary<string, List<Item>>();
            await Parallel.ForEachAsync(lineIds, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (lineId, _) =>
            {
                var charges = await ChargesAsync(lineId, month);
                lock (expected)
                {
                    expected[lineId] = charges;
                }
            });

            foreach (var lineId in lineIds)
            {
                var own = byLine.GetValueOrDefault(lineId) ?? [];
                Assert.True(expected[lineId].SequenceEqual(own), $"{month}, line {lineId}: charges [{string.Join("; ", expected[lineId])}] but billing run [{string.Join("; ", own)}]");
            }

            Assert.Equal(items.Count, summary["items"]!.GetValue<int>());
            Assert.Equal(items.Select(i => i.LineId).Distinct().Count(), summary["lines"]!.GetValue<int>());
            Assert.Equal(items.Sum(i => (long)i.AmountYen), summary["totalYen"]!.GetValue<long>());
            Assert.Equal(items.Sum(i => (long)i.TaxYen), summary["taxYen"]!.GetValue<long>());
            Assert.Equal(month == "2026-06" || month == "2026-07", summary["open"]!.GetValue<bool>());
            Assert.Equal(0, summary["eventsBehind"]!.GetValue<long>());
            output.WriteLine(
                $"{month}: {summary["lines"]} lines, {items.Count} items ({string.Join(", ", items.GroupBy(i => i.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}), " +
                $"{summary["totalYen"]} yen, tax {summary["taxYen"]}: identical to {LineCount} lines' charges");
        }
    }

    /// <summary>One line's history, drawn from <paramref name="random"/>; every request back-dated to before "now" (2026-06-15).</summary>
    private async Task StoryAsync(string lineId, Random random, string deviceTac, string stockTac)
    {
        var start = new DateOnly(2025, 3, 1).AddDays(random.Next(0, 396));
        var option = random.NextDouble() < 0.92;
        await Ok(_http.PostJsonAsync("/v1/lines", new { lineId, plan = random.Next(2) == 0 ? "giga" : "legacy", simType = "physical", serviceStartDate = Date(start), warrantyOption = option, at = At(start, 9) }), "line");
        var last = start;
        if (option)
        {
            var imei = TestData.NewImei(deviceTac);
            var registered = await Ok(_http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, At(start.AddDays(1), 10))), "registration");
            var coverage = DateOnly.ParseExact(registered.Str("option.coverageStartDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            last = start.AddDays(1);
            var claims = random.Next(0, 3);
            for (var c = 0; c < claims; c++)
            {
                var earliest = (coverage > last ? coverage : last).AddDays(1);
                var room = Today.AddDays(-5).DayNumber - earliest.DayNumber;
                if (room < 1)
                {
                    break;
                }

                var day = earliest.AddDays(random.Next(0, Math.Min(room, 120)));
                await Ok(_network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = At(day, 8) }), "usage", HttpStatusCode.NoContent);
                var (filedStatus, filed) = await _http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack", at = At(day, 10), loanerRequested = random.Next(3) == 0 });
                if (filedStatus != HttpStatusCode.Created)
                {
                    break; // CLM-1's limit or another refusal: the story goes on without the claim.
                }

                var claimId = filed.Str("claimId")!;
                var path = $"/v1/lines/{lineId}/claims/{claimId}";
                var kind = random.Next(10);
                if (kind == 0)
                {
                    await Ok(_http.PostJsonAsync($"{path}/withdrawal", new { at = At(day, 11) }), "withdrawal");
                    last = day;
                    continue;
                }

                await Ok(_http.PostJsonAsync($"{path}/device-receipt", Receipt(At(day.AddDays(1), 10))), "receipt");
                if (kind <= 6)
                {
                    await Ok(_http.PostJsonAsync($"{path}/inspection", new { at = At(day.AddDays(2), 10), outcome = "repair" }), "inspection");
                    int[] costs = [8_000, 50_000, 50_001, 72_000, 130_000];
                    await Ok(_http.PostJsonAsync($"{path}/repair-completion", new { at = At(day.AddDays(3), 23), repairCostYen = costs[random.Next(costs.Length)] }), "repair");
                }
                else
                {
                    await Ok(_http.PostJsonAsync($"{path}/inspection", new { at = At(day.AddDays(2), 10), outcome = "exchange" }), "inspection");
                    var replacement = TestData.NewImei(stockTac);
                    await Ok(_http.PostJsonAsync($"{path}/exchange-shipment", new { at = At(day.AddDays(3), 10), replacementImei = replacement }), "shipment");
                    await Ok(_http.PostJsonAsync($"{path}/exchange-delivery", new { at = At(day.AddDays(4), 10) }), "delivery");
                    imei = replacement;
                }

                last = day.AddDays(4);
            }
        }

        var end = random.Next(10);
        if (end < 2 && option)
        {
            // Terminated: in the past (back-dated into a closed month) or at a future date.
            var date = last.AddDays(random.Next(0, 400));
            await Ok(_http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = Date(date), at = At(last, 20) }), "termination");
        }
        else if (end == 2)
        {
            var date = last.AddDays(random.Next(0, 60));
            await Ok(_http.PostJsonAsync($"/v1/lines/{lineId}/cancellation", new { date = Date(date), at = At(last, 21) }), "cancellation");
        }
    }

    private static object Receipt(string at) => new
    {
        at,
        consentFormEnclosed = true,
        simAndSdRemoved = true,
        esimErased = true,
        dataErased = true,
        eCertificateRevoked = true,
    };

    private async Task<string> ModelAsync(string releaseDate)
    {
        var tac = TestData.NewTac();
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model("android", releaseDate)), "model");
        return tac;
    }

    private async Task CaughtUpAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await Ok(_admin.GetJsonAsync("/v1/admin/projections"), "projection");
            if (status["eventsBehind"]!.GetValue<long>() == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the projection did not catch up: {status.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    private async Task<(List<Item> Items, JsonObject Summary)> RunAsync(string month)
    {
        using var response = await _admin.GetAsync($"/v1/admin/billing/{month}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var summary = lines[^1];
        Assert.Equal("summary", summary["type"]!.GetValue<string>());
        Assert.Equal(month, summary["month"]!.GetValue<string>());
        Assert.All(lines[..^1], l => Assert.Equal("item", l["type"]!.GetValue<string>()));
        return (lines[..^1].Select(l => Item.Of(l["lineId"]!.GetValue<string>(), l)).ToList(), summary);
    }

    private async Task<List<Item>> ChargesAsync(string lineId, string month)
    {
        var charges = await Ok(_http.GetJsonAsync($"/v1/lines/{lineId}/charges?month={month}"), "charges");
        return charges["items"]!.AsArray().Select(i => Item.Of(lineId, i!)).ToList();
    }

    private static async Task<JsonNode> Ok(Task<(HttpStatusCode Status, JsonNode? Body)> request, string what, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, body) = await request;
        if (expected == HttpStatusCode.OK && status == HttpStatusCode.Created)
        {
            return body!;
        }

        Assert.True(status == expected, $"{what}: {(int)status} {body?.ToJsonString()}");
        return body ?? new JsonObject();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string At(DateOnly date, int hour) => $"{Date(date)}T{hour:00}:00:00+09:00";

    private sealed record Item(string LineId, string Kind, string? ClaimId, string Date, int AmountYen, int TaxYen, bool Taxable)
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
