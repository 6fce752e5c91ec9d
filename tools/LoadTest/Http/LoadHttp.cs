using System.Net;

namespace Warranty.LoadTest.Http;

/// <summary>
/// The one <see cref="HttpClient"/> a command uses: a pooled handler sized for its concurrency, sending
/// <c>Authorization: Bearer $WARRANTY_TOKEN</c> with every request when that variable is set; with a
/// <see cref="RetryPolicy"/>, behind the resilience handler of <see cref="Retries"/>.
/// </summary>
public static class LoadHttp
{
    /// <summary>A bearer token for the service (e.g. from <c>Warranty.Api dev-token admin</c>); seeding needs an admin's.</summary>
    public const string TokenVariable = "WARRANTY_TOKEN";

    /// <param name="requestTimeout">How long a request may take; with <paramref name="retries"/>, its own <see cref="RetryPolicy.AttemptTimeout"/> bounds each attempt instead.</param>
    public static HttpClient Create(Uri baseAddress, int connections, TimeSpan requestTimeout, RetryPolicy? retries = null)
    {
        var transport = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        HttpMessageHandler handler = retries is null ? transport : Retries.Handler(retries, transport);
        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = retries is null ? requestTimeout : Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Trim());
        }

        return client;
    }

    /// <summary>Reads and discards a response body, so the connection goes back to the pool.</summary>
    public static async Task<long> DrainAsync(HttpResponseMessage response, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }
}
