using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Api;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>
/// Claims tests: a line whose coverage has started by the API's "now" (2026-06-15), the claim
/// steps of API.md, and reads of what they change. Every step carries an explicit past <c>at</c>.
/// </summary>
/// <remarks>
/// The standard line starts 2026-04-20: coverage from 2026-05-01 (COV-4), registration deadline
/// 2026-05-04 (REG-2), contract year 2026-05-01 … 2027-04-30, monthly fee from 2026-06 (BIL-2).
/// The "old" line starts 2025-04-20: coverage from 2025-05-01, so 2026-05-01 starts its 2nd contract year.
/// </remarks>
[Collection(ApiCollection.Name)]
public abstract class ClaimTestBase(ApiFactory factory) : ApiTestBase(factory)
{
    protected const string StartDate = "2026-04-20";
    protected const string RegisteredAt = "2026-04-25T10:00:00+09:00";
    protected const string UsedAt = "2026-05-20T10:00:00+09:00";

    protected const string OldStartDate = "2025-04-20";
    protected const string OldRegisteredAt = "2025-04-25T10:00:00+09:00";

    protected const string FiledAt = "2026-06-01T10:00:00+09:00";
    protected const string ReceivedAt = "2026-06-02T10:00:00+09:00";
    protected const string InspectedAt = "2026-06-03T10:00:00+09:00";
    protected const string CompletedAt = "2026-06-04T10:00:00+09:00";
    protected const string ShippedAt = "2026-06-04T10:00:00+09:00";
    protected const string DeliveredAt = "2026-06-05T10:00:00+09:00";
    protected const string LaterAt = "2026-06-10T10:00:00+09:00";

    protected const int CapYen = 50_000;

    /// <summary>A Japan timestamp on <paramref name="date"/> at <paramref name="hour"/>:00.</summary>
    protected static string At(string date, int hour) => $"{date}T{hour:00}:00:00+09:00";

    // ---- setup ---------------------------------------------------------------------------

    /// <summary>The standard line (start 2026-04-20) with a registered device and usage on 2026-05-20.</summary>
    protected async Task<(string LineId, string Imei, string Tac)> EligibleLineAsync(
        string kind = "android", string releaseDate = "2025-06-01", string? usedAt = UsedAt)
    {
        var line = await NewCoveredLineAsync(StartDate, kind, releaseDate, RegisteredAt);
        if (usedAt is not null)
        {
            await RecordUsageAsync(line.LineId, line.Imei, usedAt);
        }

        return line;
    }

    /// <summary>The old line (start 2025-04-20, coverage from 2025-05-01) with a registered device and no usage.</summary>
    protected Task<(string LineId, string Imei, string Tac)> OldLineAsync(string kind = "android", string releaseDate = "2025-01-10") =>
        NewCoveredLineAsync(OldStartDate, kind, releaseDate, OldRegisteredAt);

