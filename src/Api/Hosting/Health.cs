using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Warranty.Grains.Interfaces;
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
            .Add(new HealthCheckRegistration("cluster", sp => new ClusterHealthCheck(sp.GetRequiredService<IGrainFactory>()), HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5)))
            .Add(new HealthCheckRegistration("projection", sp => new ProjectionHealthCheck(sp.GetRequiredService<IReadSide>()), HealthStatus.Degraded, [ReadyTag], TimeSpan.FromSeconds(5)));
        return services;
    }

    public static WebApplication MapWarrantyHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Operations").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteDetailAsync }).WithTags("Operations").AllowAnonymous();
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

    /// <summary>
    /// The overall status and each check's, with its description and figures:
    /// <c>{"status":"Healthy","checks":{"storage":{"status":"Healthy","description":"Postgres"},…}}</c>.
    /// </summary>
    private static Task WriteDetailAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var checks = report.Entries.ToDictionary(
            e => e.Key,
            e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data.Count > 0 ? e.Value.Data : null });
        return http.Response.WriteAsJsonAsync(new { status = report.Status.ToString(), checks });
    }

    /// <summary>
    /// The read model's projection: its figures in the detail; degraded (still 200) when it is more than
    /// <see cref="MaxLagSeconds"/> behind, or no silo holds its lease.
    /// </summary>
    private sealed class ProjectionHealthCheck(IReadSide reads) : IHealthCheck
    {
        private const double MaxLagSeconds = 60;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!reads.Available)
            {
                return HealthCheckResult.Healthy("no read model (memory storage)");
            }

            var s = await reads.StatusAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["position"] = s.Position,
                ["logEnd"] = s.LogEnd,
                ["eventsBehind"] = s.EventsBehind,
                ["lagSeconds"] = s.LagSeconds,
            };
            var detail = $"position {s.Position} of {s.LogEnd}, {s.EventsBehind} events behind, lag {s.LagSeconds:0.0} s";
            return s.LagSeconds > MaxLagSeconds || (s.EventsBehind > 0 && s.Owner is null)
                ? HealthCheckResult.Degraded(detail, data: data)
                : HealthCheckResult.Healthy(detail, data);
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
