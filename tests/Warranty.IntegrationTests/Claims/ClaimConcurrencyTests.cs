using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>CLM-1 and CLM-9 stock under concurrent requests: the limits stay exact.</summary>
public sealed class ClaimConcurrencyTests(ApiFactory factory) : ClaimTestBase(factory)
{
    private const int Filings = 24;

    [Fact]
    public async Task CLM_1_of_24_concurrent_filings_exactly_2_are_accepted()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, Filings).Select(i =>
            FileAsync(lineId, "screen_crack", $"2026-06-01T10:{i:00}:00+09:00")));

        var accepted = responses.Where(r => r.Status == HttpStatusCode.Created).ToArray();
        var refused = responses.Where(r => r.Status == HttpStatusCode.UnprocessableEntity).ToArray();
        Assert.True(accepted.Length == 2, $"accepted {accepted.Length}; statuses: {string.Join(",", responses.Select(r => (int)r.Status))}");
        Assert.Equal(Filings - 2, refused.Length);
        Assert.All(refused, r =>
        {
            Assert.Equal("claim_refused", r.Body.Code());
            Assert.Equal(["CLM-1"], r.Body.Rules());
        });
        var acceptedIds = accepted.Select(r => r.Body.Str("claimId")).ToHashSet();
        Assert.Equal(2, acceptedIds.Count);

        var claims = await GetClaimsAsync(lineId);
        Assert.Equal(acceptedIds, claims.Select(c => c.Str("claimId")).ToHashSet());
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 0, nextExchangeFeeYen: null);
        Assert.Equal(2, (await HistoryAsync(lineId)).Count(h => h.Str("type") == "claim_filed"));
    }

    [Fact]
    public async Task CLM_1_after_a_concurrent_withdrawal_the_freed_slot_is_taken_exactly_once()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var first = await FileIdAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
        await FileOkAsync(lineId, "screen_crack", "2026-06-01T11:00:00+09:00");
        Ok(await WithdrawAsync(lineId, first, "2026-06-02T10:00:00+09:00"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            FileAsync(lineId, "water_damage", $"2026-06-03T10:{i:00}:00+09:00")));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.Equal(11, responses.Count(r => r.Status == HttpStatusCode.UnprocessableEntity && r.Body.Rules().Contains("CLM-1")));
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 0, nextExchangeFeeYen: null);
    }

    [Fact]
    public async Task CLM_9_two_concurrent_shipments_for_the_last_unit_take_it_exactly_once()
    {
        var stockTac = await StockedModelAsync(quantity: 1);
        var (lineA, _, _) = await EligibleLineAsync();
        var (lineB, _, _) = await EligibleLineAsync();
        var claimA = await ExchangePendingClaimAsync(lineA, "2026-06-01");
        var claimB = await ExchangePendingClaimAsync(lineB, "2026-06-01");

        var responses = await Task.WhenAll(
            ShipAsync(lineA, claimA, TestData.NewImei(stockTac), At("2026-06-01", 13)),
            ShipAsync(lineB, claimB, TestData.NewImei(stockTac), At("2026-06-01", 13)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        var refused = Assert.Single(responses, r => r.Status != HttpStatusCode.OK);
        AssertProblem(refused, HttpStatusCode.Conflict, "out_of_stock");
        Assert.Equal(0, await StockAsync(stockTac));
        var statuses = new[] { (await GetClaimAsync(lineA, claimA)).Str("status"), (await GetClaimAsync(lineB, claimB)).Str("status") };
        Assert.Equal(["exchange_pending", "exchange_shipped"], statuses.Order());
    }

    [Fact]
    public async Task Concurrent_withdrawal_and_device_receipt_of_one_claim_apply_exactly_one()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);

        var responses = await Task.WhenAll(WithdrawAsync(lineId, claimId, ReceivedAt), ReceiveAsync(lineId, claimId, ReceivedAt));

        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        AssertProblem(Assert.Single(responses, r => r.Status != HttpStatusCode.OK), HttpStatusCode.Conflict, "invalid_claim_transition");
        var claim = await GetClaimAsync(lineId, claimId);
        Assert.Contains(claim.Str("status"), new[] { "withdrawn", "inspecting" });
        Assert.Equal(2, Items(claim, "timeline").Count);
    }
}
