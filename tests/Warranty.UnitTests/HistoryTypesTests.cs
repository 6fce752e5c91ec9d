using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>A history entry carries exactly the values its type declares, so the line and the contract cannot drift apart.</summary>
public sealed class HistoryTypesTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void An_entry_with_exactly_its_types_values_is_made()
    {
        var entry = HistoryTypes.LineCancelled.Entry(At, "op", new Dictionary<string, string?> { ["date"] = "2026-06-30", ["optionTerminatedOn"] = null });

        Assert.Equal("line_cancelled", entry.Type);
        Assert.Equal("op", entry.Actor);
        Assert.Null(entry.Data["optionTerminatedOn"]);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("extra")]
    [InlineData("null")]
    public void An_entry_whose_values_do_not_match_its_type_is_a_programming_error(string fault)
    {
        var data = new Dictionary<string, string?> { ["from"] = "giga", ["to"] = "legacy" };
        switch (fault)
        {
            case "missing": data.Remove("to"); break;
            case "extra": data["note"] = "x"; break;
            default: data["to"] = null; break;
        }

        var error = Assert.Throws<InvalidOperationException>(() => HistoryTypes.PlanChanged.Entry(At, "op", data));
        Assert.Contains("plan_changed", error.Message);
    }

    [Fact]
    public void Every_type_has_a_unique_name_and_unique_fields_and_every_choice_names_its_enum()
    {
        Assert.Equal(HistoryTypes.All.Count, HistoryTypes.All.Select(t => t.Name).Distinct().Count());
        foreach (var type in HistoryTypes.All)
        {
            Assert.Same(type, HistoryTypes.Find(type.Name));
            Assert.Equal(type.Fields.Count, type.Fields.Select(f => f.Name).Distinct().Count());
            Assert.All(type.Fields, f => Assert.Equal(f.Kind == HistoryValueKind.Choice, f.Values is { IsEnum: true }));
        }

        Assert.Null(HistoryTypes.Find("no_such_type"));
    }
}
