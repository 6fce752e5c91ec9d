using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warranty.Grains.Infrastructure;
using Warranty.Grains.Interfaces;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>
/// The real HTTP pipeline (Program) with its co-hosted silo on a fresh PostgreSQL database of the
/// test server, the rules' clock fixed at <see cref="Now"/>, and tokens signed with
/// <see cref="TestTokens.SigningKey"/>: <see cref="ClientFor"/> gives a client that acts as a role.
/// Subclasses run the same pipeline on the other storages (<see cref="MemoryApiFactory"/>, <see cref="SqliteApiFactory"/>)
/// or from another start of the clock.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The business "now" of every API test: 2026-06-15 12:00 in Japan.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.FromHours(9));

    private string _connectionString = "";

    public ApiFactory() : this(Now)
    {
    }

    protected ApiFactory(DateTimeOffset clockStart) => Clock = new FakeTimeProvider(clockStart);

    public FakeTimeProvider Clock { get; }

    /// <summary>The store's connection string (empty for memory storage).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The value of <c>Warranty:Storage</c>.</summary>
    protected virtual string Storage => "postgres";

    /// <summary>The storage's connection string: a fresh database of the test server (PostgreSQL), a fresh file (SQLite).</summary>
    protected virtual async Task<string> CreateStoreAsync() =>
        Storage switch
        {
            "postgres" => await PostgresServer.Shared.CreateDatabaseAsync("api"),
            "sqlite" => $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("warranty-api-").FullName, "warranty.db")}",
            _ => "",
        };

    /// <summary>Checks every response of this host against the served OpenAPI document (issue 11).</summary>
    public ContractValidator Contract { get; } = new();

    public async Task InitializeAsync()
    {
        _connectionString = await CreateStoreAsync();
        _ = Server; // start the host now, not in the first test
        using var client = CreateClient();
        Contract.Load(await client.GetStringAsync("/openapi/v1.json"));
    }

    public new async Task DisposeAsync()
    {
        // For the record: WARRANTY_CONTRACT_REPORT names a file that gets each host's count of checked responses and
        // every drift found.
        if (Environment.GetEnvironmentVariable("WARRANTY_CONTRACT_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllLinesAsync(file, [
                $"{GetType().Name}: {Contract.Validated} responses checked against the served OpenAPI document, {Contract.Failures.Count} drifted",
                .. Contract.Failures]);
        }

        await base.DisposeAsync();
    }

    /// <summary>A client that sends a token of <paramref name="role"/> (a subscriber's bound to <paramref name="lineId"/>).</summary>
    public HttpClient ClientFor(string role, string? lineId = null) => CreateClient().As(role, lineId);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var id = $"api-{Guid.NewGuid():N}";
        builder.UseSetting("Warranty:Storage", Storage);
        if (_connectionString.Length > 0)
        {
            builder.UseSetting("ConnectionStrings:Warranty", _connectionString);
        }

        builder.UseSetting("Warranty:ClusterId", id);
        builder.UseSetting("Warranty:ServiceId", id);
        builder.UseSetting("Warranty:SiloPort", TestData.FreePort().ToString());
        builder.UseSetting("Warranty:GatewayPort", TestData.FreePort().ToString());
        builder.UseSetting("Warranty:Auth:SigningKey", TestTokens.SigningKey);
        // Tests share one host and make many requests as the same test principals in a burst; RateLimitTests
        // checks the limits on a host of its own with low ones.
        foreach (var role in new[] { "Subscriber", "Operator", "Network", "Admin", "Anonymous" })
        {
            builder.UseSetting($"Warranty:RateLimits:{role}PerSecond", "100000");
        }

        builder.UseSetting("Warranty:Reception:GigaPhone", "0120-111-111");
        builder.UseSetting("Warranty:Reception:LegacyPhone", "0120-222-222");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(RulesClock.Key, Clock);
            services.AddSingleton<IStartupFilter>(new ContractValidationStartupFilter(Contract));
        });
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "API on PostgreSQL";
}

/// <summary>The API pipeline on memory storage.</summary>
public sealed class MemoryApiFactory : ApiFactory
{
    protected override string Storage => "memory";
}

[CollectionDefinition(Name)]
public sealed class MemoryApiCollection : ICollectionFixture<MemoryApiFactory>
{
    public const string Name = "API on memory storage";
}

/// <summary>The API pipeline on a fresh SQLite file.</summary>
public sealed class SqliteApiFactory : ApiFactory
{
    protected override string Storage => "sqlite";
}

[CollectionDefinition(Name)]
public sealed class SqliteApiCollection : ICollectionFixture<SqliteApiFactory>
{
    public const string Name = "API on SQLite";
}
