using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>A string request field that carries one of an enum's snake_case values.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class WireEnumAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;
}

/// <summary>
/// Request bodies bind loosely (every field nullable) so that one 400 can name every bad field; this
/// puts the contract back into the OpenAPI document: the required fields, as the body's record declares them
/// (<see cref="RequestFields"/>, the same declaration its reader refuses a missing field by), and enum values. It
/// also describes the coverage period of a device (what each end reason means).
/// </summary>
public sealed class RequestSchemas : IOpenApiSchemaTransformer
{
    private static readonly string FeaturesNamespace = typeof(Features.LinesApi).Namespace!;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.Name.EndsWith("Request", StringComparison.Ordinal) && type.DeclaringType?.Namespace == FeaturesNamespace && schema.Properties is { } properties)
        {
            var fields = RequestFields.Of(type);
            schema.Required = new HashSet<string>(properties.Keys.Where(fields.IsRequired));
            foreach (var (name, property) in properties)
            {
                if (property is OpenApiSchema field)
                {
                    // Bound loosely (nullable) so one 400 names every bad field; the contract's required fields take no null.
                    if (schema.Required.Contains(name) && field.Type is { } fieldType)
                    {
                        field.Type = fieldType & ~JsonSchemaType.Null;
                    }

                    Constrain(name, field);
                }
            }
        }

        if (type.DeclaringType?.Namespace == FeaturesNamespace && Examples.TryGetValue(type.Name, out var example))
        {
            schema.Examples = [JsonNode.Parse(example)!];
        }

        if (type == typeof(Grains.Interfaces.CoveragePeriod))
        {
            schema.Description =
                "Japan dates, both ends included, in which the device was the covered device of the line's option. until and " +
                "endReason are null while the period lasts. endReason: replaced (an exchange device was delivered, CLM-9, or the " +
                "maker replaced the unit at repair completion, CLM-6: covered through the day before), released (another device " +
                "registered in its place, REG-4: through the day before), excluded (found modified at inspection, CLM-8: through " +
                "the day before the inspection), terminated (COV-7: through the termination date), cancelled (the line's " +
                "cancellation terminated the option, ENR-3: through that date).";
        }

        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(WireEnumAttribute), false).FirstOrDefault() is WireEnumAttribute wire)
        {
            schema.Enum = Names(wire.EnumType).Select(n => (JsonNode)JsonValue.Create(n)!).ToList();
        }

        return Task.CompletedTask;
    }

    /// <summary>A valid example of each request body (the reference page offers it; the linters check it against the schema).</summary>
    private static readonly Dictionary<string, string> Examples = new()
    {
        ["CreateLineRequest"] = """{"lineId":"L-0001","plan":"giga","simType":"esim","serviceStartDate":"2026-06-10","warrantyOption":true}""",
        ["ChangePlanRequest"] = """{"plan":"legacy"}""",
        ["DateRequest"] = """{"date":"2026-12-31"}""",
        ["RegisterDeviceRequest"] = """{"imei":"358240051111110","at":"2026-06-11T10:00:00+09:00","declarations":{"conditionOk":true,"ownedBySubscriber":true,"rentedOrLeased":false,"businessUse":false,"unofficialRepairOrModification":false,"thirdPartyLostOrStolen":false,"illegallyUnlocked":false,"coveredByOtherWarranty":false}}""",
        ["DeclarationsRequest"] = """{"conditionOk":true,"ownedBySubscriber":true,"rentedOrLeased":false,"businessUse":false,"unofficialRepairOrModification":false,"thirdPartyLostOrStolen":false,"illegallyUnlocked":false,"coveredByOtherWarranty":false}""",
        ["UsageRequest"] = """{"imei":"358240051111110","at":"2026-07-20T09:30:00+09:00"}""",
        ["QuoteRequest"] = """{"incident":"screen_crack","estimatedRepairCostYen":62000}""",
        ["FileClaimRequest"] = """{"incident":"screen_crack","at":"2026-08-01T10:00:00+09:00","loanerRequested":false,"note":"Dropped on the platform."}""",
        ["StepRequest"] = """{"at":"2026-08-05T14:00:00+09:00"}""",
        ["DeviceReceiptRequest"] = """{"at":"2026-08-02T11:00:00+09:00","consentFormEnclosed":true,"simAndSdRemoved":true,"esimErased":true,"dataErased":true,"eCertificateRevoked":true}""",
        ["InspectionRequest"] = """{"at":"2026-08-03T12:00:00+09:00","outcome":"exchange"}""",
        ["RepairCompletionRequest"] = """{"at":"2026-08-04T13:00:00+09:00","repairCostYen":62000}""",
        ["ExchangeShipmentRequest"] = """{"at":"2026-08-04T13:00:00+09:00","replacementImei":"358240052222221"}""",
        ["PutModelRequest"] = """{"maker":"Acme","model":"A1","kind":"android","releaseDate":"2025-06-01","wifiOnly":false,"soldInJapan":true,"hasGiteki":true,"repairableInJapan":true,"exchangeDesignated":true}""",
        ["PutStockRequest"] = """{"quantity":5}""",
    };

    /// <summary>The format, pattern or bounds of a request field, by its name (the same names mean the same thing everywhere).</summary>
    private static void Constrain(string name, OpenApiSchema field)
    {
        switch (name)
        {
            case "lineId":
                field.Pattern = "^[A-Za-z0-9-]{1,32}$";
                field.Description = "1–32 of A–Z, a–z, 0–9 and '-'.";
                break;
            case "imei" or "replacementImei" or "makerReplacementImei":
                field.Pattern = "^[0-9]{15}$";
                field.Description = "An IMEI: 15 digits whose last is the Luhn check digit of the first 14 (REG-3); the first 8 (the TAC) must be in the catalogue.";
                break;
            case "serviceStartDate" or "date" or "releaseDate":
                field.Format = "date";
                field.Description = $"A date, yyyy-MM-dd, from {RequestReader.MinYear}-01-01 to {RequestReader.MaxYear}-12-31.";
                break;
            case "at" or "registeredAt":
                field.Format = "date-time";
                field.Description = "A timestamp with its offset (RFC 3339, e.g. 2026-06-01T10:00:00+09:00), at most " +
                    $"{RequestReader.FutureTolerance.TotalMinutes:0} minutes ahead of the service's clock; omitted (where optional): now.";
                break;
            case "quantity" or "repairCostYen" or "estimatedRepairCostYen":
                field.Minimum = "0";
                field.Maximum = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "note":
                field.MaxLength = Features.ClaimsApi.MaxNoteLength;
                break;
        }
    }

    private static IEnumerable<string> Names(Type enumType) =>
        Enum.GetNames(enumType).Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n));
}
