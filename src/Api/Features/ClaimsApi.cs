using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>Claims (role: operator; a subscriber may read its own): quote, filing and every step after it.</summary>
public static class ClaimsApi
{
    /// <param name="EstimatedRepairCostYen">Optional: a repair estimate, to learn the excess over the cap (CLM-4).</param>
    public sealed record QuoteRequest([property: Required, WireEnum(typeof(Incident))] string? Incident, string? At, long? EstimatedRepairCostYen = null);

    public sealed record FileClaimRequest([property: Required, WireEnum(typeof(Incident))] string? Incident, string? At, bool? LoanerRequested, string? Note);

    /// <summary>A step whose only field, <c>at</c>, is optional: the body may be omitted (then <c>at</c> is now).</summary>
    public sealed record StepRequest(string? At);

    public sealed record DeviceReceiptRequest(
        string? At,
        [property: Required] bool? ConsentFormEnclosed,
        [property: Required] bool? SimAndSdRemoved,
        [property: Required] bool? EsimErased,
        [property: Required] bool? DataErased,
        [property: Required] bool? ECertificateRevoked);

    /// <param name="Reason">Why a claim is rejected: required when <paramref name="Outcome"/> is <c>reject</c>, ignored otherwise.</param>
    public sealed record InspectionRequest(
        string? At,
        [property: Required, WireEnum(typeof(InspectionOutcome))] string? Outcome,
        [property: WireEnum(typeof(RejectReason))] string? Reason);

    public sealed record RepairCompletionRequest(string? At, [property: Required] long? RepairCostYen, string? MakerReplacementImei);

    public sealed record ExchangeShipmentRequest(string? At, [property: Required] string? ReplacementImei);

    /// <summary>Notes are free text for the reception centre; bounded so a line's state stays small.</summary>
    public const int MaxNoteLength = 1_000;

