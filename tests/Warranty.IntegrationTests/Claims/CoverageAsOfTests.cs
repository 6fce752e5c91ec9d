using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>
/// "Time" under COV (issue 10): an answer about a date D depends only on events whose time falls on or before the end
/// of D. For each change of coverage the old and the new device are asked about the day before, the day of and the
/// day after the event, both before and after the event is recorded (as a back-office entry, after the fact): the
/// day before answers the same; the day of and after answer what the rule says. Run on every storage.
/// </summary>
public abstract class CoverageAsOfTests(ApiFactory factory) : ClaimTestBase(factory)
{
    /// <summary>The whole coverage answer of <paramref name="imei"/> on each date (JSON text; "404" when the device is unknown).</summary>
    private async Task<Dictionary<string, string>> AnswersAsync(string imei, params string[] dates)
    {
        var answers = new Dictionary<string, string>();
        foreach (var date in dates)
        {
            var (status, body) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date={date}");
            answers[date] = status == HttpStatusCode.OK ? body!.ToJsonString() : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return answers;
    }

    private static JsonNode Parse(string answer) => JsonNode.Parse(answer)!;

    private static void AssertCovered(string answer, string lineId)
    {
        var node = Parse(answer);
        Assert.True(node["covered"]!.GetValue<bool>(), answer);
        Assert.Equal(lineId, node.Str("lineId"));
        Assert.Empty(node["rules"]!.AsArray());
    }

    private static void AssertNotCovered(string answer, string? lineId, params string[] rules)
    {
        var node = Parse(answer);
        Assert.False(node["covered"]!.GetValue<bool>(), answer);
        Assert.Equal(lineId, node.Str("lineId"));
        Assert.Equal(rules, node["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    /// <summary>The device's coverage periods as "lineId from until endReason" strings.</summary>
    private async Task<string[]> PeriodsAsync(string imei)
    {
        var device = await GetDeviceAsync(imei);
        return device["coveragePeriods"]!.AsArray()
            .Select(p => $"{p.Str("lineId")} {p.Str("from")} {p.Str("until") ?? "-"} {p.Str("endReason") ?? "-"}")
            .ToArray();
    }

    [Fact]
    public async Task CLM_9_an_exchange_delivery_changes_the_covered_device_on_its_date_and_never_an_earlier_answer()
    {
        var (lineId, oldImei, _) = await EligibleLineAsync();
        var tac = await StockedModelAsync();
        var newImei = TestData.NewImei(tac);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        Ok(await ShipAsync(lineId, claimId, newImei, At("2026-06-04", 13)), "exchange-shipment");
        string[] days = ["2026-06-04", "2026-06-05", "2026-06-06"];
        var oldBefore = await AnswersAsync(oldImei, days);
        Assert.All(days, d => AssertCovered(oldBefore[d], lineId));

        Ok(await DeliverAsync(lineId, claimId, At("2026-06-05", 14)), "exchange-delivery");

        var oldAfter = await AnswersAsync(oldImei, days);
        var newAfter = await AnswersAsync(newImei, days);
        Assert.Equal(oldBefore["2026-06-04"], oldAfter["2026-06-04"]);
        AssertNotCovered(oldAfter["2026-06-05"], null, "CLM-9");
        AssertNotCovered(oldAfter["2026-06-06"], null, "CLM-9");
        AssertNotCovered(newAfter["2026-06-04"], lineId, "REG-1");
        AssertCovered(newAfter["2026-06-05"], lineId);
        AssertCovered(newAfter["2026-06-06"], lineId);
        // The claim counted from its filing on 2026-06-01 for both devices; as an exchange from its inspection.
        Assert.Equal("1", Parse(oldAfter["2026-06-04"]).Str("claimsRemaining"));
        Assert.Equal("1", Parse(newAfter["2026-06-05"]).Str("claimsRemaining"));
        Assert.Equal([$"{lineId} 2026-04-25 2026-06-04 replaced"], await PeriodsAsync(oldImei));
        Assert.Equal([$"{lineId} 2026-06-05 - -"], await PeriodsAsync(newImei));
    }

    [Fact]
    public async Task CLM_6_a_maker_replacement_changes_the_covered_device_at_repair_completion()
    {
        var (lineId, oldImei, tac) = await EligibleLineAsync();
        var unitImei = TestData.NewImei(tac);
        var claimId = await FileIdAsync(lineId, "screen_crack", At("2026-06-02", 10));
        Ok(await ReceiveAsync(lineId, claimId, At("2026-06-02", 11)), "device-receipt");
        Ok(await InspectAsync(lineId, claimId, "repair", At("2026-06-02", 12)), "inspection");
        string[] days = ["2026-06-03", "2026-06-04", "2026-06-05"];
        var oldBefore = await AnswersAsync(oldImei, days);
        Assert.All(days, d => AssertCovered(oldBefore[d], lineId));

        Ok(await CompleteRepairAsync(lineId, claimId, 10_000, At("2026-06-04", 13), unitImei), "repair-completion");

        var oldAfter = await AnswersAsync(oldImei, days);
        var unitAfter = await AnswersAsync(unitImei, days);
        Assert.Equal(oldBefore["2026-06-03"], oldAfter["2026-06-03"]);
        AssertNotCovered(oldAfter["2026-06-04"], null, "CLM-6");
        AssertNotCovered(oldAfter["2026-06-05"], null, "CLM-6");
        AssertNotCovered(unitAfter["2026-06-03"], lineId, "REG-1");
        AssertCovered(unitAfter["2026-06-04"], lineId);
        AssertCovered(unitAfter["2026-06-05"], lineId);
        Assert.Equal([$"{lineId} 2026-04-25 2026-06-03 replaced"], await PeriodsAsync(oldImei));
        Assert.Equal([$"{lineId} 2026-06-04 - -"], await PeriodsAsync(unitImei));
    }

    [Fact]
    public async Task REG_4_a_correction_after_coverage_started_covers_the_new_device_from_its_date()
    {
        // Service start 2026-05-25: coverage from 2026-06-01 (COV-4), registration until 2026-06-08 (REG-2).
        var (lineId, firstImei, tac) = await NewCoveredLineAsync("2026-05-25", at: "2026-05-26T10:00:00+09:00");
        var secondImei = TestData.NewImei(tac);
        string[] days = ["2026-06-04", "2026-06-05", "2026-06-06"];
        var firstBefore = await AnswersAsync(firstImei, days);
        Assert.All(days, d => AssertCovered(firstBefore[d], lineId));
        var secondBefore = await AnswersAsync(secondImei, days);
        Assert.All(days, d => Assert.Equal("404", secondBefore[d]));

        var (status, body) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(secondImei, "2026-06-05T10:00:00+09:00"));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        var firstAfter = await AnswersAsync(firstImei, days);
        var secondAfter = await AnswersAsync(secondImei, days);
        Assert.Equal(firstBefore["2026-06-04"], firstAfter["2026-06-04"]);
        AssertNotCovered(firstAfter["2026-06-05"], null, "REG-4");
        AssertNotCovered(firstAfter["2026-06-06"], null, "REG-4");
        AssertNotCovered(secondAfter["2026-06-04"], lineId, "REG-1");
        AssertCovered(secondAfter["2026-06-05"], lineId);
        AssertCovered(secondAfter["2026-06-06"], lineId);
        Assert.Equal([$"{lineId} 2026-05-26 2026-06-04 released"], await PeriodsAsync(firstImei));
        Assert.Equal([$"{lineId} 2026-06-05 - -"], await PeriodsAsync(secondImei));
    }

    [Fact]
    public async Task CLM_8_an_excluded_device_is_covered_through_the_day_before_the_inspection()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId, "screen_crack", At("2026-06-01", 10));
        Ok(await ReceiveAsync(lineId, claimId, At("2026-06-02", 11)), "device-receipt");
        string[] days = ["2026-06-02", "2026-06-03", "2026-06-04"];
        var before = await AnswersAsync(imei, days);
        Assert.All(days, d => AssertCovered(before[d], lineId));
        Assert.All(days, d => Assert.Equal("1", Parse(before[d]).Str("claimsRemaining")));

        Ok(await InspectAsync(lineId, claimId, "reject", At("2026-06-03", 12), "unofficial_repair"), "inspection reject");

        var after = await AnswersAsync(imei, days);
        // On 2026-06-02 the claim still counted (CLM-1: it stops counting with its rejection on 2026-06-03).
        Assert.Equal(before["2026-06-02"], after["2026-06-02"]);
        AssertNotCovered(after["2026-06-03"], null, "CLM-8");
        AssertNotCovered(after["2026-06-04"], null, "CLM-8");
        Assert.Equal([$"{lineId} 2026-04-25 2026-06-02 excluded"], await PeriodsAsync(imei));
    }

    [Theory]
    [InlineData("option/termination", "terminated")]
    [InlineData("cancellation", "cancelled")]
    public async Task COV_7_ENR_3_a_termination_or_cancellation_ends_coverage_after_its_date_and_leaves_earlier_answers_alone(string path, string endReason)
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        string[] days = ["2026-06-09", "2026-06-10", "2026-06-11"];
        var before = await AnswersAsync(imei, days);
        Assert.All(days, d => AssertCovered(before[d], lineId));

        var (status, body) = await Http.PostJsonAsync($"/v1/lines/{lineId}/{path}", new { date = "2026-06-10" });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        var after = await AnswersAsync(imei, days);
        Assert.Equal(before["2026-06-09"], after["2026-06-09"]);
        Assert.Equal(before["2026-06-10"], after["2026-06-10"]);
        AssertNotCovered(after["2026-06-11"], lineId, "COV-7");
        Assert.Equal([$"{lineId} 2026-04-25 2026-06-10 {endReason}"], await PeriodsAsync(imei));
    }

