using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Warranty.Grains.Storage;

namespace Warranty.Api.Hosting;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: storage and cluster answer too.</summary>
public static class Health
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddWarrantyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("storage", sp => new StorageHealthCheck(sp.GetRequiredService<IOptions<WarrantyStorageOptions>>()), HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5)))
            .Add(new HealthCheckRegistration("cluster", sp => new ClusterHealthCheck(sp.GetRequiredService<IGrainFactory>()), HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5)));
        return services;
    }

    public static WebApplication MapWarrantyHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Operations").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag) }).WithTags("Operations").AllowAnonymous();
        return app;
    }

    private sealed class StorageHealthCheck(IOptions<WarrantyStorageOptions> settings) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var options = settings.Value;
            if (options.Kind == StorageKind.Memory)
            {
                return HealthCheckResult.Healthy("memory storage");
            }

            await using DbConnection connection = options.Kind == StorageKind.Postgres
                ? new NpgsqlConnection(options.ConnectionString)
                : new SqliteConnection(options.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(options.Kind.ToString());
        }
    }

    private sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
        }
    }
}
