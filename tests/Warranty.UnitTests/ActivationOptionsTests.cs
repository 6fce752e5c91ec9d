using Microsoft.Extensions.Configuration;
using Warranty.Grains.Hosting;

namespace Warranty.UnitTests;

public sealed class ActivationOptionsTests
{
    [Fact]
    public void Defaults_collect_idle_subscribers_after_15_minutes_and_shed_from_80_down_to_70_percent_checked_every_second()
    {
        var options = new ActivationOptions();

        Assert.True(options.IsValid(out _));
        Assert.Equal(TimeSpan.FromMinutes(15), options.CollectionAge);
        Assert.True(options.ShedOnMemoryPressure);
        Assert.Equal(80, options.MemoryLimitPercent);
        Assert.Equal(70, options.MemoryTargetPercent);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MemoryPollingPeriod);
    }

    [Theory]
    [InlineData("00:00:30", 80, 70, "CollectionAge")]
    [InlineData("00:10:00", 0, 75, "MemoryLimitPercent")]
    [InlineData("00:10:00", 101, 75, "MemoryLimitPercent")]
    [InlineData("00:10:00", 80, 80, "MemoryTargetPercent")]
    [InlineData("00:10:00", 80, 0, "MemoryTargetPercent")]
    public void Invalid_settings_name_the_setting(string age, double limit, double target, string named)
    {
        var options = new ActivationOptions { CollectionAge = TimeSpan.Parse(age, System.Globalization.CultureInfo.InvariantCulture), MemoryLimitPercent = limit, MemoryTargetPercent = target };

        Assert.False(options.IsValid(out var error));
        Assert.Contains(named, error);
    }

    [Fact]
    public void A_bad_setting_fails_the_silo_at_start()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Warranty:Activations:MemoryTargetPercent", "95")])
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => new FakeSiloBuilder().AddWarrantyActivations(configuration));
        Assert.Contains("MemoryTargetPercent", error.Message);
    }

    private sealed class FakeSiloBuilder : ISiloBuilder
    {
        public Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; } = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