    [Fact]
    public async Task CLM_1_a_claim_filed_later_never_changes_claims_remaining_on_an_earlier_date()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        string[] days = ["2026-05-31", "2026-06-01", "2026-06-02"];
        var before = await AnswersAsync(imei, days);
        Assert.All(days, d => Assert.Equal("2", Parse(before[d]).Str("claimsRemaining")));

        var claimId = await FileIdAsync(lineId, "screen_crack", At("2026-06-01", 10));
        var filed = await AnswersAsync(imei, days);
        Assert.Equal(before["2026-05-31"], filed["2026-05-31"]);
        Assert.Equal("1", Parse(filed["2026-06-01"]).Str("claimsRemaining"));
        Assert.Equal("1", Parse(filed["2026-06-02"]).Str("claimsRemaining"));

        // Withdrawn on 2026-06-02: it counted on 2026-06-01 and stops counting from the withdrawal's date.
        Ok(await WithdrawAsync(lineId, claimId, At("2026-06-02", 9)), "withdrawal");
        var withdrawn = await AnswersAsync(imei, days);
        Assert.Equal(filed["2026-05-31"], withdrawn["2026-05-31"]);
        Assert.Equal(filed["2026-06-01"], withdrawn["2026-06-01"]);
        Assert.Equal("2", Parse(withdrawn["2026-06-02"]).Str("claimsRemaining"));
    }
}

[Collection(ApiCollection.Name)]
public sealed class CoverageAsOfPostgresTests(ApiFactory factory) : CoverageAsOfTests(factory);

[Collection(MemoryApiCollection.Name)]
public sealed class CoverageAsOfMemoryTests(MemoryApiFactory factory) : CoverageAsOfTests(factory);

[Collection(SqliteApiCollection.Name)]
public sealed class CoverageAsOfSqliteTests(SqliteApiFactory factory) : CoverageAsOfTests(factory);
