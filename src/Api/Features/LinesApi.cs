using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
        string? At) : RequestInput<(string LineId, CreateLineCommand Command, DateTimeOffset At)>
    {
        protected override (string LineId, CreateLineCommand Command, DateTimeOffset At) Read(FieldReader read)
        {
            var (lineId, command) = ReadLine(read, LineId, Plan, SimType, ServiceStartDate, WarrantyOption);
            return (lineId, command, read.Timestamp(nameof(At), At));
        }

        /// <summary>
        /// A line's own fields (ENR-1), read the same way for <c>POST /v1/lines</c> and for each record of a bulk import,
        /// whose bodies declare them under the same names.
        /// </summary>
        internal static (string LineId, CreateLineCommand Command) ReadLine(
            FieldReader read, string? lineId, string? plan, string? simType, string? serviceStartDate, bool? warrantyOption) =>
            (read.LineId(nameof(LineId), lineId),
                new CreateLineCommand(
                    read.Enum<Plan>(nameof(Plan), plan),
                    read.Enum<SimType>(nameof(SimType), simType),
                    read.Date(nameof(ServiceStartDate), serviceStartDate),
                    read.Flag(nameof(WarrantyOption), warrantyOption)));
    }

    public sealed record ChangePlanRequest([property: Required, WireEnum(typeof(Plan))] string? Plan, string? At)
        : RequestInput<(Plan Plan, DateTimeOffset At)>
    {
        protected override (Plan Plan, DateTimeOffset At) Read(FieldReader read) =>
            (read.Enum<Plan>(nameof(Plan), Plan), read.Timestamp(nameof(At), At));
    }

    /// <summary>A termination's or a cancellation's date (COV-7, ENR-3).</summary>
    public sealed record DateRequest([property: Required] string? Date, string? At) : RequestInput<(DateOnly Date, DateTimeOffset At)>
    {
        protected override (DateOnly Date, DateTimeOffset At) Read(FieldReader read) =>
            (read.Date(nameof(Date), Date), read.Timestamp(nameof(At), At));
    }

    /// <summary>The month of a line's charges (BIL-1..4): the query's <c>month</c>, yyyy-MM.</summary>
    public sealed record MonthQuery([property: FromQuery(Name = "month")] string? Month) : RequestInput<(int Year, int Month)>
    {
        protected override (int Year, int Month) Read(FieldReader read) => read.Month(nameof(Month), Month);
    }

    public static IEndpointRouteBuilder MapLines(this IEndpointRouteBuilder app)
    {
        var lines = app.MapGroup("/v1/lines").WithTags("Lines").RequireAccess(Policies.Operator).ReadRequests();
        lines.MapPost("/", Create).WithName("createLine").WithSummary("Create a line, with or without the option (ENR-1)").Problems(409);
        lines.MapPatch("/{lineId}", ChangePlan).WithName("changePlan").WithSummary("Change a line's plan (ENR-4)").Problems(404, 409);
        lines.MapPost("/{lineId}/option", AddOption).WithName("addOption").WithSummary("Add the option to an existing line: always refused (ENR-1)").Problems(404, 409);
        lines.MapPost("/{lineId}/cancellation", Cancel).WithName("cancelLine").WithSummary("Cancel a line; the option ends the same date (ENR-3)").Problems(404, 409);

        // What the line's own subscriber may do too.
        var line = app.MapGroup("/v1/lines/{lineId}").WithTags("Lines").RequireAccess(Policies.Line).ReadRequests();
        line.MapGet("", Get).WithName("getLine").WithSummary("Read a line and its option").Problems(404);
        line.MapPost("/option/termination", Terminate).WithName("terminateOption").WithSummary("Terminate the option (BIL-3, COV-7)").Problems(404, 409);
        line.MapGet("/history", History).WithName("getLineHistory").WithSummary("Read a line's history").Problems(404);
        line.MapGet("/reception", Reception).WithName("getReception").WithSummary("The reception desk for the line's plan (REC-1, REC-2)").Problems(404);
        line.MapGet("/charges", Charges).WithName("getCharges").WithSummary("A line's charges for a month (BIL-1..4)").WithTags("Charges").Problems(404);
        return app;
    }

    public static async Task<Results<Created<LineView>, ProblemHttpResult>> Create(CreateLineRequest body, HttpContext http, [AsParameters] Services services)
    {
        var (lineId, command, at) = body.Command;
        var result = await services.Grains.GetGrain<ILineGrain>(lineId).CreateAsync(command, new EventContext(at, Endpoints.Actor(http)));
        return result.Error is { } error ? Problems.From(error) : TypedResults.Created($"/v1/lines/{lineId}", result.Value!);
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Get(string lineId, [AsParameters] Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetAsync());

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> ChangePlan(string lineId, ChangePlanRequest body, HttpContext http, [AsParameters] Services services)
    {
        var (plan, at) = body.Command;
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).ChangePlanAsync(plan, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> AddOption(string lineId, HttpContext http, [AsParameters] Services services)
    {
        var context = new EventContext(services.Reader().Now, Endpoints.Actor(http));
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).AddOptionAsync(context));
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Terminate(string lineId, DateRequest body, HttpContext http, [AsParameters] Services services)
    {
        var (date, at) = body.Command;
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).TerminateOptionAsync(date, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<LineView>, ProblemHttpResult>> Cancel(string lineId, DateRequest body, HttpContext http, [AsParameters] Services services)
    {
        var (date, at) = body.Command;
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).CancelAsync(date, new EventContext(at, Endpoints.Actor(http))));
    }

    public static async Task<Results<Ok<IReadOnlyList<HistoryRecord>>, ProblemHttpResult>> History(string lineId, [AsParameters] Services services)
    {
        var history = await services.Grains.GetGrain<ILineGrain>(lineId).GetHistoryAsync();
        return history.Error is { } error ? Problems.From(error) : TypedResults.Ok(HistoryJson.Of(history.Value!));
    }

    public static async Task<Results<Ok<ReceptionView>, ProblemHttpResult>> Reception(string lineId, [AsParameters] Services services) =>
        Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetReceptionAsync());

    public static async Task<Results<Ok<ChargesView>, ProblemHttpResult>> Charges(string lineId, [AsParameters] MonthQuery query, [AsParameters] Services services)
    {
        var (year, month) = query.Command;
        return Endpoints.Ok(await services.Grains.GetGrain<ILineGrain>(lineId).GetChargesAsync(year, month));
    }
}
