using System.Text.Json;
using System.Text.Json.Nodes;
using Warranty.Api.Features;
using Warranty.Api.Import;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// An example of every response body the API answers, built from the very types it serialises (so an example cannot name
/// a field the service does not write) and written with the service's JSON options. They tell one story, the same as the
/// request examples: line L-0001 (giga, eSIM, service start 2026-06-10) and its device 358240051111110, whose screen
/// cracked on 2026-08-01 and which was exchanged for 358240052222221.
/// </summary>
public static class ResponseExamples
{
    private static readonly TimeSpan Japan = TimeSpan.FromHours(9);

    private static DateTimeOffset At(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, Japan);

    private const string LineId = "L-0001";
    private const string Imei = "358240051111110";
    private const string Replacement = "358240052222221";
    private const string Tac = "35824005";
    private const string ClaimId = "C0001";

    private static readonly ContractYearView Year = new(new DateOnly(2026, 7, 1), new DateOnly(2027, 6, 30), 1, 1, 1, 8800);

    private static readonly LineView Line = new(LineId, Plan.Giga, SimType.Esim, new DateOnly(2026, 6, 10), LineStatus.Active, null,
        new OptionView(OptionStatus.Active, new DateOnly(2026, 7, 1), new DateOnly(2026, 6, 24), Replacement, null, Year));

    private static readonly IReadOnlyList<ChargeItem> ExchangeCharges =
    [
        new(ChargeKind.ExchangeFee, ClaimId, new DateOnly(2026, 8, 5), 4400, 400, true),
        new(ChargeKind.CodFee, ClaimId, new DateOnly(2026, 8, 5), 330, 30, true),
    ];

    private static readonly ClaimView Claim = new(ClaimId, LineId, Imei, Incident.ScreenCrack, ClaimStatus.Completed, At(8, 1, 10),
        new DateOnly(2026, 7, 1), true, ClaimService.Exchange, false, Replacement, null, null,
        [
            new(ClaimStatus.Received, At(8, 1, 10)), new(ClaimStatus.Inspecting, At(8, 2, 11)), new(ClaimStatus.ExchangePending, At(8, 3, 12)),
            new(ClaimStatus.ExchangeShipped, At(8, 4, 13)), new(ClaimStatus.Completed, At(8, 5, 14)),
        ],
        ExchangeCharges);

    private static HistoryRecord Entry(HistoryType type, DateTimeOffset at, string actor, Dictionary<string, string?> data) =>
        HistoryJson.Of(type.Entry(at, actor, data));

