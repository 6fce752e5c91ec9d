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

/// <summary>Issue 14's comparison on PostgreSQL, over 10,000 lines (<c>WARRANTY_BILLING_LINES</c> overrides, for a quicker local run).</summary>
[Collection(BillingCollection.Name)]
public sealed class PostgresBillingRunTests(BillingApiFactory factory, ITestOutputHelper output)
    : BillingRunTests(factory, output, Lines())
{
    protected override bool OwnsDatabase => true;

    private static int Lines() => int.TryParse(Environment.GetEnvironmentVariable("WARRANTY_BILLING_LINES"), out var n) && n > 0 ? n : 10_000;
}

/// <summary>The same comparison on the embedded SQLite store, over fewer lines.</summary>
[Collection(SqliteApiCollection.Name)]
public sealed class SqliteBillingRunTests(SqliteApiFactory factory, ITestOutputHelper output) : BillingRunTests(factory, output, 300);

/// <summary>
/// Issue 14: the billing run (<c>GET /v1/admin/billing/{month}</c>) is exactly what each line's
/// <c>GET /v1/lines/{lineId}/charges?month=</c> answers (BIL-1..4), item for item and yen for yen, for lines with mixed
/// histories: with and without the option, starts over a year, repairs with and without excess and loaners, exchanges
/// (1st and 2nd use), withdrawn claims, terminations (past and future) and cancellations, all back-dated.
/// </summary>
public abstract class BillingRunTests(ApiFactory factory, ITestOutputHelper output, int lineCount)
{
    private int LineCount { get; } = lineCount;

    /// <summary>Whether this test's lines are the only ones in the database (so reports across services count only them).</summary>
    protected virtual bool OwnsDatabase => false;

    /// <summary>How the stories' claims ended: withdrawn, repair, exchange.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _outcomes = new();

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

