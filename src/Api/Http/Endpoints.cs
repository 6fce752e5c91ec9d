using Warranty.Grains.Infrastructure;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>What every handler needs, bundled for <c>[AsParameters]</c>.</summary>
public sealed class Services(IGrainFactory grains, [FromKeyedServices(RulesClock.Key)] TimeProvider time)
{
    public IGrainFactory Grains { get; } = grains;

    public TimeProvider Time { get; } = time;

    public RequestReader Reader() => new(Time);
}

public static partial class Endpoints
{
    public static Results<Ok<T>, ProblemHttpResult> Ok<T>(Result<T> result) =>
        result.Error is { } error ? Http.Problems.From(error) : TypedResults.Ok(result.Value!);

    /// <summary>
    /// Who did it, for history. Until authentication arrives, a caller may name itself in
    /// <c>X-Actor</c>; otherwise the role that the endpoint serves is recorded.
    /// </summary>
    public static string Actor(HttpContext context, string defaultRole) =>
        context.Request.Headers["X-Actor"].ToString() is { Length: > 0 } named && ActorPattern().IsMatch(named) ? named : defaultRole;

    /// <summary>A 400 for a malformed line id in the path, else null.</summary>
    public static ProblemHttpResult? InvalidLineId(Services services, string lineId)
    {
        var read = services.Reader();
        read.LineId("lineId", lineId);
        return read.Failed ? Http.Problems.From(read.Problem()) : null;
    }

    /// <summary>The common error responses of the contract, so the OpenAPI document lists them.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        builder.ProducesProblem(StatusCodes.Status400BadRequest);
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    [GeneratedRegex("^[A-Za-z0-9_:.@-]{1,64}$")]
    private static partial Regex ActorPattern();
}
