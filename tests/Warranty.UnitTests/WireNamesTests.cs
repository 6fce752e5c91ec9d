using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class WireNamesTests
{
    [Fact]
    public void Enum_values_are_spelled_as_the_contract_spells_them()
    {
        Assert.Equal(["giga", "legacy"], WireNames.All<Plan>());
        Assert.Equal(["physical", "esim"], WireNames.All<SimType>());
        Assert.Equal(["android", "ios", "windows", "router"], WireNames.All<DeviceKind>());
        Assert.Equal(["active", "cancelled"], WireNames.All<LineStatus>());
        Assert.Equal(["awaiting_registration", "active", "lapsed_unregistered", "terminated"], WireNames.All<OptionStatus>());
        Assert.Equal(["covered", "replaced", "released", "excluded"], WireNames.All<DeviceStatus>());
        Assert.Equal(["monthly_fee", "exchange_fee", "cod_fee", "excess_over_cap", "loaner_shipping"], WireNames.All<ChargeKind>());
    }

    [Fact]
    public void Of_names_one_value()
    {
        Assert.Equal("lapsed_unregistered", WireNames.Of(OptionStatus.LapsedUnregistered));
        Assert.Equal("excess_over_cap", WireNames.Of(ChargeKind.ExcessOverCap));
    }

    [Theory]
    [InlineData("awaiting_registration", OptionStatus.AwaitingRegistration)]
    [InlineData("lapsed_unregistered", OptionStatus.LapsedUnregistered)]
    [InlineData("terminated", OptionStatus.Terminated)]
    public void TryParse_reads_the_wire_name(string text, OptionStatus expected)
    {
        Assert.True(WireNames.TryParse<OptionStatus>(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("Giga")]
    [InlineData("GIGA")]
    [InlineData("0")]
    [InlineData("giga ")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_refuses_anything_but_the_exact_wire_name(string? text)
    {
        Assert.False(WireNames.TryParse<Plan>(text, out _));
    }
}
