using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Warranty.Grains.Events;

/// <summary>
/// Appends the grains' events to the log in batches: a write takes every event published in the
/// <see cref="Linger"/> after its first one (up to <see cref="MaxBatch"/>), so a busy silo makes a few log writes (and
/// commits) per second instead of one per change. Requests do not wait for it (see <c>LineProtocol.CommitAsync</c>), so
/// the linger costs only that much delay before the events are in the log. A caller's task completes once its events
/// are in the log (or fails with the write), so a grain counts them as published only then.
/// </summary>
public sealed class EventPublisher : IAsyncDisposable
{
    /// <summary>At most this many events in one write.</summary>
    public const int MaxBatch = 1000;

    /// <summary>How long a write waits for more events after its first.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(20);

    /// <summary>Writes under way at once: one fills while another is in flight.</summary>
    private const int Writers = 2;

    private readonly IEventLog _log;
    private readonly ILogger<EventPublisher> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Lazy<Task[]> _writers;

    public EventPublisher(IEventLog log, ILogger<EventPublisher> logger)
    {
        _log = log;
        _logger = logger;
        // Started on the thread pool on first use, never on the scheduler of the grain that first publishes, and without
        // its execution context: the writers outlive that request, and its trace must not collect every later write.
        _writers = new Lazy<Task[]>(StartWriters);
    }

    private Task[] StartWriters()
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteAsync)).ToArray();
        }
    }

    /// <summary>Completes when <paramref name="events"/> are in the log; fails if the write that carried them failed.</summary>
    public Task PublishAsync(IReadOnlyList<LogEvent> events)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        _ = _writers.Value;
        var pending = new Pending(events, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException(new ObjectDisposedException(nameof(EventPublisher)));
        }

        return pending.Done.Task;
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var count = 0;
            var until = DateTime.UtcNow + Linger;
            while (count < MaxBatch)
            {
                if (_queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    count += pending.Events.Count;
                    continue;
                }

                var left = until - DateTime.UtcNow;
                if (batch.Count == 0 || left <= TimeSpan.Zero)
                {
                    break;
                }

                await Task.Delay(left < TimeSpan.FromMilliseconds(2) ? TimeSpan.FromMilliseconds(2) : left);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var events = batch.SelectMany(p => p.Events).DistinctBy(e => e.Id, StringComparer.Ordinal).ToList();
                await _log.AppendAsync(events);
                batch.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Event log: a write of {Count} events failed; their grains keep them and publish them again", count);
                batch.ForEach(p => p.Done.TrySetException(ex));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writers.IsValueCreated)
        {
            await Task.WhenAll(_writers.Value);
        }
    }

    private sealed record Pending(IReadOnlyList<LogEvent> Events, TaskCompletionSource Done);
}
