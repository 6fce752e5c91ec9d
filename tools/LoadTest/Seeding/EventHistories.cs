using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Warranty.Grains.Domain;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;

namespace Warranty.LoadTest.Seeding;

/// <summary>What <c>events</c> writes: <paramref name="Subscribers"/> lines' histories into the event log of <paramref name="ConnectionString"/>.</summary>
public sealed record EventHistoryOptions(string ConnectionString, int Subscribers, int Seed, string Prefix, DateOnly Until, int Models);

/// <summary>
/// Synthetic event histories for the read side at scale: each subscriber's line as the service would have recorded it
/// (created, its device registered, claims filed and taken through repair, exchange, rejection or withdrawal, some
/// options terminated and lines cancelled) and the exchange stock's movements, written straight into
/// <c>warranty_events</c> with PostgreSQL's COPY, so a million subscribers take minutes instead of the hours their
/// requests would. The events' data is built by the service's own code (<see cref="HistoryTypes"/>,
/// <see cref="LineEvents"/>, <see cref="StockEvents"/>, the charges by <see cref="ClaimRules"/>), so the projection
/// reads them exactly as it reads real ones. The histories are drawn, not decided: they are shaped like the service's
/// (every claim inside its coverage, steps in order), not checked against every rule.
/// </summary>
public sealed class EventHistories(EventHistoryOptions options, TextWriter progress)
{
    /// <summary>Subscribers written per COPY (one transaction each).</summary>
    public const int Chunk = 50_000;

    private static readonly DateOnly First = new(2024, 1, 1);
    private static readonly TimeSpan Japan = TimeSpan.FromHours(9);
    private static readonly FeeOptions Fees = new();
    private static readonly Incident[] Incidents = Enum.GetValues<Incident>();
    private static readonly RejectReason[] Reasons = Enum.GetValues<RejectReason>();
    private const int StockModels = 4;

    private readonly DateTimeOffset _recordedAt = DateTimeOffset.UtcNow;
    private readonly long[] _stockMovements = new long[StockModels];
    private readonly int[] _stockLevels = new int[StockModels];

    public sealed record Summary(int Subscribers, long Events, TimeSpan Elapsed)
    {
        public string Describe() =>
            $"{Subscribers:N0} subscribers' histories: {Events:N0} events written in {Elapsed.TotalSeconds:N1} s ({Events / Math.Max(Elapsed.TotalSeconds, 0.001):N0} events/s)";
    }

    public async Task<Summary> WriteAsync(CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(options.ConnectionString);
        await using (var check = source.CreateCommand("SELECT to_regclass('warranty_events') IS NOT NULL"))
        {
            if (!(bool)(await check.ExecuteScalarAsync(cancellationToken))!)
            {
                throw new InvalidOperationException("The database has no warranty_events table: start the service on it once (it installs the schema), then run this.");
            }
        }

        var clock = Stopwatch.StartNew();
        long events = 0;
        var reported = TimeSpan.Zero;
        var stock = StockStart();
        for (var from = 0; from < options.Subscribers; from += Chunk)
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var copy = await connection.BeginBinaryImportAsync(
                "COPY warranty_events (event_id, line_id, type, at, recorded_at, data) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var e in from == 0 ? stock : new List<LogEvent>())
            {
                await WriteAsync(copy, e, cancellationToken);
                events++;
            }

            for (var i = from; i < Math.Min(from + Chunk, options.Subscribers); i++)
            {
                foreach (var e in History(i))
                {
                    await WriteAsync(copy, e, cancellationToken);
                    events++;
                }
            }

            await copy.CompleteAsync(cancellationToken);
            if (clock.Elapsed - reported >= TimeSpan.FromSeconds(2) || from + Chunk >= options.Subscribers)
            {
                reported = clock.Elapsed;
                var done = Math.Min(from + Chunk, options.Subscribers);
                progress.WriteLine($"  {done:N0}/{options.Subscribers:N0} subscribers, {events:N0} events, {events / clock.Elapsed.TotalSeconds:N0} events/s");
            }
        }

        await WriteRefusalsAsync(source, cancellationToken);
        return new Summary(options.Subscribers, events, clock.Elapsed);
    }

