using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>Filing and quoting a claim: CLM-13 and every rule it names.</summary>
public sealed class ClaimFilingTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Fact]
    public async Task CLM_13_CLM_1_an_eligible_filing_is_201_received_and_counted_from_acceptance()
    {
        var (lineId, imei, _) = await EligibleLineAsync();

        var (status, claim) = await FileAsync(lineId, "water_damage", FiledAt, loanerRequested: true, note: "dropped in the bath");

        Assert.Equal(HttpStatusCode.Created, status);
        var claimId = claim.Str("claimId");
        Assert.False(string.IsNullOrEmpty(claimId));
        Assert.Equal(lineId, claim.Str("lineId"));
        Assert.Equal(imei, claim.Str("imei"));
        Assert.Equal("water_damage", claim.Str("incident"));
        Assert.Equal("received", claim.Str("status"));
        AssertInstant(FiledAt, claim.Str("receivedAt"));
        Assert.Equal("2026-05-01", claim.Str("contractYearStart"));
        Assert.Equal("true", claim.Str("countsTowardLimit"));
        Assert.Null(claim.Str("service"));
        Assert.Equal("true", claim.Str("loanerRequested"));
        Assert.Null(claim.Str("replacementImei"));
        Assert.Null(claim.Str("rejectReason"));
        Assert.Null(claim.Str("initialDefectReportedAt"));
        AssertTimeline(claim!, ("received", FiledAt));
        Assert.Empty(Items(claim, "charges"));

        // Read back: the claim, the line's list, the line's counters, the device's claims, history.
        var read = await GetClaimAsync(lineId, claimId!);
        Assert.Equal(claimId, read.Str("claimId"));
        Assert.Equal("received", read.Str("status"));
        AssertTimeline(read, ("received", FiledAt));
        var list = await GetClaimsAsync(lineId);
        Assert.Equal(claimId, Assert.Single(list).Str("claimId"));
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 0, nextExchangeFeeYen: 8800);
        var device = await GetDeviceAsync(imei);
        var claimRef = Assert.Single(Items(device, "claims"));
        Assert.Equal(lineId, claimRef.Str("lineId"));
        Assert.Equal(claimId, claimRef.Str("claimId"));
        AssertHistoryEntry(await HistoryAsync(lineId), "claim_filed", claimId!, FiledAt);
    }

    [Fact]
    public async Task CLM_13_loaner_and_note_are_optional()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var (status, claim) = await Http.PostJsonAsync(ClaimsPath(lineId), new { incident = "screen_crack", at = FiledAt });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("false", claim.Str("loanerRequested"));
    }

    [Theory]
    [InlineData("screen_crack")]
    [InlineData("water_damage")]
    [InlineData("total_breakage")]
    [InlineData("partial_breakage")]
    [InlineData("natural_failure")]
    public async Task COV_1_every_covered_incident_is_accepted(string incident)
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var (_, quote) = await QuoteAsync(lineId, incident);
        var claim = await FileOkAsync(lineId, incident);

        Assert.Equal("true", quote.Str("eligible"));
        Assert.Empty(quote.Rules());
        Assert.Equal(incident, claim.Str("incident"));
    }

    [Theory]
    [InlineData("theft")]
    [InlineData("loss")]
    public async Task COV_1_CLM_13_theft_and_loss_are_refused_and_change_nothing(string incident)
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var historyBefore = (await HistoryAsync(lineId)).Count;

        var (quoteStatus, quote) = await QuoteAsync(lineId, incident);
        var filing = await FileAsync(lineId, incident);

        Assert.Equal(HttpStatusCode.OK, quoteStatus);
        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(["COV-1"], quote.Rules());
        AssertProblem(filing, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-1");
        Assert.Empty(await GetClaimsAsync(lineId));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
        Assert.Empty(Items(await GetDeviceAsync(imei), "claims"));
        AssertContractYear(await GetLineAsync(lineId), counted: 0, remaining: 2, exchanges: 0, nextExchangeFeeYen: 4400);
    }

    [Fact]
    public async Task COV_2_natural_failure_after_the_36_month_anniversary_is_refused_but_breakage_is_accepted()
    {
        // Release 2023-05-01 → natural failure covered through 2026-05-01.
        var (lineId, imei, _) = await OldLineAsync(releaseDate: "2023-05-01");
        await RecordUsageAsync(lineId, imei, "2026-04-25T10:00:00+09:00");

        var (_, quote) = await QuoteAsync(lineId, "natural_failure", "2026-06-01T10:00:00+09:00");
        var refused = await FileAsync(lineId, "natural_failure", "2026-06-01T10:00:00+09:00");

        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(["COV-2"], quote.Rules());
        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-2");
        Assert.Empty(await GetClaimsAsync(lineId));
        var breakage = await FileOkAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
        Assert.Equal("received", breakage.Str("status"));
    }

    [Fact]
    public async Task COV_2_the_36_month_anniversary_is_the_last_day_natural_failure_is_covered()
    {
        var (lineId, imei, _) = await OldLineAsync(releaseDate: "2023-05-01");
        await RecordUsageAsync(lineId, imei, "2026-04-25T10:00:00+09:00");

        // 2026-05-01T15:30Z is 2026-05-02 00:30 in Japan: the day after the anniversary.
        var (_, dayAfterQuote) = await QuoteAsync(lineId, "natural_failure", "2026-05-01T15:30:00Z");
        var dayAfter = await FileAsync(lineId, "natural_failure", "2026-05-02T10:00:00+09:00");
        var (_, lastDayQuote) = await QuoteAsync(lineId, "natural_failure", "2026-05-01T23:59:00+09:00");

        Assert.Equal(["COV-2"], dayAfterQuote.Rules());
        AssertProblem(dayAfter, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-2");
        Assert.Equal("true", lastDayQuote.Str("eligible"));
        var claim = await FileOkAsync(lineId, "natural_failure", "2026-05-01T23:59:00+09:00");
        Assert.Equal("2026-05-01", claim.Str("contractYearStart"));
    }

    [Fact]
    public async Task COV_4_claims_are_accepted_from_the_first_of_the_month_after_the_start_month()
    {
        var (lineId, imei, _) = await EligibleLineAsync(usedAt: "2026-04-26T10:00:00+09:00");

        var (_, quote) = await QuoteAsync(lineId, "screen_crack", "2026-04-30T23:59:00+09:00");
        var early = await FileAsync(lineId, "screen_crack", "2026-04-30T23:59:00+09:00");

        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(["COV-4"], quote.Rules());
        AssertProblem(early, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-4");
        // 2026-04-30T15:00Z is 2026-05-01 00:00 in Japan: the coverage start date.
        var claim = await FileOkAsync(lineId, "screen_crack", "2026-04-30T15:00:00Z");
        Assert.Equal(imei, claim.Str("imei"));
        Assert.Equal("2026-05-01", claim.Str("contractYearStart"));
    }

    [Fact]
    public async Task COV_5_only_usage_of_the_covered_device_on_this_line_within_90_days_up_to_the_claim_date_counts()
    {
        var (lineId, imei, tac) = await OldLineAsync();
        var otherLine = await NewLineAsync();
        // Claim date 2026-06-01: the window is 2026-03-03 … 2026-06-01.
        await RecordUsageAsync(lineId, imei, "2026-03-02T10:00:00+09:00");           // one day too early
        await RecordUsageAsync(lineId, imei, "2026-06-02T10:00:00+09:00");           // after the claim date
        await RecordUsageAsync(lineId, TestData.NewImei(tac), "2026-05-20T10:00:00+09:00"); // another device on this line
        await RecordUsageAsync(otherLine, imei, "2026-05-20T10:00:00+09:00");        // this device with another SIM

        var (_, quote) = await QuoteAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
        var refused = await FileAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");

        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(["COV-5"], quote.Rules());
        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-5");

        // 2026-03-02T15:30Z is 2026-03-03 00:30 in Japan: exactly 90 days before the claim date.
        await RecordUsageAsync(lineId, imei, "2026-03-02T15:30:00Z");
        var (_, eligible) = await QuoteAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
        Assert.Equal("true", eligible.Str("eligible"));
        await FileOkAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
    }

    [Fact]
    public async Task COV_5_usage_on_the_claim_date_itself_counts()
    {
        var (lineId, imei, _) = await EligibleLineAsync(usedAt: null);
        await RecordUsageAsync(lineId, imei, "2026-06-01T08:00:00+09:00");

        await FileOkAsync(lineId, "screen_crack", "2026-06-01T09:00:00+09:00");
    }

    [Fact]
    public async Task COV_7_claims_are_accepted_through_the_termination_date_and_refused_after()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var (terminated, _) = await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-01" });
        Assert.Equal(HttpStatusCode.OK, terminated);

        // 2026-06-01T15:10Z is 2026-06-02 00:10 in Japan.
        var (_, quote) = await QuoteAsync(lineId, "screen_crack", "2026-06-01T15:10:00Z");
        var after = await FileAsync(lineId, "screen_crack", "2026-06-02T10:00:00+09:00");

        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(["COV-7"], quote.Rules());
        AssertProblem(after, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-7");
        // Judged by the rules in force at that moment: on the termination date the option still covers.
        var onTheDay = await FileOkAsync(lineId, "screen_crack", "2026-06-01T23:59:00+09:00");
        Assert.Equal("received", onTheDay.Str("status"));
    }

    [Fact]
    public async Task REG_1_without_a_registered_device_no_claim_is_accepted()
    {
        // Start 2026-04-20, never registered; on 2026-05-02 the window (to 2026-05-04) is still open.
        var lineId = await NewLineAsync(StartDate);

        var (_, quote) = await QuoteAsync(lineId, "screen_crack", "2026-05-02T10:00:00+09:00");
        var refused = await FileAsync(lineId, "screen_crack", "2026-05-02T10:00:00+09:00");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("claim_refused", refused.Body.Code());
        var rules = refused.Body.Rules();
        Assert.Equal("REG-1", rules[0]);
        // Not lapsed yet on that date (REG-2), coverage had started (COV-4). COV-5 (no usage of a
        // covered device) may or may not be named with no device at all; nothing else may.
        Assert.Subset(new HashSet<string> { "REG-1", "COV-5" }, rules.ToHashSet());
        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(rules, quote.Rules());
        Assert.Empty(await GetClaimsAsync(lineId));
    }

    [Fact]
    public async Task REG_2_a_lapsed_unregistered_option_accepts_no_claim()
    {
        var lineId = await NewLineAsync(StartDate);
        Assert.Equal("lapsed_unregistered", (await GetLineAsync(lineId)).Str("option.status"));

        var (_, quote) = await QuoteAsync(lineId, "screen_crack", FiledAt);
        var refused = await FileAsync(lineId, "screen_crack", FiledAt);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("claim_refused", refused.Body.Code());
        var rules = refused.Body.Rules();
        Assert.Equal(new[] { "REG-1", "REG-2" }, rules.Take(2).ToArray());
        Assert.Subset(new HashSet<string> { "REG-1", "REG-2", "COV-5" }, rules.ToHashSet());
        Assert.Equal(rules, quote.Rules());
        Assert.Empty(await GetClaimsAsync(lineId));
    }

    [Fact]
    public async Task CLM_13_a_line_without_the_option_is_409_no_option()
    {
        var lineId = await NewLineAsync(StartDate, warrantyOption: false);

        AssertProblem(await FileAsync(lineId), HttpStatusCode.Conflict, "no_option");
        Assert.Empty(await GetClaimsAsync(lineId));
    }

    [Fact]
    public async Task CLM_1_a_third_claim_in_a_contract_year_is_refused()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        await FileOkAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
        await FileOkAsync(lineId, "natural_failure", "2026-06-02T10:00:00+09:00");

        var (_, quote) = await QuoteAsync(lineId, "water_damage", "2026-06-03T10:00:00+09:00");
        var third = await FileAsync(lineId, "water_damage", "2026-06-03T10:00:00+09:00");

        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(["CLM-1"], quote.Rules());
        Assert.Equal("false", quote.Str("exchangeAvailable"));
        Assert.Null(quote.Str("exchangeFeeYen"));
        AssertProblem(third, HttpStatusCode.UnprocessableEntity, "claim_refused", "CLM-1");
        Assert.Equal(2, (await GetClaimsAsync(lineId)).Count);
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 0, nextExchangeFeeYen: null);
    }

    [Fact]
    public async Task CLM_1_a_withdrawn_claim_frees_its_slot()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var first = await FileIdAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");
        await FileOkAsync(lineId, "screen_crack", "2026-06-02T10:00:00+09:00");
        AssertProblem(await FileAsync(lineId, "screen_crack", "2026-06-03T09:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "claim_refused", "CLM-1");

        var withdrawn = Ok(await WithdrawAsync(lineId, first, "2026-06-03T10:00:00+09:00"));

        Assert.Equal("withdrawn", withdrawn.Str("status"));
        Assert.Equal("false", withdrawn.Str("countsTowardLimit"));
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 0, nextExchangeFeeYen: 8800);
        var third = await FileOkAsync(lineId, "screen_crack", "2026-06-04T10:00:00+09:00");
        Assert.Equal("true", third.Str("countsTowardLimit"));
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 0, nextExchangeFeeYen: null);
        Assert.Equal(3, (await GetClaimsAsync(lineId)).Count);
    }

    [Fact]
    public async Task CLM_1_the_limit_is_per_contract_year()
    {
        // Coverage from 2025-05-01: the 1st contract year ends 2026-04-30, the 2nd starts 2026-05-01.
        var (lineId, imei, _) = await OldLineAsync();
        await RecordUsageAsync(lineId, imei, "2026-04-01T10:00:00+09:00");
        var first = await FileOkAsync(lineId, "screen_crack", "2026-04-10T10:00:00+09:00");
        await FileOkAsync(lineId, "screen_crack", "2026-04-20T10:00:00+09:00");

        var refused = await FileAsync(lineId, "screen_crack", "2026-04-30T23:00:00+09:00");
        var nextYear = await FileOkAsync(lineId, "screen_crack", "2026-05-01T10:00:00+09:00");

        Assert.Equal("2025-05-01", first.Str("contractYearStart"));
        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "claim_refused", "CLM-1");
        Assert.Equal("2026-05-01", nextYear.Str("contractYearStart"));
        var line = await GetLineAsync(lineId);
        Assert.Equal("2026-05-01", line.Str("option.contractYear.start"));
        Assert.Equal("2027-04-30", line.Str("option.contractYear.end"));
        AssertContractYear(line, counted: 1, remaining: 1, exchanges: 0, nextExchangeFeeYen: 8800);
    }

    [Fact]
    public async Task CLM_13_every_failed_rule_is_named_in_the_contracts_order()
    {
        // Release 2023-05-01 (natural failure covered through 2026-05-01); two claims in May; terminated 2026-05-15.
        var (lineId, imei, _) = await OldLineAsync(releaseDate: "2023-05-01");
        await RecordUsageAsync(lineId, imei, "2026-05-01T10:00:00+09:00");
        await FileOkAsync(lineId, "screen_crack", "2026-05-10T10:00:00+09:00");
        await FileOkAsync(lineId, "screen_crack", "2026-05-11T10:00:00+09:00");
        var (terminated, _) = await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-05-15" });
        Assert.Equal(HttpStatusCode.OK, terminated);

        AssertProblem(await FileAsync(lineId, "theft", "2026-06-01T10:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-1", "COV-7", "CLM-1");
        AssertProblem(await FileAsync(lineId, "natural_failure", "2026-06-01T10:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-2", "COV-7", "CLM-1");
        Assert.Equal(["COV-1", "COV-7", "CLM-1"], (await QuoteAsync(lineId, "loss", "2026-06-01T10:00:00+09:00")).Body.Rules());

        // A device registered on 2026-06-12 on a line started 2026-06-10, with no usage, lost on 2026-06-15.
        var (fresh, _, _) = await NewCoveredLineAsync("2026-06-10", at: "2026-06-12T10:00:00+09:00");
        AssertProblem(await FileAsync(fresh, "loss", "2026-06-15T10:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-1", "COV-4", "COV-5");
        Assert.Empty(await GetClaimsAsync(fresh));
    }

    [Fact]
    public async Task CLM_13_COV_5_usage_older_than_90_days_fails_alongside_other_rules()
    {
        var (lineId, imei, _) = await OldLineAsync(releaseDate: "2023-05-01");
        await RecordUsageAsync(lineId, imei, "2026-03-01T10:00:00+09:00");

        // 2026-06-01 − 90 days = 2026-03-03 > 2026-03-01.
        AssertProblem(await FileAsync(lineId, "natural_failure", "2026-06-01T10:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-2", "COV-5");
        AssertProblem(await FileAsync(lineId, "theft", "2026-06-01T10:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-1", "COV-5");
    }

    [Fact]
    public async Task CLM_13_CLM_2_CLM_3_a_quote_and_the_filing_that_follows_never_disagree()
    {
        var (android, _, _) = await EligibleLineAsync("android");
        var first = await AssertQuoteMatchesFilingAsync(android, "screen_crack", "2026-06-01T10:00:00+09:00");
        Assert.Equal("true", first.Str("exchangeAvailable"));
        Assert.Equal("4400", first.Str("exchangeFeeYen"));
        Assert.Equal("50000", first.Str("capYen"));
        var theft = await AssertQuoteMatchesFilingAsync(android, "theft", "2026-06-01T11:00:00+09:00");
        Assert.Equal(["COV-1"], theft.Rules());
        Assert.Equal("false", theft.Str("exchangeAvailable"));
        Assert.Null(theft.Str("exchangeFeeYen"));
        Assert.Equal("50000", theft.Str("capYen"));
        var second = await AssertQuoteMatchesFilingAsync(android, "natural_failure", "2026-06-02T10:00:00+09:00");
        Assert.Equal("8800", second.Str("exchangeFeeYen"));
        var third = await AssertQuoteMatchesFilingAsync(android, "screen_crack", "2026-06-03T10:00:00+09:00");
        Assert.Equal(["CLM-1"], third.Rules());
        Assert.Null(third.Str("exchangeFeeYen"));

        var (windows, _, _) = await EligibleLineAsync("windows");
        var win = await AssertQuoteMatchesFilingAsync(windows, "partial_breakage", FiledAt);
        Assert.Equal("true", win.Str("exchangeAvailable"));
        Assert.Equal("4400", win.Str("exchangeFeeYen"));

        foreach (var kind in new[] { "ios", "router" })
        {
            var (repairOnly, _, _) = await EligibleLineAsync(kind);
            var quote = await AssertQuoteMatchesFilingAsync(repairOnly, "total_breakage", FiledAt);
            Assert.Equal("true", quote.Str("eligible"));
            Assert.Equal("false", quote.Str("exchangeAvailable"));
            Assert.Null(quote.Str("exchangeFeeYen"));
            Assert.Equal("50000", quote.Str("capYen"));
        }

        var (unused, _, _) = await EligibleLineAsync(usedAt: null);
        var noUsage = await AssertQuoteMatchesFilingAsync(unused, "screen_crack", FiledAt);
        Assert.Equal(["COV-5"], noUsage.Rules());
        Assert.Equal("false", noUsage.Str("exchangeAvailable"));
    }

    [Fact]
    public async Task CLM_13_a_quote_changes_nothing()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var historyBefore = (await HistoryAsync(lineId)).Count;

        for (var i = 0; i < 3; i++)
        {
            var (status, quote) = await QuoteAsync(lineId, "screen_crack", FiledAt);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("true", quote.Str("eligible"));
            Assert.Equal("4400", quote.Str("exchangeFeeYen"));
        }

        Assert.Empty(await GetClaimsAsync(lineId));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
        Assert.Empty(Items(await GetDeviceAsync(imei), "claims"));
        AssertContractYear(await GetLineAsync(lineId), counted: 0, remaining: 2, exchanges: 0, nextExchangeFeeYen: 4400);
    }

    [Fact]
    public async Task Filing_errors_come_in_the_contracts_order_and_change_nothing()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var unknownLine = TestData.NewLineId();
        var historyBefore = (await HistoryAsync(lineId)).Count;

        AssertProblem(await Http.PostJsonAsync(ClaimsPath(lineId), new { at = FiledAt }), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await FileAsync(lineId, "fire"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await FileAsync(lineId, "screen_crack", "2026-06-15T12:10:00+09:00"), HttpStatusCode.BadRequest, "timestamp_in_future");
        AssertProblem(await QuoteAsync(lineId, "fire"), HttpStatusCode.BadRequest, "invalid_request");
        // 400 before 404.
        AssertProblem(await FileAsync(unknownLine, "fire"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await FileAsync(unknownLine), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await QuoteAsync(unknownLine), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await Http.GetJsonAsync(ClaimsPath(unknownLine)), HttpStatusCode.NotFound, "line_not_found");

        Assert.Empty(await GetClaimsAsync(lineId));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
    }

    [Fact]
    public async Task CLM_1_an_idempotency_key_replays_a_filing_once_and_refuses_another_body()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var key = $"file-{Guid.NewGuid():N}";
        var body = new { incident = "screen_crack", at = FiledAt, loanerRequested = false };

        var first = await PostWithKeyAsync(ClaimsPath(lineId), key, body);
        var replay = await PostWithKeyAsync(ClaimsPath(lineId), key, body);
        var other = await PostWithKeyAsync(ClaimsPath(lineId), key, new { incident = "water_damage", at = FiledAt, loanerRequested = false });

        Assert.True(first.Status == HttpStatusCode.Created, first.Body?.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(first.Body.Str("claimId"), replay.Body.Str("claimId"));
        Assert.Equal(first.Body!.ToJsonString(), replay.Body!.ToJsonString());
        AssertProblem(other, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Single(await GetClaimsAsync(lineId));
        Assert.Single(await HistoryAsync(lineId), h => h.Str("type") == "claim_filed");
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 0, nextExchangeFeeYen: 8800);
    }

    [Fact]
    public async Task CLM_13_a_refused_filing_is_not_a_use_of_its_idempotency_key()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var key = $"file-{Guid.NewGuid():N}";

        var refused = await PostWithKeyAsync(ClaimsPath(lineId), key, new { incident = "theft", at = FiledAt });
        var accepted = await PostWithKeyAsync(ClaimsPath(lineId), key, new { incident = "screen_crack", at = FiledAt });

        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-1");
        Assert.True(accepted.Status == HttpStatusCode.Created, accepted.Body?.ToJsonString());
        Assert.Equal("screen_crack", accepted.Body.Str("incident"));
        Assert.Single(await GetClaimsAsync(lineId));
    }

    /// <summary>Quotes, then files the same; both must agree. Returns the quote.</summary>
    private async Task<JsonNode> AssertQuoteMatchesFilingAsync(string lineId, string incident, string at)
    {
        var (quoteStatus, quote) = await QuoteAsync(lineId, incident, at);
        Assert.True(quoteStatus == HttpStatusCode.OK, $"quote: {(int)quoteStatus} {quote?.ToJsonString()}");
        var (status, body) = await FileAsync(lineId, incident, at);
        if (quote.Str("eligible") == "true")
        {
            Assert.True(status == HttpStatusCode.Created, $"quote eligible, filing {(int)status}: {body?.ToJsonString()}");
            Assert.Empty(quote.Rules());
        }
        else
        {
            Assert.Equal("false", quote.Str("eligible"));
            AssertProblem((status, body), HttpStatusCode.UnprocessableEntity, "claim_refused");
            Assert.NotEmpty(quote.Rules());
            Assert.Equal(quote.Rules(), body.Rules());
        }

        return quote!;
    }
}
