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
/// and appends such lines' entries from them, and the exchange stocks' movements likewise (CLM-9).
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
        var tac = TestData.NewTac();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model())).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 5 })).Status);
        await BillingComparison.CaughtUpAsync(admin);
        // The line deactivates, storing that its one entry is published; the stock's stored state still lists its movement.
        await factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // As if its silo had died after the line's write and before the append: the entry is not in the log, the stored
        // state counts it as unpublished, and the projection's lease belongs to a silo that stopped renewing it.
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                DELETE FROM warranty_events WHERE line_id = @line OR event_id = @stock;
                UPDATE orleans_grain_state SET modified_at = now() WHERE grain_type = 'stock' AND convert_from(payload, 'UTF8')::jsonb #>> '{unpublished,0,tac}' = @tac;
                UPDATE orleans_grain_state
                SET payload = convert_to(jsonb_set(convert_from(payload, 'UTF8')::jsonb, '{eventsPublished}', '0')::text, 'UTF8'), modified_at = now()
                WHERE grain_type = 'line' AND convert_from(payload, 'UTF8')::jsonb ->> 'lineId' = @line;
                UPDATE read_projection SET lease_owner = 'a-dead-silo', lease_until = now() - interval '1 second';
                """,
                connection);
            command.Parameters.AddWithValue("line", lineId);
            command.Parameters.AddWithValue("stock", $"stock:{tac}:0");
            command.Parameters.AddWithValue("tac", tac);
            await command.ExecuteNonQueryAsync();
        }

        // The projector takes the lease over and, 10 s after, sweeps: the entry is appended from the stored state.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await LoggedAsync($"{lineId}:0") || !await LoggedAsync($"stock:{tac}:0"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the entry of {lineId} ({await LoggedAsync($"{lineId}:0")}) or the stock movement of {tac} ({await LoggedAsync($"stock:{tac}:0")}) was not published again: {await StockRowAsync(tac)}");
            await Task.Delay(200);
        }

        var (_, projection) = await admin.GetJsonAsync("/v1/admin/projections");
        Assert.NotEqual("a-dead-silo", projection.Str("owner"));
    }

    private async Task<string> StockRowAsync(string tac)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(modified_at || ' ' || convert_from(payload, 'UTF8'), '; ') FROM orleans_grain_state WHERE grain_type = 'stock' AND convert_from(payload, 'UTF8')::jsonb #>> '{unpublished,0,tac}' = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tac });
        return (await command.ExecuteScalarAsync())?.ToString() ?? "none";
    }

    private async Task<bool> LoggedAsync(string eventId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM warranty_events WHERE event_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }
}
