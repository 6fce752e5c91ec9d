using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Hosting;

namespace Warranty.Api.Hosting;

/// <summary>
/// The Orleans Dashboard (<c>Warranty:Dashboard:Enabled=true</c>, <see cref="DashboardSettings"/>) at <c>/dashboard/</c> on the front door, for admins.
/// Its pages, scripts and styles are served from the package itself: nothing is fetched from the internet. A browser
/// cannot send a bearer header, so <c>/dashboard/login</c> takes an admin token in a form and keeps it in an HttpOnly,
/// SameSite=Strict cookie scoped to <c>/dashboard</c>; the token is checked on every request like a bearer token.
/// </summary>
public static class Dashboard
{
    public const string Path = "/dashboard";

    public const string LoginPath = Path + "/login";

    public const string Cookie = "warranty-dashboard";

    /// <summary>The token a dashboard request carries in its cookie (null elsewhere).</summary>
    public static string? CookieToken(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && request.Cookies.TryGetValue(Cookie, out var token) && token.Length > 0 ? token : null;

    /// <summary>A browser asking for a dashboard page without a valid token: sent to the login form instead of a 401 document.</summary>
    public static bool SendsToLogin(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments(Path) && !request.Path.StartsWithSegments(LoginPath)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static WebApplication MapWarrantyDashboard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DashboardSettings>>().Value.Enabled)
        {
            return app;
        }

        app.MapOrleansDashboard(Path).RequireAuthorization(Policies.Admin);
        app.MapGet(LoginPath, () => Results.Content(LoginPage(null), "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LoginPath, async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (form["token"].ToString().Trim() is not { Length: > 0 } token)
            {
                return Results.Content(LoginPage("Paste an admin token."), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }

            http.Response.Cookies.Append(Cookie, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = Path,
                MaxAge = TimeSpan.FromHours(12),
            });
            return Results.Redirect(Path + "/");
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static string LoginPage(string? problem) =>
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Warranty dashboard: sign in</title>
        <style>body{font-family:sans-serif;max-width:40rem;margin:4rem auto}textarea{width:100%;height:6rem}</style></head>
        <body><h1>Warranty dashboard</h1>
        <p>Paste an admin token (<code>dev-token admin</code> prints one for the service's key). It is kept in a cookie for this page only.</p>
        {{(problem is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(problem)}</p>")}}
        <form method="post" action="{{LoginPath}}"><textarea name="token" required></textarea><p><button type="submit">Open the dashboard</button></p></form>
        </body></html>
        """;
}
