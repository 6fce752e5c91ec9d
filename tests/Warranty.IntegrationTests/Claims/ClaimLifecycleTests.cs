using System.Net;
using System.Text.Json;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>The claim state machine of API.md: every transition, the invalid ones, CLM-7 and CLM-8.</summary>
public sealed class ClaimLifecycleTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Fact]
    public async Task CLM_5_the_repair_path_is_received_inspecting_repairing_completed()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);

        var received = Ok(await ReceiveAsync(lineId, claimId));
        Assert.Equal("inspecting", received.Str("status"));
        Assert.Null(received.Str("service"));
        var inspected = Ok(await InspectAsync(lineId, claimId, "repair"));
        Assert.Equal("repairing", inspected.Str("status"));
        Assert.Equal("repair", inspected.Str("service"));
        var completed = Ok(await CompleteRepairAsync(lineId, claimId, 12_000));

        Assert.Equal("completed", completed.Str("status"));
        Assert.Equal("repair", completed.Str("service"));
        Assert.Equal("true", completed.Str("countsTowardLimit"));
        Assert.Null(completed.Str("replacementImei"));
        Assert.Null(completed.Str("rejectReason"));
        AssertTimeline(completed, ("received", FiledAt), ("inspecting", ReceivedAt), ("repairing", InspectedAt), ("completed", CompletedAt));
        var read = await GetClaimAsync(lineId, claimId);
        Assert.Equal("completed", read.Str("status"));
        AssertTimeline(read, ("received", FiledAt), ("inspecting", ReceivedAt), ("repairing", InspectedAt), ("completed", CompletedAt));
        var history = await HistoryAsync(lineId);
        var filing = AssertHistoryEntry(history, "claim_filed", claimId, FiledAt);
        var receipt = AssertHistoryEntry(history, "claim_device_received", claimId, ReceivedAt);
        var inspection = AssertHistoryEntry(history, "claim_inspected", claimId, InspectedAt);
        var repair = AssertHistoryEntry(history, "claim_repair_completed", claimId, CompletedAt);
        // History values keep their JSON types: booleans, numbers, null where the entry type allows it.
        Assert.Equal(JsonValueKind.False, filing["data"]!["loanerRequested"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, receipt["data"]!["consentFormEnclosed"]!.GetValueKind());
        Assert.Equal("repair", inspection.Str("data.outcome"));
        Assert.Null(inspection["data"]!["reason"]);
        Assert.True(inspection["data"]!.AsObject().ContainsKey("reason"));
        Assert.Equal(JsonValueKind.Number, repair["data"]!["repairCostYen"]!.GetValueKind());
        // The device is still the covered one.
        Assert.Equal(imei, (await GetLineAsync(lineId)).Str("option.coveredImei"));
        Assert.Equal("covered", (await GetDeviceAsync(imei)).Str("status"));
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 0, nextExchangeFeeYen: 8800);
    }

    [Fact]
    public async Task CLM_9_the_exchange_path_is_received_inspecting_exchange_pending_shipped_completed()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var replacement = TestData.NewImei(stockTac);
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));

        var inspected = Ok(await InspectAsync(lineId, claimId, "exchange"));
        Assert.Equal("exchange_pending", inspected.Str("status"));
        Assert.Equal("exchange", inspected.Str("service"));
        var shipped = Ok(await ShipAsync(lineId, claimId, replacement));
        Assert.Equal("exchange_shipped", shipped.Str("status"));
        Assert.Equal(replacement, shipped.Str("replacementImei"));
        var delivered = Ok(await DeliverAsync(lineId, claimId));

        Assert.Equal("completed", delivered.Str("status"));
        Assert.Equal("exchange", delivered.Str("service"));
        Assert.Equal(replacement, delivered.Str("replacementImei"));
        Assert.Null(delivered.Str("initialDefectReportedAt"));
        AssertTimeline(delivered, ("received", FiledAt), ("inspecting", ReceivedAt), ("exchange_pending", InspectedAt), ("exchange_shipped", ShippedAt), ("completed", DeliveredAt));
        var history = await HistoryAsync(lineId);
        AssertHistoryEntry(history, "claim_filed", claimId, FiledAt);
        AssertHistoryEntry(history, "claim_device_received", claimId, ReceivedAt);
        AssertHistoryEntry(history, "claim_inspected", claimId, InspectedAt);
        AssertHistoryEntry(history, "claim_exchange_shipped", claimId, ShippedAt);
        AssertHistoryEntry(history, "claim_exchange_delivered", claimId, DeliveredAt);
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 1, nextExchangeFeeYen: 8800);
    }

    [Fact]
    public async Task CLM_1_a_received_claim_can_be_withdrawn_and_then_no_longer_counts()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);

        var withdrawn = Ok(await WithdrawAsync(lineId, claimId, ReceivedAt));

        Assert.Equal("withdrawn", withdrawn.Str("status"));
        Assert.Equal("false", withdrawn.Str("countsTowardLimit"));
        Assert.Null(withdrawn.Str("service"));
        AssertTimeline(withdrawn, ("received", FiledAt), ("withdrawn", ReceivedAt));
        AssertHistoryEntry(await HistoryAsync(lineId), "claim_withdrawn", claimId, ReceivedAt);
        AssertContractYear(await GetLineAsync(lineId), counted: 0, remaining: 2, exchanges: 0, nextExchangeFeeYen: 4400);
        // Still a claim filed for the device, and still listed on the line.
        Assert.Contains(Items(await GetDeviceAsync(imei), "claims"), c => c.Str("claimId") == claimId && c.Str("lineId") == lineId);
        Assert.Equal("withdrawn", Assert.Single(await GetClaimsAsync(lineId)).Str("status"));
        // A second withdrawal is not a step.
        AssertProblem(await WithdrawAsync(lineId, claimId, LaterAt), HttpStatusCode.Conflict, "invalid_claim_transition");
    }

    [Theory]
    [InlineData("not_covered")]
    [InlineData("no_fault_found")]
    public async Task CLM_1_a_rejected_claim_does_not_count_and_the_device_stays_covered(string reason)
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));

        var rejected = Ok(await InspectAsync(lineId, claimId, "reject", InspectedAt, reason));

        Assert.Equal("rejected", rejected.Str("status"));
        Assert.Equal(reason, rejected.Str("rejectReason"));
        Assert.Equal("false", rejected.Str("countsTowardLimit"));
        AssertTimeline(rejected, ("received", FiledAt), ("inspecting", ReceivedAt), ("rejected", InspectedAt));
        AssertHistoryEntry(await HistoryAsync(lineId), "claim_inspected", claimId, InspectedAt);
        var line = await GetLineAsync(lineId);
        Assert.Equal(imei, line.Str("option.coveredImei"));
        AssertContractYear(line, counted: 0, remaining: 2, exchanges: 0, nextExchangeFeeYen: 4400);
        Assert.Equal("covered", (await GetDeviceAsync(imei)).Str("status"));
        Assert.Empty(Items(rejected, "charges"));
        // The device may be claimed for again.
        await FileOkAsync(lineId, "screen_crack", LaterAt);
    }

    [Fact]
    public async Task CLM_7_without_the_consent_form_the_device_does_not_go_to_inspection()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);
        var historyBefore = (await HistoryAsync(lineId)).Count;

        var refused = await ReceiveAsync(lineId, claimId, ReceivedAt, consentFormEnclosed: false);

        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "consent_form_missing", "CLM-7");
        var unchanged = await GetClaimAsync(lineId, claimId);
        Assert.Equal("received", unchanged.Str("status"));
        AssertTimeline(unchanged, ("received", FiledAt));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
        // The other items are only recorded as declared: with the consent form the claim proceeds.
        var received = Ok(await ReceiveAsync(lineId, claimId, "2026-06-02T11:00:00+09:00", consentFormEnclosed: true, declarations: false));
        Assert.Equal("inspecting", received.Str("status"));
        AssertTimeline(received, ("received", FiledAt), ("inspecting", "2026-06-02T11:00:00+09:00"));
    }

    [Fact]
    public async Task CLM_7_the_receipt_declarations_are_required_fields()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);

        var missing = await StepAsync(lineId, claimId, "device-receipt", new { at = ReceivedAt, simAndSdRemoved = true, esimErased = true, dataErased = true, eCertificateRevoked = true });

        AssertProblem(missing, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("received", (await GetClaimAsync(lineId, claimId)).Str("status"));
    }

    [Fact]
    public async Task An_inspection_reject_needs_a_reason_and_outcomes_and_reasons_are_enums()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));

        AssertProblem(await InspectAsync(lineId, claimId, "reject", InspectedAt), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await InspectAsync(lineId, claimId, "reject", InspectedAt, "bad_luck"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await InspectAsync(lineId, claimId, "discard", InspectedAt), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await StepAsync(lineId, claimId, "inspection", new { at = InspectedAt }), HttpStatusCode.BadRequest, "invalid_request");

        var claim = await GetClaimAsync(lineId, claimId);
        Assert.Equal("inspecting", claim.Str("status"));
        Assert.Null(claim.Str("service"));
        // A repair needs no reason.
        Assert.Equal("repairing", Ok(await InspectAsync(lineId, claimId, "repair", InspectedAt)).Str("status"));
    }

    public static TheoryData<string> States =>
    [
        "received", "inspecting", "repairing", "exchange_pending", "exchange_shipped",
        "completed_repair", "completed_exchange", "withdrawn", "rejected",
    ];

    [Theory]
    [MemberData(nameof(States))]
    public async Task Every_step_not_in_the_state_machine_is_409_invalid_claim_transition_and_changes_nothing(string state)
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync(quantity: 5);
        var claimId = await ClaimInStateAsync(lineId, state, TestData.NewImei(stockTac));
        var before = await GetClaimAsync(lineId, claimId);
        var historyBefore = (await HistoryAsync(lineId)).Count;
        var stockBefore = await StockAsync(stockTac);
        var expectedStatus = state.StartsWith("completed", StringComparison.Ordinal) ? "completed" : state;
        Assert.Equal(expectedStatus, before.Str("status"));

        var valid = state switch
        {
            "received" => new[] { "withdrawal", "device-receipt" },
            "inspecting" => ["inspection"],
            "repairing" => ["repair-completion"],
            "exchange_pending" => ["exchange-shipment"],
            "exchange_shipped" => ["exchange-delivery"],
            "completed_exchange" => ["initial-defect-report"],
            _ => [],
        };
        var attempts = new (string Step, object Body)[]
        {
            ("withdrawal", new { at = LaterAt }),
            ("device-receipt", new { at = LaterAt, consentFormEnclosed = true, simAndSdRemoved = true, esimErased = true, dataErased = true, eCertificateRevoked = true }),
            ("inspection", new { at = LaterAt, outcome = "repair" }),
            ("inspection", new { at = LaterAt, outcome = "reject", reason = "no_fault_found" }),
            ("repair-completion", new { at = LaterAt, repairCostYen = 10_000 }),
            ("exchange-shipment", new { at = LaterAt, replacementImei = TestData.NewImei(stockTac) }),
            ("exchange-delivery", new { at = LaterAt }),
            ("initial-defect-report", new { at = LaterAt }),
        };

        foreach (var (step, body) in attempts.Where(a => !valid.Contains(a.Step)))
        {
            var response = await StepAsync(lineId, claimId, step, body);
            Assert.True(
                response.Status == HttpStatusCode.Conflict && response.Body.Code() == "invalid_claim_transition",
                $"{step} on {state}: expected 409 invalid_claim_transition, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        }

        var after = await GetClaimAsync(lineId, claimId);
        Assert.Equal(before.Str("status"), after.Str("status"));
        Assert.Equal(Items(before, "timeline").Count, Items(after, "timeline").Count);
        Assert.Equal(before.Str("replacementImei"), after.Str("replacementImei"));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
        Assert.Equal(stockBefore, await StockAsync(stockTac));
    }

    [Fact]
    public async Task A_step_dated_before_the_previous_step_is_422_timestamp_out_of_order()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId, "screen_crack", "2026-06-01T10:00:00+09:00");

        AssertProblem(await ReceiveAsync(lineId, claimId, "2026-06-01T09:59:00+09:00"), HttpStatusCode.UnprocessableEntity, "timestamp_out_of_order");
        AssertProblem(await WithdrawAsync(lineId, claimId, "2026-05-31T10:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "timestamp_out_of_order");
        // 409 (not a step now) comes before 422.
        AssertProblem(await CompleteRepairAsync(lineId, claimId, 1_000, "2026-05-31T10:00:00+09:00"), HttpStatusCode.Conflict, "invalid_claim_transition");
        var unchanged = await GetClaimAsync(lineId, claimId);
        Assert.Equal("received", unchanged.Str("status"));
        AssertTimeline(unchanged, ("received", "2026-06-01T10:00:00+09:00"));

        Ok(await ReceiveAsync(lineId, claimId, "2026-06-02T10:00:00+09:00"));
        AssertProblem(await InspectAsync(lineId, claimId, "repair", "2026-06-02T09:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "timestamp_out_of_order");
        // The same instant as the previous step, written in UTC, is not before it.
        var inspected = Ok(await InspectAsync(lineId, claimId, "repair", "2026-06-02T01:00:00Z"));
        Assert.Equal("repairing", inspected.Str("status"));
        AssertProblem(await CompleteRepairAsync(lineId, claimId, 1_000, "2026-06-01T23:00:00+09:00"), HttpStatusCode.UnprocessableEntity, "timestamp_out_of_order");
        AssertTimeline(await GetClaimAsync(lineId, claimId), ("received", "2026-06-01T10:00:00+09:00"), ("inspecting", "2026-06-02T10:00:00+09:00"), ("repairing", "2026-06-02T10:00:00+09:00"));
    }

    [Fact]
    public async Task A_step_more_than_5_minutes_in_the_future_is_400()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);

        AssertProblem(await ReceiveAsync(lineId, claimId, "2026-06-15T12:06:00+09:00"), HttpStatusCode.BadRequest, "timestamp_in_future");
        // Within 5 minutes is accepted.
        Assert.Equal("inspecting", Ok(await ReceiveAsync(lineId, claimId, "2026-06-15T12:04:00+09:00")).Str("status"));
    }

    [Fact]
    public async Task CLM_8_unofficial_repair_found_at_inspection_rejects_the_claim_and_excludes_the_device()
    {
        var (lineId, imei, tac) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));

        var rejected = Ok(await InspectAsync(lineId, claimId, "reject", InspectedAt, "unofficial_repair"));

        Assert.Equal("rejected", rejected.Str("status"));
        Assert.Equal("unofficial_repair", rejected.Str("rejectReason"));
        Assert.Equal("false", rejected.Str("countsTowardLimit"));
        AssertTimeline(rejected, ("received", FiledAt), ("inspecting", ReceivedAt), ("rejected", InspectedAt));
        var device = await GetDeviceAsync(imei);
        Assert.Equal("excluded", device.Str("status"));
        var (_, coverage) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage");
        Assert.Equal("false", coverage.Str("covered"));
        Assert.Equal(["CLM-8"], coverage.Rules());
        var line = await GetLineAsync(lineId);
        Assert.Null(line.Str("option.coveredImei"));
        Assert.Equal("active", line.Str("option.status"));
        AssertContractYear(line, counted: 0, remaining: 2, exchanges: 0, nextExchangeFeeYen: 4400);

        // A later claim on the line is refused naming CLM-8, and the quote agrees.
        var later = await FileAsync(lineId, "screen_crack", LaterAt);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, later.Status);
        Assert.Equal("claim_refused", later.Body.Code());
        Assert.Contains("CLM-8", later.Body.Rules());
        var (_, quote) = await QuoteAsync(lineId, "screen_crack", LaterAt);
        Assert.Equal("false", quote.Str("eligible"));
        Assert.Equal(later.Body.Rules(), quote.Rules());
        Assert.Single(await GetClaimsAsync(lineId));

        // The device stays excluded: registering it on another line is refused as modified (REG-7c).
        var other = await NewLineAsync("2026-06-10");
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{other}/device", TestData.Registration(imei)), HttpStatusCode.UnprocessableEntity, "device_ineligible", "REG-7c");
        Assert.Equal(tac, (await GetDeviceAsync(imei)).Str("tac"));
    }

    [Fact]
    public async Task Unknown_claims_and_lines_are_404_after_400s()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var unknownClaim = "no-such-claim";
        var unknownLine = TestData.NewLineId();
        var claimId = await FileIdAsync(lineId);

        AssertProblem(await Http.GetJsonAsync(ClaimPath(lineId, unknownClaim)), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await WithdrawAsync(lineId, unknownClaim), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await ReceiveAsync(lineId, unknownClaim), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await InspectAsync(lineId, unknownClaim, "repair"), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await CompleteRepairAsync(lineId, unknownClaim, 1_000), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await ShipAsync(lineId, unknownClaim, TestData.NewImei(TestData.NewTac())), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await DeliverAsync(lineId, unknownClaim), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await ReportDefectAsync(lineId, unknownClaim, LaterAt), HttpStatusCode.NotFound, "claim_not_found");

        AssertProblem(await Http.GetJsonAsync(ClaimPath(unknownLine, claimId)), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await WithdrawAsync(unknownLine, claimId), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await ReceiveAsync(unknownLine, claimId), HttpStatusCode.NotFound, "line_not_found");

        // A claim of one line is not found through another line.
        var (otherLine, _, _) = await EligibleLineAsync();
        AssertProblem(await Http.GetJsonAsync(ClaimPath(otherLine, claimId)), HttpStatusCode.NotFound, "claim_not_found");
        AssertProblem(await WithdrawAsync(otherLine, claimId), HttpStatusCode.NotFound, "claim_not_found");

        // 400 before 404.
        AssertProblem(await WithdrawAsync(lineId, unknownClaim, "2026-06-15T13:00:00+09:00"), HttpStatusCode.BadRequest, "timestamp_in_future");
        AssertProblem(await ShipAsync(lineId, unknownClaim, "12345"), HttpStatusCode.BadRequest, "invalid_imei");
        AssertProblem(await InspectAsync(unknownLine, claimId, "discard"), HttpStatusCode.BadRequest, "invalid_request");

        Assert.Equal("received", (await GetClaimAsync(lineId, claimId)).Str("status"));
    }

    /// <summary>A fresh claim on <paramref name="lineId"/> moved to <paramref name="state"/> with the standard timestamps.</summary>
    private async Task<string> ClaimInStateAsync(string lineId, string state, string replacementImei)
    {
        var claimId = await FileIdAsync(lineId);
        if (state == "received")
        {
            return claimId;
        }

        if (state == "withdrawn")
        {
            Ok(await WithdrawAsync(lineId, claimId), "withdrawal");
            return claimId;
        }

        Ok(await ReceiveAsync(lineId, claimId), "device-receipt");
        switch (state)
        {
            case "inspecting":
                break;
            case "rejected":
                Ok(await InspectAsync(lineId, claimId, "reject", InspectedAt, "no_fault_found"), "inspection reject");
                break;
            case "repairing" or "completed_repair":
                Ok(await InspectAsync(lineId, claimId, "repair"), "inspection repair");
                if (state == "completed_repair")
                {
                    Ok(await CompleteRepairAsync(lineId, claimId, 10_000), "repair-completion");
                }

                break;
            default:
                Ok(await InspectAsync(lineId, claimId, "exchange"), "inspection exchange");
                if (state != "exchange_pending")
                {
                    Ok(await ShipAsync(lineId, claimId, replacementImei), "exchange-shipment");
                }

                if (state == "completed_exchange")
                {
                    Ok(await DeliverAsync(lineId, claimId), "exchange-delivery");
                }

                break;
        }

        return claimId;
    }
}
