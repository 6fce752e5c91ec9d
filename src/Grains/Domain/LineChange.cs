using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>
/// What a transition of a line decides: the line's next state (with its history entries) and the changes its device
/// grains must be told. The line stores both in one write, the notices in its <see cref="LineState.Outbox"/>, and
/// delivers the notices after.
/// </summary>
public sealed record LineChange(LineState Line, IReadOnlyList<OutboxItem> Notices)
{
    /// <summary>Nothing to store: the line stays as it is.</summary>
    public static LineChange None(LineState line) => new(line, []);

    public static implicit operator LineChange(LineState line) => new(line, []);

    /// <summary>A transition's success: <paramref name="change"/>.</summary>
    public static Result<LineChange> Ok(LineChange change) => Result<LineChange>.Ok(change);

    /// <summary>The state to store: <see cref="Line"/> with the notices added to its outbox.</summary>
    public LineState ToStore() => Notices.Count == 0 ? Line : Line with { Outbox = [.. Line.Outbox, .. Notices] };

    /// <summary>The ids of the line's claims on <paramref name="imei"/>: handed to the device when it leaves the line.</summary>
    public static string[] ClaimIdsOn(LineState line, string imei) =>
        line.Claims.Where(c => c.Imei == imei).Select(c => c.ClaimId).ToArray();
}

/// <summary>The history entries of a line's changes (HistoryTypes declares each type's values).</summary>
internal static class LineHistory
{
    public static IReadOnlyList<HistoryEntry> With(LineState line, EventContext context, HistoryType type, Dictionary<string, string?> data) =>
        [.. line.History, type.Entry(context.At, context.Actor, data)];

    /// <summary>An entry about <paramref name="claim"/>: its values and the claim's id.</summary>
    public static IReadOnlyList<HistoryEntry> WithClaim(LineState line, EventContext context, HistoryType type, ClaimState claim, Dictionary<string, string?> data)
    {
        data["claimId"] = claim.ClaimId;
        return With(line, context, type, data);
    }

    public static string Date(DateOnly date) => WireNames.Date(date);

    public static string Wire<T>(T value) where T : struct, Enum => WireNames.Of(value);
}

/// <summary>The refusals every change of a line may answer with.</summary>
public static class LineErrors
{
    public static WarrantyError NotFound(string lineId) => WarrantyError.NotFound(ErrorCodes.LineNotFound, $"Line '{lineId}' does not exist.");

    public static WarrantyError Cancelled(string lineId) => WarrantyError.Conflict(ErrorCodes.LineCancelled, $"Line '{lineId}' is cancelled.");

    public static WarrantyError NoOption() => WarrantyError.Conflict(ErrorCodes.NoOption, "The line has no warranty option.");

    public static WarrantyError ClaimNotFound(string lineId, string claimId) =>
        WarrantyError.NotFound(ErrorCodes.ClaimNotFound, $"Line '{lineId}' has no claim '{claimId}'.");
}
