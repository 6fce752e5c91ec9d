using Warranty.Grains.Domain;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

/// <summary>
/// A keyed request being served (API.md's Idempotency-Key): its key and fingerprint, until when it is remembered, and
/// how to answer it from the state its effect is committed in.
/// </summary>
internal sealed record KeyedRequest(string Key, string Fingerprint, DateTimeOffset ExpiresAt, Func<LineState, object?> Respond);

/// <summary>
/// The line's persistent state, and the one place it is written. It holds the state as last stored
/// (<see cref="Committed"/>, what interleaving readers see) beside the state being worked on (<see cref="Line"/>),
/// stores a keyed request's record in the same write as the effect it answers for, and keeps track of an outbox
/// emptied in memory and not stored yet.
/// </summary>
internal sealed class LineStore(IPersistentState<LineState> state, TimeProvider time)
{
    /// <summary>The outbox was delivered and emptied in memory, or events were published, and no write has stored that yet.</summary>
    private bool _unsaved;

    /// <summary>A state stored before coverage periods were kept: its periods are derived once, on activation.</summary>
    public static bool NeedsPeriods(LineState line) => line.Option is { Registered: true, Periods.Count: 0 };

    /// <summary>
    /// Work the line finishes when it activates: a protocol a crash interrupted (an intent, a pending shipment or
    /// undelivered device changes), or coverage periods not derived yet. A device reading the stored line asks the line then.
    /// </summary>
    public static bool HasInterruptedWork(LineState line) =>
        line.PendingRegistration is not null || line.Outbox.Count > 0 || line.Claims.Any(c => c.PendingShipment is not null)
        || NeedsPeriods(line);

    /// <summary>The state being worked on: the last stored one, or the last one changed in memory.</summary>
    public LineState Line => state.State;

    /// <summary>The state as last stored: what the interleaving readers see while a request is between steps.</summary>
    public LineState Committed { get; private set; } = new();

    /// <summary>A protocol step failed: the activation is being dropped and must not write on its way out.</summary>
    public bool Broken { get; set; }

    /// <summary>The state loaded on activation is what is stored.</summary>
    public void Loaded() => Committed = state.State;

    /// <summary>
    /// Writes <paramref name="next"/>. For a keyed <paramref name="request"/>, its record goes in the same write: with
    /// its response when <paramref name="answers"/> (the write makes the request's effect visible), else without one
    /// (the request began and was not finished: a resume finishes it). Returns the state stored before.
    /// </summary>
    public async Task<LineState> StoreAsync(LineState next, KeyedRequest? request, bool answers = true)
    {
        if (request is not null && next.Exists)
        {
            var response = answers && request.Respond(next) is { } answer ? Idempotency.Serialize(answer) : null;
            var kept = next.Idempotency.FirstOrDefault(r => r.Key == request.Key)?.Response;
            var record = new IdempotencyRecord(request.Key, request.Fingerprint, request.ExpiresAt, response ?? kept);
            next = next with { Idempotency = Idempotency.Upsert(next.Idempotency, record, time.GetUtcNow()) };
        }

        // The count of published events only grows: a change computed before the last append was counted keeps it.
        if (next.EventsPublished < Line.EventsPublished)
        {
            next = next with { EventsPublished = Line.EventsPublished };
        }

        var before = Committed;
        await state.WriteAsync(next);
        Committed = next;
        _unsaved = false;
        return before;
    }

    /// <summary>
    /// The outbox was delivered. Not written now: the line's next write (or its deactivation) stores the empty outbox.
    /// Every device change is idempotent, so a crash before then only delivers them again on resume, exactly as a crash
    /// between delivery and a write would. This saves one of the writes of a claim filing.
    /// </summary>
    public void OutboxDelivered()
    {
        state.State = Line with { Outbox = [] };
        _unsaved = true;
    }

    /// <summary>
    /// The log holds the line's first <paramref name="count"/> history entries. Not written now, as
    /// <see cref="OutboxDelivered"/>: a crash before the next write only publishes them again, which the log ignores.
    /// </summary>
    public void Published(int count)
    {
        if (count > Line.EventsPublished)
        {
            state.State = Line with { EventsPublished = count };
            _unsaved = true;
        }
    }

    /// <summary>Stores what <see cref="OutboxDelivered"/> and <see cref="Published"/> changed when nothing has written the line since.</summary>
    public async Task FlushAsync()
    {
        if (_unsaved && !Broken)
        {
            await state.WriteAsync(Line);
            _unsaved = false;
        }
    }

    /// <summary>The record of keyed request <paramref name="key"/>, if one is kept (and not expired at <paramref name="now"/>, when given).</summary>
    public IdempotencyRecord? Record(string key, DateTimeOffset? now = null) =>
        Line.Idempotency.FirstOrDefault(r => r.Key == key && (now is null || r.ExpiresAt > now));

    /// <summary>The keyed request that began the unfinished work recorded under <paramref name="key"/>, to be answered when a resume finishes it.</summary>
    public KeyedRequest? Resuming(string? key, Func<LineState, object?> respond) =>
        key is not null && Record(key) is { } record ? new KeyedRequest(record.Key, record.Fingerprint, record.ExpiresAt, respond) : null;
}
