using System.Text.Json;
using Warranty.Api.Http;
using Warranty.Grains.Interfaces;

namespace Warranty.IntegrationTests.Api;

/// <summary>Stored history values (text) are read back into the JSON types their entry type declares.</summary>
public sealed class HistoryJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void Booleans_and_integers_are_json_booleans_and_numbers_and_nulls_stay_null()
    {
        var repaired = HistoryJson.Of(new HistoryEntry(At, "claim_repair_completed", "op", new Dictionary<string, string?>
        {
            ["claimId"] = "C0001", ["repairCostYen"] = "62000", ["makerReplacementImei"] = null,
        }));
        var filed = HistoryJson.Of(new HistoryEntry(At, "claim_filed", "op", new Dictionary<string, string?>
        {
            ["claimId"] = "C0002", ["imei"] = "356938035643809", ["incident"] = "screen_crack", ["loanerRequested"] = "true", ["note"] = null,
        }));

        Assert.Equal(JsonValueKind.Number, repaired.Data["repairCostYen"]!.GetValueKind());
        Assert.Equal(62000, repaired.Data["repairCostYen"]!.GetValue<long>());
        Assert.True(repaired.Data.ContainsKey("makerReplacementImei"));
        Assert.Null(repaired.Data["makerReplacementImei"]);
        Assert.Equal(JsonValueKind.True, filed.Data["loanerRequested"]!.GetValueKind());
        Assert.Equal("screen_crack", filed.Data["incident"]!.GetValue<string>());
    }

    [Fact]
    public void A_value_the_type_no_longer_declares_is_left_out_and_an_unknown_type_is_passed_as_stored()
    {
        // Registrations stored before the types were declared carried "replacesImei": null.
        var old = HistoryJson.Of(new HistoryEntry(At, "device_registered", "op", new Dictionary<string, string?>
        {
            ["imei"] = "356938035643809", ["model"] = "Phone", ["replacesImei"] = null,
        }));
        var unknown = HistoryJson.Of(new HistoryEntry(At, "from_a_newer_build", "op", new Dictionary<string, string?> { ["x"] = "1" }));

        Assert.Equal(["imei", "model"], old.Data.Select(p => p.Key));
        Assert.Equal("1", unknown.Data["x"]!.GetValue<string>());
    }
}
