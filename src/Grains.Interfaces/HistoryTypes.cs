using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warranty.Grains.Interfaces;

/// <summary>What JSON type a history value has on the wire. Stored values are strings; this says how to read them.</summary>
public enum HistoryValueKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>A 15-digit IMEI.</summary>
    Imei,

    /// <summary>An 8-digit TAC.</summary>
    Tac,

    /// <summary>A claim id.</summary>
    ClaimId,

    /// <summary>A calendar date, <c>yyyy-MM-dd</c> (Japan time).</summary>
    Date,

    /// <summary>A JSON boolean.</summary>
    Boolean,

    /// <summary>A JSON integer.</summary>
    Integer,

    /// <summary>One of the values of the enum named by <see cref="HistoryField.Values"/>.</summary>
    Choice,
}

/// <summary>One value a history entry of some type carries in its <c>data</c>.</summary>
public sealed record HistoryField(string Name, HistoryValueKind Kind, string Description, bool Nullable = false, Type? Values = null)
{
    public static HistoryField Choice<T>(string name, string description, bool nullable = false) where T : struct, Enum =>
        new(name, HistoryValueKind.Choice, description, nullable, typeof(T));
}

/// <summary>A kind of history entry: its <c>type</c>, what it records, and exactly the values its <c>data</c> carries.</summary>
public sealed record HistoryType(string Name, string Description, IReadOnlyList<HistoryField> Fields)
{
    /// <summary>
    /// A new entry of this type. Its data must name exactly this type's fields (a claim's entries get <c>claimId</c> from
    /// the caller too), so what the line records and what the contract publishes cannot drift apart.
    /// </summary>
    public HistoryEntry Entry(DateTimeOffset at, string actor, IReadOnlyDictionary<string, string?> data)
    {
        if (data.Count != Fields.Count || Fields.Any(f => !data.ContainsKey(f.Name) || (!f.Nullable && data[f.Name] is null)))
        {
            throw new InvalidOperationException(
                $"History entry '{Name}' must carry exactly [{string.Join(", ", Fields.Select(f => f.Name))}] (non-null unless nullable); " +
                $"it was given [{string.Join(", ", data.Select(d => d.Value is null ? d.Key + "=null" : d.Key))}].");
        }

        return new HistoryEntry(at, Name, actor, data);
    }
}

/// <summary>
/// Every kind of entry a line's history records, in one place: the line writes entries through these, the API reads
/// stored values back into their JSON types with them, and the OpenAPI document's schema per entry type is built from
/// them.
/// </summary>
public static class HistoryTypes
{
    private static readonly HistoryField Claim = new("claimId", HistoryValueKind.ClaimId, "The claim the entry is about.");

    public static readonly HistoryType LineCreated = new("line_created", "The line was created (ENR-1).",
    [
        HistoryField.Choice<Plan>("plan", "The plan it was created with."),
        HistoryField.Choice<SimType>("simType", "Physical SIM or eSIM."),
        new("serviceStartDate", HistoryValueKind.Date, "The line's service start date."),
        new("warrantyOption", HistoryValueKind.Boolean, "Whether the warranty option was taken with the line."),
    ]);

    public static readonly HistoryType PlanChanged = new("plan_changed", "The line's plan was changed (ENR-4).",
    [
        HistoryField.Choice<Plan>("from", "The plan before."),
        HistoryField.Choice<Plan>("to", "The plan after."),
    ]);

    public static readonly HistoryType OptionTerminated = new("option_terminated", "The option was terminated (COV-7, BIL-3).",
    [
        new("date", HistoryValueKind.Date, "The termination date: the option's last day of coverage."),
    ]);

    public static readonly HistoryType LineCancelled = new("line_cancelled", "The line was cancelled (ENR-3).",
    [
        new("date", HistoryValueKind.Date, "The cancellation date."),
        new("optionTerminatedOn", HistoryValueKind.Date, "The option's last day after the cancellation; null when the line had no option.", Nullable: true),
    ]);

    public static readonly HistoryType DeviceRegistered = new("device_registered", "A device was registered as the covered device (REG-1).",
    [
        new("imei", HistoryValueKind.Imei, "The registered device."),
        new("model", HistoryValueKind.Text, "Its model name, from the catalogue."),
    ]);

    public static readonly HistoryType DeviceCorrected = new("device_corrected", "The registration was corrected within its window (REG-4).",
    [
        new("imei", HistoryValueKind.Imei, "The newly registered device."),
        new("model", HistoryValueKind.Text, "Its model name, from the catalogue."),
        new("replacesImei", HistoryValueKind.Imei, "The device it replaces, which becomes released."),
    ]);

    public static readonly HistoryType ClaimFiled = new("claim_filed", "A claim was filed and accepted (CLM-13).",
    [
        Claim,
        new("imei", HistoryValueKind.Imei, "The device the claim is for."),
        HistoryField.Choice<Incident>("incident", "What happened to it."),
        new("loanerRequested", HistoryValueKind.Boolean, "Whether a loaner was requested (CLM-12)."),
        new("note", HistoryValueKind.Text, "The note given with the claim; null when none was.", Nullable: true),
    ]);

