using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

// A silo alone, for a cluster of several on PostgreSQL membership (Warranty__Storage=postgres).
// Front doors join it with Warranty__Hosting=client.
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddShippedSettings();
try
{
    builder.Logging.AddWarrantyLogFormat(builder.Configuration);

    // A taken port or a store in use stops the start here, with one line, before anything runs.
    StartupGuards.ForSilo(builder.Configuration, pickFreePorts: false);
}
catch (StartupFailure failure)
{
    Console.Error.WriteLine($"warranty-silo: {failure.Message}");
    return 1;
}
catch (Exception ex) when (Settings.FailureOf(ex) is { } problem)
{
    Console.Error.WriteLine($"warranty-silo: {problem}");
    return 1;
}

IHost host;
try
{
    builder.UseOrleans(silo => silo.AddWarranty());

    // Warranty:Telemetry:MetricsPort: a Prometheus scrape endpoint on 127.0.0.1 (the silo serves no other HTTP), with the
    // runtime's, Orleans', Npgsql's and the service's meters. Loopback only: whoever can reach it runs on this machine.
    builder.Services.AddSettings<TelemetryOptions>();
    if (Settings.Read<TelemetryOptions>(builder.Configuration).MetricsPort is { } metricsPort)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(meters => meters
            .AddMeter(WarrantyMetrics.ProcessMeters)
            .AddNpgsqlInstrumentation()
            .AddPrometheusHttpListener(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = metricsPort;
                o.ScrapeEndpointPath = "/metrics";
            }));
    }

    host = builder.Build();

    // Every settings class is checked now, before anything starts: a bad value is one line, not a failed host's log.
    host.Services.GetService<IStartupValidator>()?.Validate();
}
catch (Exception ex) when (Settings.FailureOf(ex) is { } problem)
{
    Console.Error.WriteLine($"warranty-silo: {problem}");
    return 1;
}

var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warranty.Silo");
lifetime.ApplicationStarted.Register(() => logger.LogInformation("Warranty silo started and joined cluster"));
await host.RunAsync();
return 0;

/// <summary>The standalone silo. Internal: only the front door's Program is the tests' entry point.</summary>
internal partial class Program;
