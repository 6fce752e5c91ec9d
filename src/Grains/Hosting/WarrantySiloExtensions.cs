using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;
using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;

namespace Warranty.Grains.Hosting;

/// <summary>
/// Everything a Warranty silo needs. Settings come from the silo's configuration (<see cref="ISiloBuilder.Configuration"/>):
/// each settings class is registered with <see cref="Settings.AddSettings{T}"/> and checked at start; the few a builder
/// must know while it runs (the storage and clustering, the dashboard, the Orleans options they become) are read with
/// <see cref="Settings.Read{T}"/>, so that a broken rule stops the build with its message before anything exists.
/// </summary>
public static class WarrantySiloExtensions
{
    /// <summary>
    /// Everything a Warranty silo needs, whether it runs alone (src/Silo), inside the API
    /// (src/Api) or in a test cluster: storage and clustering by configuration, failure detection,
    /// the clock, the reception desks and the fault-injection seam.
    /// </summary>
    public static ISiloBuilder AddWarranty(this ISiloBuilder silo)
    {
        silo.AddWarrantyStorage();
        silo.AddWarrantyCluster();
        silo.Services.AddWarrantyGrainServices();
        silo.AddWarrantyActivations();
        silo.AddWarrantyLogScopes(silo.Configuration);
        silo.Services.AddSettings<DashboardSettings>();
        if (Settings.Read<DashboardSettings>(silo.Configuration).Enabled)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    /// <summary>
    /// Failure detection and the silo's address from <see cref="ClusterSettings"/>; invalid settings fail here, while the
    /// silo is being built. Applies to every storage kind; it matters for PostgreSQL membership, where several silos watch each other.
    /// </summary>
    public static ISiloBuilder AddWarrantyCluster(this ISiloBuilder silo)
    {
        var settings = Settings.Read<ClusterSettings>(silo.Configuration);
        silo.Services.AddSettings<ClusterSettings>();
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = settings.ProbeTimeout;
            o.NumMissedProbesLimit = settings.NumMissedProbesLimit;
            o.NumProbedSilos = settings.NumProbedSilos;
            o.NumVotesForDeathDeclaration = settings.NumVotesForDeathDeclaration;
            o.DeathVoteExpirationTimeout = settings.DeathVoteExpirationTimeout;
            o.IAmAliveTablePublishTimeout = settings.IAmAliveTablePublishTimeout;
            o.TableRefreshTimeout = settings.TableRefreshTimeout;
        });
        if (settings.Address is { } address)
        {
            silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = System.Net.IPAddress.Parse(address));
        }

        return silo;
    }

    /// <summary>Activation collection and memory-based shedding from <see cref="ActivationOptions"/>; invalid settings fail here, while the silo is being built.</summary>
    public static ISiloBuilder AddWarrantyActivations(this ISiloBuilder silo)
    {
        var options = Settings.Read<ActivationOptions>(silo.Configuration);
        silo.Services.AddSettings<ActivationOptions>();
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = options.CollectionAge;
            o.EnableActivationSheddingOnMemoryPressure = options.ShedOnMemoryPressure;
            o.MemoryUsageLimitPercentage = options.MemoryLimitPercent;
            o.MemoryUsageTargetPercentage = options.MemoryTargetPercent;
            o.MemoryUsagePollingPeriod = options.MemoryPollingPeriod;
        });
        return silo;
    }

    /// <summary>The grains' own services: the rules' clock, the fault-injection seam, and their settings (<see cref="ReceptionOptions"/>, <see cref="AbuseLimitOptions"/>, <see cref="FeeOptions"/>).</summary>
    public static IServiceCollection AddWarrantyGrainServices(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton(RulesClock.Key, TimeProvider.System);
        services.TryAddSingleton(sp => CrashAtConfiguredPoint.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSettings<ReceptionOptions>();
        services.AddSettings<AbuseLimitOptions>();
        services.AddSettings<FeeOptions>();
        return services;
    }
}
