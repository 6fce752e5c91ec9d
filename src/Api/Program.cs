using Warranty.Api.Features;
using Warranty.Api.Hosting;
using Warranty.Api.Http;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = BodyLimit.Bytes);
builder.AddWarrantyOrleans();
builder.Services.AddWarrantyHttp();
builder.Services.AddWarrantyHealth(builder.Configuration);

var app = builder.Build();
app.UseWarrantyHttp();
app.MapWarrantyHealth();
app.MapCatalog();
app.MapLines();
app.MapDevices();
app.MapClaims();
app.MapImport();
app.Run();

/// <summary>The front door: HTTP API, co-hosting a silo or joining a cluster as a client.</summary>
public partial class Program;
