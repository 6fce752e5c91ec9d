using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Orleans.Runtime;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// Maps what goes wrong below the handlers onto problem documents: a client's malformed body is a
/// 400 (or 413) with the contract's code, never a 500; an unreachable cluster is a 503.
/// </summary>
public sealed class ClientErrorHandler(IProblemDetailsService problems, ILogger<ClientErrorHandler> logger) : IExceptionHandler
{
    /// <summary>
    /// A silo died or the cluster is changing: the call did not reach a live silo, its silo died before it
    /// answered (the client's response timeout), or the grain's write lost to another activation of the grain
    /// while the cluster reassigned it (that activation is dropped and reloads). The grains finish interrupted
    /// steps themselves; a retry (with the same Idempotency-Key, for a write) gets the right answer.
    /// </summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
            or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException or Orleans.Storage.InconsistentStateException;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.Create(413, ErrorCodes.PayloadTooLarge, $"Request bodies are limited to {BodyLimit.Bytes / 1024} KiB."),
            BadHttpRequestException { InnerException: JsonException json } =>
                Problems.Create(400, ErrorCodes.InvalidRequest, "The body is not valid JSON for this request.", errors: JsonErrors(json)),
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType =>
                Problems.Create(415, ErrorCodes.UnsupportedMediaType, "Send the body as application/json."),
            BadHttpRequestException bad =>
                Problems.Create(400, ErrorCodes.InvalidRequest, "The request is not valid.", errors: new Dictionary<string, string[]> { ["body"] = [bad.Message] }),
            _ when IsUnavailable(exception) => Problems.Create(503, ErrorCodes.Unavailable, "The service is temporarily unavailable; retry shortly."),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = Problems.Create(500, ErrorCodes.InternalError, "An unexpected error occurred.");
        }

        if (problem.Status == 503)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        var path = json.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : "";
        return new Dictionary<string, string[]>
        {
            [path.Length == 0 ? "body" : path] = [json.Path is null ? "Malformed JSON." : "The value has the wrong type or is malformed."],
        };
    }
}

/// <summary>
/// Request bodies over 64 KiB are refused with 413 (Kestrel's limit, and a stream guard for other servers).
/// An endpoint with its own <see cref="IRequestSizeLimitMetadata"/> (the bulk import) gets that limit
/// instead, and answers for a body over it itself.
/// </summary>
public static class BodyLimit
{
    public const long Bytes = 64 * 1024;

    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = Bytes;
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } own)
        {
            limit = own.MaxRequestBodySize ?? long.MaxValue;
        }
        else if (context.Request.ContentLength > Bytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }
        else if (feature is null)
        {
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
        }

        await next(context);
    });

    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
