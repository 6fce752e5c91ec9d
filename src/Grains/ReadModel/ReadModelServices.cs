using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;

namespace Warranty.Grains.ReadModel;

public static class ReadModelServices
{
    /// <summary>
    /// The read side (<see cref="IReadSide"/>) over the store <paramref name="options"/> configure, and, in a silo
    /// (<paramref name="project"/>), the <see cref="Projector"/> that keeps it up to date. The memory store has none.
    /// A silo's grains count refusals (<see cref="RefusalCounts"/>); with <paramref name="counts"/> its counts are written to the store.
    /// </summary>
    public static IServiceCollection AddWarrantyReadSide(this IServiceCollection services, WarrantyStorageOptions options, bool project, bool counts = false)
    {
        ReadModelStore? store = options.Kind switch
        {
            StorageKind.Postgres => new PostgresReadModel(options.ConnectionString),
            StorageKind.Sqlite => new SqliteReadModel(options.ConnectionString),
            _ => null,
        };
        services.TryAddSingleton<RefusalCounts>();
        if (store is null)
        {
            services.TryAddSingleton<IReadSide, NoReadSide>();
            return services;
        }

        services.TryAddSingleton(store);
        services.TryAddSingleton<IReadSide>(sp => new SqlReadSide(
            sp.GetRequiredService<ReadModelStore>(), sp.GetKeyedService<TimeProvider>(RulesClock.Key) ?? TimeProvider.System));
        services.AddSettings<ReadModelSettings>();
        if (project)
        {
            services.AddHostedService<Projector>();
        }

        if (counts)
        {
            services.TryAddSingleton<RefusalCountWriter>();
            services.AddHostedService(sp => sp.GetRequiredService<RefusalCountWriter>());
        }

        return services;
    }
}
