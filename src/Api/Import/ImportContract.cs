using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Warranty.Api.Features;
using Warranty.Api.Http;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Import;

/// <summary>
/// One line of an import body: an existing subscriber's line, and the device it registered back then.
/// Fields bind loosely, as the public endpoints' bodies do, so one error names every bad field; they are read with
/// <c>POST /v1/lines</c>'s and <c>PUT …/device</c>'s readers.
/// </summary>
[Description("One NDJSON line of an import: an existing subscriber's line and, optionally, the device registered on it.")]
public sealed record ImportRecord(
    [property: Required] string? LineId,
    [property: Required, WireEnum(typeof(Plan))] string? Plan,
    [property: Required, WireEnum(typeof(SimType))] string? SimType,
    [property: Required, Description("yyyy-MM-dd")] string? ServiceStartDate,
    [property: Required] bool? WarrantyOption,
    [property: Description("The covered device; omit for a line without a registered device.")] ImportDevice? Device = null)
    : RequestInput<(string LineId, CreateLineCommand Command, ImportDeviceWork? Device)>
{
    protected override (string LineId, CreateLineCommand Command, ImportDeviceWork? Device) Read(FieldReader read)
    {
        var (lineId, command) = LinesApi.CreateLineRequest.ReadLine(read, LineId, Plan, SimType, ServiceStartDate, WarrantyOption);
        return (lineId, command, read.Nested(nameof(Device), Device, out var device) ? Device.Read(device) : null);
    }
}

/// <summary>The device a subscriber registered, when (REG-2 window of its line), and its declarations.</summary>
public sealed record ImportDevice(
    [property: Required] string? Imei,
    [property: Required, Description("When the subscriber registered it: an ISO 8601 timestamp with an offset, inside the line's REG-2 window.")] string? RegisteredAt,
    [property: Required] DevicesApi.DeclarationsRequest? Declarations)
{
    internal ImportDeviceWork Read(FieldReader read)
    {
        var imei = read.Imei(nameof(Imei), Imei);
        var registeredAt = read.Timestamp(nameof(RegisteredAt), RegisteredAt);
        return new ImportDeviceWork(imei, registeredAt, DevicesApi.DeclarationsRequest.Read(read, nameof(Declarations), Declarations));
    }
}

/// <summary>A record's device, read: registered at <paramref name="RegisteredAt"/>, as <c>PUT …/device</c> would have then.</summary>
public sealed record ImportDeviceWork(string Imei, DateTimeOffset RegisteredAt, Declarations Declarations);

public enum ImportEventType
{
    Progress,
    Error,
    Summary,
}

/// <summary>
/// One line of the streamed response: <c>progress</c> (counts so far), <c>error</c> (one failed
/// record, by its line number) or the final <c>summary</c>. Fields that do not apply are left out.
/// </summary>
public sealed record ImportEvent(
    ImportEventType Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("error: the record's line number in the body (1-based).")] long? Line = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LineId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Rules = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Processed = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Imported = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Skipped = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Failed = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? RatePerSecond = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ElapsedMs = null);
