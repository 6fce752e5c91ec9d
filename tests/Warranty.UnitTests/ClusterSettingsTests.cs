using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warranty.Grains.Hosting;

namespace Warranty.UnitTests;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void Defaults_decide_a_death_in_seconds_and_keep_both_guards_three_missed_probes_and_two_votes()
    {
        var settings = new ClusterSettings();

        Assert.True(settings.IsValid(out _));
        Assert.Equal(TimeSpan.FromSeconds(2), settings.ProbeTimeout);
        Assert.Equal(3, settings.NumMissedProbesLimit);
        Assert.Equal(10, settings.NumProbedSilos);
        Assert.Equal(2, settings.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.IAmAliveTablePublishTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.TableRefreshTimeout);
        Assert.Null(settings.Address);
    }

    [Fact]
    public void The_settings_reach_Orleans_membership_options_and_configuration_overrides_them()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Warranty:Cluster:ProbeTimeout", "00:00:03"), new("Warranty:Cluster:Address", "127.0.0.1")])
            .Build();
        var silo = new FakeSiloBuilder();

        silo.AddWarrantyCluster(configuration);

        using var services = silo.Services.BuildServiceProvider();
        var membership = services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(3), membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
        Assert.Equal(10, membership.NumProbedSilos);
        Assert.Equal(2, membership.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(30), membership.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), membership.IAmAliveTablePublishTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), membership.TableRefreshTimeout);
        Assert.Equal(System.Net.IPAddress.Loopback, services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
    }

    [Theory]
    [InlineData("ProbeTimeout", "00:00:00.500")]
    [InlineData("NumMissedProbesLimit", "1")]
    [InlineData("NumProbedSilos", "0")]
    [InlineData("NumVotesForDeathDeclaration", "11")]
    [InlineData("DeathVoteExpirationTimeout", "00:00:05")]
    [InlineData("IAmAliveTablePublishTimeout", "00:00:00")]
    [InlineData("TableRefreshTimeout", "00:00:00")]
    [InlineData("Address", "localhost")]
    public void A_bad_setting_fails_the_silo_at_start_and_names_the_setting(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new($"Warranty:Cluster:{setting}", value)])
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => new FakeSiloBuilder().AddWarrantyCluster(configuration));
        Assert.Contains($"Warranty:Cluster:{setting}", error.Message);
    }

    private sealed class FakeSiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
