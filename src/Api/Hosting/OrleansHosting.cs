using Orleans.Configuration;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;
using Warranty.Grains.ReadModel;
using Warranty.Grains.Storage;

namespace Warranty.Api.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// <c>Warranty:Hosting</c>: <c>silo</c> (default) runs a silo inside this process;
    /// <c>client</c> joins an existing cluster (PostgreSQL membership) as a pure client.
    /// </summary>
    public const string ModeKey = "Warranty:Hosting";

    /// <summary>Whether this process runs a silo (<c>Warranty:Hosting</c> is <c>silo</c>, the default).</summary>
    public static bool RunsSilo(IConfiguration configuration) =>
        string.Equals(configuration[ModeKey] ?? "silo", "silo", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddWarrantyOrleans(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration[ModeKey] ?? "silo";
        var telemetry = Settings.Read<TelemetryOptions>(builder.Configuration);
        builder.Services.AddSettings<DashboardSettings>();
        switch (mode.ToLowerInvariant())
        {
            case "silo":
                builder.UseOrleans(silo =>
                {
                    silo.AddWarranty();
                    if (telemetry.TracingOn)
                    {
                        silo.AddActivityPropagation();
                    }
                });
                break;
            case "client":
                builder.UseOrleansClient(client =>
                {
                    client.AddWarrantyClustering().AddWarrantyClientSettings();

                    // The read side (billing run, reports) reads the store directly; the silos project it.
                    client.Services.AddWarrantyReadSide(Settings.Read<WarrantyStorageOptions>(client.Configuration), project: false);
                    if (Settings.Read<DashboardSettings>(client.Configuration).Enabled)
                    {
                        Orleans.Dashboard.ServiceCollectionExtensions.AddDashboard(client);
                    }

                    if (telemetry.TracingOn)
                    {
                        client.AddActivityPropagation();
                    }
                });
                break;
            default:
                throw new SettingsException($"{ModeKey} must be 'silo' or 'client', not '{mode}'.");
        }

        return builder;
    }

    /// <summary>How the front door follows the cluster, from <see cref="ClusterClientSettings"/>; invalid settings fail here, while the client is being built.</summary>
    public static IClientBuilder AddWarrantyClientSettings(this IClientBuilder client)
    {
        var settings = Settings.Read<ClusterClientSettings>(client.Configuration);
        client.Services.AddSettings<ClusterClientSettings>();
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = settings.GatewayListRefreshPeriod);
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
        return client;
    }
}

/// <summary>
/// How a front door in client mode (<c>Warranty:Hosting=client</c>) follows the cluster (section
/// <c>Warranty:ClusterClient</c>). When a silo dies, the front door's connection to its gateway drops and that gateway
/// is not used again; requests that were waiting on the dead silo fail (a timeout after <see cref="ResponseTimeout"/>,
/// or a rejection) and the API answers them 503 <c>unavailable</c> with Retry-After (Http/ClientErrors.cs); once the
/// cluster has declared the silo dead (2–3 s with the silos' settings, Grains/Hosting/ClusterSettings.cs) its grains
/// are activated on live silos by their next call.
/// </summary>
public sealed class ClusterClientSettings : ISettings
{
    public static string Section => "Warranty:ClusterClient";

    /// <summary>
    /// How often the gateway list is read from the membership table (Orleans: 1 min). 5 s: a restarted or added silo
    /// takes requests within 5 s instead of a minute, and a silo the cluster declared dead leaves the list at the next
    /// read (a gateway whose connection broke is not used meanwhile). The cost is one small SELECT per front door every 5 s.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a grain call may take before it fails (Orleans: 30 s). Nothing else ends a call that was waiting on a
    /// silo when it died (in flight, or sent before the cluster declared it dead), so this is how long such a request
    /// holds its caller before its 503. 10 s: under the crash test's load on the shared 2-core machine the per-second
    /// p99 stayed at or below 2.8 s outside the kills (median 0.23 s), so 10 s leaves a wide margin for slow but
    /// healthy calls (a claim filing is two durable writes and a device grain call); much shorter would cut them off.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Each broken rule, naming its setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (GatewayListRefreshPeriod < TimeSpan.FromSeconds(1))
        {
            yield return "Warranty:ClusterClient:GatewayListRefreshPeriod must be at least 00:00:01.";
        }

        if (ResponseTimeout < TimeSpan.FromSeconds(1))
        {
            yield return "Warranty:ClusterClient:ResponseTimeout must be at least 00:00:01.";
        }
    }
}
