using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public sealed class ActivationOptionsTests
{
    [Fact]
    public void Defaults_collect_idle_subscribers_after_15_minutes_and_shed_from_80_down_to_70_percent_checked_every_second()
    {
        var options = new ActivationOptions();

        Assert.Empty(options.Problems());
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

        Assert.StartsWith($"Warranty:Activations:{named} must be", options.Problems().First());
    }

    [Fact]
    public void A_bad_setting_fails_the_silo_at_start()
    {
        var silo = new FakeSiloBuilder(("Warranty:Activations:MemoryTargetPercent", "95"));

        var error = Assert.Throws<SettingsException>(() => silo.AddWarrantyActivations());
        Assert.Equal("Warranty:Activations:MemoryTargetPercent must be above 0 and below MemoryLimitPercent.", error.Message);
    }

    [Fact]
    public void The_settings_reach_Orleans_activation_collection()
    {
        var silo = new FakeSiloBuilder(("Warranty:Activations:CollectionAge", "00:05:00"), ("Warranty:Activations:ShedOnMemoryPressure", "false"));
        silo.AddWarrantyActivations();
        using var services = silo.Services.BuildServiceProvider();

        var collection = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), collection.CollectionAge);
        Assert.False(collection.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(80, collection.MemoryUsageLimitPercentage);
        Assert.Equal(70, collection.MemoryUsageTargetPercentage);
    }
}
