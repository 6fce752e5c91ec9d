using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Warranty.Grains.Hosting;

/// <summary>
/// <c>Warranty:LogFormat</c>: <c>text</c> (default, the console's readable lines) or <c>json</c> (one JSON object per
/// entry, UTC timestamps, with scopes: a request's trace id, span id and path, and in grains the line, device and
/// claim the call is about, from <see cref="GrainLogScopes"/>). Nothing secret is logged in either: no tokens, keys or
/// connection-string passwords.
/// </summary>
public static class LogFormat
{
    public const string Key = "Warranty:LogFormat";

    public static bool IsJson(IConfiguration configuration) =>
        (configuration[Key] ?? "text").Trim().ToLowerInvariant() switch
        {
            "text" => false,
            "json" => true,
            var other => throw new StartupFailure($"{Key} must be 'text' or 'json', not '{other}'."),
        };

    public static void AddWarrantyLogFormat(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (!IsJson(configuration))
        {
            return;
        }

        logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        logging.Services.Configure<LoggerFactoryOptions>(o =>
            o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
    }

    /// <summary>In JSON format, every grain call's log entries carry the grain's key (<see cref="GrainLogScopes"/>).</summary>
    public static ISiloBuilder AddWarrantyLogScopes(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (IsJson(configuration))
        {
            silo.AddIncomingGrainCallFilter<GrainLogScopes>();
        }

        return silo;
    }
}
