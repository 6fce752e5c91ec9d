using System.Text.Json.Nodes;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>A history entry as the API returns it: its data values in their JSON types (<see cref="HistoryTypes"/>).</summary>
public sealed record HistoryRecord(DateTimeOffset At, string Type, string Actor, JsonObject Data);

public static class HistoryJson
{
    /// <summary>The entry with its values in their JSON types (<see cref="HistoryValues.Json"/>).</summary>
    public static HistoryRecord Of(HistoryEntry entry) => new(entry.At, entry.Type, entry.Actor, HistoryValues.Json(entry));

    public static IReadOnlyList<HistoryRecord> Of(IReadOnlyList<HistoryEntry> entries) => entries.Select(Of).ToList();
}
