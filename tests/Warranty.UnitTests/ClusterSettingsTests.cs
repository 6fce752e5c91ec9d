using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void Defaults_decide_a_death_in_seconds_and_keep_both_guards_three_missed_probes_and_two_votes()
    {
        var settings = new ClusterSettings();

        Assert.Empty(settings.Problems());
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
        var silo = new FakeSiloBuilder(("Warranty:Cluster:ProbeTimeout", "00:00:03"), ("Warranty:Cluster:Address", "127.0.0.1"));

        silo.AddWarrantyCluster();

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
        var silo = new FakeSiloBuilder(($"Warranty:Cluster:{setting}", value));

        var error = Assert.Throws<SettingsException>(() => silo.AddWarrantyCluster());
        Assert.StartsWith($"Warranty:Cluster:{setting} must be", error.Message);
    }

    [Fact]
    public void Every_broken_rule_is_named_once()
    {
        var settings = new ClusterSettings { ProbeTimeout = TimeSpan.FromMilliseconds(500), NumProbedSilos = 0, NumVotesForDeathDeclaration = 2 };

        Assert.Equal(
            ["Warranty:Cluster:ProbeTimeout must be at least 00:00:01.", "Warranty:Cluster:NumProbedSilos must be at least 1.",
             "Warranty:Cluster:NumVotesForDeathDeclaration must be at least 1 and at most NumProbedSilos."],
            settings.Problems());
    }
}
