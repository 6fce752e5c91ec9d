using System.Buffers;
using System.Text;
using System.Text.Json;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Events;

/// <summary>
/// A line's events: its history entries, each recorded in the event log once. The entries after
/// <see cref="LineState.EventsPublished"/> are the line's outbox for the log: written with the change that made them,
/// appended to the log after that write, and counted as published once the log has them. A crash in between only
/// appends them again, which the log ignores (the id is the entry's place in the line's history).
/// </summary>
public static class LineEvents
{
    /// <summary>Every history entry the line has ever had, archived ones included.</summary>
    public static int Total(LineState line) => line.ArchivedHistoryCount + line.History.Count;

    /// <summary>Whether some history entries are not recorded in the log yet.</summary>
    public static bool HasUnpublished(LineState line) => line.Exists && line.EventsPublished < Total(line);

    /// <summary>The stable id of the line's <paramref name="index"/>th history entry (from 0, archived ones included).</summary>
    public static string IdOf(string lineId, int index) => $"{lineId}:{index}";

    /// <summary>
    /// The events of the entries not recorded yet, recorded at <paramref name="recordedAt"/>. Entries already archived
    /// (a state from before the log) are not in the hot state any more and are left out.
    /// </summary>
    public static IReadOnlyList<LogEvent> Unpublished(LineState line, DateTimeOffset recordedAt) => Unpublished(line, line.EventsPublished, recordedAt);

    /// <summary>The events of the entries from the <paramref name="first"/>th on (those before are published or being published).</summary>
    public static IReadOnlyList<LogEvent> Unpublished(LineState line, int first, DateTimeOffset recordedAt)
    {
        var from = Math.Max(first, line.ArchivedHistoryCount);
        var events = new List<LogEvent>(Total(line) - from);
        for (var index = from; index < Total(line); index++)
        {
            var entry = line.History[index - line.ArchivedHistoryCount];
            events.Add(new LogEvent(IdOf(line.LineId, index), line.LineId, entry.Type, entry.At, recordedAt, DataOf(line, entry)));
        }

        return events;
    }

    /// <summary>
    /// The event's data: the entry's values in their JSON types, its <c>actor</c>, and, for the step that completes a
    /// claim (repair completed, exchange delivered), the <c>charges</c> that step incurred (BIL-4): the only entries that
    /// add charges, each claim's once.
    /// </summary>
    public static string DataOf(LineState line, HistoryEntry entry) => DataOf(entry, ChargesOf(line, entry));

    /// <summary>The data of an event of <paramref name="entry"/> that carries <paramref name="charges"/> (see <see cref="DataOf(LineState, HistoryEntry)"/>).</summary>
    public static string DataOf(HistoryEntry entry, IReadOnlyList<ChargeItem> charges)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            HistoryValues.WriteValues(writer, entry);
            writer.WriteString("actor", entry.Actor);
            if (charges.Count > 0)
            {
                writer.WriteStartArray("charges");
                foreach (var charge in charges)
                {
                    JsonSerializer.Serialize(writer, EventCharge.Of(charge), EventJson.Options);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static IReadOnlyList<ChargeItem> ChargesOf(LineState line, HistoryEntry entry) =>
        entry.Type == HistoryTypes.ClaimRepairCompleted.Name || entry.Type == HistoryTypes.ClaimExchangeDelivered.Name
            ? line.Claims.FirstOrDefault(c => c.ClaimId == entry.Data.GetValueOrDefault("claimId"))?.Charges ?? []
            : [];
}

/// <summary>A charge as an event carries it (the fields of the charges endpoint's items).</summary>
public sealed record EventCharge(string Kind, string? ClaimId, DateOnly Date, int AmountYen, int TaxYen, bool Taxable)
{
    public static EventCharge Of(ChargeItem item) => new(WireNames.Of(item.Kind), item.ClaimId, item.Date, item.AmountYen, item.TaxYen, item.Taxable);
}

/// <summary>How events' data is written and read: camelCase names and snake_case enum values, as the API.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };
}
