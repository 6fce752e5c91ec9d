using Microsoft.AspNetCore.Http.HttpResults;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>What every handler needs, bundled for <c>[AsParameters]</c>.</summary>
public sealed class Services(IGrainFactory grains, [FromKeyedServices(RulesClock.Key)] TimeProvider time)
{
    public IGrainFactory Grains { get; } = grains;

    public TimeProvider Time { get; } = time;

    public RequestReader Reader() => new(Time);
}

public static class Endpoints
{
    public static Results<Ok<T>, ProblemHttpResult> Ok<T>(Result<T> result) =>
        result.Error is { } error ? Http.Problems.From(error) : TypedResults.Ok(result.Value!);

    /// <summary>Who did it, for history: the token's <c>sub</c>.</summary>
    public static string Actor(HttpContext context) =>
        TokenClaims.SubjectOf(context.User)
        ?? throw new InvalidOperationException($"{context.Request.Method} {context.Request.Path} records history but does not require a token.");

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
}
