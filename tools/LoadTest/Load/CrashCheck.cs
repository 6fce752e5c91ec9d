using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Warranty.LoadTest.Reporting;

namespace Warranty.LoadTest.Load;

/// <summary>A silo killed with SIGKILL (and, later, started again), as the crash test's orchestrator logs it.</summary>
public sealed record KillRecord(int Silo, DateTimeOffset KilledAt, DateTimeOffset? RestartedAt = null, DateTimeOffset? JoinedAt = null);

public sealed record CheckInputs(
    string ConnectionString,
    string ServiceId,
    IReadOnlyList<string> RunResults,
    IReadOnlyList<string> AckLogs,
    IReadOnlyList<string> ErrorLogs,
    string? ExchangeSummary,
    string? ExchangeLog,
    string? ProbeLog,
    string? Kills,
    TimeSpan ResponseTimeout,
    TimeSpan RecoveryLimit);

public sealed record CheckFigure(string Name, string Value, bool Ok, string? Expected = null);

public sealed record KillFigure(
    int Silo, DateTimeOffset KilledAt, double? RecoverySeconds, int Errors, double? FirstErrorSeconds, double? LastErrorSeconds, double WindowSeconds);

public sealed record StockFigure(string Tac, int Initial, int Deliveries, int Shipments, int? ApiQuantity, int? StoredQuantity);

public sealed record CheckResult(
    bool Passed,
    long Requests,
    IReadOnlyDictionary<string, long> Statuses,
    long TransportErrors,
    long Abandoned,
    long ExchangeRequests,
    IReadOnlyDictionary<string, long> ExchangeStatuses,
    int AcknowledgedClaims,
    int ExactlyOnce,
    int Lost,
    int Duplicated,
    int UnacknowledgedClaims,
    int DevicesOnTwoLines,
    int LinkMismatches,
    int ClaimLimitViolations,
    int ExchangesCompleted,
    int ExchangesAbandoned,
    int ExchangesLost,
    IReadOnlyList<StockFigure> Stock,
    int Errors,
    int ServerErrors500,
    int ErrorsOutsideWindows,
    IReadOnlyList<KillFigure> Kills,
    IReadOnlyList<CheckFigure> Figures,
    IReadOnlyList<string> Samples);

/// <summary>
/// The invariants of the crash test (cluster/crash-test.sh, and its short version in the test suite), checked after
/// the load has stopped: from PostgreSQL (the grain-state table, System.Text.Json payloads), from the API, and from
/// the logs the load tool and the orchestrator wrote.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>every acknowledged claim filing exists exactly once (none lost, none duplicated);</item>
/// <item>no device is the covered device of two lines, and device grains agree with their lines (outside a pending outbox);</item>
/// <item>no line has more counted claims in a contract year than CLM-1 allows (2);</item>
/// <item>exchange stock = initial stock − deliveries, per TAC, in storage and through the API; every shipment delivered;
/// every acknowledged exchange completed in storage;</item>
/// <item>errors (5xx, transport errors, unexpected answers) only inside a kill's failure-detection window:
/// from the kill to its recovery plus the client's response timeout (a call that was waiting on the dead silo);
/// never a 500;</item>
/// <item>recovery per kill within the limit: from SIGKILL to the first probe round after which every round was right.</item>
/// </list>
/// </remarks>
public sealed class CrashCheck(CheckInputs inputs, HttpClient? api)
{
    /// <summary>CLM-1: at most two counted claims per line per contract year.</summary>
    public const int ClaimsPerContractYear = 2;

    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private readonly List<string> _samples = [];

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var figures = new List<CheckFigure>();
        var rows = await ReadStateAsync(cancellationToken);
        var lines = rows.Where(r => r.Type == "line").Select(r => r.Payload).Where(p => p["exists"]?.GetValue<bool>() == true)
            .ToDictionary(p => p["lineId"]!.GetValue<string>(), StringComparer.Ordinal);
        var devices = rows.Where(r => r.Type == "device").Select(r => r.Payload).Where(p => p["exists"]?.GetValue<bool>() == true)
            .ToDictionary(p => p["imei"]!.GetValue<string>(), StringComparer.Ordinal);

