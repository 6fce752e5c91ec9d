using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Api.Http;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Features;

/// <summary>Lines and their option (role: operator; a subscriber reads and terminates its own).</summary>
public static class LinesApi
{
    public sealed record CreateLineRequest(
        [property: Required] string? LineId,
        [property: Required, WireEnum(typeof(Plan))] string? Plan,
        [property: Required, WireEnum(typeof(SimType))] string? SimType,
        [property: Required] string? ServiceStartDate,
        [property: Required] bool? WarrantyOption,
        string? At);

    public sealed record ChangePlanRequest([property: Required, WireEnum(typeof(Plan))] string? Plan, string? At);

    /// <summary>A termination's or a cancellation's date (COV-7, ENR-3).</summary>
    public sealed record DateRequest([property: Required] string? Date, string? At);

    public static IEndpointRouteBuilder MapLines(this IEndpointRouteBuilder app)
    {
        var lines = app.MapGroup("/v1/lines").WithTags("Lines").RequireAccess(Policies.Operator);
        lines.MapPost("/", Create).WithName("createLine").WithSummary("Create a line, with or without the option (ENR-1)").Problems(409);
        lines.MapPatch("/{lineId}", ChangePlan).WithName("changePlan").WithSummary("Change a line's plan (ENR-4)").Problems(404, 409);
        lines.MapPost("/{lineId}/option", AddOption).WithName("addOption").WithSummary("Add the option to an existing line: always refused (ENR-1)").Problems(404, 409);
        lines.MapPost("/{lineId}/cancellation", Cancel).WithName("cancelLine").WithSummary("Cancel a line; the option ends the same date (ENR-3)").Problems(404, 409);

        // What the line's own subscriber may do too.
        var line = app.MapGroup("/v1/lines/{lineId}").WithTags("Lines").RequireAccess(Policies.Line);
        line.MapGet("", Get).WithName("getLine").WithSummary("Read a line and its option").Problems(404);
        line.MapPost("/option/termination", Terminate).WithName("terminateOption").WithSummary("Terminate the option (BIL-3, COV-7)").Problems(404, 409);
        line.MapGet("/history", History).WithName("getLineHistory").WithSummary("Read a line's history").Problems(404);
        line.MapGet("/reception", Reception).WithName("getReception").WithSummary("The reception desk for the line's plan (REC-1, REC-2)").Problems(404);
        line.MapGet("/charges", Charges).WithName("getCharges").WithSummary("A line's charges for a month (BIL-1..4)").WithTags("Charges").Problems(404);
        return app;
    }

    public static async Task<Results<Created<LineView>, ProblemHttpResult>> Create(CreateLineRequest body, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        var lineId = read.LineId("lineId", body.LineId);
        var command = new CreateLineCommand(
            read.Enum<Plan>("plan", body.Plan),
            read.Enum<SimType>("simType", body.SimType),
            read.Date("serviceStartDate", body.ServiceStartDate),
            read.Required("warrantyOption", body.WarrantyOption));
        var at = read.Timestamp("at", body.At);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        var result = await services.Grains.GetGrain<ILineGrain>(lineId).CreateAsync(command, new EventContext(at, Endpoints.Actor(http)));
        return result.Error is { } error ? Problems.From(error) : TypedResults.Created($"/v1/lines/{lineId}", result.Value!);
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Get(string lineId, [AsParameters] Services services)
    {
        if (Endpoints.InvalidLineId(services, lineId) is { } problem)
        {
            return problem;
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetAsync());
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> ChangePlan(string lineId, ChangePlanRequest body, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var plan = read.Enum<Plan>("plan", body.Plan);
        var at = read.Timestamp("at", body.At);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).ChangePlanAsync(plan, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> AddOption(string lineId, HttpContext http, [AsParameters] Services services)
    {
        if (Endpoints.InvalidLineId(services, lineId) is { } problem)
        {
            return problem;
        }

        var context = new EventContext(services.Reader().Now, Endpoints.Actor(http));
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).AddOptionAsync(context));
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Terminate(string lineId, DateRequest body, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var date = read.Date("date", body.Date);
        var at = read.Timestamp("at", body.At);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).TerminateOptionAsync(date, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Cancel(string lineId, DateRequest body, HttpContext http, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var date = read.Date("date", body.Date);
        var at = read.Timestamp("at", body.At);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).CancelAsync(date, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<IReadOnlyList<HistoryRecord>>, ProblemHttpResult>> History(string lineId, [AsParameters] Services services)
    {
        if (Endpoints.InvalidLineId(services, lineId) is { } problem)
        {
            return problem;
        }

        var history = await services.Grains.GetGrain<ILineGrain>(lineId).GetHistoryAsync();
        return history.Error is { } error ? Problems.From(error) : TypedResults.Ok(HistoryJson.Of(history.Value!));
    }

    public static async Task<Results<Ok<ReceptionView>, ProblemHttpResult>> Reception(string lineId, [AsParameters] Services services)
    {
        if (Endpoints.InvalidLineId(services, lineId) is { } problem)
        {
            return problem;
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetReceptionAsync());
    }

    public static async Task<Results<Ok<ChargesView>, ProblemHttpResult>> Charges(string lineId, string? month, [AsParameters] Services services)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        var (year, monthNumber) = read.Month("month", month);
        if (read.Failed)
        {
            return Problems.From(read.Problem());
        }

        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetChargesAsync(year, monthNumber));
    }
}