    private static readonly Dictionary<Type, object> Bodies = new()
    {
        [typeof(CatalogModel)] = new CatalogModel(Tac, "Acme", "A1", DeviceKind.Android, new DateOnly(2025, 6, 1), false, true, true, true, true),
        [typeof(ExchangeStock)] = new ExchangeStock(Tac, DeviceKind.Android, 5),
        [typeof(LineView)] = Line,
        [typeof(ReceptionView)] = new ReceptionView(Plan.Giga, "0120-000-000", "10:00-18:00 (Japan time), every day except 12/31-1/3", true),
        [typeof(ChargesView)] = new ChargesView(LineId, "2026-08", [new(ChargeKind.MonthlyFee, null, new DateOnly(2026, 8, 1), 550, 50, true), .. ExchangeCharges], 5280),
        [typeof(DeviceView)] = new DeviceView(Replacement, Tac, "A1", DeviceStatus.Covered, LineId, At(8, 5, 14), null, Imei,
            [], [new CoveragePeriod(LineId, new DateOnly(2026, 8, 5), null, null)]),
        [typeof(CoverageView)] = new CoverageView(Replacement, new DateOnly(2026, 9, 1), true, LineId, true, true, new DateOnly(2028, 6, 1),
            new DateOnly(2026, 8, 30), 1, true, 8800, []),
        [typeof(QuoteView)] = new QuoteView(true, [], true, 4400, 50000, 12000),
        [typeof(ClaimView)] = Claim,
        [typeof(HistoryRecord)] = Entry(HistoryTypes.ClaimExchangeDelivered, At(8, 5, 14), "operator-7",
            new() { ["claimId"] = ClaimId, ["replacementImei"] = Replacement, ["useNumber"] = HistoryValues.Of(1) }),
        [typeof(ImportEvent)] = new ImportEvent(ImportEventType.Progress, Processed: 10000, Imported: 9990, Skipped: 8, Failed: 2, RatePerSecond: 1250.5, ElapsedMs: 8000),
        [typeof(BillingRunRecord)] = BillingRunRecord.Of(new BillingRecord(new BillingItem(LineId, ExchangeCharges[0]), null)),
        [typeof(ProjectionStatus)] = new ProjectionStatus(812_345, 812_399, 54, 0.21, "silo-1/4242/5f0c", At(8, 5, 14).AddSeconds(15)),
        [typeof(ClaimsReport)] = new ClaimsReport(new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 30), 1_254,
        [
            new(Tac, "A1", Incident.ScreenCrack, ClaimOutcome.Exchange, 812),
            new(Tac, "A1", Incident.WaterDamage, ClaimOutcome.Exchange, 301),
            new("35391110", "Pixel 9", Incident.ScreenCrack, ClaimOutcome.Repair, 141),
        ], 0),
        [typeof(RefusalsReport)] = new RefusalsReport(new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 30),
        [
            new(RefusedOperation.Filing, "COV-4", 310),
            new(RefusedOperation.Registration, "REG-2", 95),
            new(RefusedOperation.Quote, "CLM-1", 12),
        ]),
        [typeof(TurnaroundReport)] = new TurnaroundReport(new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 30),
            [new(ClaimService.Repair, 141, 168.5, 312.25), new(ClaimService.Exchange, 1_113, 52.75, 96)], 0),
        [typeof(StockReport)] = new StockReport(new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 30), [new(Tac, "A1", 1_200, 0, 1_113, 287)], 0),
        [typeof(FeesReport)] = new FeesReport("2026-07", "2026-08",
            [new("2026-07", 10_250, 9_800, 9_800 * 550, 9_800 * 50), new("2026-08", 10_400, 10_010, 10_010 * 550, 10_010 * 50)], 0),
    };

    /// <summary>A whole history, for the history's example: what the story above recorded.</summary>
    private static readonly IReadOnlyList<HistoryRecord> History =
    [
        Entry(HistoryTypes.LineCreated, At(6, 10, 10), "operator-7", new()
        {
            ["plan"] = "giga", ["simType"] = "esim", ["serviceStartDate"] = "2026-06-10", ["warrantyOption"] = HistoryValues.Of(true),
        }),
        Entry(HistoryTypes.DeviceRegistered, At(6, 11, 10), "subscriber-L-0001", new() { ["imei"] = Imei, ["model"] = "A1" }),
        Entry(HistoryTypes.ClaimFiled, At(8, 1, 10), "operator-7", new()
        {
            ["claimId"] = ClaimId, ["imei"] = Imei, ["incident"] = "screen_crack", ["loanerRequested"] = HistoryValues.Of(false), ["note"] = "Dropped on the platform.",
        }),
        Entry(HistoryTypes.ClaimInspected, At(8, 3, 12), "operator-7", new() { ["claimId"] = ClaimId, ["outcome"] = "exchange", ["reason"] = null }),
        (HistoryRecord)Bodies[typeof(HistoryRecord)],
    ];

    /// <summary>An example body of <paramref name="type"/> (a list of an example's type: a list of one), or null when there is none.</summary>
    public static JsonNode? For(Type type, JsonSerializerOptions options)
    {
        if (type == typeof(IReadOnlyList<HistoryRecord>))
        {
            return JsonSerializer.SerializeToNode(History, options);
        }

        if (Bodies.TryGetValue(type, out var body))
        {
            return JsonSerializer.SerializeToNode(body, type, options);
        }

        var item = type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(type)
            ? element
            : null;
        return item is not null && Bodies.TryGetValue(item, out var one) ? new JsonArray(JsonSerializer.SerializeToNode(one, item, options)) : null;
    }

    /// <summary>An example problem document for <paramref name="status"/> on an operation of <paramref name="tag"/> at <paramref name="path"/>.</summary>
    public static JsonNode Problem(string status, string? tag, string path, JsonSerializerOptions options)
    {
        var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
        var problem = code switch
        {
            400 => Problems.Create(code, ErrorCodes.InvalidRequest, "The request has 1 invalid field.", errors: new Dictionary<string, string[]>
            {
                ["imei"] = ["An IMEI is 15 digits whose last is the Luhn check digit of the first 14 (REG-3)."],
            }),
            401 => Problems.Create(code, ErrorCodes.Unauthorized, Auth.AuthorizationProblems.MissingTokenDetail),
            403 => Problems.Create(code, ErrorCodes.Forbidden, Auth.AuthorizationProblems.ForbiddenDetail),
            404 when path.Contains("{claimId}", StringComparison.Ordinal) =>
                Problems.Create(code, ErrorCodes.ClaimNotFound, $"Line '{LineId}' has no claim 'C0042'."),
            404 when path.StartsWith("/v1/devices/", StringComparison.Ordinal) =>
                Problems.Create(code, ErrorCodes.DeviceNotFound, $"Device {Imei} is not registered."),
            404 when path.StartsWith("/v1/catalog/", StringComparison.Ordinal) || path.StartsWith("/v1/exchange-stock/", StringComparison.Ordinal) =>
                Problems.Create(code, ErrorCodes.ModelNotFound, $"TAC {Tac} is not in the model catalogue."),
            404 => Problems.Create(code, ErrorCodes.LineNotFound, $"Line '{LineId}' does not exist."),
            409 when tag is "Billing" or "Reports" => Problems.Create(code, ErrorCodes.NoReadModel, "The memory store keeps no read model: run the service with sqlite or postgres storage."),
            409 when tag == "Claims" => Problems.Create(code, ErrorCodes.InvalidClaimTransition, $"Claim {ClaimId} is completed; this step needs it inspecting."),
            409 => Problems.Create(code, ErrorCodes.LineCancelled, $"Line '{LineId}' is cancelled."),
            413 => Problems.Create(code, ErrorCodes.PayloadTooLarge, $"Request bodies are limited to {BodyLimit.Bytes / 1024} KiB."),
            415 => Problems.Create(code, ErrorCodes.UnsupportedMediaType, "The body has no Content-Type: send it as application/json (Content-Type: application/json)."),
            422 when tag == "Claims" => Problems.Create(code, ErrorCodes.ClaimRefused,
                "COV-5: the covered device was last used on this line on 2026-04-20, more than 90 days before the incident on 2026-08-01.", ["COV-5"]),
            422 when tag == "Devices" => Problems.Create(code, ErrorCodes.DeviceIneligible,
                "REG-6f: the model A1 was released on 2023-12-01, more than 24 months before the service start on 2026-06-10.", ["REG-6f"]),
            422 => Problems.Create(code, ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used with another request."),
            429 => Problems.Create(code, ErrorCodes.RateLimited, RateLimits.RateLimitedDetail),
            503 => Problems.Create(code, ErrorCodes.Overloaded, RateLimits.OverloadedDetail),
            _ => Problems.Create(code, Problems.CodeOf(code), "The request failed."),
        };
        if (code is 429 or 503)
        {
            problem.Extensions[Problems.RetryAfterSeconds] = 1;
        }

        return JsonSerializer.SerializeToNode(problem, options)!;
    }
}
