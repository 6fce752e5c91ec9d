using System.Runtime.CompilerServices;
using Npgsql;
using Warranty.Grains.Events;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>The read tables in PostgreSQL: a projection step is one transaction and one round trip (a batch).</summary>
public sealed class PostgresReadModel(string connectionString) : ReadModelStore
{
    private NpgsqlDataSource Source => PostgresSources.For(connectionString);

    public override async Task<Lease> TryLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            WITH previous AS (SELECT lease_owner, lease_until FROM read_projection WHERE name = 'read_model' FOR UPDATE)
            UPDATE read_projection r SET lease_owner = $1, lease_until = now() + make_interval(secs => $2)
            FROM previous p
            WHERE r.name = 'read_model' AND (r.lease_owner = $1 OR r.lease_owner IS NULL OR r.lease_until < now())
            RETURNING p.lease_owner, p.lease_until
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = duration.TotalSeconds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new Lease(false);
        }

        var tookOver = !reader.IsDBNull(0) && reader.GetString(0) != owner && !reader.IsDBNull(1);
        return new Lease(true, tookOver ? new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero) : null);
    }

    public override async Task<IReadOnlyList<string>> UnpublishedLinesAsync(string serviceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT t
            FROM (SELECT convert_from(payload, 'UTF8') AS t FROM orleans_grain_state
                  WHERE service_id = $1 AND grain_type = 'line' AND payload IS NOT NULL AND modified_at >= $2 AND modified_at < $3) AS s
            WHERE coalesce((t::jsonb ->> 'eventsPublished')::int, 0)
                  < coalesce((t::jsonb ->> 'archivedHistoryCount')::int, 0) + coalesce(jsonb_array_length(t::jsonb -> 'history'), 0)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = since.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = until.UtcDateTime });
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
        await using var command = Source.CreateCommand("""
            SELECT t
            FROM (SELECT convert_from(payload, 'UTF8') AS t FROM orleans_grain_state
                  WHERE service_id = $1 AND grain_type = 'stock' AND payload IS NOT NULL AND modified_at >= $2 AND modified_at < $3) AS s
            WHERE coalesce(jsonb_array_length(t::jsonb -> 'unpublished'), 0) > 0
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = since.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = until.UtcDateTime });
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
        await using var command = Source.CreateCommand("UPDATE read_projection SET lease_owner = NULL, lease_until = NULL WHERE name = 'read_model' AND lease_owner = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<long> PositionAsync(CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("SELECT position FROM read_projection WHERE name = 'read_model'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public override async Task<bool> ApplyAsync(IReadOnlyList<ReadChange> changes, long expected, long next, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            """
            UPDATE read_projection SET position = $1, updated_at = now()
            WHERE name = 'read_model' AND position = $2 AND lease_owner = $3 AND lease_until > now()
            """,
            next, expected, owner));
        foreach (var change in changes)
        {
            batch.BatchCommands.Add(CommandFor(change));
        }

        // The first statement decides: if it moved no position, nothing of the batch is kept.
        await batch.ExecuteNonQueryAsync(cancellationToken);

        if (batch.BatchCommands[0].RecordsAffected != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static NpgsqlBatchCommand CommandFor(ReadChange change) => change switch
    {
        LineOpened o => Command(
            """
            INSERT INTO read_lines (line_id, plan, plan_sequence, service_start_date, has_option, first_charged_month, changed_sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $3) ON CONFLICT (line_id) DO NOTHING
            """,
            o.LineId, o.Plan, o.Sequence, o.ServiceStartDate, o.HasOption, o.FirstChargedMonth),
        PlanChanged p => Command(
            "UPDATE read_lines SET plan = $2, plan_sequence = $3 WHERE line_id = $1 AND plan_sequence < $3",
            p.LineId, p.Plan, p.Sequence),
        OptionEnded e => Command(
            """
            UPDATE read_lines SET terminated_on = $2, last_charged_month = $3, end_sequence = $4, changed_sequence = greatest(changed_sequence, $4)
            WHERE line_id = $1 AND end_sequence < $4
            """,
            e.LineId, e.TerminatedOn, e.LastChargedMonth, e.Sequence),
        LineCancelled c => Command("UPDATE read_lines SET cancelled_on = $2 WHERE line_id = $1", c.LineId, c.CancelledOn),
        ChargeIncurred c => Command(
            """
            INSERT INTO read_charges (event_id, item, line_id, claim_id, kind, date, month, amount_yen, tax_yen, taxable, sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (event_id, item) DO NOTHING
            """,
            c.EventId, c.Item, c.LineId, (object?)c.Charge.ClaimId ?? DBNull.Value, WireNames.Of(c.Charge.Kind), c.Charge.Date, c.Month,
            c.Charge.AmountYen, c.Charge.TaxYen, c.Charge.Taxable, c.Sequence),
        ClaimOpened c => Command(
            """
            INSERT INTO read_claims (line_id, claim_id, tac, incident, filed_at, filed_on, outcome)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (line_id, claim_id) DO NOTHING
            """,
            c.LineId, c.ClaimId, c.Tac, c.Incident, c.FiledAt.ToUniversalTime(), JapanTime.DateOf(c.FiledAt), WireNames.Of(ClaimOutcome.Pending)),
        ClaimDecided d => Command(
            "UPDATE read_claims SET outcome = $3, service = $4 WHERE line_id = $1 AND claim_id = $2",
            d.LineId, d.ClaimId, WireNames.Of(d.Outcome), d.Service is { } service ? WireNames.Of(service) : DBNull.Value),
        ClaimCompleted c => Command(
            "UPDATE read_claims SET completed_on = $3, turnaround_seconds = extract(epoch FROM $4 - filed_at)::float8 WHERE line_id = $1 AND claim_id = $2",
            c.LineId, c.ClaimId, JapanTime.DateOf(c.CompletedAt), c.CompletedAt.ToUniversalTime()),
        ModelNamed m => Command(
            "INSERT INTO read_models (tac, model) VALUES ($1, $2) ON CONFLICT (tac) DO UPDATE SET model = excluded.model WHERE read_models.model <> excluded.model",
            m.Tac, m.Model),
        StockMoved m => Command(
            """
            INSERT INTO read_stock_movements (event_id, tac, kind, delta, quantity, at, moved_on, sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING
            """,
            m.EventId, m.Tac, WireNames.Of(m.Kind), m.Delta, m.Quantity, m.At.ToUniversalTime(), JapanTime.DateOf(m.At), m.Sequence),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown read change."),
    };

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    public override async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "TRUNCATE read_lines, read_charges, read_claims, read_models, read_stock_movements; UPDATE read_projection SET position = 0, updated_at = now() WHERE name = 'read_model'", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public override async Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT p.position,
                   (SELECT coalesce(max(sequence), 0) FROM warranty_events),
                   (SELECT count(*) FROM warranty_events WHERE sequence > p.position),
                   greatest(0, coalesce(extract(epoch FROM now() - (SELECT min(recorded_at) FROM warranty_events WHERE sequence > p.position)), 0))::float8,
                   p.lease_owner, p.lease_until
            FROM read_projection p WHERE p.name = 'read_model'
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ProjectionStatus(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.GetDouble(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero));
    }

    public override async IAsyncEnumerable<ChargedLine> ChargedLinesAsync(int month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT line_id, service_start_date, terminated_on FROM read_lines
            WHERE has_option AND first_charged_month <= $1 AND (last_charged_month IS NULL OR last_charged_month >= $1)
            ORDER BY line_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = month });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ChargedLine(
                reader.GetString(0),
                reader.GetFieldValue<DateOnly>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2));
        }
    }

    public override async IAsyncEnumerable<BillingItem> ClaimChargesAsync(int month, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT line_id, claim_id, kind, date, amount_yen, tax_yen, taxable FROM read_charges
            WHERE month = $1 ORDER BY line_id, claim_id, item
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = month });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ItemOf(reader);
        }
    }

    public override async Task<IReadOnlyList<ClosedMonth>> ClosedMonthsAsync(CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("SELECT month, position FROM billing_runs ORDER BY month");
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
        await using var command = Source.CreateCommand("""
            SELECT c.line_id, c.claim_id, c.kind, c.date, c.amount_yen, c.tax_yen, c.taxable FROM read_charges c
            WHERE c.month = ANY($1) AND NOT EXISTS (SELECT 1 FROM billed_charges b WHERE b.event_id = c.event_id AND b.item = c.item)
            ORDER BY c.line_id, c.month, c.claim_id, c.item
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = months.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<BillingItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ItemOf(reader));
        }

        return items;
    }

    public override async Task<IReadOnlyList<FeeFacts>> FeeChangesAsync(long afterSequence, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT l.line_id, l.service_start_date, l.has_option, l.terminated_on, l.changed_sequence,
                   coalesce(array_agg(b.month ORDER BY b.month) FILTER (WHERE b.month IS NOT NULL), '{}')
            FROM read_lines l LEFT JOIN billed_fees b ON b.line_id = l.line_id
            WHERE l.changed_sequence > $1
            GROUP BY l.line_id ORDER BY l.line_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<FeeFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new FeeFacts(
                reader.GetString(0),
                reader.GetFieldValue<DateOnly>(1),
                reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3),
                reader.GetInt64(4),
                reader.GetFieldValue<int[]>(5)));
        }

        return lines;
    }

    public override async Task<bool> CloseAsync(Closing closing, CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(
            """
            INSERT INTO billing_runs (month, position, closed_at, lines, items, total_yen, tax_yen)
            SELECT $1, $2, now(), $3, $4, $5, $6
            WHERE (SELECT position FROM read_projection WHERE name = 'read_model' FOR SHARE) = $2
            ON CONFLICT (month) DO NOTHING
            """,
            connection,
            transaction))
        {
            foreach (var value in new object[] { closing.Month, closing.Position, closing.Lines, closing.Items, closing.TotalYen, closing.TaxYen })
            {
                check.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            if (await check.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            """
            INSERT INTO billed_fees (line_id, month, billed_in)
            SELECT line_id, $1, $1 FROM read_lines
            WHERE has_option AND first_charged_month <= $1 AND (last_charged_month IS NULL OR last_charged_month >= $1)
            ON CONFLICT (line_id, month) DO NOTHING
            """,
            closing.Month));
        batch.BatchCommands.Add(Command(
            """
            INSERT INTO billed_charges (event_id, item, billed_in)
            SELECT event_id, item, $1 FROM read_charges WHERE month = $1 OR month = ANY($2)
            ON CONFLICT (event_id, item) DO NOTHING
            """,
            closing.Month,
            closing.AdjustedMonths.ToArray()));
        foreach (var (lineId, month) in closing.FeesDue)
        {
            batch.BatchCommands.Add(Command(
                "INSERT INTO billed_fees (line_id, month, billed_in) VALUES ($1, $2, $3) ON CONFLICT (line_id, month) DO NOTHING", lineId, month, closing.Month));
        }

        foreach (var (lineId, month) in closing.FeesCredited)
        {
            batch.BatchCommands.Add(Command("DELETE FROM billed_fees WHERE line_id = $1 AND month = $2", lineId, month));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public override async Task<IReadOnlyList<ClaimCount>> ClaimCountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT g.tac, m.model, g.incident, g.outcome, g.claims
            FROM (SELECT tac, incident, outcome, count(*) AS claims FROM read_claims WHERE filed_on BETWEEN $1 AND $2 GROUP BY tac, incident, outcome) g
            LEFT JOIN read_models m ON m.tac = g.tac
            ORDER BY g.claims DESC, g.tac, g.incident, g.outcome
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ClaimCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            WireNames.TryParse<ClaimOutcome>(reader.GetString(3), out var outcome);
            rows.Add(new ClaimCount(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), outcome, reader.GetInt64(4)));
        }

        return rows;
    }

    public override async Task<IReadOnlyList<TurnaroundFigures>> TurnaroundAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT service, count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY turnaround_seconds),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY turnaround_seconds)
            FROM read_claims
            WHERE completed_on BETWEEN $1 AND $2 AND service IS NOT NULL AND turnaround_seconds IS NOT NULL
            GROUP BY service
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<TurnaroundFigures>();
        while (await reader.ReadAsync(cancellationToken))
        {
            WireNames.TryParse<ClaimService>(reader.GetString(0), out var service);
            rows.Add(new TurnaroundFigures(service, reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
        }

        return rows.OrderBy(r => r.Service).ToList();
    }

    public override async Task<IReadOnlyList<StockReportRow>> StockMovementsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("""
            SELECT s.tac, m.model, s.restocked, s.written_off, s.shipped, s.quantity
            FROM (SELECT tac,
                         coalesce(sum(delta) FILTER (WHERE kind = 'set' AND delta > 0), 0) AS restocked,
                         coalesce(-sum(delta) FILTER (WHERE kind = 'set' AND delta < 0), 0) AS written_off,
                         count(*) FILTER (WHERE kind = 'shipment') AS shipped,
                         (array_agg(quantity ORDER BY sequence DESC))[1] AS quantity
                  FROM read_stock_movements WHERE moved_on BETWEEN $1 AND $2 GROUP BY tac) s
            LEFT JOIN read_models m ON m.tac = s.tac
            ORDER BY s.tac
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
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
        await using var command = Source.CreateCommand(
            "SELECT first_charged_month, last_charged_month, count(*) FROM read_lines WHERE has_option GROUP BY first_charged_month, last_charged_month");
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
        await using var command = Source.CreateCommand("""
            SELECT operation, rule_id, sum(refusals)::bigint FROM refusal_counts WHERE day BETWEEN $1 AND $2
            GROUP BY operation, rule_id ORDER BY 3 DESC, 1, 2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
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
        await using var command = Source.CreateCommand("""
            INSERT INTO refusal_counts (day, operation, rule_id, refusals)
            SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[])
            ON CONFLICT (day, operation, rule_id) DO UPDATE SET refusals = refusal_counts.refusals + excluded.refusals
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = counts.Select(c => c.Day).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = counts.Select(c => WireNames.Of(c.Operation)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = counts.Select(c => c.Rule).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = counts.Select(c => c.Refusals).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static BillingItem ItemOf(NpgsqlDataReader reader)
    {
        WireNames.TryParse<ChargeKind>(reader.GetString(2), out var kind);
        return new BillingItem(
            reader.GetString(0),
            new ChargeItem(
                kind,
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetFieldValue<DateOnly>(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetBoolean(6)));
    }
}
