using System.Buffers;
using System.Text.Json;
using Warranty.Api.Http;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Import;

/// <summary>A record that passed the field checks, ready for the grains.</summary>
internal sealed record ImportWork(long Line, string LineId, CreateLineCommand Command, DateTimeOffset Now, ImportDeviceWork? Device);

/// <summary>Either work for the grains or the record's error.</summary>
internal readonly record struct ParsedRecord(ImportWork? Work, ImportEvent? Error);

/// <summary>
/// Turns one NDJSON line into a checked record with the public endpoints' readers (<see cref="ImportRecord"/> reads
/// itself as <c>POST /v1/lines</c> and <c>PUT …/device</c> read theirs: line id pattern, enums, dates, IMEI Luhn,
/// timestamps, the eight declarations).
/// </summary>
internal sealed class RecordParser(TimeProvider clock, JsonSerializerOptions json)
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 };

    public ParsedRecord Parse(ReadOnlySequence<byte> text, long line)
    {
        ImportRecord? record;
        try
        {
            var reader = new Utf8JsonReader(text, ReaderOptions);
            record = JsonSerializer.Deserialize<ImportRecord>(ref reader, json);
            if (reader.Read())
            {
                return Error(line, null, "One JSON object per line; the line goes on after it.", new() { ["body"] = ["Extra content after the object."] });
            }
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : "";
            var message = path.Length == 0 ? "Malformed JSON." : "The value has the wrong type or is malformed.";
            return Error(line, null, $"The line is not a valid JSON import record (byte {ex.BytePositionInLine ?? 0}).", new() { [path.Length == 0 ? "body" : path] = [message] });
        }

        if (record is null)
        {
            return Error(line, null, "The line must be a JSON object.", new() { ["body"] = ["Expected an object."] });
        }

        return Check(record, line);
    }

    private ParsedRecord Check(ImportRecord record, long line)
    {
        var read = new RequestReader(clock);
        if (!record.TryRead(read))
        {
            return new ParsedRecord(null, ErrorOf(line, record.LineId, read.Problem()));
        }

        var (lineId, command, device) = record.Command;
        return new ParsedRecord(new ImportWork(line, lineId, command, read.Now, device), null);
    }

    public static ImportEvent ErrorOf(long line, string? lineId, WarrantyError error, string? detail = null) =>
        new(ImportEventType.Error, line, lineId, error.Code, detail ?? error.Detail, error.Rules, error.Errors is { Count: > 0 } errors ? errors : null);

    private static ParsedRecord Error(long line, string? lineId, string detail, Dictionary<string, string[]> errors) =>
        new(null, new ImportEvent(ImportEventType.Error, line, lineId, ErrorCodes.InvalidRequest, detail, [], errors));
}