    public static IEndpointRouteBuilder MapClaims(this IEndpointRouteBuilder app)
    {
        var claims = app.MapGroup("/v1/lines/{lineId}/claims").WithTags("Claims").RequireAccess(Policies.Operator);
        claims.MapPost("/quote", Quote).WithName("quoteClaim").WithSummary("Quote a claim without filing it (CLM-13, CLM-3, CLM-4)").Problems(404, 409);
        claims.MapPost("/", File).WithName("fileClaim").WithSummary("File a claim (CLM-1, CLM-13)").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/withdrawal", Withdraw).WithName("withdrawClaim").WithSummary("Withdraw a claim").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/device-receipt", ReceiveDevice).WithName("receiveClaimDevice").WithSummary("Record the receipt of the faulty device (CLM-7)").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/inspection", Inspect).WithName("inspectClaim").WithSummary("Record the inspection: repair, exchange or reject (CLM-2, CLM-8)").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/repair-completion", CompleteRepair).WithName("completeClaimRepair").WithSummary("Complete a repair, with its cost and any maker replacement (CLM-4, CLM-6)").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/exchange-shipment", Ship).WithName("shipClaimExchange").WithSummary("Ship the exchange device; stock is taken here (CLM-9)").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/exchange-delivery", Deliver).WithName("deliverClaimExchange").WithSummary("Record the exchange device's delivery (CLM-9, CLM-10)").Problems(404, 409, 422);
        claims.MapPost("/{claimId}/initial-defect-report", ReportInitialDefect).WithName("reportInitialDefect").WithSummary("Report a problem with a delivered exchange device (CLM-11)").Problems(404, 409, 422);

        // The line's own subscriber may read its claims.
        var read = app.MapGroup("/v1/lines/{lineId}/claims").WithTags("Claims").RequireAccess(Policies.Line);
        read.MapGet("/", List).WithName("listClaims").WithSummary("List a line's claims").Problems(404);
        read.MapGet("/{claimId}", Get).WithName("getClaim").WithSummary("Read a claim").Problems(404);
        return app;
    }

    public static async Task<Results<Ok<QuoteView>, ProblemHttpResult>> Quote(string lineId, QuoteRequest body, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var incident = read.Enum<Incident>("incident", body.Incident);
        var at = read.Timestamp("at", body.At);
        if (body.EstimatedRepairCostYen is < 0 or > int.MaxValue)
        {
            read.Error("estimatedRepairCostYen", "Must be a whole number of yen from 0.");
        }

        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).QuoteAsync(incident, at, (int?)body.EstimatedRepairCostYen));
    }

    public static async Task<Results<Created<ClaimView>, ProblemHttpResult>> File(string lineId, FileClaimRequest body, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var incident = read.Enum<Incident>("incident", body.Incident);
        var at = read.Timestamp("at", body.At);
        if (body.Note is { Length: > MaxNoteLength })
        {
            read.Error("note", $"At most {MaxNoteLength} characters.");
        }

        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        var command = new FileClaimCommand(incident, body.LoanerRequested ?? false, body.Note);
        var result = await services.Grains.GetGrain<ILineGrain>(lineId).FileClaimAsync(command, new EventContext(at, Endpoints.Actor(http)));
        return result.Error is { } error
            ? Problems.From(error)
            : TypedResults.Created($"/v1/lines/{lineId}/claims/{result.Value!.ClaimId}", result.Value);
    }

    public static async Task<Results<Ok<IReadOnlyList<ClaimView>>, ProblemHttpResult>> List(string lineId, [AsParameters] Services services)
    {
        if (Endpoints.InvalidLineId(services, lineId) is { } problem)
        {
            return problem;
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetClaimsAsync());
    }

    public static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> Get(string lineId, string claimId, [AsParameters] Services services)
    {
        if (Endpoints.InvalidLineId(services, lineId) is { } problem)
        {
            return problem;
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetClaimAsync(claimId));
    }

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Withdraw(string lineId, string claimId, StepRequest? body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body?.At, http, services, _ => new ClaimStep(ClaimStepKind.Withdrawal));

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> ReceiveDevice(string lineId, string claimId, DeviceReceiptRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.At, http, services, read => new ClaimStep(
            ClaimStepKind.DeviceReceipt,
            Receipt: new DeviceReceipt(
                read.Required("consentFormEnclosed", body.ConsentFormEnclosed),
                read.Required("simAndSdRemoved", body.SimAndSdRemoved),
                read.Required("esimErased", body.EsimErased),
                read.Required("dataErased", body.DataErased),
                read.Required("eCertificateRevoked", body.ECertificateRevoked))));

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Inspect(string lineId, string claimId, InspectionRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.At, http, services, read =>
        {
            var outcome = read.Enum<InspectionOutcome>("outcome", body.Outcome);
            RejectReason? reason = null;
            if (body.Reason is not null)
            {
                reason = read.Enum<RejectReason>("reason", body.Reason);
            }
            else if (body.Outcome is not null && outcome == InspectionOutcome.Reject)
            {
                read.Error("reason", "Required when the outcome is reject.");
            }

            return new ClaimStep(ClaimStepKind.Inspection, Outcome: outcome, Reason: outcome == InspectionOutcome.Reject ? reason : null);
        });

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> CompleteRepair(string lineId, string claimId, RepairCompletionRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.At, http, services, read =>
        {
            var cost = read.Required("repairCostYen", body.RepairCostYen);
            if (cost is < 0 or > int.MaxValue)
            {
                read.Error("repairCostYen", "Must be a whole number of yen from 0.");
            }

            var replacement = body.MakerReplacementImei is null ? null : read.Imei("makerReplacementImei", body.MakerReplacementImei);
            return new ClaimStep(ClaimStepKind.RepairCompletion, RepairCostYen: (int)Math.Clamp(cost, 0, int.MaxValue), Imei: replacement);
        });

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Ship(string lineId, string claimId, ExchangeShipmentRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.At, http, services, read => new ClaimStep(ClaimStepKind.ExchangeShipment, Imei: read.Imei("replacementImei", body.ReplacementImei)));

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Deliver(string lineId, string claimId, StepRequest? body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body?.At, http, services, _ => new ClaimStep(ClaimStepKind.ExchangeDelivery));

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> ReportInitialDefect(string lineId, string claimId, StepRequest? body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body?.At, http, services, _ => new ClaimStep(ClaimStepKind.InitialDefectReport));

    private static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> StepAsync(
        string lineId, string claimId, string? atText, HttpContext http, Services services, Func<RequestReader, ClaimStep> readStep)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var step = readStep(read);
        var at = read.Timestamp("at", atText);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).StepAsync(claimId, step, new EventContext(at, Endpoints.Actor(http))));
    }
}
