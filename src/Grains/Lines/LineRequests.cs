using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// The sequence every request that changes a line follows: served once per Idempotency-Key, the line's interrupted
/// work finished first, then one transition, its result stored once and its notices delivered (<see cref="LineProtocol"/>).
/// </summary>
internal sealed class LineRequests(string lineId, LineStore store, LineProtocol protocol, TimeProvider time)
{
    private LineState Line => store.Line;

    /// <summary>
    /// The sequence of a change of an existing line: finish interrupted work, run the transition, store its result
    /// once (a claim's with the claim's fault point) and deliver its notices, answer.
    /// </summary>
    public Task<Result<T>> ChangeAsync<T>(
        Func<LineState, T?> respond,
        Func<LineState, KeyedRequest?, ValueTask<Result<LineChange>>> transition,
        Func<LineState, Result<T>> answer,
        bool claim = false)
        where T : class =>
        ServeAsync(respond, async request =>
        {
            if (!Line.Exists)
            {
                return LineErrors.NotFound(lineId);
            }

            await protocol.ResumeAsync();
            var change = await transition(Line, request);
            return await ApplyAsync(change, request, claim) ?? answer(Line);
        });

    public Task<Result<T>> ChangeAsync<T>(
        Func<LineState, T?> respond, Func<LineState, KeyedRequest?, Result<LineChange>> transition, Func<LineState, Result<T>> answer)
        where T : class =>
        ChangeAsync(respond, (line, request) => ValueTask.FromResult(transition(line, request)), answer);

    /// <summary>Stores a transition's result, unless it is a refusal or changes nothing, and delivers its notices.</summary>
    public async Task<WarrantyError?> ApplyAsync(Result<LineChange> transition, KeyedRequest? request, bool claim = false)
    {
        if (transition.Error is { } error)
        {
            return error;
        }

        var change = transition.Value!;
        if (change.Notices.Count == 0 && ReferenceEquals(change.Line, Line))
        {
            return null;
        }

        if (claim)
        {
            await protocol.CommitClaimAsync(change, request);
            return null;
        }

        await protocol.CommitAsync(change, request);
        await protocol.DeliverOutboxAsync();
        return null;
    }

    /// <summary>
    /// Serves a request that may carry an Idempotency-Key (API.md): a replay returns the stored response and changes
    /// nothing; a reused key with another request is refused; a refusal leaves no record. The response is stored by
    /// <see cref="LineStore.StoreAsync"/> in the same write as the effect it answers for.
    /// </summary>
    public async Task<Result<T>> ServeAsync<T>(Func<LineState, T?> respond, Func<KeyedRequest?, Task<Result<T>>> action)
        where T : class
    {
        if (IdempotencyContext.Current is not { } keyed)
        {
            return await action(null);
        }

        var now = time.GetUtcNow();
        var existing = store.Record(keyed.Key, now);
        if (existing is not null && existing.Fingerprint != keyed.Fingerprint)
        {
            return WarrantyError.Refused(ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used with a different request.", []);
        }

        if (existing is { Response: null })
        {
            // The same request was interrupted: finishing its protocol stores its response.
            await protocol.ResumeAsync();
            existing = store.Record(keyed.Key, now);
        }

        if (existing?.Response is { } stored)
        {
            WarrantyMetrics.IdempotentReplay();
            return Result<T>.Ok(Idempotency.Deserialize<T>(stored));
        }

        var request = new KeyedRequest(keyed.Key, keyed.Fingerprint, existing?.ExpiresAt ?? now + Idempotency.Lifetime, line => respond(line));
        var result = await action(request);
        var record = store.Record(keyed.Key);
        if (result.IsSuccess && record?.Response is null)
        {
            // Nothing was committed by this request (a no-op, or a retry after a crash): answer now.
            await protocol.CommitAsync(Line, request);
        }
        else if (!result.IsSuccess && record is not null)
        {
            await protocol.CommitAsync(Line with { Idempotency = Idempotency.Without(Line.Idempotency, keyed.Key) }, null);
        }

        return result;
    }
}
