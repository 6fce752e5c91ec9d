using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Warranty.Grains.Storage;

namespace Warranty.Api.Hosting;

/// <summary>
/// Once the service is ready to take requests, one log entry that tells an operator what is running: where it listens,
/// the reference page, the storage and its data path, the environment, the silo's ports, and in Development how to get
/// a token. Orleans' own start-up chatter stays at Warning (appsettings.json).
/// </summary>
public sealed partial class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    IConfiguration configuration,
    IOptions<WarrantyStorageOptions> storageSettings,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => LogBanner(logger, Describe()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The banner's lines (without the first).</summary>
    public string Describe()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var first = addresses.FirstOrDefault()?.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        var lines = new List<string>
        {
            $"  listening on   {(addresses.Count > 0 ? string.Join(", ", addresses) : "(no network address: an in-process server)")}",
        };
        if (first is not null)
        {
            lines.Add($"  API reference  {first.TrimEnd('/')}/reference/v1   (OpenAPI: {first.TrimEnd('/')}/openapi/v1.json)");
        }

        // The co-hosted silo's storage settings, as it read them (a client-mode front door has none).
        if (OrleansHosting.RunsSilo(configuration))
        {
            var storage = storageSettings.Value;
            lines.Add($"  storage        {storage.Describe()}");
            lines.Add($"  silo           cluster '{storage.ClusterId}', silo port {storage.SiloPort ?? 11111}, gateway port {storage.GatewayPort ?? 30000}");
        }
        else
        {
            lines.Add("  cluster        a client of the cluster (Warranty:Hosting=client): state is kept by its silos");
        }

        lines.Add($"  environment    {environment.EnvironmentName}");
        if (environment.IsDevelopment())
        {
            var assembly = typeof(StartupBanner).Assembly.Location;
            lines.Add($"  a token        dotnet {assembly} dev-token admin   (roles: admin, operator, network, subscriber LINEID)");
        }

        lines.Add("  stop           Ctrl+C or SIGTERM: requests in flight are finished first");
        return string.Join(Environment.NewLine, lines);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warranty is ready.\n{Banner}")]
    private static partial void LogBanner(ILogger logger, string banner);
}
