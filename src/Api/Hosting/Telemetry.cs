using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Warranty.Api.Http.Auth;
using Warranty.Grains.Hosting;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Hosting;

/// <summary>
/// Metrics and traces with OpenTelemetry, as <see cref="TelemetryOptions"/> (<c>Warranty:Telemetry</c>) says:
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
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddWarrantyTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<TelemetryOptions>();
        var settings = Settings.Read<TelemetryOptions>(builder.Configuration);
        var otlp = settings.OtlpEndpoint;
        var metrics = settings.Metrics;
        var tracing = settings.TracingOn;
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
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Metrics)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Admin);
        }

        return app;
    }
}
