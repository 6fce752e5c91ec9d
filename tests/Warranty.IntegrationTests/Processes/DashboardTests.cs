using System.Net;
using System.Text.RegularExpressions;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 12: the Orleans Dashboard on the front door at /dashboard/, for admins only (a login form keeps the admin
/// token in a cookie), served from the package with no external resources, and off unless configured.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_dashboard_is_for_admins_offline_and_off_by_default()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__Dashboard__Enabled"] = "true" });
        using var browser = Browser(service.BaseAddress);

        // No token: a page request goes to the login form; a data request is 401.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        page.Headers.Accept.ParseAdd("text/html");
        var anonymous = await browser.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/dashboard/login", anonymous.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/login")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        // An operator's token is not enough.
        await LoginAsync(browser, TestTokens.Create("operator"));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        // An admin's: the page, its script and style from the front door itself, and the cluster's figures.
        await LoginAsync(browser, TestTokens.Create("admin"));
        var html = await browser.GetStringAsync("/dashboard/");
        Assert.Contains("Orleans Dashboard", html);
        var resources = Resource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.DoesNotContain("//", r));
        foreach (var resource in resources.Where(r => r.EndsWith(".js", StringComparison.Ordinal) || r.EndsWith(".css", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/" + resource.TrimStart('.', '/'))).StatusCode);
        }

        var counters = await browser.GetAsync("/dashboard/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.StartsWith("{", await counters.Content.ReadAsStringAsync());

        // Off by default: no such pages, even for an admin.
        await using var plain = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["Warranty__Storage"] = "memory" });
        Assert.Equal(HttpStatusCode.NotFound, (await plain.Http.GetAsync("/dashboard/")).StatusCode);
    }

    private static HttpClient Browser(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };

    private static async Task LoginAsync(HttpClient browser, string token)
    {
        var response = await browser.PostAsync("/dashboard/login", new FormUrlEncodedContent([new("token", token)]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex Resource();
}
