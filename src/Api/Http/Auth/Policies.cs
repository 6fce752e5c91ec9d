using Microsoft.AspNetCore.Authorization;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http.Auth;

/// <summary>
/// Who may call what. Each endpoint group declares one of these policies once
/// (<see cref="RequireAccess"/>); every decision is made here, none in the handlers.
/// </summary>
/// <remarks>
/// The role matrix (README, "Authentication"):
/// <list type="bullet">
/// <item><c>admin</c>: every endpoint.</item>
/// <item><c>operator</c>: lines, devices, claims, charges, history, reception; catalogue and stock reads.</item>
/// <item><c>network</c>: <c>POST /v1/lines/{lineId}/usage</c> only.</item>
/// <item><c>subscriber</c>: its own line (<c>line_id</c>) — read it, its history, claims, charges and reception,
/// register its device, terminate its option — and the device that line covers. Another line is 403 whatever
/// exists; another device is 404 <c>device_not_found</c>, exactly as if it were not registered.</item>
/// </list>
/// A request without a valid token is 401 everywhere except health, the OpenAPI document and the reference page.
/// </remarks>
public static class Policies
{
    /// <summary>Admins only: catalogue and stock writes (with <see cref="Catalogue"/>), imports.</summary>
    public const string Admin = "admin";

    /// <summary>Operators and admins.</summary>
    public const string Operator = "operator";

    /// <summary>Admins; operators may read (GET).</summary>
    public const string Catalogue = "catalogue";

    /// <summary>The network's usage feed, and admins.</summary>
    public const string UsageFeed = "usage-feed";

    /// <summary>Operators and admins, and the subscriber of the route's <c>{lineId}</c>.</summary>
    public const string Line = "line";

    /// <summary>Operators and admins, and a subscriber for the device its line covers (else 404).</summary>
    public const string Device = "device";

    /// <summary>
    /// Requires <paramref name="policy"/> for every endpoint of the group, and lists its 401 and 403 in
    /// the OpenAPI document.
    /// </summary>
    public static RouteGroupBuilder RequireAccess(this RouteGroupBuilder group, string policy)
    {
        group.RequireAuthorization(policy);
        group.ProducesProblem(StatusCodes.Status401Unauthorized);
        group.ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    /// <summary>Who <paramref name="policy"/> admits for <paramref name="method"/>, for the OpenAPI document.</summary>
    public static string Describe(string policy, string method) => policy switch
    {
        Admin => "admin",
        Operator => "admin, operator",
        Catalogue when HttpMethods.IsGet(method) => "admin, operator",
        Catalogue => "admin",
        UsageFeed => "admin, network",
        Line => "admin, operator, subscriber (only its own line: the token's `line_id`; another line is 403)",
        Device => $"admin, operator, subscriber (only the device its line covers; another device is 404 `{ErrorCodes.DeviceNotFound}`)",
        _ => policy,
    };

    internal static AuthorizationBuilder AddWarrantyPolicies(this AuthorizationBuilder authorization) => authorization
        // An endpoint that declares nothing still needs a token; only AllowAnonymous ones (health, OpenAPI) do not.
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
        .AddPolicy(Admin, p => p.RequireRole(Roles.Admin))
        .AddPolicy(Operator, p => p.RequireRole(Roles.Admin, Roles.Operator))
        .AddPolicy(Catalogue, p => p.AddRequirements(new CatalogueRequirement()))
        .AddPolicy(UsageFeed, p => p.RequireRole(Roles.Admin, Roles.Network))
        .AddPolicy(Line, p => p.AddRequirements(new OwnLineRequirement()))
        .AddPolicy(Device, p => p.AddRequirements(new CoveredDeviceRequirement()));

    private static bool IsStaff(System.Security.Claims.ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Operator);

    /// <summary>Admins change the catalogue and stock; operators read them.</summary>
    private sealed class CatalogueRequirement : AuthorizationHandler<CatalogueRequirement>, IAuthorizationRequirement
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CatalogueRequirement requirement)
        {
            if (context.User.IsInRole(Roles.Admin)
                || (context.User.IsInRole(Roles.Operator) && context.Resource is HttpContext http && HttpMethods.IsGet(http.Request.Method)))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Staff, or the subscriber whose token is bound to the route's line.</summary>
    private sealed class OwnLineRequirement : AuthorizationHandler<OwnLineRequirement>, IAuthorizationRequirement
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnLineRequirement requirement)
        {
            if (IsStaff(context.User)
                || (context.User.IsInRole(Roles.Subscriber)
                    && TokenClaims.LineIdOf(context.User) is { } own
                    && context.Resource is HttpContext http
                    && string.Equals(http.GetRouteValue("lineId") as string, own, StringComparison.Ordinal)))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Staff, or a subscriber bound to a line. Which devices that subscriber sees is decided with the device's own
    /// state, in the same grain call that answers (<see cref="DeviceScope"/>): only the device its line covers now;
    /// any other is 404 <c>device_not_found</c>, word for word as an unregistered one, so a subscriber cannot learn
    /// which IMEIs are registered. Checking in the grain costs no extra call and cannot race a change of cover.
    /// </summary>
    private sealed class CoveredDeviceRequirement : AuthorizationHandler<CoveredDeviceRequirement>, IAuthorizationRequirement
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CoveredDeviceRequirement requirement)
        {
            if (IsStaff(context.User) || (context.User.IsInRole(Roles.Subscriber) && TokenClaims.LineIdOf(context.User) is not null))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// For the <see cref="Device"/> policy: the line whose covered device is the only one this principal may see,
    /// or null for staff (every device). The device grain applies it.
    /// </summary>
    public static string? DeviceScope(HttpContext http) => IsStaff(http.User) ? null : TokenClaims.LineIdOf(http.User);
}
