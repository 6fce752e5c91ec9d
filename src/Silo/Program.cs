using Microsoft.Extensions.Hosting;

using Warranty.Grains.Hosting;

// A silo alone, for a cluster of several on PostgreSQL membership (Warranty__Storage=postgres).
// Front doors join it with Warranty__Hosting=client.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddWarranty(builder.Configuration));
await builder.Build().RunAsync();
