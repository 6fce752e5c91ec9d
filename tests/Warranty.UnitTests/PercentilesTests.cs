using Warranty.Grains.ReadModel;

namespace Warranty.UnitTests;

/// <summary>The turnaround report's percentiles on SQLite, interpolated as PostgreSQL's percentile_cont.</summary>
public class PercentilesTests
{
    [Theory]
    [InlineData(0.5, 25)]
    [InlineData(0.9, 37)]
    [InlineData(0.0, 10)]
    [InlineData(1.0, 40)]
    public void Interpolates_between_the_nearest_ranks(double fraction, double expected) =>
        Assert.Equal(expected, Percentiles.Continuous([10, 20, 30, 40], fraction), 9);

    [Fact]
    public void One_value_is_every_percentile() => Assert.Equal(7, Percentiles.Continuous([7], 0.9));
}