    public static readonly HistoryType ClaimWithdrawn = new("claim_withdrawn", "The claim was withdrawn before its device was received.", [Claim]);

    public static readonly HistoryType ClaimDeviceReceived = new("claim_device_received", "The faulty device was received (CLM-7); the declarations are recorded as given.",
    [
        Claim,
        new("consentFormEnclosed", HistoryValueKind.Boolean, "Always true: without the form the receipt is refused."),
        new("simAndSdRemoved", HistoryValueKind.Boolean, "Declared: SIM and microSD removed."),
        new("esimErased", HistoryValueKind.Boolean, "Declared: eSIM erased."),
        new("dataErased", HistoryValueKind.Boolean, "Declared: data migrated and erased."),
        new("eCertificateRevoked", HistoryValueKind.Boolean, "Declared: electronic certificate revoked."),
    ]);

    public static readonly HistoryType ClaimInspected = new("claim_inspected", "The device was inspected: repair, exchange or rejection (CLM-2, CLM-8).",
    [
        Claim,
        HistoryField.Choice<InspectionOutcome>("outcome", "What the inspection decided."),
        HistoryField.Choice<RejectReason>("reason", "Why the claim was rejected; null unless the outcome is `reject`.", nullable: true),
    ]);

    public static readonly HistoryType ClaimRepairCompleted = new("claim_repair_completed", "The repair was completed (CLM-4, CLM-6).",
    [
        Claim,
        new("repairCostYen", HistoryValueKind.Integer, "What the repair cost, in yen before the cap."),
        new("makerReplacementImei", HistoryValueKind.Imei, "The maker's replacement unit that became the covered device (CLM-6); null when the device was repaired.", Nullable: true),
    ]);

    public static readonly HistoryType ClaimExchangeShipped = new("claim_exchange_shipped", "An exchange device was shipped from stock (CLM-9).",
    [
        Claim,
        new("replacementImei", HistoryValueKind.Imei, "The exchange device."),
        new("tac", HistoryValueKind.Tac, "Its model's TAC."),
    ]);

    public static readonly HistoryType ClaimExchangeDelivered = new("claim_exchange_delivered", "The exchange device was delivered and became the covered device (CLM-9, CLM-3).",
    [
        Claim,
        new("replacementImei", HistoryValueKind.Imei, "The exchange device, now covered."),
        new("useNumber", HistoryValueKind.Integer, "Which use of the contract year this exchange is (1 or 2), which sets its fee."),
    ]);

    public static readonly HistoryType ClaimInitialDefectReported = new("claim_initial_defect_reported", "The delivered exchange device was reported defective on arrival (CLM-11).", [Claim]);

    /// <summary>Every type, in the order the OpenAPI document lists them.</summary>
    public static readonly IReadOnlyList<HistoryType> All =
    [
        LineCreated, PlanChanged, OptionTerminated, LineCancelled, DeviceRegistered, DeviceCorrected,
        ClaimFiled, ClaimWithdrawn, ClaimDeviceReceived, ClaimInspected, ClaimRepairCompleted,
        ClaimExchangeShipped, ClaimExchangeDelivered, ClaimInitialDefectReported,
    ];

    private static readonly Dictionary<string, HistoryType> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static HistoryType? Find(string name) => ByName.GetValueOrDefault(name);
}

/// <summary>How values are stored in a history entry's data (invariant text), read back by <see cref="HistoryValueKind"/>.</summary>
public static class HistoryValues
{
    public static string Of(bool value) => value ? "true" : "false";

    public static string Of(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The entry's data with each value its type declares read into its JSON type (what the history endpoint and the
    /// event log show); values the type does not declare are left out. An entry of a type this build does not know
    /// (written by a newer one) keeps its values as stored.
    /// </summary>
    public static JsonObject Json(HistoryEntry entry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteValues(writer, entry);
            writer.WriteEndObject();
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>Writes the entry's values, as <see cref="Json"/> shows them, as properties of the object <paramref name="writer"/> is in.</summary>
    public static void WriteValues(Utf8JsonWriter writer, HistoryEntry entry)
    {
        if (HistoryTypes.Find(entry.Type) is not { } type)
        {
            foreach (var (name, value) in entry.Data)
            {
                writer.WriteString(name, value);
            }

            return;
        }

        foreach (var field in type.Fields)
        {
            var value = entry.Data.GetValueOrDefault(field.Name);
            if (value is null)
            {
                writer.WriteNull(field.Name);
            }
            else if (field.Kind == HistoryValueKind.Boolean)
            {
                writer.WriteBoolean(field.Name, value == "true");
            }
            else if (field.Kind == HistoryValueKind.Integer)
            {
                writer.WriteNumber(field.Name, long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteString(field.Name, value);
            }
        }
    }
}
