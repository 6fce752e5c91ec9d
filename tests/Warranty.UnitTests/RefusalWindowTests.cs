using Warranty.Grains.Infrastructure;

namespace Warranty.UnitTests;

public sealed class RefusalWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 12, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void Attempts_are_allowed_until_the_limit_of_refusals_in_the_window()
    {
        var window = new RefusalWindow(3, TimeSpan.FromMinutes(10));

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(window.RetryAfter(T0.AddMinutes(i)));
            window.Record(T0.AddMinutes(i));
        }

        Assert.Equal(TimeSpan.FromMinutes(8), window.RetryAfter(T0.AddMinutes(2)));
    }

    [Fact]
    public void The_oldest_refusal_leaving_the_window_allows_one_more_attempt()
    {
        var window = new RefusalWindow(2, TimeSpan.FromMinutes(10));
        window.Record(T0);
        window.Record(T0.AddMinutes(5));

        Assert.NotNull(window.RetryAfter(T0.AddMinutes(9)));
        Assert.Null(window.RetryAfter(T0.AddMinutes(10)));
        window.Record(T0.AddMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(5), window.RetryAfter(T0.AddMinutes(10)));
    }
}
