using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http.Auth;

/// <summary>
/// Answers a refused request with the contract's problem document: 401 <c>unauthorized</c> (no valid
/// token; with the bearer challenge header), or 403 <c>forbidden</c> (the token may not do this).
/// (A subscriber asking about a device its line does not cover gets the device's own 404: see <see cref="Policies.DeviceScope"/>.)
/// </summary>
internal sealed class AuthorizationProblems : IAuthorizationMiddlewareResultHandler
{
    public const string MissingTokenDetail = "This endpoint needs a bearer token: send 'Authorization: Bearer <token>'.";

    public const string ForbiddenDetail = "This token's role (or, for a subscriber, its line) does not allow this request.";

    // An admitted request goes straight on, without an async step of its own.
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Succeeded ? next(context) : RefuseAsync(context, authorizeResult);

    private static async Task RefuseAsync(HttpContext context, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged && Hosting.Dashboard.SendsToLogin(context.Request))
        {
            context.Response.Redirect(Hosting.Dashboard.LoginPath);
            return;
        }

        if (authorizeResult.Challenged)
        {
            var authentication = await context.AuthenticateAsync();
            await context.ChallengeAsync();
            await WriteAsync(context, Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, ChallengeDetail(authentication)));
            return;
        }

        await context.ForbidAsync();
        await WriteAsync(context, Problems.Create(
            StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ForbiddenDetail));
    }

    private static string ChallengeDetail(AuthenticateResult authentication) => authentication.Failure switch
    {
        null => MissingTokenDetail,
        SecurityTokenExpiredException => "The bearer token has expired.",
        _ => "The bearer token is not valid for this service.",
    };

    private static Task WriteAsync(HttpContext context, Microsoft.AspNetCore.Mvc.ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status!.Value;
        return Results.Problem(problem).ExecuteAsync(context);
    }
}
