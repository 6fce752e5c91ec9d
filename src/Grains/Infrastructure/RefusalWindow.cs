using Warranty.Grains.Interfaces;

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

/// <summary>The abuse limit of one line (<see cref="AbuseLimitOptions"/>): the 429 it answers with once reached.</summary>
public sealed class RefusalLimit(AbuseLimitOptions options, TimeProvider time)
{
    private readonly RefusalWindow _window = new(options.RefusalsPerLine, options.RefusalWindow);

    /// <summary>429 <c>too_many_refusals</c> while the line's refusals fill the window, else null.</summary>
    public WarrantyError? Check(string lineId) =>
        _window.RetryAfter(time.GetUtcNow()) is { } wait
            ? WarrantyError.TooMany(
                ErrorCodes.TooManyRefusals,
                $"Too many refused claims and ineligible quotes on line '{lineId}' ({options.RefusalsPerLine} in {options.RefusalWindow}); try again later.",
                wait)
            : null;

    /// <summary>A refused filing or an ineligible quote, now.</summary>
    public void Record() => _window.Record(time.GetUtcNow());
}
