using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>The read tables in the SQLite file: a projection step is one write transaction.</summary>
public sealed class SqliteReadModel(string connectionString) : ReadModelStore
{
    /// <summary>SQLite's clock as the tables keep times: ISO 8601 text in UTC, which compares as it reads.</summary>
    private const string Now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    public override async Task<Lease> TryLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        string? previousOwner = null, previousUntil = null;
        await using (var read = Command(connection, "SELECT lease_owner, lease_until FROM read_projection WHERE name = 'read_model'"))
        {
            read.Transaction = transaction;
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                previousOwner = reader.IsDBNull(0) ? null : reader.GetString(0);
                previousUntil = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        await using var command = Command(
            connection,
            $"""
            UPDATE read_projection SET lease_owner = $owner, lease_until = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', $duration)
            WHERE name = 'read_model' AND (lease_owner = $owner OR lease_owner IS NULL OR lease_until < {Now})
            """,
            ("$owner", owner),
            ("$duration", $"+{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds"));
        command.Transaction = transaction;
        var held = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return new Lease(held, held && previousOwner is not null && previousOwner != owner && previousUntil is not null ? Time(previousUntil) : null);
    }

    public override async Task<IReadOnlyList<string>> UnpublishedLinesAsync(string serviceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT t
            FROM (SELECT CAST(payload AS TEXT) AS t FROM orleans_grain_state
                  WHERE service_id = $service AND grain_type = 'line' AND payload IS NOT NULL AND modified_at >= $since AND modified_at < $until)
            WHERE coalesce(json_extract(t, '$.eventsPublished'), 0)
                  < coalesce(json_extract(t, '$.archivedHistoryCount'), 0) + coalesce(json_array_length(t, '$.history'), 0)
            """,
            ("$service", serviceId),
            ("$since", since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("$until", until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    public override async Task<IReadOnlyList<string>> UnpublishedStocksAsync(
        string serviceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT t
            FROM (SELECT CAST(payload AS TEXT) AS t FROM orleans_grain_state
                  WHERE service_id = $service AND grain_type = 'stock' AND payload IS NOT NULL AND modified_at >= $since AND modified_at < $until)
            WHERE coalesce(json_array_length(t, '$.unpublished'), 0) > 0
            """,
            ("$service", serviceId),
            ("$since", since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("$until", until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        var stocks = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stocks.Add(reader.GetString(0));
        }

        return stocks;
    }

    public override async Task ReleaseAsync(string owner, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection, "UPDATE read_projection SET lease_owner = NULL, lease_until = NULL WHERE name = 'read_model' AND lease_owner = $owner", ("$owner", owner));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<long> PositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT position FROM read_projection WHERE name = 'read_model'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public override async Task<bool> ApplyAsync(IReadOnlyList<ReadChange> changes, long expected, long next, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var move = Command(
            connection,
            $"""
            UPDATE read_projection SET position = $next, updated_at = {Now}
            WHERE name = 'read_model' AND position = $expected AND lease_owner = $owner AND lease_until > {Now}
            """,
            ("$next", next),
            ("$expected", expected),
            ("$owner", owner)))
        {
            move.Transaction = transaction;
            if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        foreach (var change in changes)
        {
            await using var command = CommandFor(connection, change);
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static SqliteCommand CommandFor(SqliteConnection connection, ReadChange change) => change switch
    {
        LineOpened o => Command(
            connection,
            """
            INSERT OR IGNORE INTO read_lines (line_id, plan, plan_sequence, service_start_date, has_option, first_charged_month, changed_sequence)
            VALUES ($line, $plan, $sequence, $start, $option, $first, $sequence)
            """,
            ("$line", o.LineId), ("$plan", o.Plan), ("$sequence", o.Sequence), ("$start", Text(o.ServiceStartDate)), ("$option", o.HasOption), ("$first", o.FirstChargedMonth)),
        PlanChanged p => Command(
            connection,
            "UPDATE read_lines SET plan = $plan, plan_sequence = $sequence WHERE line_id = $line AND plan_sequence < $sequence",
            ("$line", p.LineId), ("$plan", p.Plan), ("$sequence", p.Sequence)),
        OptionEnded e => Command(
            connection,
            """
            UPDATE read_lines SET terminated_on = $end, last_charged_month = $last, end_sequence = $sequence, changed_sequence = max(changed_sequence, $sequence)
            WHERE line_id = $line AND end_sequence < $sequence
            """,
            ("$line", e.LineId), ("$end", Text(e.TerminatedOn)), ("$last", e.LastChargedMonth), ("$sequence", e.Sequence)),
        LineCancelled c => Command(
            connection, "UPDATE read_lines SET cancelled_on = $date WHERE line_id = $line", ("$line", c.LineId), ("$date", Text(c.CancelledOn))),
        ChargeIncurred c => Command(
            connection,
            """
            INSERT OR IGNORE INTO read_charges (event_id, item, line_id, claim_id, kind, date, month, amount_yen, tax_yen, taxable, sequence)
            VALUES ($event, $item, $line, $claim, $kind, $date, $month, $amount, $tax, $taxable, $sequence)
            """,
            ("$event", c.EventId), ("$item", c.Item), ("$line", c.LineId), ("$claim", c.Charge.ClaimId), ("$kind", WireNames.Of(c.Charge.Kind)),
            ("$date", Text(c.Charge.Date)), ("$month", c.Month), ("$amount", c.Charge.AmountYen), ("$tax", c.Charge.TaxYen),
            ("$taxable", c.Charge.Taxable), ("$sequence", c.Sequence)),
        ClaimOpened c => Command(
            connection,
            """
            INSERT OR IGNORE INTO read_claims (line_id, claim_id, tac, incident, filed_at, filed_on, outcome)
            VALUES ($line, $claim, $tac, $incident, $at, $on, $outcome)
            """,
            ("$line", c.LineId), ("$claim", c.ClaimId), ("$tac", c.Tac), ("$incident", c.Incident), ("$at", Text(c.FiledAt)),
            ("$on", Text(JapanTime.DateOf(c.FiledAt))), ("$outcome", WireNames.Of(ClaimOutcome.Pending))),
        ClaimDecided d => Command(
            connection,
            "UPDATE read_claims SET outcome = $outcome, service = $service WHERE line_id = $line AND claim_id = $claim",
            ("$line", d.LineId), ("$claim", d.ClaimId), ("$outcome", WireNames.Of(d.Outcome)), ("$service", d.Service is { } service ? WireNames.Of(service) : null)),
        ClaimCompleted c => Command(
            connection,
            """
            UPDATE read_claims SET completed_on = $on, turnaround_seconds = (julianday($at) - julianday(filed_at)) * 86400.0
            WHERE line_id = $line AND claim_id = $claim
            """,
            ("$line", c.LineId), ("$claim", c.ClaimId), ("$on", Text(JapanTime.DateOf(c.CompletedAt))), ("$at", Text(c.CompletedAt))),
        ModelNamed m => Command(
            connection,
            "INSERT INTO read_models (tac, model) VALUES ($tac, $model) ON CONFLICT (tac) DO UPDATE SET model = excluded.model WHERE model <> excluded.model",
            ("$tac", m.Tac), ("$model", m.Model)),
        StockMoved m => Command(
            connection,
            """
            INSERT OR IGNORE INTO read_stock_movements (event_id, tac, kind, delta, quantity, at, moved_on, sequence)
            VALUES ($event, $tac, $kind, $delta, $quantity, $at, $on, $sequence)
            """,
            ("$event", m.EventId), ("$tac", m.Tac), ("$kind", WireNames.Of(m.Kind)), ("$delta", m.Delta), ("$quantity", m.Quantity),
            ("$at", Text(m.At)), ("$on", Text(JapanTime.DateOf(m.At))), ("$sequence", m.Sequence)),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown read change."),
    };

    public override async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(
            connection, $"DELETE FROM read_lines; DELETE FROM read_charges; DELETE FROM read_claims; DELETE FROM read_models; DELETE FROM read_stock_movements; UPDATE read_projection SET position = 0, updated_at = {Now} WHERE name = 'read_model'");
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public override async Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT p.position,
                   (SELECT coalesce(max(sequence), 0) FROM warranty_events),
                   (SELECT count(*) FROM warranty_events WHERE sequence > p.position),
                   (SELECT min(recorded_at) FROM warranty_events WHERE sequence > p.position),
                   p.lease_owner, p.lease_until
            FROM read_projection p WHERE p.name = 'read_model'
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var oldest = reader.IsDBNull(3) ? (DateTimeOffset?)null : Time(reader.GetString(3));
        return new ProjectionStatus(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            oldest is { } at ? Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds) : 0,
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : Time(reader.GetString(5)));
    }

    public override async IAsyncEnumerable<ChargedLine> ChargedLinesAsync(int month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT line_id, service_start_date, terminated_on FROM read_lines
            WHERE has_option AND first_charged_month <= $month AND (last_charged_month IS NULL OR last_charged_month >= $month)
            ORDER BY line_id
            """,
            ("$month", month));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ChargedLine(reader.GetString(0), Date(reader.GetString(1)), reader.IsDBNull(2) ? null : Date(reader.GetString(2)));
        }
    }

    public override async IAsyncEnumerable<BillingItem> ClaimChargesAsync(int month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            "SELECT line_id, claim_id, kind, date, amount_yen, tax_yen, taxable FROM read_charges WHERE month = $month ORDER BY line_id, claim_id, item",
            ("$month", month));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ItemOf(reader);
        }
    }

    public override async Task<IReadOnlyList<ClosedMonth>> ClosedMonthsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT month, position FROM billing_runs ORDER BY month");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var months = new List<ClosedMonth>();
        while (await reader.ReadAsync(cancellationToken))
        {
            months.Add(new ClosedMonth(reader.GetInt32(0), reader.GetInt64(1)));
        }

        return months;
    }

    public override async Task<IReadOnlyList<BillingItem>> UnbilledChargesAsync(IReadOnlyList<int> months, CancellationToken cancellationToken)
    {
        var items = new List<BillingItem>();
        if (months.Count == 0)
        {
            return items;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            $"""
            SELECT c.line_id, c.claim_id, c.kind, c.date, c.amount_yen, c.tax_yen, c.taxable FROM read_charges c
            WHERE c.month IN ({InList(months)}) AND NOT EXISTS (SELECT 1 FROM billed_charges b WHERE b.event_id = c.event_id AND b.item = c.item)
            ORDER BY c.line_id, c.month, c.claim_id, c.item
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ItemOf(reader));
        }

