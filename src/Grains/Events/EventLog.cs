using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Warranty.Grains.Storage;

namespace Warranty.Grains.Events;

/// <summary>
/// A change a grain committed, as the event log records it (issue 14). <see cref="Id"/> is the change's own stable id,
/// so recording it again changes nothing; <see cref="At"/> is when it happened (the request's <c>at</c>),
/// <see cref="RecordedAt"/> when the service recorded it; <see cref="Data"/> is its values as a JSON object.
/// </summary>
public sealed record LogEvent(string Id, string LineId, string Type, DateTimeOffset At, DateTimeOffset RecordedAt, string Data);

/// <summary>An event as read back from the log, with its place in it. Its times are UTC, to the microsecond (as PostgreSQL keeps them, in every store).</summary>
public sealed record StoredEvent(long Sequence, LogEvent Event);

/// <summary>
/// The append-only log of committed changes, in the store the grains use: the source the read side (billing run,
/// reports) is projected from. Appending is idempotent by event id, so a grain may deliver an event again after a
/// crash or a retry: exactly one row per change.
/// </summary>
public interface IEventLog
{
    /// <summary>Records <paramref name="events"/>; those whose id is already recorded are left as they are.</summary>
    Task AppendAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="max"/> events after <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default);
}

public static class EventLogs
{
    /// <summary><paramref name="instant"/> in UTC, to the microsecond: how every store keeps an event's times.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset instant) => new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>The event log of the store <paramref name="options"/> configure (memory: this process only).</summary>
    public static IEventLog For(WarrantyStorageOptions options) => options.Kind switch
    {
        StorageKind.Postgres => new PostgresEventLog(options.ConnectionString),
        StorageKind.Sqlite => new SqliteEventLog(options.ConnectionString),
        _ => new MemoryEventLog(),
    };
}

/// <summary>
/// The log of the memory store: lost with the process, like the grains' state. The memory store has no read model, so
/// nothing reads it there: it keeps only the last <see cref="Capacity"/> events (and their ids), so a long run in
/// memory does not grow it without end. Tests read it.
/// </summary>
public sealed class MemoryEventLog(int capacity = MemoryEventLog.DefaultCapacity) : IEventLog
{
    public const int DefaultCapacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Queue<StoredEvent> _events = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private long _sequence;

    public int Capacity { get; } = capacity;

    public Task AppendAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (_ids.Add(e.Id))
                {
                    _events.Enqueue(new StoredEvent(++_sequence, e with { At = EventLogs.Microseconds(e.At), RecordedAt = EventLogs.Microseconds(e.RecordedAt) }));
                    if (_events.Count > Capacity)
                    {
                        _ids.Remove(_events.Dequeue().Event.Id);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<StoredEvent> page = _events.Where(e => e.Sequence > afterSequence).Take(max).ToList();
            return Task.FromResult(page);
        }
    }
}

/// <summary>
/// The log in PostgreSQL (<c>warranty_events</c>, postgres/0003_event_log.sql): one statement per batch. Ids already
/// recorded are filtered out before the insert, so a redelivery does not use up a sequence number (a hole the
/// projection would wait on); two deliveries racing still may, and ON CONFLICT keeps the row single.
/// </summary>
public sealed class PostgresEventLog(string connectionString) : IEventLog
{
    private NpgsqlDataSource Source => PostgresSources.For(connectionString);

    public async Task AppendAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var command = Source.CreateCommand("""
            INSERT INTO warranty_events (event_id, line_id, type, at, recorded_at, data)
            SELECT id, line, type, at, recorded, data
            FROM unnest(@ids, @lines, @types, @ats, @recorded, @data) AS e(id, line, type, at, recorded, data)
            WHERE NOT EXISTS (SELECT 1 FROM warranty_events w WHERE w.event_id = e.id)
            ON CONFLICT (event_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", events.Select(e => e.Id).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("lines", events.Select(e => e.LineId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", events.Select(e => e.Type).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("ats", events.Select(e => e.At.UtcDateTime).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("recorded", events.Select(e => e.RecordedAt.UtcDateTime).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<string[]>("data", events.Select(e => e.Data).ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        await using var command = Source.CreateCommand("""
            SELECT sequence, event_id, line_id, type, at, recorded_at, data
            FROM warranty_events WHERE sequence > @after ORDER BY sequence LIMIT @max
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterSequence));
        command.Parameters.Add(new NpgsqlParameter<int>("max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var page = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new StoredEvent(
                reader.GetInt64(0),
                new LogEvent(
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero),
                    new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero),
                    reader.GetString(6))));
        }

        return page;
    }
}

/// <summary>One pool per connection string for the log and the read model, for the process's lifetime.</summary>
public static class PostgresSources
{
    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> Sources = new(StringComparer.Ordinal);

    public static NpgsqlDataSource For(string connectionString) => Sources.GetOrAdd(connectionString, cs => NpgsqlDataSource.Create(cs));
}

/// <summary>
/// The log in the SQLite file (<c>warranty_events</c>, sqlite/0002_event_log.sql): one transaction per batch. As in
/// PostgreSQL, ids already recorded are skipped before the insert, which would otherwise use up a sequence number.
/// </summary>
public sealed class SqliteEventLog(string connectionString) : IEventLog
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public async Task AppendAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR IGNORE INTO warranty_events (event_id, line_id, type, at, recorded_at, data)
            SELECT $id, $line, $type, $at, $recorded, $data
            WHERE NOT EXISTS (SELECT 1 FROM warranty_events WHERE event_id = $id)
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var line = command.Parameters.Add("$line", SqliteType.Text);
        var type = command.Parameters.Add("$type", SqliteType.Text);
        var at = command.Parameters.Add("$at", SqliteType.Text);
        var recorded = command.Parameters.Add("$recorded", SqliteType.Text);
        var data = command.Parameters.Add("$data", SqliteType.Text);
        foreach (var e in events)
        {
            (id.Value, line.Value, type.Value, at.Value, recorded.Value, data.Value) = (e.Id, e.LineId, e.Type, Text(e.At), Text(e.RecordedAt), e.Data);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence, event_id, line_id, type, at, recorded_at, data
            FROM warranty_events WHERE sequence > $after ORDER BY sequence LIMIT $max
            """;
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var page = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new StoredEvent(
                reader.GetInt64(0),
                new LogEvent(reader.GetString(1), reader.GetString(2), reader.GetString(3), Time(reader.GetString(4)), Time(reader.GetString(5)), reader.GetString(6))));
        }

        return page;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static string Text(DateTimeOffset instant) => EventLogs.Microseconds(instant).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) =>
        new(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
