using Warranty.Grains.Interfaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;
using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Storage;

namespace Warranty.Grains.Hosting;

public static class WarrantySiloExtensions
{
    /// <summary>
    /// Everything a Warranty silo needs, whether it runs alone (src/Silo), inside the API
    /// (src/Api) or in a test cluster: storage and clustering by configuration, failure detection,
    /// the clock, the reception desks and the fault-injection seam.
    /// </summary>
    public static ISiloBuilder AddWarranty(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddWarrantyStorage(configuration);
        silo.AddWarrantyCluster(configuration);
        silo.Services.AddWarrantyGrainServices(configuration);
        silo.AddWarrantyActivations(configuration);
        silo.AddWarrantyLogScopes(configuration);
        if (DashboardEnabled(configuration))
        {
            silo.AddDashboard();
        }

        return silo;
    }

    /// <summary>
    /// <c>Warranty:Dashboard:Enabled</c> (default false): the Orleans Dashboard's collection in every silo, and its pages
    /// at <c>/dashboard</c> on the front door, for admins. Off by default: it profiles every grain call.
    /// </summary>
    public const string DashboardKey = "Warranty:Dashboard:Enabled";

    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue(DashboardKey, false);

    /// <summary>
    /// Failure detection and the silo's address from <see cref="ClusterSettings"/>; invalid settings fail the start.
    /// Applies to every storage kind; it matters for PostgreSQL membership, where several silos watch each other.
    /// </summary>
    public static ISiloBuilder AddWarrantyCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = new ClusterSettings();
        configuration.GetSection(ClusterSettings.Section).Bind(settings);
        if (!settings.IsValid(out var error))
        {
            throw new InvalidOperationException(error);
        }

        silo.Services.AddSingleton(settings);
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

    /// <summary>Activation collection and memory-based shedding from <see cref="ActivationOptions"/>; invalid settings fail the start.</summary>
    public static ISiloBuilder AddWarrantyActivations(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = new ActivationOptions();
        configuration.GetSection(ActivationOptions.Section).Bind(options);
        if (!options.IsValid(out var error))
        {
            throw new InvalidOperationException(error);
        }

        silo.Services.AddSingleton(options);
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

    public static IServiceCollection AddWarrantyGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddKeyedSingleton(RulesClock.Key, TimeProvider.System);
        services.TryAddSingleton(_ => CrashAtConfiguredPoint.FromConfiguration(configuration));
        services.AddOptions<ReceptionOptions>()
            .Bind(configuration.GetSection(ReceptionOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.GigaPhone) && !string.IsNullOrWhiteSpace(o.LegacyPhone), "Both reception phone numbers must be set.")
            .ValidateOnStart();
        services.AddOptions<AbuseLimitOptions>()
            .Bind(configuration.GetSection(AbuseLimitOptions.Section))
            .Validate(o => o.RefusalsPerLine > 0 && o.RefusalWindow > TimeSpan.Zero, "Warranty:Limits:RefusalsPerLine and RefusalWindow must be positive.")
            .ValidateOnStart();
        services.AddOptions<FeeOptions>()
            .Bind(configuration.GetSection(FeeOptions.Section))
            .Validate(o => o.CodFeeYen >= 0 && o.LoanerShippingYen >= 0, "Fees cannot be negative.")
            .ValidateOnStart();
        return services;
    }
}