        return items;
    }

    public override async Task<IReadOnlyList<FeeFacts>> FeeChangesAsync(long afterSequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT l.line_id, l.service_start_date, l.has_option, l.terminated_on, l.changed_sequence, b.month
            FROM read_lines l LEFT JOIN billed_fees b ON b.line_id = l.line_id
            WHERE l.changed_sequence > $after
            ORDER BY l.line_id, b.month
            """,
            ("$after", afterSequence));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<FeeFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var lineId = reader.GetString(0);
            if (lines.Count == 0 || lines[^1].LineId != lineId)
            {
                lines.Add(new FeeFacts(
                    lineId, Date(reader.GetString(1)), reader.GetInt64(2) != 0, reader.IsDBNull(3) ? null : Date(reader.GetString(3)), reader.GetInt64(4), new List<int>()));
            }

            if (!reader.IsDBNull(5))
            {
                ((List<int>)lines[^1].BilledMonths).Add(reader.GetInt32(5));
            }
        }

        return lines;
    }

    public override async Task<bool> CloseAsync(Closing closing, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        async Task<int> RunAsync(string sql, params (string Name, object? Value)[] parameters)
        {
            await using var command = Command(connection, sql, parameters);
            command.Transaction = transaction;
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var recorded = await RunAsync(
            $"""
            INSERT OR IGNORE INTO billing_runs (month, position, closed_at, lines, items, total_yen, tax_yen)
            SELECT $month, $position, {Now}, $lines, $items, $total, $tax
            WHERE (SELECT position FROM read_projection WHERE name = 'read_model') = $position
            """,
            ("$month", closing.Month), ("$position", closing.Position), ("$lines", closing.Lines), ("$items", closing.Items),
            ("$total", closing.TotalYen), ("$tax", closing.TaxYen));
        if (recorded != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await RunAsync(
            """
            INSERT OR IGNORE INTO billed_fees (line_id, month, billed_in)
            SELECT line_id, $month, $month FROM read_lines
            WHERE has_option AND first_charged_month <= $month AND (last_charged_month IS NULL OR last_charged_month >= $month)
            """,
            ("$month", closing.Month));
        await RunAsync(
            $"INSERT OR IGNORE INTO billed_charges (event_id, item, billed_in) SELECT event_id, item, $month FROM read_charges WHERE month IN ({InList([closing.Month, .. closing.AdjustedMonths])})",
            ("$month", closing.Month));
        foreach (var (lineId, month) in closing.FeesDue)
        {
            await RunAsync("INSERT OR IGNORE INTO billed_fees (line_id, month, billed_in) VALUES ($line, $month, $in)", ("$line", lineId), ("$month", month), ("$in", closing.Month));
        }

        foreach (var (lineId, month) in closing.FeesCredited)
        {
            await RunAsync("DELETE FROM billed_fees WHERE line_id = $line AND month = $month", ("$line", lineId), ("$month", month));
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public override async Task<IReadOnlyList<ClaimCount>> ClaimCountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT g.tac, m.model, g.incident, g.outcome, g.claims
            FROM (SELECT tac, incident, outcome, count(*) AS claims FROM read_claims WHERE filed_on BETWEEN $from AND $to GROUP BY tac, incident, outcome) g
            LEFT JOIN read_models m ON m.tac = g.tac
            ORDER BY g.claims DESC, g.tac, g.incident, g.outcome
            """,
            ("$from", Text(from)),
            ("$to", Text(to)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ClaimCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            WireNames.TryParse<ClaimOutcome>(reader.GetString(3), out var outcome);
            rows.Add(new ClaimCount(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), outcome, reader.GetInt64(4)));
        }

        return rows;
    }

    /// <summary>SQLite has no percentile function: the durations are read in order and interpolated as PostgreSQL's <c>percentile_cont</c>.</summary>
    public override async Task<IReadOnlyList<TurnaroundFigures>> TurnaroundAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT service, turnaround_seconds FROM read_claims
            WHERE completed_on BETWEEN $from AND $to AND service IS NOT NULL AND turnaround_seconds IS NOT NULL
            ORDER BY service, turnaround_seconds
            """,
            ("$from", Text(from)),
            ("$to", Text(to)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var durations = new Dictionary<ClaimService, List<double>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            WireNames.TryParse<ClaimService>(reader.GetString(0), out var service);
            (durations.TryGetValue(service, out var list) ? list : durations[service] = []).Add(reader.GetDouble(1));
        }

        return durations.OrderBy(d => d.Key)
            .Select(d => new TurnaroundFigures(d.Key, d.Value.Count, Percentiles.Continuous(d.Value, 0.5), Percentiles.Continuous(d.Value, 0.9)))
            .ToList();
    }

    public override async Task<IReadOnlyList<StockReportRow>> StockMovementsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT s.tac, m.model, s.restocked, s.written_off, s.shipped,
                   (SELECT l.quantity FROM read_stock_movements l WHERE l.tac = s.tac AND l.moved_on BETWEEN $from AND $to ORDER BY l.sequence DESC LIMIT 1)
            FROM (SELECT tac,
                         coalesce(sum(CASE WHEN kind = 'set' AND delta > 0 THEN delta END), 0) AS restocked,
                         coalesce(-sum(CASE WHEN kind = 'set' AND delta < 0 THEN delta END), 0) AS written_off,
                         count(CASE WHEN kind = 'shipment' THEN 1 END) AS shipped
                  FROM read_stock_movements WHERE moved_on BETWEEN $from AND $to GROUP BY tac) s
            LEFT JOIN read_models m ON m.tac = s.tac
            ORDER BY s.tac
            """,
            ("$from", Text(from)),
            ("$to", Text(to)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StockReportRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StockReportRow(
                reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5)));
        }

        return rows;
    }

    public override async Task<IReadOnlyList<OptionMonths>> OptionMonthsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection, "SELECT first_charged_month, last_charged_month, count(*) FROM read_lines WHERE has_option GROUP BY first_charged_month, last_charged_month");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OptionMonths>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OptionMonths(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetInt64(2)));
        }

        return rows;
    }

    public override async Task<IReadOnlyList<RefusalsReportRow>> RefusalsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT operation, rule_id, sum(refusals) FROM refusal_counts WHERE day BETWEEN $from AND $to
            GROUP BY operation, rule_id ORDER BY 3 DESC, 1, 2
            """,
            ("$from", Text(from)),
            ("$to", Text(to)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<RefusalsReportRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            WireNames.TryParse<RefusedOperation>(reader.GetString(0), out var operation);
            rows.Add(new RefusalsReportRow(operation, reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    public override async Task AddRefusalsAsync(IReadOnlyList<RefusalCount> counts, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            INSERT INTO refusal_counts (day, operation, rule_id, refusals) VALUES ($day, $operation, $rule, $refusals)
            ON CONFLICT (day, operation, rule_id) DO UPDATE SET refusals = refusals + excluded.refusals
            """);
        command.Transaction = transaction;
        var (day, operation, rule, refusals) = (
            command.Parameters.Add("$day", SqliteType.Text), command.Parameters.Add("$operation", SqliteType.Text),
            command.Parameters.Add("$rule", SqliteType.Text), command.Parameters.Add("$refusals", SqliteType.Integer));
        foreach (var c in counts)
        {
            (day.Value, operation.Value, rule.Value, refusals.Value) = (Text(c.Day), WireNames.Of(c.Operation), c.Rule, c.Refusals);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Month indexes as a SQL list (integers only, so nothing to escape).</summary>
    private static string InList(IEnumerable<int> months) => string.Join(", ", months.Select(m => m.ToString(CultureInfo.InvariantCulture)));

    private static BillingItem ItemOf(SqliteDataReader reader)
    {
        WireNames.TryParse<ChargeKind>(reader.GetString(2), out var kind);
        return new BillingItem(
            reader.GetString(0),
            new ChargeItem(
                kind,
                reader.IsDBNull(1) ? null : reader.GetString(1),
                Date(reader.GetString(3)),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetInt64(6) != 0));
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An instant as the read tables keep it: UTC, to the millisecond, which SQLite's date functions read.</summary>
    private static string Text(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
