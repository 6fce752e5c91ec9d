using Microsoft.Extensions.Options;
using Warranty.Api.Features;
using Warranty.Api.Hosting;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Api.Import;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

if (DevTokenCommand.IsInvoked(args))
{
    return DevTokenCommand.Run(args);
}

if (BackupCommand.IsInvoked(args))
{
    return BackupCommand.Run(args);
}

string? export = null;
if (OpenApiExport.IsInvoked(args) && (export = OpenApiExport.TargetOf(args)) is null)
{
    return 2;
}

var builder = WebApplication.CreateBuilder(export is null ? args : []);
builder.Configuration.AddShippedSettings();
if (export is not null)
{
    OpenApiExport.Prepare(builder);
}
else
{
    try
    {
        builder.Logging.AddWarrantyLogFormat(builder.Configuration);

        // A store in use or a taken silo port stops the start here, with one line, before anything runs.
        if (OrleansHosting.RunsSilo(builder.Configuration))
        {
            StartupGuards.ForSilo(builder.Configuration, pickFreePorts: true);
        }
    }
    catch (StartupFailure failure)
    {
        return Refuse(failure.Message);
    }
    catch (Exception ex) when (Settings.FailureOf(ex) is { } problem)
    {
        return Refuse(problem);
    }
}

WebApplication app;
try
{
    builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = BodyLimit.Bytes);
    builder.AddWarrantyAuth();
    builder.AddWarrantyOrleans();
    builder.Services.AddWarrantyHttp();
    builder.Services.AddWarrantyRateLimits();
    builder.Services.AddWarrantyHealth();
    builder.Services.AddSettings<ImportOptions>();
    builder.Services.AddHostedService<StartupBanner>();
    builder.AddWarrantyTelemetry();

    app = builder.Build();

    // Every settings class is checked now, before anything starts: a bad value is one line, not a failed host's log.
    app.Services.GetService<IStartupValidator>()?.Validate();
}
catch (Exception ex) when (Settings.FailureOf(ex) is { } problem)
{
    return Refuse(problem);
}

if (export is null && HttpAddressGuard.ServesHttp(app.Services))
{
    try
    {
        // Built, not started: a taken HTTP address stops it here, with one line.
        HttpAddressGuard.EnsureFree(builder.Configuration);
    }
    catch (StartupFailure failure)
    {
        return Refuse(failure.Message);
    }
}

app.UseWarrantyHttp();
app.MapWarrantyHealth();
app.MapWarrantyMetrics();
app.MapWarrantyDashboard();
app.MapCatalog();
app.MapLines();
app.MapDevices();
app.MapClaims();
app.MapImport();
app.MapBilling();
app.MapReports();
if (export is not null)
{
    return await OpenApiExport.WriteAsync(app, export);
}

try
{
    await app.RunAsync();
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Taken between the check above and the bind.
    return Refuse($"{ex.Message}: stop the other process, or choose another address with --urls.");
}

return 0;

// One line on stderr and exit code 1: what an operator fixes by a setting or by stopping another process.
static int Refuse(string message)
{
    Console.Error.WriteLine($"warranty: {message}");
    return 1;
}

/// <summary>The front door: HTTP API, co-hosting a silo or joining a cluster as a client.</summary>
public partial class Program;
