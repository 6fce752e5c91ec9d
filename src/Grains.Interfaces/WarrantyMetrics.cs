using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warranty.Grains.Interfaces;

/// <summary>
/// The service's own meter, <c>Warranty</c>: what the business is doing, beside the runtime's, ASP.NET Core's, Orleans'
/// and Npgsql's meters. Every instrument is declared here, once; the places that count call these. Counting costs an
/// interlocked add per listener, nothing without one. (README, Operating, lists them with what they mean.)
/// </summary>
public static class WarrantyMetrics
{
    public const string MeterName = "Warranty";

    /// <summary>The meters every process exports: the runtime's, Orleans' and this one (the front door adds ASP.NET Core's).</summary>
    public static readonly string[] ProcessMeters = ["System.Runtime", "Microsoft.Orleans", MeterName];

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> CoverageLookups = Meter.CreateCounter<long>(
        "warranty.coverage.lookups", "{lookup}", "Coverage lookups answered, by whether the device was covered on the date.");

    private static readonly Counter<long> ClaimsFiled = Meter.CreateCounter<long>(
        "warranty.claims.filed", "{claim}", "Claims accepted, by incident.");

    private static readonly Counter<long> ClaimRefusals = Meter.CreateCounter<long>(
        "warranty.claims.refused", "{refusal}", "Claim filings refused, by rule: a refusal counts once for each rule it names.");

    private static readonly Counter<long> RegistrationRefusals = Meter.CreateCounter<long>(
        "warranty.registrations.refused", "{refusal}", "Device registrations refused, by rule: a refusal counts once for each rule it names.");

    private static readonly Counter<long> Exchanges = Meter.CreateCounter<long>(
        "warranty.exchanges", "{exchange}", "Exchange devices shipped and delivered (step), by model (tac).");

    private static readonly Counter<long> Replays = Meter.CreateCounter<long>(
        "warranty.idempotent.replays", "{request}", "Requests answered from an earlier request's stored response (same Idempotency-Key).");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "warranty.requests.refused", "{request}", "Requests refused before any work: rate_limited (429) or overloaded (503).");

    /// <summary>The last known stock of each designated model whose stock grain is active in this process.</summary>
    private static readonly ConcurrentDictionary<string, int> Stock = new(StringComparer.Ordinal);

    /// <summary>The read model's projection as this process's projector last saw it while it held the lease; null otherwise.</summary>
    private static ProjectionStatus? _projection;

    static WarrantyMetrics()
    {
        // Observed through the meter, which keeps the instrument: nothing here needs to hold it.
        Meter.CreateObservableGauge(
            "warranty.exchange.stock", () => Stock.Select(s => new Measurement<int>(s.Value, new KeyValuePair<string, object?>("tac", s.Key))),
            "{device}", "Exchange devices in stock, by model (tac), as last seen by this process's stock grains.");
        Meter.CreateObservableGauge(
            "warranty.projection.lag", () => _projection is { } p ? [new Measurement<double>(p.LagSeconds)] : Array.Empty<Measurement<double>>(),
            "s", "Age of the oldest event the read model has not applied, reported by the silo that projects.");
        Meter.CreateObservableGauge(
            "warranty.projection.behind", () => _projection is { } p ? [new Measurement<long>(p.EventsBehind)] : Array.Empty<Measurement<long>>(),
            "{event}", "Events recorded in the log and not applied to the read model yet, reported by the silo that projects.");
    }

    public static void CoverageLookup(bool covered) => CoverageLookups.Add(1, new KeyValuePair<string, object?>("covered", covered));

    public static void ClaimFiled(string incident) => ClaimsFiled.Add(1, new KeyValuePair<string, object?>("incident", incident));

    public static void ClaimRefused(IEnumerable<string> rules) => CountByRule(ClaimRefusals, rules);

    public static void RegistrationRefused(IEnumerable<string> rules) => CountByRule(RegistrationRefusals, rules);

    public static void ExchangeShipped(string tac) => Exchanges.Add(1, new TagList { { "step", "shipped" }, { "tac", tac } });

    public static void ExchangeDelivered(string tac) => Exchanges.Add(1, new TagList { { "step", "delivered" }, { "tac", tac } });

    public static void IdempotentReplay() => Replays.Add(1);

    public static void RequestRefused(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void StockLevel(string tac, int quantity) => Stock[tac] = quantity;

    /// <summary>What this process's projector last saw; null once it no longer holds the lease.</summary>
    public static void Projection(ProjectionStatus? status) => _projection = status;

    /// <summary>A refusal counts once for each rule it names.</summary>
    private static void CountByRule(Counter<long> refusals, IEnumerable<string> rules)
    {
        foreach (var rule in rules)
        {
            refusals.Add(1, new KeyValuePair<string, object?>("rule", rule));
        }
    }
}
