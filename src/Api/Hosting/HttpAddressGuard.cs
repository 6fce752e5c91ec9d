using System.Net;
using Warranty.Grains.Hosting;

namespace Warranty.Api.Hosting;

/// <summary>
/// Before anything starts: the HTTP addresses the server will listen on (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, or
/// Kestrel's default http://localhost:5000) are free, else <see cref="StartupFailure"/> with one line naming
/// <c>--urls</c>. (Kestrel would fail later, after the silo started, with three stack traces.)
/// </summary>
public static class HttpAddressGuard
{
    public const string DefaultUrl = "http://localhost:5000";

    /// <summary>Whether the server is Kestrel on sockets (not a test host's in-memory server).</summary>
    public static bool ServesHttp(IServiceProvider services) =>
        services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.GetType().Name.StartsWith("Kestrel", StringComparison.Ordinal) == true;

    public static void EnsureFree(IConfiguration configuration)
    {
        if (configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            return; // endpoints configured in detail: Kestrel reports its own binding errors
        }

        var urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : DefaultUrl;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                continue; // Kestrel reports a malformed URL itself
            }

            if (address.IsUnixPipe || address.Port == 0)
            {
                continue;
            }

            var ip = address.Host switch
            {
                "localhost" => IPAddress.Loopback,
                "*" or "+" => IPAddress.Any,
                var host when IPAddress.TryParse(host.Trim('[', ']'), out var literal) => literal,
                _ => IPAddress.Any, // Kestrel listens on every address for a host name
            };
            if (StartupGuards.IsInUse(ip, address.Port))
            {
                throw new StartupFailure(
                    $"The HTTP address {url} is in use by another process: stop it, or choose another address with --urls " +
                    $"(e.g. --urls http://127.0.0.1:{(address.Port == 65535 ? 8080 : address.Port + 1)}).");
            }
        }
    }
}
