using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Warranty.Grains.Events;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;
using Warranty.Grains.ReadModel;

namespace Warranty.Grains.Storage;

/// <summary>Wires grain storage and clustering to the store chosen by <see cref="WarrantyStorageOptions"/>.</summary>
public static class WarrantyStorageExtensions
{
    /// <summary>ADO.NET invariant for PostgreSQL.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>ADO.NET invariant Orleans 10.4.2 maps to Microsoft.Data.Sqlite's SqliteFactory.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>
    /// Configures the grain storage provider <c>"warranty"</c> (System.Text.Json state), the cluster
    /// identity and clustering, and schema creation/upgrade before storage and membership start.
    /// sqlite and postgres go through Microsoft.Orleans.Persistence.AdoNet; postgres also keeps the
    /// membership (Microsoft.Orleans.Clustering.AdoNet); sqlite and memory use localhost clustering.
    /// Which of them is decided here, from the silo's configuration (<see cref="Settings.Read{T}"/>); the settings are also
    /// registered as <c>IOptions&lt;WarrantyStorageOptions&gt;</c> (<see cref="Settings.AddSettings{T}"/>).
    /// Throws <see cref="SettingsException"/> for invalid settings (see <see cref="WarrantyStorageOptions"/>).
    /// </summary>
    public static ISiloBuilder AddWarrantyStorage(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = Settings.Read<WarrantyStorageOptions>(silo.Configuration);

        var services = silo.Services;
        services.AddSettings<WarrantyStorageOptions>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaInstallerLifecycle>();

        // The event log the read side is projected from (issue 14), in the same store; its table comes with the schema.
        services.TryAddSingleton(_ => EventLogs.For(options));
        services.TryAddSingleton<EventPublisher>();
        services.AddWarrantyReadSide(options, project: Settings.Read<ReadModelSettings>(silo.Configuration).Project, counts: true);

        // Grain state as System.Text.Json, for this provider only; DefaultStorageProviderSerializerOptionsConfigurator
        // picks the keyed serializer up for the memory provider, the ADO.NET one is set explicitly below.
        services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => GrainStateJson.Configure(o.JsonSerializerOptions));
        services.AddKeyedSingleton<IGrainStorageSerializer>(
            WarrantyStorageOptions.ProviderName,
            (sp, _) => new SystemTextJsonGrainStorageSerializer(sp.GetRequiredService<IOptions<SystemTextJsonGrainStorageSerializerOptions>>()));

        switch (options.Kind)
        {
            case StorageKind.Postgres:
                silo.AddAdoNetStorage(PostgresInvariant, options.ConnectionString);
                silo.Configure<ClusterOptions>(o => NameCluster(o, options));
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = options.ConnectionString;
                });
                if (options.SiloPort is not null || options.GatewayPort is not null)
                {
                    silo.Configure<EndpointOptions>(o =>
                    {
                        o.SiloPort = options.SiloPort ?? o.SiloPort;
                        o.GatewayPort = options.GatewayPort ?? o.GatewayPort;
                    });
                }

                break;
            case StorageKind.Sqlite:
                silo.AddAdoNetStorage(SqliteInvariant, options.ConnectionString);
                silo.UseLocalhost(options);
                break;
            default:
                silo.AddMemoryGrainStorage(WarrantyStorageOptions.ProviderName);
                silo.UseLocalhost(options);
                break;
        }

        return silo;
    }

    /// <summary>The cluster's and the service's ids, the same for every silo and client of one deployment.</summary>
    private static void NameCluster(ClusterOptions cluster, WarrantyStorageOptions options)
    {
        cluster.ClusterId = options.ClusterId;
        cluster.ServiceId = options.ServiceId;
    }

    /// <summary>
    /// Clustering for a process that is only an Orleans client (a front door without a silo):
    /// with postgres it finds the gateways in the membership table, otherwise it connects to the
    /// localhost gateway (<c>Warranty:GatewayPort</c>, default 30000). Same ClusterId/ServiceId as the silos.
    /// </summary>
    public static IClientBuilder AddWarrantyClustering(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = Settings.Read<WarrantyStorageOptions>(client.Configuration);
        client.Services.AddSettings<WarrantyStorageOptions>();

        if (options.Kind == StorageKind.Postgres)
        {
            client.Configure<ClusterOptions>(o => NameCluster(o, options));
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = options.ConnectionString;
            });
        }
        else
        {
            client.UseLocalhostClustering(
                gatewayPort: options.GatewayPort ?? DefaultGatewayPort,
                serviceId: options.ServiceId,
                clusterId: options.ClusterId);
        }

        return client;
    }

    private const int DefaultSiloPort = 11111;
    private const int DefaultGatewayPort = 30000;

    private static void AddAdoNetStorage(this ISiloBuilder silo, string invariant, string connectionString) =>
        silo.AddAdoNetGrainStorage(WarrantyStorageOptions.ProviderName, optionsBuilder => optionsBuilder.Configure<IServiceProvider>((o, sp) =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = sp.GetRequiredKeyedService<IGrainStorageSerializer>(WarrantyStorageOptions.ProviderName);
        }));

    private static void UseLocalhost(this ISiloBuilder silo, WarrantyStorageOptions options) =>
        silo.UseLocalhostClustering(
            siloPort: options.SiloPort ?? DefaultSiloPort,
            gatewayPort: options.GatewayPort ?? DefaultGatewayPort,
            serviceId: options.ServiceId,
            clusterId: options.ClusterId);
}
