using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warranty.Grains.Interfaces;
using Warranty.Grains.ReadModel;
using Warranty.IntegrationTests.Billing;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Reports;

/// <summary>The API on a PostgreSQL database of its own, so that the reports count only what these tests did.</summary>
public sealed class ReportsApiFactory : ApiFactory
{
}

/// <summary>The API on a SQLite file of its own.</summary>
public sealed class SqliteReportsApiFactory : ApiFactory
{
    protected override string Storage => "sqlite";
}

public sealed class PostgresReportsTests(ReportsApiFactory factory) : ReportsTests(factory), IClassFixture<ReportsApiFactory>;

public sealed class SqliteReportsTests(SqliteReportsApiFactory factory) : ReportsTests(factory), IClassFixture<SqliteReportsApiFactory>;

/// <summary>
/// Issue 14's reports (<c>/v1/reports/…</c>), read from the read model's tables: each counts what the lines and the
/// stock did, as the requests that did it answered.
/// </summary>
public abstract class ReportsTests(ApiFactory factory)
{
    private readonly HttpClient _http = factory.ClientFor("operator");
    private readonly HttpClient _admin = factory.ClientFor("admin");
    private readonly HttpClient _network = factory.ClientFor("network");

    [Fact]
    public async Task CLM_2_CLM_9_the_claims_turnaround_and_stock_reports_count_each_claims_outcome_and_each_stock_movement()
    {
        var tac = TestData.NewTac();
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model("android", "2025-06-01")));
        await Ok(_admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 10 }));
        await Ok(_admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 12 }));
        await Ok(_admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 9 }));

        // Repaired: filed 05-10 10:00, completed 05-12 10:00 (48 h). Exchanged: filed 05-11 10:00, delivered 05-13 22:00 (60 h).
        var repaired = await ClaimAsync(tac, "screen_crack", "2026-05-10T10:00:00+09:00");
        await ReceiveAsync(repaired, "2026-05-10T12:00:00+09:00");
        await Ok(_http.PostJsonAsync($"{repaired}/inspection", new { at = "2026-05-11T10:00:00+09:00", outcome = "repair" }));
        await Ok(_http.PostJsonAsync($"{repaired}/repair-completion", new { at = "2026-05-12T10:00:00+09:00", repairCostYen = 20_000 }));

        var exchanged = await ClaimAsync(tac, "water_damage", "2026-05-11T10:00:00+09:00");
        await ReceiveAsync(exchanged, "2026-05-11T12:00:00+09:00");
        await Ok(_http.PostJsonAsync($"{exchanged}/inspection", new { at = "2026-05-12T10:00:00+09:00", outcome = "exchange" }));
        await Ok(_http.PostJsonAsync($"{exchanged}/exchange-shipment", new { at = "2026-05-12T15:00:00+09:00", replacementImei = TestData.NewImei(tac) }));
        await Ok(_http.PostJsonAsync($"{exchanged}/exchange-delivery", new { at = "2026-05-13T22:00:00+09:00" }));

        var withdrawn = await ClaimAsync(tac, "screen_crack", "2026-05-12T10:00:00+09:00");
        await Ok(_http.PostJsonAsync($"{withdrawn}/withdrawal", new { at = "2026-05-12T11:00:00+09:00" }));

        var rejected = await ClaimAsync(tac, "natural_failure", "2026-05-13T10:00:00+09:00");
        await ReceiveAsync(rejected, "2026-05-13T12:00:00+09:00");
        await Ok(_http.PostJsonAsync($"{rejected}/inspection", new { at = "2026-05-14T10:00:00+09:00", outcome = "reject", reason = "no_fault_found" }));

        await ClaimAsync(tac, "total_breakage", "2026-05-31T23:00:00+09:00");
        await ClaimAsync(tac, "total_breakage", "2026-06-01T01:00:00+09:00"); // June in Japan: outside May

        await BillingComparison.CaughtUpAsync(_admin);

        var claims = await Ok(_http.GetJsonAsync("/v1/reports/claims?from=2026-05-01&to=2026-05-31"));
        var rows = claims["rows"]!.AsArray().Where(r => r!["tac"]!.GetValue<string>() == tac).Select(r => (
            Model: r!["model"]!.GetValue<string>(), Incident: r["incident"]!.GetValue<string>(), Outcome: r["outcome"]!.GetValue<string>(), Claims: r["claims"]!.GetValue<long>()));
        Assert.Equal(
            [
                ("Acme Phone", "natural_failure", "reject", 1L), ("Acme Phone", "screen_crack", "repair", 1L), ("Acme Phone", "screen_crack", "withdrawn", 1L),
                ("Acme Phone", "total_breakage", "pending", 1L), ("Acme Phone", "water_damage", "exchange", 1L),
            ],
            rows.OrderBy(r => r.Incident).ThenBy(r => r.Outcome));
        Assert.Equal(0, claims["eventsBehind"]!.GetValue<long>());

        var turnaround = await Ok(_http.GetJsonAsync("/v1/reports/turnaround?from=2026-05-01&to=2026-05-31"));
        Assert.Equal(
            [("repair", 1L, 48.0, 48.0), ("exchange", 1L, 60.0, 60.0)],
            turnaround["rows"]!.AsArray().Select(r => (
                r!["service"]!.GetValue<string>(), r["completed"]!.GetValue<long>(), r["p50Hours"]!.GetValue<double>(), r["p90Hours"]!.GetValue<double>())));

        // Set to 10 (+10), to 12 (+2), to 9 (-3) today, and one unit shipped on 05-12: 8 left.
        var stock = await Ok(_http.GetJsonAsync("/v1/reports/stock?from=2026-05-01&to=2026-06-30"));
        var row = stock["rows"]!.AsArray().Single(r => r!["tac"]!.GetValue<string>() == tac)!;
        Assert.Equal(
            (12L, 3L, 1L, 8),
            (row["restocked"]!.GetValue<long>(), row["writtenOff"]!.GetValue<long>(), row["shipped"]!.GetValue<long>(), row["quantity"]!.GetValue<int>()));
        var may = await Ok(_http.GetJsonAsync("/v1/reports/stock?from=2026-05-01&to=2026-05-31"));
        row = may["rows"]!.AsArray().Single(r => r!["tac"]!.GetValue<string>() == tac)!;
        Assert.Equal((0L, 1L), (row["restocked"]!.GetValue<long>(), row["shipped"]!.GetValue<long>()));
    }

    [Fact]
    public async Task CLM_9_the_stock_report_names_a_designated_model_that_no_subscriber_ever_registered()
    {
        // Stocked for exchanges only: its name comes from the stock's movements, the catalogue's name when each was made.
        var tac = TestData.NewTac();
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model(model: "Spare Phone")));
        await Ok(_admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 4 }));
        await BillingComparison.CaughtUpAsync(_admin);

        Assert.Equal("Spare Phone", await StockModelAsync(tac));

        // Renamed in the catalogue: the next movement names it anew.
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model(model: "Spare Phone 2")));
        await Ok(_admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 6 }));
        await BillingComparison.CaughtUpAsync(_admin);

        Assert.Equal("Spare Phone 2", await StockModelAsync(tac));
    }

    [Fact]
    public async Task COV_4_REG_2_the_refusals_report_counts_refused_filings_quotes_and_registrations_by_the_rules_they_named()
    {
        var tac = TestData.NewTac();
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model("android", "2025-06-01")));

        // Started 2026-06-10: covered from 2026-07-01 (COV-4), so today's filing and quote are refused.
        var lineId = TestData.NewLineId("R");
        await Ok(_http.PostJsonAsync("/v1/lines", TestData.Line(lineId, "2026-06-10")), HttpStatusCode.Created);
        var imei = TestData.NewImei(tac);
        await Ok(_http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, "2026-06-11T10:00:00+09:00")));
        var (filingStatus, filing) = await _http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, filingStatus);
        var quote = await Ok(_http.PostJsonAsync($"/v1/lines/{lineId}/claims/quote", new { incident = "screen_crack" }));
        Assert.False(quote["eligible"]!.GetValue<bool>());

        // Started 2026-05-01: registering today is past REG-2's 14 days.
        var late = TestData.NewLineId("R");
        await Ok(_http.PostJsonAsync("/v1/lines", TestData.Line(late, "2026-05-01")), HttpStatusCode.Created);
        var (registrationStatus, registration) = await _http.PutJsonAsync($"/v1/lines/{late}/device", TestData.Registration(TestData.NewImei(tac)));
        Assert.Equal(HttpStatusCode.Conflict, registrationStatus);

        await factory.Services.GetRequiredService<RefusalCountWriter>().WriteAsync(CancellationToken.None);

        var expected = filing.Rules().Select(r => ("filing", r, 1L))
            .Concat(quote["rules"]!.AsArray().Select(r => ("quote", r!.GetValue<string>(), 1L)))
            .Concat(registration.Rules().Select(r => ("registration", r, 1L)))
            .OrderBy(r => r.Item1).ThenBy(r => r.Item2)
            .ToList();
        Assert.Contains(("filing", "COV-4", 1L), expected);
        Assert.Contains(("registration", "REG-2", 1L), expected);
        var report = await Ok(_http.GetJsonAsync("/v1/reports/refusals?from=2026-06-15&to=2026-06-15"));
        Assert.Equal(
            expected,
            report["rows"]!.AsArray().Select(r => (r!["operation"]!.GetValue<string>(), r["rule"]!.GetValue<string>(), r["refusals"]!.GetValue<long>()))
                .OrderBy(r => r.Item1).ThenBy(r => r.Item2));

        // Counted on the day they happened: nothing the day before.
        Assert.Empty((await Ok(_http.GetJsonAsync("/v1/reports/refusals?from=2026-06-14&to=2026-06-14")))["rows"]!.AsArray());
    }

    [Fact]
    public async Task BIL_1_BIL_2_BIL_3_the_fees_report_charges_each_month_what_the_billing_run_bills_as_fees()
    {
        // Started 2026-01-10: in force from January, charged from March; terminated 2026-04-20: charged through April.
        var charged = TestData.NewLineId("F");
        await Ok(_http.PostJsonAsync("/v1/lines", TestData.Line(charged, "2026-01-10")), HttpStatusCode.Created);
        var ended = TestData.NewLineId("F");
        await Ok(_http.PostJsonAsync("/v1/lines", TestData.Line(ended, "2026-01-10")), HttpStatusCode.Created);
        await Ok(_http.PostJsonAsync($"/v1/lines/{ended}/option/termination", new { date = "2026-04-20" }));
        await Ok(_http.PostJsonAsync("/v1/lines", TestData.Line(TestData.NewLineId("F"), "2026-01-10", warrantyOption: false)), HttpStatusCode.Created);
        await BillingComparison.CaughtUpAsync(_admin);

        var report = await Ok(_http.GetJsonAsync("/v1/reports/fees?from=2025-12&to=2026-07"));
        var rows = report["rows"]!.AsArray().ToDictionary(r => r!["month"]!.GetValue<string>(), r => r!);
        Assert.Equal(8, rows.Count);
        foreach (var month in new[] { "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06" })
        {
            var (items, _) = await BillingComparison.RunAsync(_admin, month);
            var fees = items.Where(i => i.Kind == "monthly_fee").ToList();
            Assert.Equal(fees.Count, rows[month]["chargedOptions"]!.GetValue<long>());
            Assert.Equal(fees.Sum(f => (long)f.AmountYen), rows[month]["feeYen"]!.GetValue<long>());
            Assert.Equal(fees.Sum(f => (long)f.TaxYen), rows[month]["taxYen"]!.GetValue<long>());
            Assert.True(rows[month]["activeOptions"]!.GetValue<long>() >= fees.Count);
        }

        // These lines are in force from January, before they are charged.
        Assert.True(rows["2026-01"]["activeOptions"]!.GetValue<long>() >= rows["2025-12"]["activeOptions"]!.GetValue<long>() + 2);
        Assert.Equal(0, report["eventsBehind"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/v1/reports/claims", "from")]
    [InlineData("/v1/reports/claims?from=2026-05-01", "to")]
    [InlineData("/v1/reports/turnaround?from=2026-05-01&to=2026-04-30", "to")]
    [InlineData("/v1/reports/stock?from=2026-5-1&to=2026-05-31", "from")]
    [InlineData("/v1/reports/refusals?from=2016-01-01&to=2026-05-31", "to")]
    [InlineData("/v1/reports/fees?from=2026-05", "to")]
    [InlineData("/v1/reports/fees?from=2026-05&to=2026-04", "to")]
    [InlineData("/v1/reports/fees?from=2016-01&to=2026-04", "to")]
    [InlineData("/v1/reports/fees?from=2026-13&to=2026-04", "from")]
    public async Task A_period_that_is_missing_malformed_reversed_or_too_long_is_400_naming_the_field(string path, string field)
    {
        var response = await _http.GetJsonAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(ErrorCodes.InvalidRequest, response.Body.Code());
        Assert.NotNull(response.Body!["errors"]![field]);
    }

    private async Task<string?> StockModelAsync(string tac)
    {
        var today = factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd");
        var report = await Ok(_http.GetJsonAsync($"/v1/reports/stock?from={today}&to={today}"));
        return report["rows"]!.AsArray().Single(r => r!["tac"]!.GetValue<string>() == tac)!["model"]?.GetValue<string>();
    }

    private async Task<string> ClaimAsync(string tac, string incident, string at)
    {
        var lineId = TestData.NewLineId("C");
        await Ok(_http.PostJsonAsync("/v1/lines", TestData.Line(lineId, "2026-01-10")), HttpStatusCode.Created);
        var imei = TestData.NewImei(tac);
        await Ok(_http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, "2026-01-11T10:00:00+09:00")));
        var day = at[..10];
        await Ok(_network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = $"{day}T00:00:00+09:00" }), HttpStatusCode.NoContent);
        var claimId = (await Ok(_http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident, at }), HttpStatusCode.Created))["claimId"]!.GetValue<string>();
        return $"/v1/lines/{lineId}/claims/{claimId}";
    }

    private Task ReceiveAsync(string claim, string at) => Ok(_http.PostJsonAsync($"{claim}/device-receipt", new
    {
        at, consentFormEnclosed = true, simAndSdRemoved = true, esimErased = true, dataErased = true, eCertificateRevoked = true,
    }));

    private static async Task<JsonNode> Ok(Task<(HttpStatusCode Status, JsonNode? Body)> request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, body) = await request;
        Assert.True(status == expected, $"{(int)status} {body?.ToJsonString()}");
        return body ?? new JsonObject();
    }
}

/// <summary>The memory store keeps no read model: every report says so (409), never a 500.</summary>
[Collection(MemoryApiCollection.Name)]
public sealed class MemoryReportsTests(MemoryApiFactory factory)
{
    [Theory]
    [InlineData("/v1/reports/claims?from=2026-05-01&to=2026-05-31")]
    [InlineData("/v1/reports/refusals?from=2026-05-01&to=2026-05-31")]
    [InlineData("/v1/reports/turnaround?from=2026-05-01&to=2026-05-31")]
    [InlineData("/v1/reports/stock?from=2026-05-01&to=2026-05-31")]
    [InlineData("/v1/reports/fees?from=2026-05&to=2026-06")]
    public async Task The_memory_store_answers_409_no_read_model(string path)
    {
        var response = await factory.ClientFor("operator").GetJsonAsync(path);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal(ErrorCodes.NoReadModel, response.Body.Code());
    }
}
