using Warranty.Grains.Hosting;
using Warranty.Grains.Storage;

namespace Warranty.Api.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// <c>Warranty:Hosting</c>: <c>silo</c> (default) runs a silo inside this process;
    /// <c>client</c> joins an existing cluster (PostgreSQL membership) as a pure client.
    /// </summary>
    public const string ModeKey = "Warranty:Hosting";

    public static WebApplicationBuilder AddWarrantyOrleans(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration[ModeKey] ?? "silo";
        switch (mode.ToLowerInvariant())
        {
            case "silo":
                builder.UseOrleans(silo => silo.AddWarranty(builder.Configuration));
                break;
            case "client":
                builder.UseOrleansClient(client => client.AddWarrantyClustering(builder.Configuration));
                break;
            default:
                throw new InvalidOperationException($"{ModeKey} must be 'silo' or 'client', not '{mode}'.");
        }

        return builder;
    }
}
