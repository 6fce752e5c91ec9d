using System.Net;
using Warranty.LoadTest.Cli;

namespace Warranty.LoadTest.Http;

/// <summary>
/// The service under test. Load is only ever sent to this machine: a URL whose host is not a loopback
/// address (127.0.0.0/8, ::1) or <c>localhost</c> is refused before anything is sent.
/// </summary>
public static class Target
{
    public static Uri Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url must be an absolute http(s) URL such as http://127.0.0.1:5000, not '{url}'.");
        }

        if (!IsLoopback(uri))
        {
            throw new UsageException($"--url must point at this machine (127.0.0.1, ::1 or localhost), not '{uri.Host}': the load tool sends traffic only to loopback addresses.");
        }

        // A trailing slash keeps relative paths ("v1/...") under any path prefix of the base address.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback
        || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
