using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warranty.Grains.Interfaces;

namespace Warranty.Grains.ReadModel;

/// <summary>
/// Refused requests counted by Japan day, operation and rule, in this process. A refusal changes no line, so it is no
/// event: the lines count it here, and <see cref="RefusalCountWriter"/> adds the counts to <c>refusal_counts</c> every
/// few seconds. What a process counted since its last write is lost if it crashes (a graceful stop writes it).
/// </summary>
public sealed class RefusalCounts
{
    private readonly Lock _lock = new();
    private Dictionary<(DateOnly Day, RefusedOperation Operation, string Rule), long> _counts = [];

    /// <summary>One refusal of <paramref name="operation"/> on <paramref name="day"/>, once for each rule it names.</summary>
    public void Count(RefusedOperation operation, IEnumerable<string> rules, DateOnly day)
    {
        lock (_lock)
        {
            foreach (var rule in rules)
            {
                _counts[(day, operation, rule)] = _counts.GetValueOrDefault((day, operation, rule)) + 1;
            }
        }
    }

    /// <summary>Takes the counts made so far; counting goes on from zero.</summary>
    public IReadOnlyList<RefusalCount> Take()
    {
        Dictionary<(DateOnly Day, RefusedOperation Operation, string Rule), long> taken;
        lock (_lock)
        {
            (taken, _counts) = (_counts, []);
        }

        return taken.Select(c => new RefusalCount(c.Key.Day, c.Key.Operation, c.Key.Rule, c.Value)).ToList();
    }

    /// <summary>Puts back counts that could not be written, to be written with the next ones.</summary>
    public void Return(IEnumerable<RefusalCount> counts)
    {
        lock (_lock)
        {
            foreach (var c in counts)
            {
                _counts[(c.Day, c.Operation, c.Rule)] = _counts.GetValueOrDefault((c.Day, c.Operation, c.Rule)) + c.Refusals;
            }
        }
    }
}

/// <summary>Adds this process's refusal counts to the read side's store every <see cref="ReadModelSettings.RefusalFlushInterval"/>, and on stop.</summary>
public sealed class RefusalCountWriter(
    RefusalCounts counts,
    ReadModelStore store,
    IOptions<ReadModelSettings> settings,
    ILogger<RefusalCountWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.Value.RefusalFlushInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await WriteAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteAsync(cancellationToken);
    }

    /// <summary>Writes the counts made since the last write; on failure they are kept for the next.</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var taken = counts.Take();
        if (taken.Count == 0)
        {
            return;
        }

        try
        {
            await store.AddRefusalsAsync(taken, cancellationToken);
        }
        catch (Exception ex)
        {
            counts.Return(taken);
            logger.LogWarning(ex, "Refusal counts not written ({Count} rows); retrying with the next", taken.Count);
        }
    }
}
