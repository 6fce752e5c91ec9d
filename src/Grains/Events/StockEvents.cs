using System.Text.Json;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Events;

/// <summary>
/// The exchange stock's events (CLM-9): each movement of a stock grain, recorded in the event log once like a line's
/// history entries. The movements a stock has not counted as published are its outbox: stored with the change that
/// made them, appended after that write, and dropped from the state once the log has them.
/// </summary>
public static class StockEvents
{
    /// <summary>An admin set the level: <see cref="StockMovementKind.Set"/>.</summary>
    public const string Set = "stock_set";

    /// <summary>A unit taken for a shipment: <see cref="StockMovementKind.Shipment"/>.</summary>
    public const string Taken = "stock_taken";

    /// <summary>The stable id of the stock's <paramref name="number"/>th movement (from 0).</summary>
    public static string IdOf(string tac, long number) => $"stock:{tac}:{number}";

    public static string TypeOf(StockMovementKind kind) => kind == StockMovementKind.Set ? Set : Taken;

    /// <summary>
    /// The event of <paramref name="movement"/>. Its line is the one a shipment went to (from the shipment key,
    /// <c>{lineId}/{claimId}</c>); a level set by an admin concerns no line (empty).
    /// </summary>
    public static LogEvent Of(PendingStockMovement movement, DateTimeOffset recordedAt)
    {
        var tac = movement.Tac;
        var line = movement.ShipmentKey is { } key && key.LastIndexOf('/') is var slash and > 0 ? key[..slash] : "";
        var data = JsonSerializer.Serialize(
            new StockMovement(tac, movement.Kind, movement.Delta, movement.Quantity, movement.ShipmentKey, movement.Model), EventJson.Options);
        return new LogEvent(IdOf(tac, movement.Number), line, TypeOf(movement.Kind), movement.At, recordedAt, data);
    }
}

/// <summary>
/// A stock movement as its event's data carries it: the level after it, the change it made, and the catalogue's name of
/// the model when the movement was made (<c>null</c> in movements recorded before the name was carried).
/// </summary>
public sealed record StockMovement(string Tac, StockMovementKind Kind, int Delta, int Quantity, string? ShipmentKey, string? Model = null);

/// <summary>
/// A movement the stock of <paramref name="Tac"/> has stored and not yet seen in the log: its <paramref name="Number"/>
/// makes its event id. <paramref name="Model"/> is the catalogue's name of the model then (absent from movements stored
/// before it was kept).
/// </summary>
public sealed record PendingStockMovement(
    string Tac, long Number, StockMovementKind Kind, int Delta, int Quantity, string? ShipmentKey, DateTimeOffset At, string? Model = null);
