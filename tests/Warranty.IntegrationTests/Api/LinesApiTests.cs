using System.Net;
using System.Text.Json;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

public sealed class LinesApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task Creating_a_line_with_the_option_returns_201_with_its_dates()
    {
        var lineId = TestData.NewLineId();
        var (status, body) = await Http.PostJsonAsync("/v1/lines", TestData.Line(lineId, "2026-06-10"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(lineId, body.Str("lineId"));
        Assert.Equal("active", body.Str("status"));
        Assert.Equal("awaiting_registration", body.Str("option.status"));
        Assert.Equal("2026-07-01", body.Str("option.coverageStartDate"));
        Assert.Equal("2026-06-24", body.Str("option.registrationDeadline"));
        Assert.Equal("2", body.Str("option.contractYear.claimsRemaining"));

        var (again, problem) = await Http.PostJsonAsync("/v1/lines", TestData.Line(lineId, "2026-06-10"));
        AssertProblem((again, problem), HttpStatusCode.Conflict, "line_exists");
    }

    [Fact]
    public async Task A_service_start_more_than_30_days_ahead_or_a_bad_line_id_is_400()
    {
        var tooLate = await Http.PostJsonAsync("/v1/lines", TestData.Line(TestData.NewLineId(), "2026-07-16"));
        AssertProblem(tooLate, HttpStatusCode.BadRequest, "invalid_request");
        Assert.NotNull(tooLate.Body?["errors"]?["serviceStartDate"]);

        var ok = await Http.PostJsonAsync("/v1/lines", TestData.Line(TestData.NewLineId(), "2026-07-15"));
        Assert.Equal(HttpStatusCode.Created, ok.Status);

        var badId = await Http.PostJsonAsync("/v1/lines", TestData.Line("bad id!", "2026-06-10"));
        AssertProblem(badId, HttpStatusCode.BadRequest, "invalid_request");
        Assert.NotNull(badId.Body?["errors"]?["lineId"]);
    }

    [Fact]
    public async Task ENR_1_the_option_cannot_be_added_to_an_existing_line()
    {
        var lineId = await NewLineAsync(warrantyOption: false);

        var response = await Http.PostJsonAsync($"/v1/lines/{lineId}/option");

        AssertProblem(response, HttpStatusCode.Conflict, "option_enrollment_closed", "ENR-1");
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Null(line.Str("option"));
    }

    [Fact]
    public async Task ENR_2_a_line_holds_one_option_so_a_second_is_refused()
    {
        var lineId = await NewLineAsync();

        var response = await Http.PostJsonAsync($"/v1/lines/{lineId}/option");

        AssertProblem(response, HttpStatusCode.Conflict, "option_enrollment_closed");
        var (_, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        Assert.Single(history!.AsArray());
    }

    [Fact]
    public async Task ENR_3_cancelling_the_line_terminates_the_option_the_same_date_and_nothing_undoes_it()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync();

        // The API's clock says 2026-06-15.
        var (status, line) = await Http.PostJsonAsync($"/v1/lines/{lineId}/cancellation", new { date = "2026-06-15" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cancelled", line.Str("status"));
        Assert.Equal("2026-06-15", line.Str("cancelledOn"));
        Assert.Equal("terminated", line.Str("option.status"));
        Assert.Equal("2026-06-15", line.Str("option.terminatedOn"));

        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{lineId}/cancellation", new { date = "2026-07-21" }), HttpStatusCode.Conflict, "line_cancelled");
        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-07-21" }), HttpStatusCode.Conflict, "option_not_active");
        AssertProblem(await Http.SendAsync(HttpMethod.Patch, $"/v1/lines/{lineId}", new { plan = "legacy" }), HttpStatusCode.Conflict, "line_cancelled");

        // COV-7: the option ends with the cancellation date (coverage had not started yet: COV-4).
        var (_, onDay) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-06-15");
        var (_, after) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-07-01");
        Assert.Equal(["COV-4"], onDay.Rules());
        Assert.Equal(["COV-7"], after.Rules());
    }

    [Fact]
    public async Task ENR_3_a_cancellation_for_a_later_date_is_scheduled_and_the_option_ends_with_the_line()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync();

        var (_, line) = await Http.PostJsonAsync($"/v1/lines/{lineId}/cancellation", new { date = "2026-07-20" });

        Assert.Equal("active", line.Str("status"));
        Assert.Equal("2026-07-20", line.Str("cancelledOn"));
        Assert.Equal("active", line.Str("option.status"));
        Assert.Equal("2026-07-20", line.Str("option.terminatedOn"));
        // A later termination cannot outlive the SIM.
        var (_, terminated) = await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-08-31" });
        Assert.Equal("2026-07-20", terminated.Str("option.terminatedOn"));
        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{lineId}/cancellation", new { date = "2026-07-25" }), HttpStatusCode.Conflict, "line_cancelled");
        var (_, lastDay) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-07-20");
        var (_, after) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-07-21");
        Assert.Equal("true", lastDay.Str("covered"));
        Assert.Equal(["COV-7"], after.Rules());
    }

    [Fact]
    public async Task ENR_4_a_plan_change_keeps_the_option_and_REC_2_moves_the_line_to_the_other_desk()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync();
        var (_, before) = await Http.GetJsonAsync($"/v1/lines/{lineId}/reception");
        Assert.Equal("giga", before.Str("desk"));
        Assert.Equal("0120-111-111", before.Str("phone"));

        var (status, line) = await Http.SendAsync(HttpMethod.Patch, $"/v1/lines/{lineId}", new { plan = "legacy" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("legacy", line.Str("plan"));
        Assert.Equal("active", line.Str("option.status"));
        Assert.Equal(imei, line.Str("option.coveredImei"));
        var (_, after) = await Http.GetJsonAsync($"/v1/lines/{lineId}/reception");
        Assert.Equal("legacy", after.Str("desk"));
        Assert.Equal("0120-222-222", after.Str("phone"));
    }

    [Fact]
    public async Task REC_1_reception_says_hours_and_whether_the_centre_is_open_now()
    {
        var lineId = await NewLineAsync();

        var (status, reception) = await Http.GetJsonAsync($"/v1/lines/{lineId}/reception");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("10:00-18:00", reception.Str("hours"));
        // The API's clock is fixed at 2026-06-15 12:00 Japan time: open.
        Assert.Equal("true", reception.Str("openNow"));
    }

    [Fact]
    public async Task Termination_refuses_a_line_without_option_a_second_termination_and_a_date_before_the_start()
    {
        var noOption = await NewLineAsync(warrantyOption: false);
        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{noOption}/option/termination", new { date = "2026-07-01" }), HttpStatusCode.Conflict, "no_option");

        var lineId = await NewLineAsync();
        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-09" }), HttpStatusCode.BadRequest, "invalid_request");

        // A termination for a later date is scheduled: the option stays active and the date can move.
        var (_, scheduled) = await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-07-31" });
        Assert.Equal("awaiting_registration", scheduled.Str("option.status"));
        Assert.Equal("2026-07-31", scheduled.Str("option.terminatedOn"));

        var (status, line) = await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-10" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("terminated", line.Str("option.status"));
        Assert.Equal("2026-06-10", line.Str("option.terminatedOn"));
        Assert.Equal("active", line.Str("status"));

        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-11" }), HttpStatusCode.Conflict, "option_not_active");
    }

    [Fact]
    public async Task History_records_every_change_with_its_time_type_and_actor_the_tokens_sub()
    {
        var lineId = await NewLineAsync();
        var imei = TestData.NewImei(await NewModelAsync());
        using var subscriber = Factory.ClientFor("subscriber", lineId);
        Assert.Equal(HttpStatusCode.OK, (await subscriber.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei))).Status);
        await Http.SendAsync(HttpMethod.Patch, $"/v1/lines/{lineId}", new { plan = "legacy", at = "2026-06-15T12:00:30+09:00" });
        Assert.Equal(HttpStatusCode.OK, (await subscriber.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-09-30" })).Status);

        var (status, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = history!.AsArray();
        Assert.Equal(new string?[] { "line_created", "device_registered", "plan_changed", "option_terminated" }, entries.Select(e => e.Str("type")).ToArray());
        string operatorSub = TestTokens.Subject("operator"), subscriberSub = TestTokens.Subject("subscriber", lineId);
        Assert.Equal(new string?[] { operatorSub, subscriberSub, operatorSub, subscriberSub }, entries.Select(e => e.Str("actor")).ToArray());
        Assert.Equal(JsonValueKind.True, entries[0]!["data"]!["warrantyOption"]!.GetValueKind());
        Assert.Equal(imei, entries[1].Str("data.imei"));
        Assert.False(entries[1]!["data"]!.AsObject().ContainsKey("replacesImei"));
        Assert.Equal("legacy", entries[2].Str("data.to"));
        Assert.Equal("2026-06-15T12:00:30+09:00", entries[2].Str("at"));
        Assert.Equal("2026-09-30", entries[3].Str("data.date"));
    }

    [Fact]
    public async Task Unknown_lines_are_404_and_malformed_line_ids_400()
    {
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{TestData.NewLineId()}"), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{TestData.NewLineId()}/history"), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{new string('x', 33)}"), HttpStatusCode.BadRequest, "invalid_request");
        AssertProblem(await Http.PostJsonAsync($"/v1/lines/{TestData.NewLineId()}/option"), HttpStatusCode.NotFound, "line_not_found");
    }
}
