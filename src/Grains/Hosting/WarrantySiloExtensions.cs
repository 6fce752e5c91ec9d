using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Storage;

namespace Warranty.Grains.Hosting;

public static class WarrantySiloExtensions
{
    /// <summary>
    /// Everything a Warranty silo needs, whether it runs alone (src/Silo), inside the API
    /// (src/Api) or in a test cluster: storage and clustering by configuration, the clock, the
    /// reception desks and the fault-injection seam.
    /// </summary>
    public static ISiloBuilder AddWarranty(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddWarrantyStorage(configuration);
        silo.Services.AddWarrantyGrainServices(configuration);
        silo.AddWarrantyActivations(configuration);
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
        services.AddOptions<FeeOptions>()
            .Bind(configuration.GetSection(FeeOptions.Section))
            .Validate(o => o.CodFeeYen >= 0 && o.LoanerShippingYen >= 0, "Fees cannot be negative.")
            .ValidateOnStart();
        return services;
    }
}
