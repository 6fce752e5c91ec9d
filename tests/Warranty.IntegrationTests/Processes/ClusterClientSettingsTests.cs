using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warranty.Api.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.IntegrationTests.Processes;

/// <summary>How a front door in client mode follows the cluster (<see cref="ClusterClientSettings"/>).</summary>
public sealed class ClusterClientSettingsTests
{
    [Fact]
    public void Defaults_refresh_the_gateway_list_every_5_s_and_give_up_on_a_grain_call_after_10_s()
    {
        var settings = new ClusterClientSettings();

        Assert.Empty(settings.Problems());
        Assert.Equal(TimeSpan.FromSeconds(5), settings.GatewayListRefreshPeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ResponseTimeout);
    }

    [Fact]
    public void The_settings_reach_the_Orleans_client_and_configuration_overrides_them()
    {
        var client = new FakeClientBuilder(("Warranty:ClusterClient:ResponseTimeout", "00:00:20"));

        client.AddWarrantyClientSettings();

        using var services = client.Services.BuildServiceProvider();
        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
        Assert.Equal(TimeSpan.FromSeconds(20), services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData("GatewayListRefreshPeriod")]
    [InlineData("ResponseTimeout")]
    public void A_bad_setting_fails_the_front_door_at_start_and_names_the_setting(string setting)
    {
        var client = new FakeClientBuilder(($"Warranty:ClusterClient:{setting}", "00:00:00.100"));

        var error = Assert.Throws<SettingsException>(() => client.AddWarrantyClientSettings());
        Assert.Equal($"Warranty:ClusterClient:{setting} must be at least 00:00:01.", error.Message);
    }

    /// <summary>A client builder whose configuration holds <paramref name="settings"/>, registered as the container's too.</summary>
    private sealed class FakeClientBuilder : IClientBuilder
    {
        public FakeClientBuilder(params (string Key, string Value)[] settings)
        {
            Configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
                .Build();
            Services.AddSingleton(Configuration);
        }

        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; }
    }
}
