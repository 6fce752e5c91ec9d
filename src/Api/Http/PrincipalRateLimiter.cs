using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Warranty.Api.Http;

/// <summary>
/// A token bucket per principal (<see cref="RateLimits.PrincipalOf"/>), refilled lazily from the time elapsed since
/// its last request: the fast path is a dictionary lookup and a short lock, with no timer per bucket and no
/// allocation. (The framework's partitioned token buckets replenish every partition on a 100 ms timer, which with
/// tens of thousands of subscriber tokens costs more than the requests.) Health checks are exempt.
/// </summary>
/// <remarks>
/// A bucket holds up to <c>rate × BurstSeconds</c> tokens and starts full. Buckets idle long enough to be full again
/// are dropped every <see cref="SweepPeriod"/>: dropping one changes nothing, since it would start full.
/// </remarks>
internal sealed class PrincipalRateLimiter : PartitionedRateLimiter<HttpContext>
{
    public static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(30);

    private static readonly RateLimitLease Granted = new Lease(true, null);

    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly ITimer _sweeper;

    public PrincipalRateLimiter(RateLimitOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _sweeper = time.CreateTimer(static state => ((PrincipalRateLimiter)state!).Sweep(), this, SweepPeriod, SweepPeriod);
    }

    /// <summary>Buckets held now (for tests).</summary>
    public int Count => _buckets.Count;

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens = tokens;
        public long Stamp = stamp;
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (resource.Request.Path.StartsWithSegments("/health"))
        {
            return Granted;
        }

        var (key, role) = RateLimits.PrincipalOf(resource);
        double rate = _options.PerSecond(role);
        var limit = rate * _options.BurstSeconds;
        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.limit, state.now), (limit, now));
        lock (bucket)
        {
            var elapsed = _time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(limit, bucket.Tokens + (elapsed > 0 ? elapsed * rate : 0));
            bucket.Stamp = Math.Max(bucket.Stamp, now);
            if (bucket.Tokens >= permitCount)
            {
                bucket.Tokens -= permitCount;
                return Granted;
            }

            return new Lease(false, TimeSpan.FromSeconds((permitCount - bucket.Tokens) / rate));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        var idle = TimeSpan.FromSeconds(_options.BurstSeconds);
        foreach (var (key, bucket) in _buckets)
        {
            bool full;
            lock (bucket)
            {
                full = _time.GetElapsedTime(bucket.Stamp, now) >= idle;
            }

            if (full)
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sweeper.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
