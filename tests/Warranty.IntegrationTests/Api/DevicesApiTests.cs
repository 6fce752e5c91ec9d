using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

public sealed class DevicesApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task REG_1_without_a_registered_device_the_option_awaits_registration_and_nothing_is_covered()
    {
        var tac = await NewModelAsync();
        var lineId = await NewLineAsync();

        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");

        Assert.Equal("awaiting_registration", line.Str("option.status"));
        Assert.Null(line.Str("option.coveredImei"));
        AssertProblem(await Http.GetJsonAsync($"/v1/devices/{TestData.NewImei(tac)}/coverage"), HttpStatusCode.NotFound, "device_not_found");
        AssertProblem(await Http.GetJsonAsync($"/v1/devices/{TestData.NewImei(tac)}"), HttpStatusCode.NotFound, "device_not_found");
    }

    [Fact]
    public async Task Registration_covers_the_device_and_the_device_names_its_line()
    {
        var (lineId, imei, tac) = await NewCoveredLineAsync();

        var (status, device) = await Http.GetJsonAsync($"/v1/devices/{imei}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", device.Str("status"));
        Assert.Equal(lineId, device.Str("coveredByLineId"));
        Assert.Equal(tac, device.Str("tac"));
        Assert.Equal("Acme Phone", device.Str("model"));
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Equal("active", line.Str("option.status"));
        Assert.Equal(imei, line.Str("option.coveredImei"));

        // The same registration again changes nothing.
        var (again, _) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei));
        Assert.Equal(HttpStatusCode.OK, again);
        var (_, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        Assert.Equal(2, history!.AsArray().Count);
    }

    [Fact]
    public async Task REG_2_registration_closes_after_day_14_and_the_option_lapses()
    {
        var tac = await NewModelAsync();
        // Start 2026-05-31: the window ends 2026-06-14; the API's clock says 2026-06-15.
        var lineId = await NewLineAsync("2026-05-31");

        var late = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(tac)));
        AssertProblem(late, HttpStatusCode.Conflict, "registration_window_closed", "REG-2");
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Equal("lapsed_unregistered", line.Str("option.status"));

        // Entered now, but the subscriber registered on day 14: accepted.
        var (onDay14, _) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(tac), "2026-06-14T23:59:00+09:00"));
        Assert.Equal(HttpStatusCode.OK, onDay14);
    }

    [Fact]
    public async Task REG_3_a_malformed_imei_is_400_and_an_unknown_model_422()
    {
        var lineId = await NewLineAsync();
        var valid = TestData.NewImei(TestData.NewTac());
        var badCheckDigit = valid[..14] + (char)('0' + ((valid[14] - '0' + 1) % 10));

        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(badCheckDigit)), HttpStatusCode.BadRequest, "invalid_imei");
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(valid[..14])), HttpStatusCode.BadRequest, "invalid_imei");
        AssertProblem(await Http.GetJsonAsync($"/v1/devices/{badCheckDigit}"), HttpStatusCode.BadRequest, "invalid_imei");
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(valid)), HttpStatusCode.UnprocessableEntity, "model_not_found");
    }

    [Fact]
    public async Task REG_4_a_correction_in_the_window_releases_the_old_device()
    {
        var (lineId, first, tac) = await NewCoveredLineAsync();
        var second = TestData.NewImei(tac);

        var (status, line) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(second));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(second, line.Str("option.coveredImei"));
        var (_, old) = await Http.GetJsonAsync($"/v1/devices/{first}");
        Assert.Equal("released", old.Str("status"));
        Assert.Null(old.Str("coveredByLineId"));
        var (_, coverage) = await Http.GetJsonAsync($"/v1/devices/{first}/coverage?date=2026-07-01");
        Assert.Equal("false", coverage.Str("covered"));
        var (_, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        Assert.Equal("device_corrected", history!.AsArray()[^1].Str("type"));
        Assert.Equal(first, history.AsArray()[^1].Str("data.replacesImei"));
    }

    [Fact]
    public async Task REG_4_after_the_window_the_covered_device_cannot_be_corrected()
    {
        var (lineId, first, tac) = await NewCoveredLineAsync("2026-05-31", at: "2026-06-05T10:00:00+09:00");

        var response = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(tac)));

        AssertProblem(response, HttpStatusCode.Conflict, "registration_window_closed", "REG-2", "REG-4");
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Equal(first, line.Str("option.coveredImei"));
    }

    [Fact]
    public async Task REG_5_a_device_covered_on_another_line_is_refused()
    {
        var (firstLine, imei, _) = await NewCoveredLineAsync();
        var secondLine = await NewLineAsync();

        var response = await Http.PutJsonAsync($"/v1/lines/{secondLine}/device", TestData.Registration(imei));

        AssertProblem(response, HttpStatusCode.Conflict, "device_covered_elsewhere", "REG-5");
        var (_, device) = await Http.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Equal(firstLine, device.Str("coveredByLineId"));
    }

    [Fact]
    public async Task REG_5_once_the_first_option_has_ended_the_device_may_be_registered_elsewhere()
    {
        var (firstLine, imei, _) = await NewCoveredLineAsync();
        await Http.PostJsonAsync($"/v1/lines/{firstLine}/option/termination", new { date = "2026-06-12" });
        var secondLine = await NewLineAsync();

        var (status, _) = await Http.PutJsonAsync($"/v1/lines/{secondLine}/device", TestData.Registration(imei));

        Assert.Equal(HttpStatusCode.OK, status);
        var (_, device) = await Http.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Equal(secondLine, device.Str("coveredByLineId"));
    }

    [Fact]
    public async Task REG_6_REG_7_REG_8_an_ineligible_device_is_refused_naming_every_failed_rule()
    {
        var tac = await NewModelAsync(wifiOnly: true, hasGiteki: false);
        var lineId = await NewLineAsync();
        var declarations = TestData.CleanDeclarations();
        declarations["rentedOrLeased"] = true;
        declarations["coveredByOtherWarranty"] = true;

        var response = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(tac), declarations: declarations));

        AssertProblem(response, HttpStatusCode.UnprocessableEntity, "device_ineligible", "REG-6a", "REG-6c", "REG-6d", "REG-7a", "REG-7f", "REG-7h");
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
        Assert.Null(line.Str("option.coveredImei"));
    }

    [Fact]
    public async Task REG_6f_a_model_released_more_than_24_months_before_the_start_is_refused()
    {
        var lineId = await NewLineAsync("2026-06-10");
        var tooOld = await NewModelAsync(releaseDate: "2024-06-09");
        var justInTime = await NewModelAsync(releaseDate: "2024-06-10");

        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(tooOld))), HttpStatusCode.UnprocessableEntity, "device_ineligible", "REG-6f");
        var (status, _) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(justInTime)));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Registration_errors_come_in_the_contracts_order()
    {
        var tac = await NewModelAsync(wifiOnly: true);
        // 400 before 404: a malformed IMEI on an unknown line.
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{TestData.NewLineId()}/device", TestData.Registration("123")), HttpStatusCode.BadRequest, "invalid_imei");
        // 404 before 409/422.
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{TestData.NewLineId()}/device", TestData.Registration(TestData.NewImei(tac))), HttpStatusCode.NotFound, "line_not_found");
        // 409 (terminated) before 422 (ineligible).
        var lineId = await NewLineAsync();
        await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-12" });
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(TestData.NewImei(tac))), HttpStatusCode.Conflict, "option_not_active");
        // No option at all.
        var bare = await NewLineAsync(warrantyOption: false);
        AssertProblem(await Http.PutJsonAsync($"/v1/lines/{bare}/device", TestData.Registration(TestData.NewImei(tac))), HttpStatusCode.Conflict, "no_option");
    }

    [Fact]
    public async Task COV_4_coverage_starts_on_the_first_of_the_month_after_the_start_month()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync("2026-06-10");

        var (_, before) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-06-30");
        var (_, from) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-07-01");

        Assert.Equal("false", before.Str("covered"));
        Assert.Equal(["COV-4"], before.Rules());
        Assert.Equal("true", from.Str("covered"));
        Assert.Equal(lineId, from.Str("lineId"));
        Assert.Equal("true", from.Str("breakageCovered"));
        Assert.Empty(from.Rules());
    }

    [Fact]
    public async Task COV_2_natural_failure_is_covered_through_the_36_month_anniversary_of_the_release()
    {
        var (_, imei, _) = await NewCoveredLineAsync(releaseDate: "2025-06-01");

        var (_, last) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2028-06-01");
        var (_, after) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2028-06-02");

        Assert.Equal("2028-06-01", last.Str("naturalFailureCoveredUntil"));
        Assert.Equal("true", last.Str("naturalFailureCovered"));
        Assert.Equal("false", after.Str("naturalFailureCovered"));
        Assert.Equal("true", after.Str("breakageCovered"));
        Assert.Equal(["COV-2"], after.Rules());
    }

    [Fact]
    public async Task COV_7_coverage_ends_at_the_end_of_the_termination_date()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync();
        await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-08-15" });

        var (_, onDay) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-08-15");
        var (_, after) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-08-16");

        Assert.Equal("true", onDay.Str("covered"));
        Assert.Equal("false", after.Str("covered"));
        Assert.Equal(["COV-7"], after.Rules());
    }

    [Fact]
    public async Task COV_5_usage_observations_are_reported_as_the_last_usage_date()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync();

        var (status, _) = await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-06-12T08:00:00+09:00" });
        await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-06-14T23:30:00Z" }); // 06-15 in Japan

        Assert.Equal(HttpStatusCode.NoContent, status);
        var (_, coverage) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-07-01");
        Assert.Equal("2026-06-15", coverage.Str("lastUsageDate"));
        var (_, earlier) = await Http.GetJsonAsync($"/v1/devices/{imei}/coverage?date=2026-06-13");
        Assert.Equal("2026-06-12", earlier.Str("lastUsageDate"));
    }

    [Fact]
    public async Task The_usage_feed_refuses_unknown_lines_bad_imeis_and_future_timestamps()
    {
        var (lineId, imei, _) = await NewCoveredLineAsync();

        AssertProblem(await Network.PostJsonAsync($"/v1/lines/{TestData.NewLineId()}/usage", new { imei }), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei = "12345" }), HttpStatusCode.BadRequest, "invalid_imei");
        AssertProblem(await Network.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-06-15T12:10:00+09:00" }), HttpStatusCode.BadRequest, "timestamp_in_future");
    }

    [Fact]
    public async Task CLM_2_an_ios_device_is_covered_but_no_exchange_is_available()
    {
        var (_, iphone, _) = await NewCoveredLineAsync(kind: "ios");
        var (_, android, _) = await NewCoveredLineAsync(kind: "android");

        var (_, ios) = await Http.GetJsonAsync($"/v1/devices/{iphone}/coverage?date=2026-07-01");
        var (_, droid) = await Http.GetJsonAsync($"/v1/devices/{android}/coverage?date=2026-07-01");

        Assert.Equal("true", ios.Str("covered"));
        Assert.Equal("false", ios.Str("exchangeAvailable"));
        Assert.Null(ios.Str("nextExchangeFeeYen"));
        Assert.Equal("true", droid.Str("exchangeAvailable"));
        Assert.Equal("4400", droid.Str("nextExchangeFeeYen"));
        Assert.Equal("2", droid.Str("claimsRemaining"));
    }
}