    protected async Task RecordUsageAsync(string lineId, string imei, string at)
    {
        var (status, body) = await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at });
        Assert.True(status == HttpStatusCode.NoContent, $"usage: {(int)status} {body?.ToJsonString()}");
    }

    /// <summary>A fresh exchange-designated model of <paramref name="kind"/> with <paramref name="quantity"/> in stock.</summary>
    protected async Task<string> StockedModelAsync(string kind = "android", int quantity = 5)
    {
        var tac = await NewModelAsync(kind, exchangeDesignated: true);
        await SetStockAsync(tac, quantity);
        return tac;
    }

    protected async Task SetStockAsync(string tac, int quantity)
    {
        var (status, body) = await Admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity });
        Assert.True(status == HttpStatusCode.OK, $"stock: {(int)status} {body?.ToJsonString()}");
    }

    protected async Task<int> StockAsync(string tac)
    {
        var (status, body) = await Http.GetJsonAsync($"/v1/exchange-stock/{tac}");
        Assert.True(status == HttpStatusCode.OK, $"stock: {(int)status} {body?.ToJsonString()}");
        return body!["quantity"]!.GetValue<int>();
    }

    // ---- claim requests --------------------------------------------------------------------

    protected static string ClaimsPath(string lineId) => $"/v1/lines/{lineId}/claims";

    protected static string ClaimPath(string lineId, string claimId) => $"/v1/lines/{lineId}/claims/{claimId}";

    protected Task<(HttpStatusCode Status, JsonNode? Body)> FileAsync(
        string lineId, string incident = "screen_crack", string? at = FiledAt, bool loanerRequested = false, string? note = null) =>
        Http.PostJsonAsync(ClaimsPath(lineId), new { incident, at, loanerRequested, note });

    /// <summary>Files a claim that must be accepted; returns the claim.</summary>
    protected async Task<JsonNode> FileOkAsync(string lineId, string incident = "screen_crack", string? at = FiledAt, bool loanerRequested = false)
    {
        var (status, body) = await FileAsync(lineId, incident, at, loanerRequested);
        Assert.True(status == HttpStatusCode.Created, $"filing {incident} at {at}: expected 201, got {(int)status}: {body?.ToJsonString()}");
        Assert.False(string.IsNullOrEmpty(body.Str("claimId")));
        return body!;
    }

    protected async Task<string> FileIdAsync(string lineId, string incident = "screen_crack", string? at = FiledAt, bool loanerRequested = false) =>
        (await FileOkAsync(lineId, incident, at, loanerRequested)).Str("claimId")!;

    protected Task<(HttpStatusCode Status, JsonNode? Body)> QuoteAsync(string lineId, string incident = "screen_crack", string? at = FiledAt) =>
        Http.PostJsonAsync($"{ClaimsPath(lineId)}/quote", new { incident, at });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> StepAsync(string lineId, string claimId, string step, object body) =>
        Http.PostJsonAsync($"{ClaimPath(lineId, claimId)}/{step}", body);

    protected Task<(HttpStatusCode Status, JsonNode? Body)> WithdrawAsync(string lineId, string claimId, string? at = ReceivedAt) =>
        StepAsync(lineId, claimId, "withdrawal", new { at });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> ReceiveAsync(
        string lineId, string claimId, string? at = ReceivedAt, bool consentFormEnclosed = true, bool declarations = true) =>
        StepAsync(lineId, claimId, "device-receipt", new
        {
            at,
            consentFormEnclosed,
            simAndSdRemoved = declarations,
            esimErased = declarations,
            dataErased = declarations,
            eCertificateRevoked = declarations,
        });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> InspectAsync(string lineId, string claimId, string outcome, string? at = InspectedAt, string? reason = null) =>
        StepAsync(lineId, claimId, "inspection", new { at, outcome, reason });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> CompleteRepairAsync(
        string lineId, string claimId, int repairCostYen, string? at = CompletedAt, string? makerReplacementImei = null) =>
        StepAsync(lineId, claimId, "repair-completion", new { at, repairCostYen, makerReplacementImei });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> ShipAsync(string lineId, string claimId, string replacementImei, string? at = ShippedAt) =>
        StepAsync(lineId, claimId, "exchange-shipment", new { at, replacementImei });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> DeliverAsync(string lineId, string claimId, string? at = DeliveredAt) =>
        StepAsync(lineId, claimId, "exchange-delivery", new { at });

    protected Task<(HttpStatusCode Status, JsonNode? Body)> ReportDefectAsync(string lineId, string claimId, string? at) =>
        StepAsync(lineId, claimId, "initial-defect-report", new { at });

    /// <summary>A POST with an <c>Idempotency-Key</c> header (API.md conventions).</summary>
    protected async Task<(HttpStatusCode Status, JsonNode? Body)> PostWithKeyAsync(string path, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Asserts a 200 step and returns the claim.</summary>
    protected static JsonNode Ok((HttpStatusCode Status, JsonNode? Body) response, string what = "step")
    {
        Assert.True(response.Status == HttpStatusCode.OK, $"{what}: expected 200, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        return response.Body!;
    }

    // ---- whole paths -----------------------------------------------------------------------

    /// <summary>Filed at <paramref name="date"/> 10:00, received 11:00, inspected 12:00 (repair), completed 13:00.</summary>
    protected async Task<JsonNode> RepairedClaimAsync(
        string lineId, string date, int repairCostYen = 10_000, string? makerReplacementImei = null, bool loanerRequested = false, string incident = "screen_crack")
    {
        var claimId = await FileIdAsync(lineId, incident, At(date, 10), loanerRequested);
        Ok(await ReceiveAsync(lineId, claimId, At(date, 11)), "device-receipt");
        Ok(await InspectAsync(lineId, claimId, "repair", At(date, 12)), "inspection repair");
        return Ok(await CompleteRepairAsync(lineId, claimId, repairCostYen, At(date, 13), makerReplacementImei), "repair-completion");
    }

    /// <summary>A claim filed at <paramref name="date"/> 10:00, received 11:00 and inspected 12:00 as an exchange.</summary>
    protected async Task<string> ExchangePendingClaimAsync(string lineId, string date, string incident = "screen_crack")
    {
        var claimId = await FileIdAsync(lineId, incident, At(date, 10));
        Ok(await ReceiveAsync(lineId, claimId, At(date, 11)), "device-receipt");
        var inspected = Ok(await InspectAsync(lineId, claimId, "exchange", At(date, 12)), "inspection exchange");
        Assert.Equal("exchange_pending", inspected.Str("status"));
        return claimId;
    }

    /// <summary>Exchange pending as above, shipped 13:00 with <paramref name="replacementImei"/>, delivered 14:00.</summary>
    protected async Task<JsonNode> ExchangedClaimAsync(string lineId, string date, string replacementImei)
    {
        var claimId = await ExchangePendingClaimAsync(lineId, date);
        Ok(await ShipAsync(lineId, claimId, replacementImei, At(date, 13)), "exchange-shipment");
        return Ok(await DeliverAsync(lineId, claimId, At(date, 14)), "exchange-delivery");
    }

    // ---- reads -----------------------------------------------------------------------------

    protected async Task<JsonNode> GetOkAsync(string path)
    {
        var (status, body) = await Http.GetJsonAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body?.ToJsonString()}");
        return body!;
    }

    protected Task<JsonNode> GetLineAsync(string lineId) => GetOkAsync($"/v1/lines/{lineId}");

    protected Task<JsonNode> GetClaimAsync(string lineId, string claimId) => GetOkAsync(ClaimPath(lineId, claimId));

    protected async Task<JsonArray> GetClaimsAsync(string lineId) => (await GetOkAsync(ClaimsPath(lineId))).AsArray();

    protected Task<JsonNode> GetDeviceAsync(string imei) => GetOkAsync($"/v1/devices/{imei}");

    protected async Task<JsonArray> HistoryAsync(string lineId) => (await GetOkAsync($"/v1/lines/{lineId}/history")).AsArray();

    protected Task<JsonNode> ChargesAsync(string lineId, string month) => GetOkAsync($"/v1/lines/{lineId}/charges?month={month}");

    // ---- assertions ------------------------------------------------------------------------

    protected static JsonArray Items(JsonNode? node, string name) => node![name]!.AsArray();

    /// <summary>The two timestamps denote the same instant (offsets may differ).</summary>
    protected static void AssertInstant(string expected, string? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(actual, CultureInfo.InvariantCulture));
    }

    /// <summary>The claim's timeline is exactly these (status, at) entries, in order.</summary>
    protected static void AssertTimeline(JsonNode claim, params (string Status, string At)[] expected)
    {
        var timeline = Items(claim, "timeline");
        Assert.Equal(expected.Select(e => e.Status), timeline.Select(t => t.Str("status")));
        for (var i = 0; i < expected.Length; i++)
        {
            AssertInstant(expected[i].At, timeline[i].Str("at"));
        }
    }

    /// <summary>The one history entry of <paramref name="type"/> for <paramref name="claimId"/>, with an actor.</summary>
    protected static JsonNode AssertHistoryEntry(JsonArray history, string type, string claimId, string at)
    {
        var entry = Assert.Single(history, h => h.Str("type") == type && h.Str("data.claimId") == claimId);
        Assert.False(string.IsNullOrEmpty(entry.Str("actor")), $"{type} has no actor");
        AssertInstant(at, entry.Str("at"));
        return entry!;
    }

    protected static void AssertCharge(JsonNode? item, string kind, string? claimId, string date, int amountYen, int taxYen, bool taxable)
    {
        Assert.NotNull(item);
        Assert.Equal(kind, item.Str("kind"));
        Assert.Equal(claimId, item.Str("claimId"));
        Assert.Equal(date, item.Str("date"));
        Assert.Equal(amountYen.ToString(CultureInfo.InvariantCulture), item.Str("amountYen"));
        Assert.Equal(taxYen.ToString(CultureInfo.InvariantCulture), item.Str("taxYen"));
        Assert.Equal(taxable ? "true" : "false", item.Str("taxable"));
    }

    /// <summary>The only item of <paramref name="kind"/> in <paramref name="items"/>.</summary>
    protected static JsonNode ChargeOf(JsonArray items, string kind) => Assert.Single(items, i => i.Str("kind") == kind)!;

    /// <summary>totalYen is the exact sum of the items and equals <paramref name="expected"/>.</summary>
    protected static void AssertTotal(JsonNode charges, int expected)
    {
        var sum = Items(charges, "items").Sum(i => i!["amountYen"]!.GetValue<int>());
        Assert.Equal(expected, sum);
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), charges.Str("totalYen"));
    }

    protected static void AssertContractYear(JsonNode line, int counted, int remaining, int exchanges, int? nextExchangeFeeYen)
    {
        Assert.Equal(counted.ToString(CultureInfo.InvariantCulture), line.Str("option.contractYear.claimsCounted"));
        Assert.Equal(remaining.ToString(CultureInfo.InvariantCulture), line.Str("option.contractYear.claimsRemaining"));
        Assert.Equal(exchanges.ToString(CultureInfo.InvariantCulture), line.Str("option.contractYear.exchangesCounted"));
        Assert.Equal(nextExchangeFeeYen?.ToString(CultureInfo.InvariantCulture), line.Str("option.contractYear.nextExchangeFeeYen"));
    }
}
