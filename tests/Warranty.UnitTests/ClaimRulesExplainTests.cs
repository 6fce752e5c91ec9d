using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>CLM-13: a refusal's detail says, for each failed rule, what it found, with the values that made it fail.</summary>
public class ClaimRulesExplainTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);

    [Fact]
    public void COV_5_the_detail_names_the_last_use_and_the_incident_date()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());
        line = line with { Usage = UsageRules.Record(line.Usage, TestData.ImeiA, new DateOnly(2026, 7, 1)) };
        var date = new DateOnly(2026, 11, 2);

        var decision = ClaimRules.Decide(line, Incident.ScreenCrack, date);

        Assert.Equal(["COV-5"], decision.Rules);
        Assert.Equal(
            "The claim cannot be accepted. COV-5: last use on this line was 2026-07-01, more than 90 days before the incident on 2026-11-02.",
            ClaimRules.Explain(line, decision, Incident.ScreenCrack, date));
    }

    [Fact]
    public void CLM_13_every_failed_rule_is_explained_in_order()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device(), terminatedOn: new DateOnly(2026, 1, 20));
        var date = new DateOnly(2026, 1, 25);

        var decision = ClaimRules.Decide(line, Incident.Theft, date);
        var detail = ClaimRules.Explain(line, decision, Incident.Theft, date);

        Assert.Equal(["COV-1", "COV-4", "COV-5", "COV-7"], decision.Rules);
        Assert.Contains("COV-1: theft is not a covered incident", detail);
        Assert.Contains("COV-4: claims are accepted from 2026-02-01; the incident is on 2026-01-25", detail);
        Assert.Contains("COV-5: the device was not seen on this line on or before the incident on 2026-01-25", detail);
        Assert.Contains("COV-7: the option ended on 2026-01-20", detail);
        Assert.True(detail.IndexOf("COV-1", StringComparison.Ordinal) < detail.IndexOf("COV-7", StringComparison.Ordinal));
    }

    [Fact]
    public void CLM_11_the_detail_names_the_arrival_the_last_day_and_the_reports_date()
    {
        var japan = TimeSpan.FromHours(9);
        var claim = new ClaimState { ClaimId = "C0001", DeliveredAt = new DateTimeOffset(2026, 6, 5, 10, 0, 0, japan) };

        var refusal = ClaimRules.CheckInitialDefectWindow(claim, new DateTimeOffset(2026, 6, 8, 9, 0, 0, japan));

        Assert.Null(ClaimRules.CheckInitialDefectWindow(claim, new DateTimeOffset(2026, 6, 7, 23, 59, 0, japan)));
        Assert.Equal(["CLM-11"], refusal!.Rules);
        Assert.Equal(
            "CLM-11: the exchange device arrived on 2026-06-05; a problem is reported within 2 days of arrival, by 2026-06-07, and this report is dated 2026-06-08.",
            refusal.Detail);
    }

    [Fact]
    public void CLM_9_and_CLM_2_the_details_say_what_the_replacement_or_the_device_is()
    {
        var ios = TestData.Model(kind: DeviceKind.Ios);

        Assert.Equal(
            $"CLM-9: the replacement must be a designated exchange model of kind android, and its model {ios.Tac} is ios and not designated for exchanges.",
            ClaimRules.CheckReplacementModel(ios, DeviceKind.Android)!.Detail);
        Assert.EndsWith("its model is not in the catalogue.", ClaimRules.CheckReplacementModel(null, DeviceKind.Android)!.Detail);
        Assert.Null(ClaimRules.CheckReplacementModel(TestData.Model() with { ExchangeDesignated = true }, DeviceKind.Android));
        Assert.Equal("CLM-2: the device is ios, and ios devices are repaired only, never exchanged.", ClaimRules.CheckExchangeAvailable(DeviceKind.Ios)!.Detail);
    }
}
