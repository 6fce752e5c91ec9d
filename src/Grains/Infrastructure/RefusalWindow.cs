namespace Warranty.Grains.Infrastructure;

/// <summary>
/// Issue 5's abuse limit on one line: refused claim filings and ineligible quotes in a sliding window. Kept in
/// the line's activation only (not stored): it protects the service, it is not a business rule, and a new
/// activation simply starts counting again.
/// </summary>
public sealed class RefusalWindow(int limit, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _refusals = new();

    /// <summary>How long until one more attempt is allowed, or null when it is allowed now.</summary>
    public TimeSpan? RetryAfter(DateTimeOffset now)
    {
        Trim(now);
        return _refusals.Count >= limit ? _refusals.Peek() + window - now : null;
    }

    public void Record(DateTimeOffset now)
    {
        Trim(now);
        _refusals.Enqueue(now);
    }

    private void Trim(DateTimeOffset now)
    {
        while (_refusals.Count > 0 && _refusals.Peek() + window <= now)
        {
            _refusals.Dequeue();
        }
    }
}
