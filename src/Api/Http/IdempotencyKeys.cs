using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// API.md: a POST may carry an <c>Idempotency-Key</c>. The key and a fingerprint of the request
/// (method, path, body) travel to the line grain in Orleans' RequestContext; the grain stores the
/// response with the effect, replays it for the same request and refuses the key for another.
/// A key is scoped to the line its request addresses (for <c>POST /v1/lines</c>, the body's lineId).
/// </summary>
public static partial class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(context);
            return;
        }

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
        RequestContext.Set(Idempotency.KeyName, key);
        RequestContext.Set(Idempotency.FingerprintName, Convert.ToHexString(hash.GetHashAndReset()));
        try
        {
            await next(context);
        }
        finally
        {
            RequestContext.Remove(Idempotency.KeyName);
            RequestContext.Remove(Idempotency.FingerprintName);
        }
    });

    [GeneratedRegex("^[\\x21-\\x7E]{1,128}$")]
    private static partial Regex KeyPattern();
}
