using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Warranty.LoadTest.Http;

/// <summary>One attempt of a request, as the retry handler saw it: an answer (its body read) or a transport failure.</summary>
public readonly record struct Attempt(HttpRequestMessage Request, DateTimeOffset SentAt, HttpResponseMessage? Response, Exception? Failure)
{
    /// <summary>Failed in transport (no answer, a broken body, or the attempt's timeout) or answered 5xx: what is retried.</summary>
    public bool Transient => Response is null || Retries.IsTransient(Response.StatusCode);
}

/// <summary>
/// How the commands that create state (seed, exchanges) retry: a request that failed in transport, ran out of its
/// attempt's time or was answered 5xx is sent again, the same message with the same body and headers (so the same
/// Idempotency-Key), after a linear backoff (<see cref="Delay"/> × attempt, at most <see cref="MaxDelay"/>). Any other
/// answer, 429 and the other 4xx included, is returned as it is. A command that measures latency (run, probe) never retries.
/// </summary>
/// <param name="MaxAttempts">Attempts of one request, the first included.</param>
/// <param name="AttemptTimeout">How long one attempt may take, its body included.</param>
/// <param name="RetryFor">When set, a failed attempt is retried only while the request's first attempt is younger than this.</param>
/// <param name="OnAttempt">Told of every attempt, retried or not (counts, error logs).</param>
/// <param name="OnRetry">Told of each failed attempt that is retried.</param>
public sealed record RetryPolicy(
    int MaxAttempts,
    TimeSpan Delay,
    TimeSpan MaxDelay,
    TimeSpan AttemptTimeout,
    TimeSpan? RetryFor = null,
    Func<Attempt, ValueTask>? OnAttempt = null,
    Action? OnRetry = null);

/// <summary>
/// The resilience handler (Microsoft.Extensions.Http.Resilience) of a client with a <see cref="RetryPolicy"/>: a retry
/// strategy around a per-attempt timeout, around <see cref="AttemptHandler"/>, which reads each answer's body inside its
/// attempt, so that a body broken off is a transport failure of that attempt and is retried as the request was before.
/// </summary>
public static class Retries
{
    private static readonly HttpRequestOptionsKey<bool> Once = new("Warranty.LoadTest.Once");
    private static readonly HttpRequestOptionsKey<long> FirstSent = new("Warranty.LoadTest.FirstSent");

    /// <summary>Marks <paramref name="request"/> as not to be retried (a readiness check, a setup step that was never retried).</summary>
    public static HttpRequestMessage NotRetried(this HttpRequestMessage request)
    {
        request.Options.Set(Once, true);
        return request;
    }

    /// <summary>Whether a failed attempt of <paramref name="request"/> may be retried (it is not marked <see cref="NotRetried"/>).</summary>
    public static bool IsRetried(HttpRequestMessage request) => !request.Options.TryGetValue(Once, out _);

    public static bool IsTransient(HttpStatusCode status) => (int)status >= 500;

    /// <summary>A failure of the transport or of the attempt's time rather than an answer (not the caller's cancellation).</summary>
    public static bool IsTransport(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException or TimeoutRejectedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    public static DelegatingHandler Handler(RetryPolicy policy, HttpMessageHandler transport)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(policy, args.Outcome, args.Context)),
                MaxRetryAttempts = policy.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Linear,
                Delay = policy.Delay,
                MaxDelay = policy.MaxDelay,
                UseJitter = false,
                ShouldRetryAfterHeader = false,
                OnRetry = _ =>
                {
                    policy.OnRetry?.Invoke();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(policy.AttemptTimeout)
            .Build();
        return new ResilienceHandler(pipeline) { InnerHandler = new AttemptHandler(policy) { InnerHandler = transport } };
    }

    private static bool ShouldRetry(RetryPolicy policy, Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var transient = outcome.Exception is { } e ? IsTransport(e, context.CancellationToken) : IsTransient(outcome.Result!.StatusCode);
        if (!transient || context.GetRequestMessage() is not { } request || !IsRetried(request))
        {
            return false;
        }

        return policy.RetryFor is not { } window
            || (request.Options.TryGetValue(FirstSent, out var first) && Stopwatch.GetElapsedTime(first) <= window);
    }

    /// <summary>One attempt: sent, its body read into memory, and reported to <see cref="RetryPolicy.OnAttempt"/>.</summary>
    private sealed class AttemptHandler(RetryPolicy policy) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.Options.TryGetValue(FirstSent, out _))
            {
                request.Options.Set(FirstSent, Stopwatch.GetTimestamp());
            }

            var sentAt = DateTimeOffset.UtcNow;
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }
            catch (Exception e)
            {
                response?.Dispose();
                if (policy.OnAttempt is not null)
                {
                    await policy.OnAttempt(new Attempt(request, sentAt, null, e));
                }

                throw;
            }

            if (policy.OnAttempt is not null)
            {
                await policy.OnAttempt(new Attempt(request, sentAt, response, null));
            }

            return response;
        }
    }
}
