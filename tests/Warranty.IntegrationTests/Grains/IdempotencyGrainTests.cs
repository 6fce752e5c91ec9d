using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Grains;

/// <summary>Idempotency records at the grain: replay, expiry after 24 hours, and a bounded number kept.</summary>
[Collection(GrainCollection.Name)]
public sealed class IdempotencyGrainTests(GrainClusterFixture fixture)
{
    private static EventContext Context() => new(GrainClusterFixture.Clock.GetUtcNow(), "test");

    private static async Task<T> WithKeyAsync<T>(string key, string fingerprint, Func<Task<T>> call)
    {
        IdempotencyContext.Set(key, fingerprint);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    [Fact]
    public async Task A_key_expires_after_24_hours_and_may_then_be_used_again()
    {
        var line = fixture.Client.GetGrain<ILineGrain>(TestData.NewLineId("I"));
        var command = new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 6, 10), true);
        await WithKeyAsync("k1", "f1", () => line.CreateAsync(command, Context()));

        try
        {
            GrainClusterFixture.Clock.Advance(TimeSpan.FromHours(23));
            var replay = await WithKeyAsync("k1", "f2", () => line.ChangePlanAsync(Plan.Legacy, Context()));
            Assert.Equal(ErrorCodes.IdempotencyKeyReused, replay.Error?.Code);

            GrainClusterFixture.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            var afterExpiry = await WithKeyAsync("k1", "f2", () => line.ChangePlanAsync(Plan.Legacy, Context()));
            Assert.True(afterExpiry.IsSuccess);
            Assert.Equal(Plan.Legacy, afterExpiry.Value!.Plan);
        }
        finally
        {
            GrainClusterFixture.Clock.Set(GrainClusterFixture.Now);
        }
    }

    [Fact]
    public async Task A_line_remembers_a_bounded_number_of_keys()
    {
        var line = fixture.Client.GetGrain<ILineGrain>(TestData.NewLineId("I"));
        await line.CreateAsync(new CreateLineCommand(Plan.Giga, SimType.Esim, new DateOnly(2026, 6, 10), true), Context());

        for (var i = 0; i < Idempotency.MaxRecords + 10; i++)
        {
            var plan = i % 2 == 0 ? Plan.Legacy : Plan.Giga;
            var result = await WithKeyAsync($"key-{i}", $"fp-{i}", () => line.ChangePlanAsync(plan, Context()));
            Assert.True(result.IsSuccess);
        }

        // The newest keys replay; the oldest were dropped and would run again.
        var newest = await WithKeyAsync($"key-{Idempotency.MaxRecords + 9}", "other", () => line.ChangePlanAsync(Plan.Giga, Context()));
        var oldest = await WithKeyAsync("key-0", "other", () => line.ChangePlanAsync(Plan.Giga, Context()));
        Assert.Equal(ErrorCodes.IdempotencyKeyReused, newest.Error?.Code);
        Assert.True(oldest.IsSuccess);
    }
}
