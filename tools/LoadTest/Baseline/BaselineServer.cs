using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warranty.Grains.Interfaces;

namespace Warranty.LoadTest.Baseline;

/// <summary>
/// The bare-Kestrel ceiling: <c>GET /v1/devices/{imei}/coverage</c> answered by a minimal API with a coverage of
/// the same shape and size as the service's (serialised per request, like the service does), without any
/// grain call. The benchmark compares the service's warm lookups against it.
/// </summary>
public static class BaselineServer
{
    public static WebApplication Build(string[] urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.WebHost.UseUrls(urls);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });

        var app = builder.Build();
        app.MapGet("/v1/devices/{imei}/coverage", (string imei) => Imei.IsValid(imei)
            ? Results.Ok(Coverage(imei, JapanTime.DateOf(DateTimeOffset.UtcNow)))
            : Results.Problem(statusCode: 400, title: "Bad Request", detail: "The IMEI is not 15 digits with a valid check digit.",
                extensions: new Dictionary<string, object?> { ["code"] = "invalid_imei" }));
        app.MapGet("/health/ready", () => Results.Text("Healthy"));
        app.MapGet("/health/live", () => Results.Text("Healthy"));
        return app;
    }

    /// <summary>What a warm lookup of a seeded subscriber answers: covered, with usage and both claims left.</summary>
    public static BaselineCoverage Coverage(string imei, DateOnly today) => new(
        imei,
        today,
        Covered: true,
        LineId: "LT-00000000",
        BreakageCovered: true,
        NaturalFailureCovered: true,
        NaturalFailureCoveredUntil: today.AddMonths(30),
        LastUsageDate: today.AddDays(-1),
        ClaimsRemaining: 2,
        ExchangeAvailable: true,
        NextExchangeFeeYen: 4400,
        Rules: []);

    public static string Describe(BaselineCoverage coverage) =>
        string.Create(CultureInfo.InvariantCulture, $"{JsonSerializer.Serialize(coverage, new JsonSerializerOptions(JsonSerializerDefaults.Web)).Length} bytes");
}

/// <summary>The fields of the service's coverage (API.md), in its order.</summary>
public sealed record BaselineCoverage(
    string Imei,
    DateOnly Date,
    bool Covered,
    string? LineId,
    bool BreakageCovered,
    bool NaturalFailureCovered,
    DateOnly? NaturalFailureCoveredUntil,
    DateOnly? LastUsageDate,
    int? ClaimsRemaining,
    bool ExchangeAvailable,
    int? NextExchangeFeeYen,
    IReadOnlyList<string> Rules);
