namespace Warranty.Grains.Infrastructure;

public static class PersistentStateExtensions
{
    /// <summary>
    /// Replaces the state and stores it. Nothing is acknowledged unless stored: if the write fails the
    /// previous state is put back, so memory never runs ahead of storage.
    /// </summary>
    public static async Task WriteAsync<T>(this IPersistentState<T> state, T next)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }
}
