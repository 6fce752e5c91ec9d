using System.Buffers;
using System.Text.Json;
using Warranty.Api.Features;
using Warranty.Api.Http;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Import;

/// <summary>A record that passed the field checks, ready for the grains.</summary>
internal sealed record ImportWork(long Line, string LineId, CreateLineCommand Command, DateTimeOffset Now, ImportDeviceWork? Device);

internal sealed record ImportDeviceWork(string Imei, DateTimeOffset RegisteredAt, Declarations Declarations);

/// <summary>Either work for the grains or the record's error.</summary>
internal readonly record struct ParsedRecord(ImportWork? Work, ImportEvent? Error);

/// <summary>
/// Turns one NDJSON line into a checked record with the public endpoints' rules
/// (<see cref="RequestReader"/>: line id pattern, enums, dates, IMEI Luhn, timestamps).
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
        var lineId = read.LineId("lineId", record.LineId);
        var command = new CreateLineCommand(
            read.Enum<Plan>("plan", record.Plan),
            read.Enum<SimType>("simType", record.SimType),
            read.Date("serviceStartDate", record.ServiceStartDate),
            read.Required("warrantyOption", record.WarrantyOption));
        ImportDeviceWork? device = null;
        if (record.Device is { } d)
        {
            var imei = read.Imei("device.imei", d.Imei);
            if (d.RegisteredAt is null)
            {
                read.Error("device.registeredAt", "The field is required.");
            }

            var registeredAt = read.Timestamp("device.registeredAt", d.RegisteredAt);
            var x = d.Declarations;
            if (x is null)
            {
                read.Error("device.declarations", "The field is required.");
            }

            var declarations = new Declarations(
                read.Required("device.declarations.conditionOk", x?.ConditionOk ?? Missing(x)),
                read.Required("device.declarations.ownedBySubscriber", x?.OwnedBySubscriber ?? Missing(x)),
                read.Required("device.declarations.rentedOrLeased", x?.RentedOrLeased ?? Missing(x)),
                read.Required("device.declarations.businessUse", x?.BusinessUse ?? Missing(x)),
                read.Required("device.declarations.unofficialRepairOrModification", x?.UnofficialRepairOrModification ?? Missing(x)),
                read.Required("device.declarations.thirdPartyLostOrStolen", x?.ThirdPartyLostOrStolen ?? Missing(x)),
                read.Required("device.declarations.illegallyUnlocked", x?.IllegallyUnlocked ?? Missing(x)),
                read.Required("device.declarations.coveredByOtherWarranty", x?.CoveredByOtherWarranty ?? Missing(x)));
            device = new ImportDeviceWork(imei, registeredAt, declarations);
        }

        if (read.Failed)
        {
            var problem = read.Problem();
            return new ParsedRecord(null, ErrorOf(line, record.LineId, problem));
        }

        return new ParsedRecord(new ImportWork(line, lineId, command, read.Now, device), null);
    }

    public static ImportEvent ErrorOf(long line, string? lineId, WarrantyError error, string? detail = null) =>
        new(ImportEventType.Error, line, lineId, error.Code, detail ?? error.Detail, error.Rules, error.Errors is { Count: > 0 } errors ? errors : null);

    private static ParsedRecord Error(long line, string? lineId, string detail, Dictionary<string, string[]> errors) =>
        new(null, new ImportEvent(ImportEventType.Error, line, lineId, ErrorCodes.InvalidRequest, detail, [], errors));

    // When the whole declarations object is missing, one error for it is enough (as PUT …/device does).
    private static bool? Missing(DevicesApi.DeclarationsRequest? d) => d is null ? false : null;
}
