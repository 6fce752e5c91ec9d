using Microsoft.Extensions.Logging.Abstractions;
using Warranty.Grains.Events;
using Warranty.Grains.Storage;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Storage;

/// <summary>
/// The event log (issue 14) in each store: appending is idempotent by event id, so a redelivery records nothing twice,
/// and the log reads back in the order it was recorded, with every value as written.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EventLogTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 10, 30, 15, TimeSpan.FromHours(9));

    private static LogEvent Event(int n, string type = "claim_filed") =>
        new($"line-1:{n}", "line-1", type, At.AddMinutes(n), At.AddMinutes(n).AddMilliseconds(123.4567), $$"""{"claimId":"C{{n:0000}}","n":{{n}}}""");

    [Fact]
    public async Task Memory_a_redelivered_event_is_recorded_once_and_the_log_reads_in_order() =>
        await RecordsOnceInOrderAsync(new MemoryEventLog());

    [Fact]
    public async Task Memory_the_log_keeps_only_its_last_events_and_still_ignores_a_kept_ones_redelivery()
    {
        var log = new MemoryEventLog(capacity: 3);

        await log.AppendAsync([Event(1), Event(2), Event(3), Event(4), Event(5)]);
        await log.AppendAsync([Event(5, "changed_on_redelivery")]);

        var read = await log.ReadAsync(0, 10);
        Assert.Equal([3L, 4L, 5L], read.Select(e => e.Sequence));
        Assert.Equal(["line-1:3", "line-1:4", "line-1:5"], read.Select(e => e.Event.Id));
        Assert.Equal("claim_filed", read[^1].Event.Type);
        Assert.Equal([5L], (await log.ReadAsync(4, 10)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Sqlite_a_redelivered_event_is_recorded_once_and_the_log_reads_in_order()
    {
        using var file = new TempSqliteFile();
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
        await SchemaInstaller.EnsureAsync(StorageKind.Sqlite, file.ConnectionString, NullLogger.Instance, CancellationToken.None);

        await RecordsOnceInOrderAsync(new SqliteEventLog(file.ConnectionString));
    }

    [Fact]
    public async Task Postgres_a_redelivered_event_is_recorded_once_and_the_log_reads_in_order()
    {
        var connectionString = await postgres.CreateDatabaseAsync("event_log");
        await SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, NullLogger.Instance, CancellationToken.None);

        await RecordsOnceInOrderAsync(new PostgresEventLog(connectionString));
    }

    [Fact]
    public async Task Postgres_concurrent_deliveries_of_the_same_events_record_each_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync("event_log_race");
        await SchemaInstaller.EnsureAsync(StorageKind.Postgres, connectionString, NullLogger.Instance, CancellationToken.None);
        var log = new PostgresEventLog(connectionString);
        var batch = Enumerable.Range(1, 50).Select(n => Event(n)).ToList();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => log.AppendAsync(batch)));

        var read = await log.ReadAsync(0, 1_000);
        Assert.Equal(batch.Select(e => e.Id).Order(StringComparer.Ordinal), read.Select(e => e.Event.Id).Order(StringComparer.Ordinal));
    }

    private static async Task RecordsOnceInOrderAsync(IEventLog log)
    {
        await log.AppendAsync([Event(1), Event(2)]);
        await log.AppendAsync([Event(2, "changed_on_redelivery"), Event(3)]);
        await log.AppendAsync([]);

        var all = await log.ReadAsync(0, 100);

        Assert.Equal(["line-1:1", "line-1:2", "line-1:3"], all.Select(e => e.Event.Id));
        Assert.True(all[0].Sequence < all[1].Sequence && all[1].Sequence < all[2].Sequence);
        // A redelivery leaves the recorded event as it was.
        Assert.Equal("claim_filed", all[1].Event.Type);
        var first = all[0].Event;
        // Times come back in UTC, to the microsecond, in every store.
        Assert.Equal((At.AddMinutes(1), EventLogs.Microseconds(At.AddMinutes(1).AddMilliseconds(123.4567))), (first.At, first.RecordedAt));
        Assert.Equal((TimeSpan.Zero, 4_560L), (first.RecordedAt.Offset, first.RecordedAt.Ticks % 10_000));
        Assert.Equal(("line-1", "C0001"), (first.LineId, System.Text.Json.JsonDocument.Parse(first.Data).RootElement.GetProperty("claimId").GetString()));

        var after = await log.ReadAsync(all[0].Sequence, 1);
        Assert.Equal(["line-1:2"], after.Select(e => e.Event.Id));
        Assert.Empty(await log.ReadAsync(all[2].Sequence, 100));
    }
}
