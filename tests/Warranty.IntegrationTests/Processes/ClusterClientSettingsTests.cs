using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warranty.Api.Hosting;

namespace Warranty.IntegrationTests.Processes;

/// <summary>How a front door in client mode follows the cluster (<see cref="ClusterClientSettings"/>).</summary>
public sealed class ClusterClientSettingsTests
{
    [Fact]
    public void Defaults_refresh_the_gateway_list_every_5_s_and_give_up_on_a_grain_call_after_10_s()
    {
        var settings = new ClusterClientSettings();

        Assert.True(settings.IsValid(out _));
        Assert.Equal(TimeSpan.FromSeconds(5), settings.GatewayListRefreshPeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ResponseTimeout);
    }

    [Fact]
    public void The_settings_reach_the_Orleans_client_and_configuration_overrides_them()
    {
        var client = new FakeClientBuilder();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Warranty:ClusterClient:ResponseTimeout", "00:00:20")])
            .Build();

        client.AddWarrantyClientSettings(configuration);

        using var services = client.Services.BuildServiceProvider();
        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
        Assert.Equal(TimeSpan.FromSeconds(20), services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData("GatewayListRefreshPeriod")]
    [InlineData("ResponseTimeout")]
    public void A_bad_setting_fails_the_front_door_at_start_and_names_the_setting(string setting)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new($"Warranty:ClusterClient:{setting}", "00:00:00.100")])
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => new FakeClientBuilder().AddWarrantyClientSettings(configuration));
        Assert.Contains($"Warranty:ClusterClient:{setting}", error.Message);
    }

    private sealed class FakeClientBuilder : IClientBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
