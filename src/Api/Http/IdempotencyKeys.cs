using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// API.md: a POST may carry an <c>Idempotency-Key</c>. The key and a fingerprint of the request
/// (method, path, body) travel to the line grain in Orleans' RequestContext; the grain stores the
/// response with the effect, replays it for the same request and refuses the key for another.
/// </summary>
/// <remarks>
/// A key is scoped to the principal (the token's <c>sub</c>: the grain sees <c>"{sub} {key}"</c>; a key
/// has no space, so the two never run together) and to the line its request addresses (for
/// <c>POST /v1/lines</c>, the body's lineId): two principals using the same key are two requests.
/// A duplicate that arrives while the first request with that principal and key is still being served
/// by this process is refused with 409 <c>idempotency_key_in_flight</c> and changes nothing; the caller
/// retries and then gets the replay. Across several front doors the duplicates meet in the line grain,
/// which serves them one after the other: the later one replays the first one's response.
/// </remarks>
public static partial class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app)
    {
        var inFlight = app.ApplicationServices.GetRequiredService<InFlight>();
        // Requests without a key (every GET) pass straight through, without an async step of their own.
        return app.Use((context, next) =>
            HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.TryGetValue(Header, out var values)
                ? KeyedAsync(context, next, values, inFlight)
                : next(context));
    }

    private static async Task KeyedAsync(HttpContext context, RequestDelegate next, Microsoft.Extensions.Primitives.StringValues values, InFlight inFlight)
    {
        var key = values.ToString();
        if (values.Count != 1 || !KeyPattern().IsMatch(key))
        {
            var problem = Problems.Create(
                StatusCodes.Status400BadRequest,
                ErrorCodes.InvalidRequest,
                "The Idempotency-Key header must be one value of 1–128 visible ASCII characters.",
                errors: new Dictionary<string, string[]> { [Header] = ["1–128 visible ASCII characters, once."] });
            await Results.Problem(problem).ExecuteAsync(context);
            return;
        }

        var scoped = $"{TokenClaims.SubjectOf(context.User)} {key}";
        if (!inFlight.TryBegin(scoped))
        {
            var problem = Problems.Create(
                StatusCodes.Status409Conflict,
                ErrorCodes.IdempotencyKeyInFlight,
                "A request with this Idempotency-Key is still being served; retry once it is answered to get its response.");
            await Results.Problem(problem).ExecuteAsync(context);
            return;
        }

        try
        {
            context.Request.EnableBuffering(BodyLimit.Bytes);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{context.Request.Method} {context.Request.Path}\n"));
            var buffer = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            context.Request.Body.Position = 0;
            IdempotencyContext.Set(scoped, Convert.ToHexString(hash.GetHashAndReset()));
            await next(context);
        }
        finally
        {
            IdempotencyContext.Clear();
            inFlight.End(scoped);
        }
    }

    /// <summary>The principal-scoped keys of the requests this process is serving now.</summary>
    public sealed class InFlight
    {
        private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);

        public bool TryBegin(string scopedKey) => _keys.TryAdd(scopedKey, 0);

        public void End(string scopedKey) => _keys.TryRemove(scopedKey, out _);
    }

    [GeneratedRegex("^[\\x21-\\x7E]{1,128}$")]
    private static partial Regex KeyPattern();
}
