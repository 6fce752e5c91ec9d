using System.Globalization;
using System.Text.Json.Nodes;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>A history entry as the API returns it: its data values in their JSON types (<see cref="HistoryTypes"/>).</summary>
public sealed record HistoryRecord(DateTimeOffset At, string Type, string Actor, JsonObject Data);

public static class HistoryJson
{
    /// <summary>The entry with each value its type declares read into its JSON type; values the type does not declare are left out.</summary>
    public static HistoryRecord Of(HistoryEntry entry)
    {
        var data = new JsonObject();
        if (HistoryTypes.Find(entry.Type) is { } type)
        {
            foreach (var field in type.Fields)
            {
                data[field.Name] = entry.Data.GetValueOrDefault(field.Name) is { } value ? Value(field.Kind, value) : null;
            }
        }
        else
        {
            // An entry of a type this build does not know (written by a newer one): its values as stored.
            foreach (var (name, value) in entry.Data)
            {
                data[name] = value;
            }
        }

        return new HistoryRecord(entry.At, entry.Type, entry.Actor, data);
    }

    public static IReadOnlyList<HistoryRecord> Of(IReadOnlyList<HistoryEntry> entries) => entries.Select(Of).ToList();

    private static JsonNode Value(HistoryValueKind kind, string value) => kind switch
    {
        HistoryValueKind.Boolean => JsonValue.Create(value == "true"),
        HistoryValueKind.Integer => JsonValue.Create(long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };
}
