using System.Globalization;
using Microsoft.Extensions.Configuration;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Hosting;

/// <summary>
/// Metrics and traces (an <see cref="ISettings"/> class). Its keys are under <c>Warranty:Telemetry</c> but for the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, so it binds the configuration's root and names each key in full:
/// <list type="bullet">
/// <item><c>Warranty:Telemetry:Metrics</c> (default true): the front door's meters and its Prometheus endpoint.</item>
/// <item><c>Warranty:Telemetry:OtlpEndpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): also pushes
/// metrics, and traces, to an OpenTelemetry collector.</item>
/// <item><c>Warranty:Telemetry:Tracing</c> (default: on when an OTLP endpoint is set): traces of requests, grain calls
/// and PostgreSQL commands.</item>
/// <item><c>Warranty:Telemetry:MetricsPort</c>: src/Silo only, a Prometheus endpoint on 127.0.0.1 (a value that is not
/// a number is ignored, as no port).</item>
/// </list>
/// Which pipelines exist is decided while the host builder runs, so the hosts read it with <see cref="Settings.Read{T}"/>.
/// </summary>
public sealed class TelemetryOptions : ISettings
{
    public const string Prefix = "Warranty:Telemetry";

    public const string StandardOtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The root: the keys are named in full on the properties.</summary>
    public static string Section => "";

    [ConfigurationKeyName(Prefix + ":Metrics")]
    public bool Metrics { get; set; } = true;

    [ConfigurationKeyName(Prefix + ":OtlpEndpoint")]
    public string? ConfiguredOtlpEndpoint { get; set; }

    [ConfigurationKeyName(StandardOtlpEndpointKey)]
    public string? StandardOtlpEndpoint { get; set; }

    [ConfigurationKeyName(Prefix + ":Tracing")]
    public bool? Tracing { get; set; }

    [ConfigurationKeyName(Prefix + ":MetricsPort")]
    public string? ConfiguredMetricsPort { get; set; }

    /// <summary>The collector metrics and traces are pushed to, if any: the service's setting, else the standard variable.</summary>
    public string? OtlpEndpoint =>
        ConfiguredOtlpEndpoint is { Length: > 0 } configured ? configured
        : StandardOtlpEndpoint is { Length: > 0 } standard ? standard
        : null;

    public bool TracingOn => Tracing ?? OtlpEndpoint is not null;

    /// <summary>The standalone silo's Prometheus port, if one is set.</summary>
    public int? MetricsPort => int.TryParse(ConfiguredMetricsPort, CultureInfo.InvariantCulture, out var port) ? port : null;

    public IEnumerable<string> Problems() => [];
}
