using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>RFC 9457 problem documents with the contract's <c>code</c>, <c>rules</c> and <c>errors</c>.</summary>
public static class Problems
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooMany => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>Extension of a 429 problem: seconds until a retry may succeed, also sent as <c>Retry-After</c>.</summary>
    public const string RetryAfterSeconds = "retryAfterSeconds";

    public static ProblemHttpResult From(WarrantyError error)
    {
        var problem = Create(StatusOf(error.Kind), error.Code, error.Detail, error.Rules, error.Errors);
        if (error.RetryAfterSeconds is { } seconds)
        {
            problem.Extensions[RetryAfterSeconds] = seconds;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemDetails Create(
        int status, string code, string detail, IReadOnlyList<string>? rules = null, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(status),
            Detail = detail,
            Type = $"https://warranty.example/problems/{code}",
        };
        problem.Extensions["code"] = code;
        if (rules is { Count: > 0 })
        {
            problem.Extensions["rules"] = rules;
        }

        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return problem;
    }

    /// <summary>The code for a status the framework produced by itself (unknown route, wrong method …).</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorCodes.InvalidRequest,
        StatusCodes.Status401Unauthorized => ErrorCodes.Unauthorized,
        StatusCodes.Status403Forbidden => ErrorCodes.Forbidden,
        StatusCodes.Status404NotFound => ErrorCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
        StatusCodes.Status406NotAcceptable => ErrorCodes.NotAcceptable,
        StatusCodes.Status413PayloadTooLarge => ErrorCodes.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => ErrorCodes.TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => ErrorCodes.Unavailable,
        _ when status >= 500 => ErrorCodes.InternalError,
        _ => ErrorCodes.OtherError,
    };

    /// <summary>What to do about a status the framework produced by itself, when it gave no detail.</summary>
    public static string? DetailOf(int status, HttpContext http) => status switch
    {
        StatusCodes.Status404NotFound => $"No resource at {http.Request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
        StatusCodes.Status415UnsupportedMediaType => http.Request.ContentType is { Length: > 0 } type
            ? $"The body was sent as '{type}': send it as application/json (Content-Type: application/json)."
            : "The body has no Content-Type: send it as application/json (Content-Type: application/json).",
        _ => null,
    };

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        503 => "Service Unavailable",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };
}
