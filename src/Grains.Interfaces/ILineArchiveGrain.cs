using Orleans.Concurrency;

namespace Warranty.Grains.Interfaces;

/// <summary>
/// The cold part of a line (key: line id): finished claims of past contract years and old history,
/// moved out of the line's hot state so it stays small however old the line is; read on demand.
/// </summary>
[Alias("warranty.line-archive")]
public interface ILineArchiveGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores <paramref name="claims"/> (by id: a repeat replaces) and the history entries numbered from
    /// <paramref name="historyStart"/> (entries already stored are skipped), so a retry stores nothing twice.
    /// </summary>
    [Alias("append")]
    Task AppendAsync(IReadOnlyList<ClaimView> claims, int historyStart, IReadOnlyList<HistoryEntry> history);

    [Alias("claims")]
    [ReadOnly]
    Task<IReadOnlyList<ClaimView>> GetClaimsAsync();

    [Alias("history")]
    [ReadOnly]
    Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync();
}

/// <summary>How big a line's hot state is: for tests and operations.</summary>
[GenerateSerializer, Immutable, Alias("warranty.line-stats")]
public sealed record LineStats(
    [property: Id(0)] int HotClaims,
    [property: Id(1)] int HotHistory,
    [property: Id(2)] int IdempotencyRecords,
    [property: Id(3)] int UsageRuns,
    [property: Id(4)] int ArchivedHistory);
