namespace Warranty.LoadTest.Load;

/// <summary>Chooses the subscriber (0 … count − 1) of the next request from a uniform draw in [0, 1).</summary>
public interface ISubscriberSampler
{
    int Count { get; }

    int Sample(double u);
}

public sealed class UniformSampler(int count) : ISubscriberSampler
{
    public int Count { get; } = count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    public int Sample(double u) => Math.Min(Count - 1, (int)(u * Count));
}

/// <summary>
/// Every subscriber once, in a random order, before any is chosen again: the cold-lookup benchmark's
/// choice, so that each lookup of the first pass finds its grains not yet activated. Ignores the draw.
/// </summary>
public sealed class OnceEachSampler : ISubscriberSampler
{
    private readonly int[] _order;
    private long _next = -1;

    public OnceEachSampler(int count, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(_order);
    }

    public int Count => _order.Length;

    public int Sample(double u) => _order[(int)(Interlocked.Increment(ref _next) % _order.Length)];
}

/// <summary>
/// Zipf's law over ranks 1 … count: P(rank k) ∝ 1 / k^s. The CDF is computed once; a draw is a binary search.
/// Rank k is subscriber k − 1, so the first-seeded subscribers are the hottest.
/// </summary>
public sealed class ZipfSampler : ISubscriberSampler
{
    public const double DefaultExponent = 1.1;

    private readonly double[] _cdf;

    public ZipfSampler(int count, double exponent = DefaultExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!(exponent > 0) || !double.IsFinite(exponent))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), "The exponent must be above 0.");
        }

        Exponent = exponent;
        _cdf = new double[count];
        var sum = 0.0;
        for (var k = 0; k < count; k++)
        {
            sum += 1.0 / Math.Pow(k + 1, exponent);
            _cdf[k] = sum;
        }

        for (var k = 0; k < count; k++)
        {
            _cdf[k] /= sum;
        }

        _cdf[^1] = 1.0;
    }

    public int Count => _cdf.Length;

    public double Exponent { get; }

    /// <summary>The probability of subscriber <paramref name="index"/>.</summary>
    public double Probability(int index) => index == 0 ? _cdf[0] : _cdf[index] - _cdf[index - 1];

    public int Sample(double u)
    {
        // The first index whose cumulative probability exceeds u.
        var lo = 0;
        var hi = _cdf.Length - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_cdf[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
