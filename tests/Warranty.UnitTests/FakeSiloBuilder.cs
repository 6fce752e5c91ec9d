using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Warranty.UnitTests;

/// <summary>A silo builder whose configuration holds <paramref name="settings"/>, registered as the container's too (as a host does).</summary>
internal sealed class FakeSiloBuilder : ISiloBuilder
{
    public FakeSiloBuilder(params (string Key, string Value)[] settings)
    {
        Configuration = TestConfiguration.Of(settings);
        Services.AddSingleton(Configuration);
    }

    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; }
}

internal static class TestConfiguration
{
    public static IConfiguration Of(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
}
