using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Billing;

/// <summary>The API on a PostgreSQL database of its own, whose stored state this test rewrites.</summary>
public sealed class SweepApiFactory : ApiFactory
{
}

/// <summary>
/// Issue 14: a silo that dies between a line's write and its log append leaves entries no one would publish if the line
/// never activated again. The silo that takes the projection's lease over from the dead one sweeps the stored states
/// and appends such lines' entries from them.
/// </summary>
public sealed class PublicationSweepTests(SweepApiFactory factory) : IClassFixture<SweepApiFactory>
{
    [Fact]
    public async Task A_line_left_unpublished_by_a_dead_silo_is_published_when_the_lease_is_taken_over()
    {
        var admin = factory.ClientFor("admin");
        var lineId = TestData.NewLineId("S");
        var (status, body) = await factory.ClientFor("operator").PostJsonAsync("/v1/lines", new { lineId, plan = "giga", simType = "esim", serviceStartDate = "2026-06-10", warrantyOption = true });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        await BillingComparison.CaughtUpAsync(admin);
        // The line deactivates, storing that its one entry is published.
        await factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // As if its silo had died after the line's write and before the append: the entry is not in the log, the stored
        // state counts it as unpublished, and the projection's lease belongs to a silo that stopped renewing it.
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                DELETE FROM warranty_events WHERE line_id = @line;
                UPDATE orleans_grain_state
                SET payload = convert_to(jsonb_set(convert_from(payload, 'UTF8')::jsonb, '{eventsPublished}', '0')::text, 'UTF8'), modified_at = now()
                WHERE grain_type = 'line' AND convert_from(payload, 'UTF8')::jsonb ->> 'lineId' = @line;
                UPDATE read_projection SET lease_owner = 'a-dead-silo', lease_until = now() - interval '1 second';
                """,
                connection);
            command.Parameters.AddWithValue("line", lineId);
            await command.ExecuteNonQueryAsync();
        }

        // The projector takes the lease over and, 10 s after, sweeps: the entry is appended from the stored state.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await LoggedAsync(lineId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the entry of {lineId} was not published again");
            await Task.Delay(200);
        }

        var (_, projection) = await admin.GetJsonAsync("/v1/admin/projections");
        Assert.NotEqual("a-dead-silo", projection.Str("owner"));
    }

    private async Task<bool> LoggedAsync(string lineId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM warranty_events WHERE event_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = $"{lineId}:0" });
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }
}
