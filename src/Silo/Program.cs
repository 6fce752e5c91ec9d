using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warranty.Grains.Hosting;

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

builder.UseOrleans(silo => silo.AddWarranty(builder.Configuration));
var host = builder.Build();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warranty.Silo");
lifetime.ApplicationStarted.Register(() => logger.LogInformation("Warranty silo started and joined cluster"));
await host.RunAsync();
return 0;

/// <summary>The standalone silo. Internal: only the front door's Program is the tests' entry point.</summary>
internal partial class Program;
