using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Lines;

[GrainType("line-archive")]
public sealed class LineArchiveGrain(
    [PersistentState("line-archive", "warranty")] IPersistentState<LineArchiveState> state) : Grain, ILineArchiveGrain
{
    public async Task AppendAsync(IReadOnlyList<ClaimView> claims, int historyStart, IReadOnlyList<HistoryEntry> history)
    {
        var known = state.State.History.Count;
        var newHistory = history.Skip(Math.Max(0, known - historyStart)).ToList();
        if (historyStart > known)
        {
            throw new InvalidOperationException($"History entries {known}..{historyStart - 1} of line {this.GetPrimaryKeyString()} were never archived.");
        }

        var ids = claims.Select(c => c.ClaimId).ToHashSet();
        var merged = state.State.Claims.Where(c => !ids.Contains(c.ClaimId)).Concat(claims).OrderBy(c => c.ClaimId, StringComparer.Ordinal).ToList();
        if (newHistory.Count == 0 && merged.SequenceEqual(state.State.Claims))
        {
            return;
        }

        state.State = new LineArchiveState { Claims = merged, History = [.. state.State.History, .. newHistory] };
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ClaimView>> GetClaimsAsync() => Task.FromResult(state.State.Claims);

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync() => Task.FromResult(state.State.History);
}

public sealed record LineArchiveState
{
    public IReadOnlyList<ClaimView> Claims { get; init; } = [];
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
}