    /// <summary>
    /// Refusal counts (not events: the silos count refusals and add them to <c>refusal_counts</c>) for every day from the
    /// first to the last, a few rules per operation, in proportion to the subscribers.
    /// </summary>
    private async Task WriteRefusalsAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        (string Operation, string[] Rules)[] refused =
        [
            ("filing", ["COV-4", "COV-5", "CLM-1", "CLM-5", "ENR-3"]),
            ("quote", ["COV-4", "CLM-1", "CLM-5"]),
            ("registration", ["REG-2", "REG-3", "REG-6a", "REG-6f", "REG-7h"]),
        ];
        var random = new Random(options.Seed);
        var perDay = Math.Max(1, options.Subscribers / 2_000);
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync("COPY refusal_counts (day, operation, rule_id, refusals) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var day = First; day <= options.Until; day = day.AddDays(1))
        {
            foreach (var (operation, rules) in refused)
            {
                foreach (var rule in rules)
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(day, NpgsqlDbType.Date, cancellationToken);
                    await copy.WriteAsync(operation, NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync(rule, NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync((long)random.Next(0, perDay), NpgsqlDbType.Bigint, cancellationToken);
                }
            }
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, LogEvent e, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken);
        await copy.WriteAsync(e.Id, NpgsqlDbType.Varchar, cancellationToken);
        await copy.WriteAsync(e.LineId, NpgsqlDbType.Varchar, cancellationToken);
        await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar, cancellationToken);
        await copy.WriteAsync(e.At.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await copy.WriteAsync(e.RecordedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await copy.WriteAsync(e.Data, NpgsqlDbType.Text, cancellationToken);
    }

    private static string StockTac(int model) => $"{35_700_000 + model}";

    /// <summary>Each designated model's stock, set on the first day to a unit per subscriber.</summary>
    private List<LogEvent> StockStart()
    {
        var events = new List<LogEvent>();
        for (var m = 0; m < StockModels; m++)
        {
            _stockLevels[m] = options.Subscribers;
            events.Add(StockEvent(m, StockMovementKind.Set, options.Subscribers, null, At(First, 8)));
        }

        return events;
    }

    private LogEvent StockEvent(int model, StockMovementKind kind, int delta, string? shipmentKey, DateTimeOffset at)
    {
        if (kind == StockMovementKind.Shipment)
        {
            _stockLevels[model] += delta;
        }

        var movement = new PendingStockMovement(
            StockTac(model), _stockMovements[model]++, kind, delta, _stockLevels[model], shipmentKey, at, $"Exchange model {model:00}");
        return StockEvents.Of(movement, _recordedAt);
    }

    /// <summary>Subscriber <paramref name="index"/>'s history, the same for the same seed.</summary>
    private IEnumerable<LogEvent> History(int index)
    {
        var random = new Random(HashCode.Combine(options.Seed, index));
        var lineId = $"{options.Prefix}-{index:00000000}";
        var count = 0;
        LogEvent Event(HistoryType type, DateTimeOffset at, Dictionary<string, string?> data, IReadOnlyList<ChargeItem>? charges = null)
        {
            var entry = type.Entry(at, "generator", data);
            return new LogEvent(LineEvents.IdOf(lineId, count++), lineId, entry.Type, entry.At, _recordedAt, LineEvents.DataOf(entry, charges ?? []));
        }

        var start = First.AddDays(random.Next(0, Math.Max(1, options.Until.DayNumber - First.DayNumber - 30)));
        var option = random.NextDouble() < 0.92;
        yield return Event(HistoryTypes.LineCreated, At(start, 9), new()
        {
            ["plan"] = random.Next(2) == 0 ? "giga" : "legacy", ["simType"] = random.Next(3) == 0 ? "physical" : "esim",
            ["serviceStartDate"] = WireNames.Date(start), ["warrantyOption"] = HistoryValues.Of(option),
        });
        if (!option)
        {
            yield break;
        }

        var model = random.Next(options.Models);
        var tac = $"{35_600_000 + model}";
        var imei = Imei.WithCheckDigit(tac + (index % 1_000_000).ToString("000000"));
        yield return Event(HistoryTypes.DeviceRegistered, At(start.AddDays(1), 10), new() { ["imei"] = imei, ["model"] = $"Model {model:00}" });

        var cursor = new DateOnly(start.Year, start.Month, 1).AddMonths(1);
        var claims = random.NextDouble() switch { < 0.70 => 0, < 0.92 => 1, _ => 2 };
        var exchanges = 0;
        for (var c = 1; c <= claims; c++)
        {
            var day = cursor.AddDays(random.Next(0, 200));
            if (day > options.Until.AddDays(-12))
            {
                break;
            }

            var claimId = ClaimRules.ClaimIdFor(c);
            var loaner = random.Next(4) == 0;
            yield return Event(HistoryTypes.ClaimFiled, At(day, 10), new()
            {
                ["claimId"] = claimId, ["imei"] = imei, ["incident"] = WireNames.Of(Incidents[random.Next(Incidents.Length)]),
                ["loanerRequested"] = HistoryValues.Of(loaner), ["note"] = null,
            });
            var fate = random.Next(100);
            if (fate < 5)
            {
                break; // still pending: nothing more on this line
            }

            if (fate < 15)
            {
                yield return Event(HistoryTypes.ClaimWithdrawn, At(day, 11), new() { ["claimId"] = claimId });
                cursor = day.AddDays(1);
                continue;
            }

            yield return Event(HistoryTypes.ClaimDeviceReceived, At(day.AddDays(1), 10), new()
            {
                ["claimId"] = claimId, ["consentFormEnclosed"] = "true", ["simAndSdRemoved"] = "true", ["esimErased"] = "true",
                ["dataErased"] = "true", ["eCertificateRevoked"] = "true",
            });
            var inspection = random.Next(100);
            if (inspection < 10)
            {
                yield return Event(HistoryTypes.ClaimInspected, At(day.AddDays(2), 10), new()
                {
                    ["claimId"] = claimId, ["outcome"] = "reject", ["reason"] = WireNames.Of(Reasons[random.Next(Reasons.Length)]),
                });
                cursor = day.AddDays(3);
            }
            else if (inspection < 70)
            {
                yield return Event(HistoryTypes.ClaimInspected, At(day.AddDays(2), 10), new() { ["claimId"] = claimId, ["outcome"] = "repair", ["reason"] = null });
                var completed = day.AddDays(3 + random.Next(0, 8));
                var cost = 5_000 + random.Next(0, 120_000);
                yield return Event(
                    HistoryTypes.ClaimRepairCompleted,
                    At(completed, 18),
                    new() { ["claimId"] = claimId, ["repairCostYen"] = HistoryValues.Of(cost), ["makerReplacementImei"] = null },
                    ClaimRules.RepairCharges(claimId, cost, loaner, completed, Fees));
                cursor = completed.AddDays(1);
            }
            else
            {
                yield return Event(HistoryTypes.ClaimInspected, At(day.AddDays(2), 10), new() { ["claimId"] = claimId, ["outcome"] = "exchange", ["reason"] = null });
                var stockModel = model % StockModels;
                var replacement = Imei.WithCheckDigit(StockTac(stockModel) + (index % 1_000_000).ToString("000000"));
                var shipped = At(day.AddDays(3), 10);
                yield return StockEvent(stockModel, StockMovementKind.Shipment, -1, $"{lineId}/{claimId}", shipped);
                yield return Event(HistoryTypes.ClaimExchangeShipped, shipped, new() { ["claimId"] = claimId, ["replacementImei"] = replacement, ["tac"] = StockTac(stockModel) });
                var delivered = day.AddDays(4 + random.Next(0, 3));
                exchanges++;
                yield return Event(
                    HistoryTypes.ClaimExchangeDelivered,
                    At(delivered, 10),
                    new() { ["claimId"] = claimId, ["replacementImei"] = replacement, ["useNumber"] = HistoryValues.Of(exchanges) },
                    ClaimRules.ExchangeCharges(claimId, exchanges, delivered, Fees));
                imei = replacement;
                cursor = delivered.AddDays(1);
            }
        }

        var end = random.Next(100);
        if (end < 10)
        {
            yield return Event(HistoryTypes.OptionTerminated, At(cursor, 20), new() { ["date"] = WireNames.Date(cursor.AddDays(random.Next(0, 300))) });
        }
        else if (end < 13)
        {
            var date = cursor.AddDays(random.Next(0, 60));
            yield return Event(HistoryTypes.LineCancelled, At(cursor, 21), new() { ["date"] = WireNames.Date(date), ["optionTerminatedOn"] = WireNames.Date(date) });
        }
    }

    private static DateTimeOffset At(DateOnly day, int hour) => new(day.Year, day.Month, day.Day, hour, 0, 0, Japan);
}
