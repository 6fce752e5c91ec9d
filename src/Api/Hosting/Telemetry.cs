using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Hosting;

/// <summary>
/// Metrics and traces with OpenTelemetry (section <c>Warranty:Telemetry</c>):
/// <list type="bullet">
/// <item><c>Metrics</c> (default true): ASP.NET Core, Kestrel, the .NET runtime, Orleans, Npgsql and the service's own
/// meter (<see cref="WarrantyMetrics"/>), scraped by Prometheus at <c>/metrics</c> with an admin token.</item>
/// <item><c>OtlpEndpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): also pushes metrics, and traces, to an
/// OpenTelemetry collector.</item>
/// <item><c>Tracing</c> (default: on when an OTLP endpoint is set): traces of the HTTP requests, the grain calls (Orleans
/// activity propagation) and the PostgreSQL commands, as one tree per request. Off, nothing listens and no span is
/// made.</item>
/// </list>
/// </summary>
public static class Telemetry
{
    public const string Section = "Warranty:Telemetry";

    public const string MetricsPath = "/metrics";

    private const string OtelEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool MetricsOn(IConfiguration configuration) => configuration.GetValue($"{Section}:Metrics", true);

    public static string? OtlpEndpoint(IConfiguration configuration) =>
        configuration[$"{Section}:OtlpEndpoint"] is { Length: > 0 } configured ? configured
        : configuration[OtelEndpointVariable] is { Length: > 0 } standard ? standard
        : null;

    public static bool TracingOn(IConfiguration configuration) =>
        configuration.GetValue($"{Section}:Tracing", OtlpEndpoint(configuration) is not null);

    public static WebApplicationBuilder AddWarrantyTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlp = OtlpEndpoint(configuration);
        var metrics = MetricsOn(configuration);
        var tracing = TracingOn(configuration);
        if (!metrics && !tracing)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("warranty", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        if (metrics)
        {
            telemetry.WithMetrics(meters =>
            {
                // Of ASP.NET Core's meters, requests (duration, status, route) and connections: the authentication,
                // authorization, rate-limiting and routing meters each record on every request, and together cost
                // about a fifth of warm-lookup throughput on the benchmark machine for little an operator acts on.
                meters.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                    .AddMeter(WarrantyMetrics.ProcessMeters)
                    .AddNpgsqlInstrumentation()
                    .AddPrometheusExporter();
                if (otlp is not null)
                {
                    meters.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
        }

        if (tracing)
        {
            telemetry.WithTracing(traces =>
            {
                traces.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage")
                    .AddNpgsql();
                if (otlp is not null)
                {
                    traces.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, for admins (Prometheus sends the token: <c>authorization: {credentials: …}</c>).</summary>
    public static WebApplication MapWarrantyMetrics(this WebApplication app)
    {
        if (MetricsOn(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Admin);
        }

        return app;
    }
}