        // Requests.
        var runs = inputs.RunResults.Where(File.Exists).Select(p => ResultsWriter.ReadJson(File.ReadAllText(p))!).ToList();
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (status, count) in runs.SelectMany(r => r.Overall.Statuses))
        {
            statuses[status] = statuses.GetValueOrDefault(status) + count;
        }

        var requests = runs.Sum(r => r.Overall.Count);
        var transport = runs.Sum(r => r.Overall.TransportErrors);
        var abandoned = runs.Sum(r => r.Overall.Abandoned);
        var exchange = inputs.ExchangeSummary is { } summaryPath && File.Exists(summaryPath)
            ? JsonSerializer.Deserialize<ExchangeSummary>(File.ReadAllText(summaryPath), NdjsonLog.Json)
            : null;
        figures.Add(new("abandoned requests (no answer 5 s after the end)", abandoned.ToString(CultureInfo.InvariantCulture), abandoned == 0, "0"));

        // Claims: every acknowledged filing exactly once.
        var acks = inputs.AckLogs.SelectMany(NdjsonLog.ReadAll<ClaimAck>).ToList();
        var ackCounts = acks.GroupBy(a => (a.LineId, a.ClaimId)).ToDictionary(g => g.Key, g => g.Count());
        int exactlyOnce = 0, lost = 0, duplicated = 0;
        foreach (var ((lineId, claimId), acked) in ackCounts)
        {
            var stored = lines.TryGetValue(lineId, out var line) ? Claims(line).Count(c => Str(c, "claimId") == claimId) : 0;
            if (stored == 0)
            {
                lost++;
                Sample($"lost: claim {claimId} of line {lineId} was acknowledged but is not stored");
            }
            else if (stored > 1 || acked > 1)
            {
                duplicated++;
                Sample($"duplicated: claim {claimId} of line {lineId} stored {stored}×, acknowledged {acked}×");
            }
            else
            {
                exactlyOnce++;
            }
        }

        // The same claim id twice in one line is a duplicate whether or not it was acknowledged.
        foreach (var (lineId, line) in lines)
        {
            foreach (var group in Claims(line).GroupBy(c => Str(c, "claimId")).Where(g => g.Count() > 1 && !ackCounts.ContainsKey((lineId, g.Key!))))
            {
                duplicated++;
                Sample($"duplicated: claim {group.Key} stored {group.Count()}× in line {lineId}");
            }
        }

        var ackedLines = acks.Select(a => a.LineId).ToHashSet(StringComparer.Ordinal);
        var unacknowledged = lines.Where(l => ackedLines.Contains(l.Key))
            .Sum(l => Claims(l.Value).Count(c => !ackCounts.ContainsKey((l.Key, Str(c, "claimId")!))));
        figures.Add(new("acknowledged claims stored exactly once", $"{exactlyOnce:N0} of {ackCounts.Count:N0}", exactlyOnce == ackCounts.Count, "all"));
        figures.Add(new("acknowledged claims lost", lost.ToString(CultureInfo.InvariantCulture), lost == 0, "0"));
        figures.Add(new("claims duplicated", duplicated.ToString(CultureInfo.InvariantCulture), duplicated == 0, "0"));

        // REG-5: one line per device.
        var coveredBy = lines.Where(l => CoveredImei(l.Value) is not null).GroupBy(l => CoveredImei(l.Value)!, StringComparer.Ordinal).ToList();
        var twoLines = coveredBy.Count(g => g.Count() > 1);
        foreach (var g in coveredBy.Where(g => g.Count() > 1).Take(3))
        {
            Sample($"device {g.Key} covered by lines {string.Join(", ", g.Select(l => l.Key))}");
        }

        figures.Add(new("devices covered by two lines", twoLines.ToString(CultureInfo.InvariantCulture), twoLines == 0, "0"));
        var mismatches = LinkMismatches(lines, devices);
        figures.Add(new("device links disagreeing with their line (outside a pending outbox)", mismatches.ToString(CultureInfo.InvariantCulture), mismatches == 0, "0"));

        // CLM-1: counted claims per line and contract year.
        var overLimit = 0;
        foreach (var (lineId, line) in lines)
        {
            foreach (var year in Claims(line).Where(c => c["countsTowardLimit"]?.GetValue<bool>() == true).GroupBy(c => Str(c, "contractYearStart")).Where(g => g.Count() > ClaimsPerContractYear))
            {
                overLimit++;
                Sample($"CLM-1: line {lineId} has {year.Count()} counted claims in the contract year from {year.Key}");
            }
        }

        figures.Add(new("lines over CLM-1 (counted claims > 2 in a contract year)", overLimit.ToString(CultureInfo.InvariantCulture), overLimit == 0, "0"));

        // Exchanges and stock.
        var stock = new List<StockFigure>();
        var exchangesLost = 0;
        if (exchange is not null)
        {
            var replaced = lines.Values.SelectMany(Claims).Where(c => c["replacement"] is JsonObject && Is(c, "service", "exchange")).ToList();
            var stored = StoredStock(rows);
            foreach (var (tac, initial) in exchange.InitialStock)
            {
                var ofTac = replaced.Where(c => Str(c["replacement"]!, "tac") == tac).ToList();
                var deliveries = ofTac.Count(c => c["deliveredAt"] is not null);
                var shipments = ofTac.Count(c => Is(c, "status", "exchangeShipped") || Is(c, "status", "completed"));
                var viaApi = await ApiStockAsync(tac, cancellationToken);
                var figure = new StockFigure(tac, initial, deliveries, shipments, viaApi, stored.TryGetValue(tac, out var q) ? q : null);
                stock.Add(figure);
                var ok = figure.ApiQuantity == initial - deliveries && figure.StoredQuantity == initial - deliveries && shipments == deliveries;
                figures.Add(new($"exchange stock of {tac}: initial {initial} − deliveries {deliveries}",
                    $"API {figure.ApiQuantity?.ToString(CultureInfo.InvariantCulture) ?? "?"}, stored {figure.StoredQuantity?.ToString(CultureInfo.InvariantCulture) ?? "?"}, shipments {shipments}",
                    ok, (initial - deliveries).ToString(CultureInfo.InvariantCulture)));
            }

            foreach (var done in NdjsonLog.ReadAll<ExchangeLifecycle>(inputs.ExchangeLog))
            {
                var claim = lines.TryGetValue(done.LineId, out var line) ? Claims(line).FirstOrDefault(c => Str(c, "claimId") == done.ClaimId) : null;
                if (claim is null || !Is(claim, "status", "completed") || claim["replacement"]?["imei"]?.GetValue<string>() != done.ReplacementImei)
                {
                    exchangesLost++;
                    Sample($"exchange lost: claim {done.ClaimId} of line {done.LineId} was delivered ({done.ReplacementImei}) but is stored as {(claim is null ? "nothing" : Str(claim, "status"))}");
                }
            }

            figures.Add(new("exchange lifecycles completed", exchange.Completed.ToString(CultureInfo.InvariantCulture), exchange.Completed > 0, "> 0"));
            figures.Add(new("exchange lifecycles abandoned", exchange.Abandoned.ToString(CultureInfo.InvariantCulture), exchange.Abandoned == 0, "0"));
            figures.Add(new("acknowledged exchanges not completed in storage", exchangesLost.ToString(CultureInfo.InvariantCulture), exchangesLost == 0, "0"));
            foreach (var sample in exchange.AbandonedSamples)
            {
                Sample($"exchange abandoned: {sample}");
            }
        }

        // Errors against kill windows, and recovery.
        var errors = inputs.ErrorLogs.SelectMany(NdjsonLog.ReadAll<RequestError>).OrderBy(e => e.At).ToList();
        var kills = NdjsonLog.ReadAll<KillRecord>(inputs.Kills).OrderBy(k => k.KilledAt).ToList();
        var rounds = NdjsonLog.ReadAll<ProbeRound>(inputs.ProbeLog).OrderBy(r => r.SentAt).ToList();
        var killFigures = new List<KillFigure>();
        var windows = new List<(DateTimeOffset From, DateTimeOffset To)>();
        for (var k = 0; k < kills.Count; k++)
        {
            var kill = kills[k];
            var until = k + 1 < kills.Count ? kills[k + 1].KilledAt : DateTimeOffset.MaxValue;
            var recovery = Recovery(rounds, kill.KilledAt, until);
            var window = (recovery ?? inputs.RecoveryLimit) + inputs.ResponseTimeout + Slack;
            windows.Add((kill.KilledAt, kill.KilledAt + window));
            var mine = errors.Where(e => e.At >= kill.KilledAt && e.At <= kill.KilledAt + window).ToList();
            killFigures.Add(new KillFigure(kill.Silo, kill.KilledAt, recovery?.TotalSeconds, mine.Count,
                mine.Count > 0 ? Math.Round((mine[0].At - kill.KilledAt).TotalSeconds, 2) : null,
                mine.Count > 0 ? Math.Round((mine[^1].At - kill.KilledAt).TotalSeconds, 2) : null,
                Math.Round(window.TotalSeconds, 1)));
            var within = recovery is { } r && r <= inputs.RecoveryLimit;
            figures.Add(new($"recovery after kill {k + 1} (silo {kill.Silo})", recovery is { } s ? $"{s.TotalSeconds:0.0} s" : "never", within,
                $"<= {inputs.RecoveryLimit.TotalSeconds:0} s"));
        }

        var outside = errors.Where(e => !windows.Any(w => e.At >= w.From && e.At <= w.To)).ToList();
        foreach (var e in outside.Take(5))
        {
            Sample($"error outside any kill window: {e.At:HH:mm:ss.fff} {e.Source} {e.Operation} {(e.Status == 0 ? "transport" : e.Status.ToString(CultureInfo.InvariantCulture))} {e.Detail}".TrimEnd());
        }

        var fiveHundreds = errors.Count(e => e.Status == 500);
        figures.Add(new("errors outside the kills' failure-detection windows", outside.Count.ToString(CultureInfo.InvariantCulture), outside.Count == 0, "0"));
        figures.Add(new("500 answers", fiveHundreds.ToString(CultureInfo.InvariantCulture), fiveHundreds == 0, "0"));
        if (rounds.Count == 0 && kills.Count > 0)
        {
            figures.Add(new("probe rounds", "0", false, "> 0"));
        }

        return new CheckResult(
            figures.All(f => f.Ok),
            requests,
            statuses,
            transport,
            abandoned,
            exchange?.Requests ?? 0,
            exchange?.Statuses ?? new SortedDictionary<string, long>(),
            acks.Count,
            exactlyOnce,
            lost,
            duplicated,
            unacknowledged,
            twoLines,
            mismatches,
            overLimit,
            exchange?.Completed ?? 0,
            exchange?.Abandoned ?? 0,
            exchangesLost,
            stock,
            errors.Count,
            fiveHundreds,
            outside.Count,
            killFigures,
            figures,
            _samples);
    }

    /// <summary>
    /// From the kill to the first round (by the time it was sent) after which no round failed, up to the next kill;
    /// null when the service never answered right again before the next kill. A round still under way at the next
    /// kill belongs to that kill (it may have waited on the silo killed then), not to this one.
    /// </summary>
    public static TimeSpan? Recovery(IReadOnlyList<ProbeRound> rounds, DateTimeOffset killedAt, DateTimeOffset until)
    {
        var span = rounds.Where(r => r.SentAt >= killedAt && r.At < until).OrderBy(r => r.SentAt).ToList();
        var lastFailure = span.FindLastIndex(r => !r.Ok);
        var firstRight = span.Skip(lastFailure + 1).FirstOrDefault();
        return firstRight is null ? null : firstRight.SentAt - killedAt;
    }

    public static string Describe(CheckResult r)
    {
        var text = new StringBuilder();
        string Statuses(IReadOnlyDictionary<string, long> s) => string.Join(" ", s.Select(p => $"{p.Key}×{p.Value:N0}"));
        text.AppendLine(CultureInfo.InvariantCulture, $"requests (load):      {r.Requests:N0}  answered by status: {Statuses(r.Statuses)}; transport errors {r.TransportErrors:N0}; abandoned {r.Abandoned:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"requests (exchanges): {r.ExchangeRequests:N0}  by status: {Statuses(r.ExchangeStatuses)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"claims:   acknowledged {r.AcknowledgedClaims:N0}, exactly once {r.ExactlyOnce:N0}, lost {r.Lost}, duplicated {r.Duplicated}; stored without acknowledgement (answer lost in a crash) {r.UnacknowledgedClaims:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"devices:  covered by two lines {r.DevicesOnTwoLines}; links disagreeing with their line {r.LinkMismatches}");
        text.AppendLine(CultureInfo.InvariantCulture, $"CLM-1:    lines over the limit {r.ClaimLimitViolations}");
        text.AppendLine(CultureInfo.InvariantCulture, $"exchanges: completed {r.ExchangesCompleted:N0}, abandoned {r.ExchangesAbandoned}, acknowledged but not stored {r.ExchangesLost}");
        foreach (var s in r.Stock)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  stock {s.Tac}: initial {s.Initial} − deliveries {s.Deliveries} = {s.Initial - s.Deliveries}; API {s.ApiQuantity?.ToString(CultureInfo.InvariantCulture) ?? "?"}, stored {s.StoredQuantity?.ToString(CultureInfo.InvariantCulture) ?? "?"}; shipments {s.Shipments}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"errors:   {r.Errors:N0} (500s: {r.ServerErrors500}), outside the kills' windows: {r.ErrorsOutsideWindows}");
        for (var k = 0; k < r.Kills.Count; k++)
        {
            var kill = r.Kills[k];
            var errors = kill.Errors == 0 ? "no errors" : $"{kill.Errors:N0} errors from +{kill.FirstErrorSeconds:0.0} s to +{kill.LastErrorSeconds:0.0} s";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  kill {k + 1}: silo {kill.Silo} at {kill.KilledAt:HH:mm:ss.fff}Z: recovered in {(kill.RecoverySeconds is { } s ? $"{s:0.0} s" : "never")}; {errors} (window {kill.WindowSeconds:0.0} s)");
        }

        text.AppendLine();
        foreach (var f in r.Figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{(f.Ok ? "ok  " : "FAIL")}  {f.Name}: {f.Value}{(f.Ok || f.Expected is null ? "" : $" (expected {f.Expected})")}");
        }

        foreach (var sample in r.Samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"      {sample}");
        }

        text.AppendLine(r.Passed ? "crash check: PASSED" : "crash check: FAILED");
        return text.ToString();
    }

    private void Sample(string text)
    {
        if (_samples.Count < 20)
        {
            _samples.Add(text);
        }
    }

    private sealed record Row(string Type, long N0, long N1, string? Ext, JsonObject Payload);

    private async Task<List<Row>> ReadStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(inputs.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT grain_type, grain_id_n0, grain_id_n1, grain_id_ext, convert_from(payload, 'UTF8')
            FROM orleans_grain_state
            WHERE service_id = @service AND payload IS NOT NULL AND grain_type IN ('line', 'device', 'stock', 'model')
            """, connection);
        command.Parameters.AddWithValue("service", inputs.ServiceId);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (JsonNode.Parse(reader.GetString(4)) is JsonObject payload)
            {
                rows.Add(new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), payload));
            }
        }

        return rows;
    }

    /// <summary>Stock per TAC as stored: a stock grain's row has the same grain id as its model's row, whose payload names the TAC.</summary>
    private static Dictionary<string, int> StoredStock(List<Row> rows)
    {
        var tacs = rows.Where(r => r.Type == "model" && r.Payload["model"] is JsonObject)
            .ToDictionary(r => (r.N0, r.N1, r.Ext), r => Str(r.Payload["model"]!, "tac")!);
        return rows.Where(r => r.Type == "stock" && tacs.ContainsKey((r.N0, r.N1, r.Ext)))
            .ToDictionary(r => tacs[(r.N0, r.N1, r.Ext)], r => r.Payload["quantity"]?.GetValue<int>() ?? 0, StringComparer.Ordinal);
    }

    private async Task<int?> ApiStockAsync(string tac, CancellationToken cancellationToken)
    {
        if (api is null)
        {
            return null;
        }

        using var response = await api.GetAsync($"v1/exchange-stock/{tac}", cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Sample($"GET /v1/exchange-stock/{tac} answered {(int)response.StatusCode}");
            return null;
        }

        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["quantity"]?.GetValue<int>();
    }

    /// <summary>
    /// A line's covered device whose device grain does not name that line as covering it, or a device grain that says
    /// a line covers it when that line covers another; changes still in the line's stored outbox (delivered, or about to
    /// be, on the line's next activation) and a registration between its steps are not counted.
    /// </summary>
    private int LinkMismatches(Dictionary<string, JsonObject> lines, Dictionary<string, JsonObject> devices)
    {
        var mismatches = 0;
        foreach (var (lineId, line) in lines)
        {
            if (CoveredImei(line) is not { } imei || Pending(line, imei))
            {
                continue;
            }

            if (!devices.TryGetValue(imei, out var device) || Str(device, "lineId") != lineId || !Is(device, "status", "covered"))
            {
                mismatches++;
                Sample($"line {lineId} covers {imei}, whose device grain says {(device is null ? "nothing" : $"{Str(device, "status")} on {Str(device, "lineId")}")}");
            }
        }

        foreach (var (imei, device) in devices)
        {
            if (!Is(device, "status", "covered") || Str(device, "lineId") is not { } lineId)
            {
                continue;
            }

            if (!lines.TryGetValue(lineId, out var line))
            {
                mismatches++;
                Sample($"device {imei} says line {lineId} covers it, and that line does not exist");
            }
            else if (CoveredImei(line) != imei && !Pending(line, imei) && !EndedCoverage(device))
            {
                mismatches++;
                Sample($"device {imei} says line {lineId} covers it, but the line covers {CoveredImei(line) ?? "nothing"}");
            }
        }

        return mismatches;
    }

    private static bool Pending(JsonObject line, string imei) =>
        line["pendingRegistration"] is JsonObject
        || (line["outbox"] as JsonArray)?.Any(o => o is JsonObject item && Str(item, "imei") == imei) == true;

    /// <summary>A device whose option ended keeps its link with the last covered day (COV-7).</summary>
    private static bool EndedCoverage(JsonObject device) => device["coveredUntil"] is not null;

    private static string? CoveredImei(JsonObject line) => line["option"]?["device"]?["imei"]?.GetValue<string>();

    private static IEnumerable<JsonObject> Claims(JsonObject line) => (line["claims"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static string? Str(JsonNode node, string name) => node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Enum values are stored by name (<c>ExchangeShipped</c>); compared without case.</summary>
    private static bool Is(JsonNode node, string name, string value) => string.Equals(Str(node, name), value, StringComparison.OrdinalIgnoreCase);
}
