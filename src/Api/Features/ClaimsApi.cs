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
    public sealed record QuoteRequest([property: Required, WireEnum(typeof(Incident))] string? Incident, string? At, long? EstimatedRepairCostYen = null)
        : RequestInput<(Incident Incident, DateTimeOffset At, int? EstimatedRepairCostYen)>
    {
        protected override (Incident Incident, DateTimeOffset At, int? EstimatedRepairCostYen) Read(FieldReader read) =>
            (read.Enum<Incident>(nameof(Incident), Incident),
                read.Timestamp(nameof(At), At),
                EstimatedRepairCostYen is null ? null : read.Yen(nameof(EstimatedRepairCostYen), EstimatedRepairCostYen));
    }

    public sealed record FileClaimRequest([property: Required, WireEnum(typeof(Incident))] string? Incident, string? At, bool? LoanerRequested, string? Note)
        : RequestInput<(FileClaimCommand Command, DateTimeOffset At)>
    {
        protected override (FileClaimCommand Command, DateTimeOffset At) Read(FieldReader read)
        {
            var incident = read.Enum<Incident>(nameof(Incident), Incident);
            var at = read.Timestamp(nameof(At), At);
            var note = Note is null ? null : read.Text(nameof(Note), Note, MaxNoteLength);
            return (new FileClaimCommand(incident, read.Flag(nameof(LoanerRequested), LoanerRequested), note), at);
        }
    }

    /// <summary>A step whose only field, <c>at</c>, is optional: the body may be omitted (then <c>at</c> is now).</summary>
    public sealed record StepRequest(string? At) : RequestInput<DateTimeOffset>
    {
        protected override DateTimeOffset Read(FieldReader read) => read.Timestamp(nameof(At), At);
    }

    public sealed record DeviceReceiptRequest(
        string? At,
        [property: Required] bool? ConsentFormEnclosed,
        [property: Required] bool? SimAndSdRemoved,
        [property: Required] bool? EsimErased,
        [property: Required] bool? DataErased,
        [property: Required] bool? ECertificateRevoked) : RequestInput<(ClaimStep Step, DateTimeOffset At)>
    {
        protected override (ClaimStep Step, DateTimeOffset At) Read(FieldReader read) =>
            (new ClaimStep(
                ClaimStepKind.DeviceReceipt,
                Receipt: new DeviceReceipt(
                    read.Flag(nameof(ConsentFormEnclosed), ConsentFormEnclosed),
                    read.Flag(nameof(SimAndSdRemoved), SimAndSdRemoved),
                    read.Flag(nameof(EsimErased), EsimErased),
                    read.Flag(nameof(DataErased), DataErased),
                    read.Flag(nameof(ECertificateRevoked), ECertificateRevoked))),
                read.Timestamp(nameof(At), At));
    }

    /// <param name="Reason">Why a claim is rejected: required when <paramref name="Outcome"/> is <c>reject</c>, ignored otherwise.</param>
    public sealed record InspectionRequest(
        string? At,
        [property: Required, WireEnum(typeof(InspectionOutcome))] string? Outcome,
        [property: WireEnum(typeof(RejectReason))] string? Reason) : RequestInput<(ClaimStep Step, DateTimeOffset At)>
    {
        protected override (ClaimStep Step, DateTimeOffset At) Read(FieldReader read)
        {
            var outcome = read.Enum<InspectionOutcome>(nameof(Outcome), Outcome);
            RejectReason? reason = null;
            if (Reason is not null)
            {
                reason = read.Enum<RejectReason>(nameof(Reason), Reason);
            }
            else if (Outcome is not null && outcome == InspectionOutcome.Reject)
            {
                read.Error(nameof(Reason), "Required when the outcome is reject.");
            }

            var step = new ClaimStep(ClaimStepKind.Inspection, Outcome: outcome, Reason: outcome == InspectionOutcome.Reject ? reason : null);
            return (step, read.Timestamp(nameof(At), At));
        }
    }

    public sealed record RepairCompletionRequest(string? At, [property: Required] long? RepairCostYen, string? MakerReplacementImei)
        : RequestInput<(ClaimStep Step, DateTimeOffset At)>
    {
        protected override (ClaimStep Step, DateTimeOffset At) Read(FieldReader read)
        {
            var cost = read.Yen(nameof(RepairCostYen), RepairCostYen);
            var replacement = MakerReplacementImei is null ? null : read.Imei(nameof(MakerReplacementImei), MakerReplacementImei);
            return (new ClaimStep(ClaimStepKind.RepairCompletion, RepairCostYen: cost, Imei: replacement), read.Timestamp(nameof(At), At));
        }
    }

    public sealed record ExchangeShipmentRequest(string? At, [property: Required] string? ReplacementImei) : RequestInput<(ClaimStep Step, DateTimeOffset At)>
    {
        protected override (ClaimStep Step, DateTimeOffset At) Read(FieldReader read) =>
            (new ClaimStep(ClaimStepKind.ExchangeShipment, Imei: read.Imei(nameof(ReplacementImei), ReplacementImei)), read.Timestamp(nameof(At), At));
    }

    /// <summary>Notes are free text for the reception centre; bounded so a line's state stays small.</summary>
    public const int MaxNoteLength = 1_000;

    public static IEndpointRouteBuilder MapClaims(this IEndpointRouteBuilder app)
    {
        var claims = app.MapGroup("/v1/lines/{lineId}/claims").WithTags("Claims").RequireAccess(Policies.Operator).ReadRequests();
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
        var read = app.MapGroup("/v1/lines/{lineId}/claims").WithTags("Claims").RequireAccess(Policies.Line).ReadRequests();
        read.MapGet("/", List).WithName("listClaims").WithSummary("List a line's claims").Problems(404);
        read.MapGet("/{claimId}", Get).WithName("getClaim").WithSummary("Read a claim").Problems(404);
        return app;
    }

    public static async Task<Results<Ok<QuoteView>, ProblemHttpResult>> Quote(string lineId, QuoteRequest body, [AsParameters] Services services)
    {
        var (incident, at, estimate) = body.Command;
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).QuoteAsync(incident, at, estimate));
    }

    public static async Task<Results<Created<ClaimView>, ProblemHttpResult>> File(string lineId, FileClaimRequest body, HttpContext http, [AsParameters] Services services)
    {
        var (command, at) = body.Command;
        var result = await services.Grains.GetGrain<ILineGrain>(lineId).FileClaimAsync(command, new EventContext(at, Endpoints.Actor(http)));
        return result.Error is { } error
            ? Problems.From(error)
            : TypedResults.Created($"/v1/lines/{lineId}/claims/{result.Value!.ClaimId}", result.Value);
    }

    public static async Task<Results<Ok<IReadOnlyList<ClaimView>>, ProblemHttpResult>> List(string lineId, [AsParameters] Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetClaimsAsync());

    public static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> Get(string lineId, string claimId, [AsParameters] Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetClaimAsync(claimId));

    // A step without a body of its own is read as an empty one (then at is now): the request filter put it there.
    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Withdraw(string lineId, string claimId, StepRequest? body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, (new ClaimStep(ClaimStepKind.Withdrawal), body!.Command), http, services);

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> ReceiveDevice(string lineId, string claimId, DeviceReceiptRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.Command, http, services);

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Inspect(string lineId, string claimId, InspectionRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.Command, http, services);

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> CompleteRepair(string lineId, string claimId, RepairCompletionRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.Command, http, services);

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Ship(string lineId, string claimId, ExchangeShipmentRequest body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, body.Command, http, services);

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> Deliver(string lineId, string claimId, StepRequest? body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, (new ClaimStep(ClaimStepKind.ExchangeDelivery), body!.Command), http, services);

    public static Task<Results<Ok<ClaimView>, ProblemHttpResult>> ReportInitialDefect(string lineId, string claimId, StepRequest? body, HttpContext http, [AsParameters] Services services) =>
        StepAsync(lineId, claimId, (new ClaimStep(ClaimStepKind.InitialDefectReport), body!.Command), http, services);

    private static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> StepAsync(
        string lineId, string claimId, (ClaimStep Step, DateTimeOffset At) read, HttpContext http, Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).StepAsync(claimId, read.Step, new EventContext(read.At, Endpoints.Actor(http))));
}
