namespace Warranty.Grains.ReadModel;

public static class Percentiles
{
    /// <summary>
    /// The <paramref name="fraction"/> percentile of <paramref name="sorted"/> (ascending, not empty), interpolated
    /// linearly between the two nearest ranks: what PostgreSQL's <c>percentile_cont</c> answers.
    /// </summary>
    public static double Continuous(IReadOnlyList<double> sorted, double fraction)
    {
        var rank = fraction * (sorted.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }
}