        await BillingComparison.CaughtUpAsync(_admin);
        output.WriteLine($"{LineCount} lines' histories made and projected in {stories.Elapsed.TotalSeconds:0.0} s");
        if (OwnsDatabase)
        {
            // Nothing appended the same event twice at once: each race leaves a sequence unused, a gap the projection
            // waits on (5 s) and a rebuild waits on again.
            await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
            await connection.OpenAsync();
            await using var gaps = new Npgsql.NpgsqlCommand("SELECT max(sequence) - count(*) FROM warranty_events", connection);
            Assert.Equal(0L, (long)(await gaps.ExecuteScalarAsync())!);
        }
        var billedFees = new Dictionary<string, (long Count, long Yen)>();
        foreach (var month in Months)
        {
            var (items, summary) = await BillingComparison.RunAsync(_admin, month);
            billedFees[month] = (items.Count(i => i.Kind == "monthly_fee"), items.Where(i => i.Kind == "monthly_fee").Sum(i => (long)i.AmountYen));
            var byLine = items.Where(i => i.LineId.StartsWith(prefix, StringComparison.Ordinal)).GroupBy(i => i.LineId).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(items.Select(i => i.LineId).Order(StringComparer.Ordinal), items.Select(i => i.LineId));

            var expected = new Dictionary<string, List<BillingComparison.Item>>();
            await Parallel.ForEachAsync(lineIds, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (lineId, _) =>
            {
                var charges = await BillingComparison.ChargesAsync(_http, lineId, month);
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
            var open = month == "2026-06" || month == "2026-07";
            Assert.Equal(open, summary["open"]!.GetValue<bool>());
            // An ended month's first complete run closes it; nothing changes between the runs, so no adjustments.
            Assert.Equal(!open, summary["closed"]!.GetValue<bool>());
            Assert.Equal(0, summary["adjustments"]!.GetValue<int>());
            Assert.Equal(0, summary["eventsBehind"]!.GetValue<long>());
            output.WriteLine(
                $"{month}: {summary["lines"]} lines, {items.Count} items ({string.Join(", ", items.GroupBy(i => i.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}), " +
                $"{summary["totalYen"]} yen, tax {summary["taxYen"]}: identical to {LineCount} lines' charges");
        }

        await ReportsMatchTheStoriesAsync(deviceTac, stockTac, billedFees);

        // The CSV holds the same records as the NDJSON.
        var (june, juneSummary) = await BillingComparison.RunAsync(_admin, "2026-06");
        var (csvItems, csvSummary) = await CsvAsync("2026-06");
        Assert.Equal(june, csvItems);
        Assert.Equal(
            ["summary", "2026-06", "", "", "", "", juneSummary["totalYen"]!.ToString(), juneSummary["taxYen"]!.ToString(), "", juneSummary["lines"]!.ToString(), juneSummary["items"]!.ToString(), "true", "false", "0", "0", "0"],
            csvSummary);

        // A rebuild empties the read model and projects the log again, to the same run.
        await Ok(_admin.PostJsonAsync("/v1/admin/projections/rebuild"), "rebuild", HttpStatusCode.Accepted);
        var rebuilding = System.Diagnostics.Stopwatch.StartNew();
        await BillingComparison.CaughtUpAsync(_admin);
        output.WriteLine($"rebuilt from the log in {rebuilding.Elapsed.TotalSeconds:0.0} s");
        var (rebuilt, _) = await BillingComparison.RunAsync(_admin, "2026-06");
        Assert.Equal(june, rebuilt);
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
                    _outcomes.AddOrUpdate("withdrawn", 1, (_, n) => n + 1);
                    last = day;
                    continue;
                }

                await Ok(_http.PostJsonAsync($"{path}/device-receipt", Receipt(At(day.AddDays(1), 10))), "receipt");
                if (kind <= 6)
                {
                    await Ok(_http.PostJsonAsync($"{path}/inspection", new { at = At(day.AddDays(2), 10), outcome = "repair" }), "inspection");
                    int[] costs = [8_000, 50_000, 50_001, 72_000, 130_000];
                    await Ok(_http.PostJsonAsync($"{path}/repair-completion", new { at = At(day.AddDays(3), 23), repairCostYen = costs[random.Next(costs.Length)] }), "repair");
                    _outcomes.AddOrUpdate("repair", 1, (_, n) => n + 1);
                }
                else
                {
                    await Ok(_http.PostJsonAsync($"{path}/inspection", new { at = At(day.AddDays(2), 10), outcome = "exchange" }), "inspection");
                    var replacement = TestData.NewImei(stockTac);
                    await Ok(_http.PostJsonAsync($"{path}/exchange-shipment", new { at = At(day.AddDays(3), 10), replacementImei = replacement }), "shipment");
                    await Ok(_http.PostJsonAsync($"{path}/exchange-delivery", new { at = At(day.AddDays(4), 10) }), "delivery");
                    _outcomes.AddOrUpdate("exchange", 1, (_, n) => n + 1);
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

    /// <summary>
    /// The reports count what the stories did: each claim's outcome (claims), each exchange shipped (stock), each month's
    /// fees as the billing run billed them (fees), and, when only these stories are in the database, the turnaround they
    /// were written with: repairs completed at 23:00 three days after a 10:00 filing (85 h), exchanges delivered at 10:00
    /// four days after (96 h).
    /// </summary>
    private async Task ReportsMatchTheStoriesAsync(string deviceTac, string stockTac, Dictionary<string, (long Count, long Yen)> billedFees)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var claims = await Ok(_http.GetJsonAsync("/v1/reports/claims?from=2025-01-01&to=2026-06-15"), "claims report");
        var outcomes = claims["rows"]!.AsArray()
            .Where(r => r!["tac"]!.GetValue<string>() == deviceTac || r["tac"]!.GetValue<string>() == stockTac)
            .GroupBy(r => r!["outcome"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Sum(r => r!["claims"]!.GetValue<long>()));
        Assert.Equal(_outcomes.OrderBy(o => o.Key), outcomes.OrderBy(o => o.Key));

        var stock = await Ok(_http.GetJsonAsync("/v1/reports/stock?from=2025-01-01&to=2026-06-15"), "stock report");
        var shipped = stock["rows"]!.AsArray().Single(r => r!["tac"]!.GetValue<string>() == stockTac)!;
        Assert.Equal(_outcomes.GetValueOrDefault("exchange"), shipped["shipped"]!.GetValue<long>());

        var fees = await Ok(_http.GetJsonAsync("/v1/reports/fees?from=2025-12&to=2026-07"), "fees report");
        var byMonth = fees["rows"]!.AsArray().ToDictionary(r => r!["month"]!.GetValue<string>(), r => (r!["chargedOptions"]!.GetValue<long>(), r["feeYen"]!.GetValue<long>()));
        foreach (var (month, billed) in billedFees)
        {
            Assert.True(billed == byMonth[month], $"{month}: billing run fees {billed}, fees report {byMonth[month]}");
        }

        if (OwnsDatabase)
        {
            var turnaround = await Ok(_http.GetJsonAsync("/v1/reports/turnaround?from=2025-01-01&to=2026-06-15"), "turnaround report");
            Assert.Equal(
                [("repair", _outcomes.GetValueOrDefault("repair"), 85.0, 85.0), ("exchange", _outcomes.GetValueOrDefault("exchange"), 96.0, 96.0)],
                turnaround["rows"]!.AsArray().Select(r => (
                    r!["service"]!.GetValue<string>(), r["completed"]!.GetValue<long>(), r["p50Hours"]!.GetValue<double>(), r["p90Hours"]!.GetValue<double>())));
        }

        output.WriteLine(
            $"reports: {claims["claims"]} claims ({string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}), " +
            $"{shipped["shipped"]} exchanges shipped, fees of {billedFees.Count} months as billed; read in {clock.ElapsedMilliseconds} ms");
    }

    private async Task<string> ModelAsync(string releaseDate)
    {
        var tac = TestData.NewTac();
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model("android", releaseDate)), "model");
        return tac;
    }

    private async Task<(List<BillingComparison.Item> Items, string[] Summary)> CsvAsync(string month)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/admin/billing/{month}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await _admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',')).ToList();
        Assert.Equal("record,month,line_id,kind,claim_id,date,amount_yen,tax_yen,taxable,lines,items,open,closed,adjustments,adjustments_yen,events_behind", string.Join(',', rows[0]));
        Assert.All(rows[1..^1], r => Assert.Equal("item", r[0]));
        var items = rows[1..^1]
            .Select(r => new BillingComparison.Item(r[2], r[3], r[4].Length == 0 ? null : r[4], r[5], int.Parse(r[6], CultureInfo.InvariantCulture), int.Parse(r[7], CultureInfo.InvariantCulture), r[8] == "true"))
            .ToList();
        return (items, rows[^1]);
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
}
