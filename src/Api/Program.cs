using Warranty.Api.Features;
using Warranty.Api.Hosting;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Hosting;

if (DevTokenCommand.IsInvoked(args))
{
    return DevTokenCommand.Run(args);
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

builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = BodyLimit.Bytes);
builder.AddWarrantyAuth();
builder.AddWarrantyOrleans();
builder.Services.AddWarrantyHttp();
builder.Services.AddWarrantyRateLimits(builder.Configuration);
builder.Services.AddWarrantyHealth(builder.Configuration);

var app = builder.Build();
app.UseWarrantyHttp();
app.MapWarrantyHealth();
app.MapCatalog();
app.MapLines();
app.MapDevices();
app.MapClaims();
app.MapImport();
if (export is not null)
{
    return await OpenApiExport.WriteAsync(app, export);
}

app.Run();
return 0;

/// <summary>The front door: HTTP API, co-hosting a silo or joining a cluster as a client.</summary>
public partial class Program;
